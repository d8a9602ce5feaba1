"""Answering a request for disclosure (依申请公开的答复)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, Day, fact
from gongkai.facts.exemptions import Exemption
from gongkai.facts.fees import FeeFacts
from gongkai.facts.national import NationalRequestFacts
from gongkai.facts.regulation_2008 import Regulation2008RequestFacts
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class InformationStatus(Choice):
    """What the requested information turned out to be: QL 第九条 (一)–(七), and the cases of
    条例第三十六条 that QL does not name (the last three)."""

    already_proactive = "already_proactive", "属于已主动公开的"
    proactive_not_yet = "proactive_not_yet", "属于主动公开范围但尚未主动公开的"
    on_request = "on_request", "属于依申请公开范围的"
    exempt = "exempt", "属于不予公开范围的"
    not_held = "not_held", "不属于本机关掌握的政务信息"
    nonexistent = "nonexistent", "申请公开的政务信息不存在的"
    unclear = "unclear", "申请公开的内容不明确的"
    not_responsible = "not_responsible", "不属于本行政机关负责公开的(条例第三十六条第五项)"
    repeated = "repeated", "已就申请作出答复、申请人重复申请公开相同政府信息的"
    special_procedure = "special_procedure", "属于工商、不动产登记资料等,有关法律、行政法规对获取有特别规定的"


class AnswerType(Choice):
    told_where_to_get = "told_where_to_get", "告知获得该政务信息的方式和途径"
    provided = "provided", "提供所需政务信息"
    refused = "refused", "告知不予公开"
    told_not_held = "told_not_held", "告知不属于本机关掌握"
    told_nonexistent = "told_nonexistent", "告知信息不存在"
    asked_to_correct = "asked_to_correct", "告知更改、补充申请"
    # 条例第三十六条
    told_how_where_when = "told_how_where_when", "告知获取该政府信息的方式、途径和时间"
    told_not_responsible = "told_not_responsible", "告知不属于本机关负责公开"
    told_not_reprocessed = "told_not_reprocessed", "告知不予重复处理"
    told_special_procedure = "told_special_procedure", "告知依照有关法律、行政法规的规定办理"


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


class AnswerRequest(NationalRequestFacts, Regulation2008RequestFacts, FeeFacts, ActionFacts):
    """A request for government information and the answer given (or still pending)."""

    kind: ClassVar[str] = "answer_request"
    term: ClassVar[str] = "答复政府信息公开申请"
    date_fact: ClassVar[str | None] = "answered_on"

    applicant_name: str | None = fact("申请人姓名或者名称", personal=True)
    applicant_identity: str | None = fact("申请人身份证明", personal=True)
    applicant_address: str | None = fact("申请人地址", personal=True)
    applicant_contact: str | None = fact("申请人联系方式", personal=True)
    request_elements: list[RequestElement] | None = fact("申请已包括的内容")
    # No order with the submission dates of 条例第三十一条: a receipt date recorded before the
    # letter was signed for is a wrong record the 条例's rules judge (CN-31-2), not a refusal.
    received_on: Day | None = fact("收到申请之日")
    registered: bool | None = fact("已及时登记")
    information_status: InformationStatus | None = fact("所申请信息的情形")
    answer_type: AnswerType | None = fact("答复方式", "尚未答复则不填")
    answered_on: dt.date | None = fact("答复或者提供信息之日", "尚未答复则不填", not_before=("received_on",))
    answerable_on_the_spot: bool | None = fact("可以当场答复或者提供")
    answered_on_the_spot: bool | None = fact("已当场答复或者提供")
    holder_determinable: bool | None = fact("能够确定该信息的拥有机关")
    holder_named: bool | None = fact("已告知拥有机关的名称或者联系方式")
    holder_name_and_contact_given: bool | None = fact(
        "已告知负责公开该信息的行政机关的名称和联系方式", "条例第三十六条第五项要求名称、联系方式都告知"
    )
    reasons_given: bool | None = fact("答复已说明理由", "不予公开、不属于本机关负责公开的答复应当说明理由")
    exemptions: list[Exemption] | None = fact("不予公开情形", "拒绝公开所依据的情形")
    third_party_consent: bool | None = fact("有关单位和个人同意公开")
    public_interest_override: bool | None = fact(
        "行政机关认为不公开会对公共利益造成重大影响", "条例第十五条:商业秘密、个人隐私等信息的例外"
    )
    disclosure_required_by_rules: bool | None = fact(
        "法律、法规、规章规定该信息应当公开", "条例第十六条第二款:过程性信息、行政执法案卷信息的例外"
    )
    extended: bool | None = fact("延长了答复期限")
    extension_reason_given: bool | None = fact("延长有正当理由")
    extension_approved_by_head: bool | None = fact("经负责政务信息公开的单位负责人同意")
    extension_notified_in_writing: bool | None = fact("已书面告知申请人延长")
    extension_notified: bool | None = fact("已告知申请人延长答复期限", "条例第三十三条第二款:书面或者其他方式")
    extension_working_days: int | None = fact(
        "延长的工作日数",
        "至多 3650 个工作日:再长的延期不是真实的申请,且会让期限越出日历(一个超出法定上限的延期仍会被判为违反)",
        ge=0,
        le=3650,
    )
    # the period runs from receipt: it cannot be suspended before, nor resumed before it stopped
    suspended_on: dt.date | None = fact("期限中止之日", not_before=("received_on",))
    resumed_on: dt.date | None = fact("障碍消除、期限恢复计算之日", "仍中止则不填", not_before=("suspended_on",))
    suspension_ground: SuspensionGround | None = fact("中止事由")
    suspension_notified_in_writing: bool | None = fact("已书面通知申请人中止")
    resumption_notified_in_writing: bool | None = fact("已书面通知申请人恢复")
    # 条例第三十条: an unclear request, the notice to correct it and the corrected request
    correction_notified_on: dt.date | None = fact(
        "告知申请人作出补正之日",
        "未告知则不填;答复方式为告知更改、补充申请的,答复之日即是",
        not_before=("received_on",),
    )
    correction_items_stated: bool | None = fact("告知补正时已说明需要补正的事项和合理的补正期限")
    correction_renotified_on: dt.date | None = fact(
        "再次告知申请人补正之日", "一次性告知后又要求补正的;没有则不填", not_before=("correction_notified_on",)
    )
    corrected_received_on: Day | None = fact(
        "收到补正的申请之日", "尚未收到则不填", not_before=("correction_notified_on",)
    )
    renotice_added_items: bool | None = fact(
        "再次要求补正时提出了首次告知未列明的事项", "再次告知补正的才填;只是申请人补正后所列事项仍不明确的,填否"
    )
    corrected_request_refused_on: Day | None = fact("拒收申请人按告知提交的补正申请之日", "没有拒收则不填")
    # 条例第三十六条第六项: an earlier answer to the same applicant for the same information
    earlier_answer_on: dt.date | None = fact(
        "此前已就该申请人申请公开的相同政府信息作出答复之日", "没有作出过答复则不填"
    )
    circumstances_may_have_changed: bool | None = fact(
        "前次答复的事实根据可能已经发生变化",
        "如国家秘密已经解密、行政管理过程已经完成、信息尚未制作的原因已经消除(条例第十八条)",
    )
    # 条例第三十二条、第三十四条 with 第三十三条第三款: consultation time is not counted
    consultation_started_on: dt.date | None = fact(
        "书面征求第三方或者其他机关意见之日", "未征求意见则不填", not_before=("received_on",)
    )
    consultation_ended_on: dt.date | None = fact(
        "收到意见或者征求意见期限届满之日", "以先到者为准;仍在征求意见则不填", not_before=("consultation_started_on",)
    )


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


@derivation(
    "correction_notice_on",
    "告知补正之日",
    ("answer_request",),
    ("correction_notified_on", "answer_type", "answered_on"),
    dt.date,
    partial=True,
)
def _correction_notice(
    notified_on: dt.date | None, answer_type: AnswerType | None, answered_on: dt.date | None
) -> dt.date | None:
    """条例第三十条: the notice to correct; an answer 告知更改、补充申请 is one (QL 第九条 (七))."""
    if notified_on is not None:
        return notified_on
    return answered_on if answer_type == AnswerType.asked_to_correct else None


@derivation(
    "correction_requested",
    "已告知申请人作出补正",
    ("answer_request",),
    ("correction_notified_on", "answer_type"),
    bool,
    partial=True,
)
def _correction_requested(notified_on: dt.date | None, answer_type: AnswerType | None) -> bool:
    """Absent notice date and an answer other than 告知更改、补充申请: no correction was asked for."""
    return notified_on is not None or answer_type == AnswerType.asked_to_correct


@derivation(
    "corrected_request_on",
    "收到(或者拒收)补正的申请之日",
    ("answer_request",),
    ("corrected_received_on", "corrected_request_refused_on"),
    dt.date,
    partial=True,
)
def _corrected_request_on(received_on: dt.date | None, refused_on: dt.date | None) -> dt.date | None:
    """条例第三十条: the answer period runs from the corrected request's receipt. A corrected
    request the agency refused to take counts as received the day it was refused: refusing the
    correction and not answering is a failure to perform the duty (河南省开封市中级人民法院,
    张冬亮 v 开封市金明区人民政府, 河南省高级人民法院2015年度典型行政案例之八)."""
    days = [d for d in (received_on, refused_on) if d is not None]
    return min(days) if days else None


@derivation(
    "corrected_request_received",
    "已收到补正的申请",
    ("answer_request",),
    ("corrected_received_on", "corrected_request_refused_on"),
    bool,
    partial=True,
)
def _corrected_received(received_on: dt.date | None, refused_on: dt.date | None) -> bool:
    return received_on is not None or refused_on is not None


@derivation(
    "correction_renotified",
    "一次性告知后又要求补正",
    ("answer_request",),
    ("correction_renotified_on",),
    bool,
    partial=True,
)
def _renotified(renotified_on: dt.date | None) -> bool:
    return renotified_on is not None


@derivation(
    "earlier_answer_given",
    "收到本申请前已就相同政府信息答复过该申请人",
    ("answer_request",),
    ("earlier_answer_on", "request_received_on"),
    bool,
    partial=True,
)
def _earlier_answer(earlier_on: dt.date | None, received_on: dt.date | None) -> bool | None:
    """第三十六条第六项: 已就申请人提出的申请作出答复、申请人重复申请 — the earlier answer comes
    before the repeated request. No earlier answer date: none was given."""
    if earlier_on is None:
        return False
    return None if received_on is None else earlier_on <= received_on


@derivation(
    "consultation_began_on",
    "征求意见开始之日",
    ("answer_request",),
    ("consultation_started_on", "third_party_notice_received_on"),
    dt.date,
    partial=True,
)
def _consultation_began(sent_on: dt.date | None, third_party_received_on: dt.date | None) -> dt.date | None:
    """条例第三十三条第三款: the consultation time runs from the written request for opinions; a
    file that records only the day the third party received it starts there (a shorter pause)."""
    return sent_on if sent_on is not None else third_party_received_on


@derivation(
    "extension_notice_given",
    "已告知申请人延长(书面或者其他方式)",
    ("answer_request",),
    ("extension_notified", "extension_notified_in_writing"),
    bool,
    partial=True,
)
def _extension_notice(notified: bool | None, in_writing: bool | None) -> bool | None:
    """条例第三十三条第二款 asks only that the applicant be told; telling in writing is telling."""
    if notified or in_writing:
        return True
    return False if notified is False else None
