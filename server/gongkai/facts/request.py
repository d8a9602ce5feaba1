"""Answering a request for disclosure (依申请公开的答复)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.derive import derivation
from gongkai.facts.base import ActionFacts, Choice, fact
from gongkai.facts.publication import Exemption


class InformationStatus(Choice):
    """What the requested information turned out to be (第九条 (一)–(七))."""

    already_proactive = "already_proactive", "属于已主动公开的"
    proactive_not_yet = "proactive_not_yet", "属于主动公开范围但尚未主动公开的"
    on_request = "on_request", "属于依申请公开范围的"
    exempt = "exempt", "属于不予公开范围的"
    not_held = "not_held", "不属于本机关掌握的政务信息"
    nonexistent = "nonexistent", "申请公开的政务信息不存在的"
    unclear = "unclear", "申请公开的内容不明确的"


class AnswerType(Choice):
    told_where_to_get = "told_where_to_get", "告知获得该政务信息的方式和途径"
    provided = "provided", "提供所需政务信息"
    refused = "refused", "告知不予公开"
    told_not_held = "told_not_held", "告知不属于本机关掌握"
    told_nonexistent = "told_nonexistent", "告知信息不存在"
    asked_to_correct = "asked_to_correct", "告知更改、补充申请"


class RequestElement(Choice):
    applicant_name = "applicant_name", "申请人的姓名或者名称"
    identity_proof = "identity_proof", "身份证明"
    address = "address", "地址"
    contact = "contact", "联系方式"
    description = "description", "所需政务信息内容的描述"


class SuspensionGround(Choice):
    force_majeure = "force_majeure", "不可抗力"
    other_legal_ground = "other_legal_ground", "其他法定事由"
    other = "other", "其他(非法定)事由"


class AnswerRequest(ActionFacts):
    """A request for government information and the answer given (or still pending)."""

    kind: ClassVar[str] = "answer_request"
    term: ClassVar[str] = "答复政府信息公开申请"
    date_fact: ClassVar[str | None] = "answered_on"

    applicant_name: str | None = fact("申请人姓名或者名称", personal=True)
    applicant_identity: str | None = fact("申请人身份证明", personal=True)
    applicant_address: str | None = fact("申请人地址", personal=True)
    applicant_contact: str | None = fact("申请人联系方式", personal=True)
    request_elements: list[RequestElement] | None = fact("申请已包括的内容")
    received_on: dt.date | None = fact("收到申请之日")
    registered: bool | None = fact("已及时登记")
    information_status: InformationStatus | None = fact("所申请信息的情形")
    answer_type: AnswerType | None = fact("答复方式", "尚未答复则不填")
    answered_on: dt.date | None = fact("答复或者提供信息之日", "尚未答复则不填")
    answerable_on_the_spot: bool | None = fact("可以当场答复或者提供")
    answered_on_the_spot: bool | None = fact("已当场答复或者提供")
    holder_determinable: bool | None = fact("能够确定该信息的拥有机关")
    holder_named: bool | None = fact("已告知拥有机关的名称或者联系方式")
    exemptions: list[Exemption] | None = fact("不予公开情形", "拒绝公开所依据的情形")
    third_party_consent: bool | None = fact("有关单位和个人同意公开")
    extended: bool | None = fact("延长了答复期限")
    extension_reason_given: bool | None = fact("延长有正当理由")
    extension_approved_by_head: bool | None = fact("经负责政务信息公开的单位负责人同意")
    extension_notified_in_writing: bool | None = fact("已书面告知申请人延长")
    extension_working_days: int | None = fact("延长的工作日数")
    suspended_on: dt.date | None = fact("期限中止之日")
    resumed_on: dt.date | None = fact("障碍消除、期限恢复计算之日", "仍中止则不填")
    suspension_ground: SuspensionGround | None = fact("中止事由")
    suspension_notified_in_writing: bool | None = fact("已书面通知申请人中止")
    resumption_notified_in_writing: bool | None = fact("已书面通知申请人恢复")


@derivation(
    "approved_extension_working_days",
    "经同意延长的工作日数",
    ("answer_request",),
    ("extended", "extension_approved_by_head", "extension_working_days"),
    int,
    partial=True,
)
def _approved_extension(extended: bool | None, approved: bool | None, days: int | None) -> int | None:
    """An extension moves the deadline only when granted by the responsible head."""
    if extended is False or approved is False:
        return 0
    return days if extended and approved and days is not None else None


@derivation("request_elements_missing", "申请缺少的内容项数", ("answer_request",), ("request_elements",), int)
def _missing_elements(elements: list[RequestElement]) -> int:
    return len(set(RequestElement) - set(elements))


@derivation("suspended", "期限已中止", ("answer_request",), ("suspended_on",), bool, partial=True)
def _suspended(suspended_on: dt.date | None) -> bool:
    """A suspension date that is absent means the period was never suspended."""
    return suspended_on is not None


@derivation("resumed", "期限已恢复计算", ("answer_request",), ("resumed_on",), bool, partial=True)
def _resumed(resumed_on: dt.date | None) -> bool:
    return resumed_on is not None


@derivation("answered", "已答复", ("answer_request",), ("answered_on",), bool, partial=True)
def _answered(answered_on: dt.date | None) -> bool:
    """An answer date that is absent means the request is still pending."""
    return answered_on is not None


LAWFUL_SUSPENSION = {SuspensionGround.force_majeure, SuspensionGround.other_legal_ground}


@derivation(
    "lawful_suspended_on",
    "依法中止之日",
    ("answer_request",),
    ("suspended_on", "suspension_ground"),
    dt.date,
)
def _lawful_suspension(suspended_on: dt.date, ground: SuspensionGround) -> dt.date | None:
    """Only 不可抗力 or 其他法定事由 stop the clock; any other suspension does not count."""
    return suspended_on if ground in LAWFUL_SUSPENSION else None
