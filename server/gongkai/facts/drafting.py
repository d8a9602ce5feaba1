"""Drafting a document and submitting it for sign-off (拟制公文、报批、签发、印发).

The disclosure attribute (公开属性) of a document is fixed while it is drafted, written on
the drafting form (发文拟稿单) and submitted with the draft; the attribute review, the
signer's final word, joint issuance, the labels on issue and what follows the signature
(catalogue, registration of withheld documents) are facts of the same action. Dates that
are absent mean the step has not happened yet (not submitted, not signed, not issued).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.facts.publication import DisclosureAttribute
from gongkai.facts.publishing_extra import LaterFinding
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import AS_OF_DAY, derivation


class IssuedAs(Choice):
    """In whose name the document is issued: a department's own, or the government's (代拟稿)."""

    own_name = "own_name", "以本机关(部门)名义印发"
    government_name = "government_name", "以本级政府或政府办公室名义印发(部门代拟稿)"


class AttributeReview(Choice):
    """What the attribute review (公开属性审核) of LS 二(三)4 came to."""

    confirmed = "confirmed", "审核机构认为属性准确、理由充分"
    changed_by_agreement = "changed_by_agreement", "经协商由草拟单位重新确定属性"
    disputed = "disputed", "协商不一致"
    changed_by_reviewer = "changed_by_reviewer", "审核机构未经协商自行改变属性"


class Interpreter(Choice):
    """Who is put in charge of interpreting a policy document (政策解读)."""

    this_agency = "this_agency", "本机关"
    other_agency = "other_agency", "其他单位"
    nobody = "nobody", "未明确解读责任单位"


class InterpretationApprover(Choice):
    principal_head = "principal_head", "本部门主要负责人"
    other_head = "other_head", "本部门其他负责人"
    nobody = "nobody", "未经负责人审签"


class IssueLabel(Choice):
    """The attribute label printed on the issued document (HC 二(二))."""

    publish = "publish", "此件公开发布"
    on_request = "on_request", "此件依申请公开"
    none = "none", "未标注"


class DraftDocument(ActionFacts):
    """A document being drafted, submitted for sign-off, signed and issued."""

    kind: ClassVar[str] = "draft_document"
    term: ClassVar[str] = "拟制公文"

    title: str | None = fact("公文标题")
    issued_as: IssuedAs | None = fact("印发名义")
    policy_document: bool | None = fact("政策性文件")
    joint_issuance: bool | None = fact("多个部门联合发文", "政府名义的文件由多个部门联合起草的,也填是")
    lead_agency: bool | None = fact("本机关是主办(牵头)机关", "联合发文时填写")
    classified: bool | None = fact("属于国家秘密(已定密)")
    special_fund_item: bool | None = fact("财政专项资金事项")
    cites_delisted_normative_document: bool | None = fact(
        "以未列入继续有效文件目录的规范性文件作为依据", "公文以清理后未列入继续有效目录的规范性文件作为行政管理依据"
    )

    # drafting and submission (拟稿、报批)
    submitted_on: dt.date | None = fact("报批之日", "草拟完成、报送审核签发(或上报代拟稿)之日;尚未报批则不填")
    proposed_attribute: DisclosureAttribute | None = fact("拟定的公开属性", "草拟单位拟定(或代拟稿建议)的属性")
    attribute_on_form: bool | None = fact("发文拟稿单已注明公开属性")
    attribute_submitted_with_draft: bool | None = fact("公开属性已随公文一并报批")
    withholding_reason_given: bool | None = fact("已注明不予公开理由")
    withholding_legal_basis_given: bool | None = fact("不予公开理由已说明法律法规依据")
    reviewed_by_disclosure_office: bool | None = fact("报批前已送本单位政务公开工作机构审查")
    attribute_recommended: bool | None = fact("已对公开属性提出明确建议")
    recommendation_reasons_given: bool | None = fact("已说明公开属性建议的理由")

    # policy interpretation (政策解读)
    interpreter: Interpreter | None = fact("负责解读的单位")
    cooperates_in_interpretation: bool | None = fact("配合牵头部门做好解读")
    interpretation_submitted: bool | None = fact("解读方案、解读材料已随文件一并报批(报送)")
    interpretation_approved_by: InterpretationApprover | None = fact("解读方案、解读材料的审签人")

    # review and signing (审核、签发)
    attribute_reviewed: bool | None = fact("公开属性已经审核机构审核", "审核属性是否准确、不予公开的理由是否充分")
    attribute_review: AttributeReview | None = fact("属性审核结果")
    review_opinion_to_signer: bool | None = fact("审核机构已提出审核意见由签发人确定")
    # 报批 → 签发 → 印发: a draft is signed after it is submitted, issued after it is signed
    signed_on: dt.date | None = fact("签发之日", "即公文类信息的生成日期;尚未签发则不填", not_before=("submitted_on",))
    attribute_fixed_by_signing: bool | None = fact("签发时公开属性已确定")
    disclosure_attribute: DisclosureAttribute | None = fact("签发确定的公开属性")
    handled_as_signed: bool | None = fact("按签发人最终确定的属性办理", "标注、编目、发布所依的属性即签发人确定的属性")
    attribute_follows_lead: bool | None = fact("按主办机关的意见确定属性", "联合发文时填写")

    # issue and after (印发及其后)
    issued_on: dt.date | None = fact("印发之日", "尚未印发则不填", not_before=("signed_on",))
    issue_label: IssueLabel | None = fact("印发时标注的公开属性标识")
    secrecy_mark_applied: bool | None = fact("已标注秘密等级标识")
    attribute_reported_to_co_issuers: bool | None = fact("已将属性反馈给其他联合发文机关")
    catalogued: bool | None = fact("已编入本单位政府信息公开目录")
    withheld_registered: bool | None = fact("不予公开信息已登记备案")
    released_promptly: bool | None = fact("已及时通过适当途径发布")

    # later adjustment (属性调整)
    # a finding about the document: it exists from its signing (its generation date)
    later_found_on: dt.date | None = fact(
        "日常工作中发现之日", "发现该公文应公开未公开或可转为主动公开之日;未发现则不填", not_before=("signed_on",)
    )
    later_finding: LaterFinding | None = fact("日常工作中发现的情形")
    disclosed_after_finding: bool | None = fact("发现后已予以公开")
    adjusted_to_proactive: bool | None = fact("已及时将公开属性调整为主动公开")

    def action_date(self) -> dt.date | None:
        """The latest step that has happened: adjustment, issue, signing or submission."""
        days = [d for d in (self.later_found_on, self.issued_on, self.signed_on, self.submitted_on) if d is not None]
        return max(days) if days else None


@derivation("draft_submitted", "已报批", ("draft_document",), ("submitted_on",), bool, partial=True)
def _submitted(submitted_on: dt.date | None) -> bool:
    """A submission date that is absent means the draft has not been submitted yet."""
    return submitted_on is not None


@derivation("draft_signed", "已签发", ("draft_document",), ("signed_on",), bool, partial=True)
def _signed(signed_on: dt.date | None) -> bool:
    return signed_on is not None


@derivation("draft_issued", "已印发", ("draft_document",), ("issued_on",), bool, partial=True)
def _issued(issued_on: dt.date | None) -> bool:
    return issued_on is not None


@derivation(
    "signing_day_passed",
    "签发之日已过(检查日在签发之日以后)",
    ("draft_document",),
    ("signed_on", AS_OF_DAY),
    bool,
    partial=True,
)
def _signing_day_passed(signed_on: dt.date | None, as_of_day: int | None) -> bool:
    """What LS 二(三)6 and 8 ask 公文签发后 carries no period: due on signing, so a check on the
    signing day finds it still to do, and any later check finds it late. Not signed: False."""
    return signed_on is not None and as_of_day is not None and as_of_day > signed_on.toordinal()


@derivation("later_found", "日常工作中已有发现", ("draft_document",), ("later_found_on",), bool, partial=True)
def _later_found(found_on: dt.date | None) -> bool:
    return found_on is not None


@derivation(
    "responsible_drafter",
    "本机关是起草(牵头)单位",
    ("draft_document",),
    ("joint_issuance", "lead_agency"),
    bool,
    partial=True,
)
def _responsible_drafter(joint: bool | None, lead: bool | None) -> bool | None:
    """Alone, or the lead of a joint document: the unit that prepares attribute and interpretation."""
    if joint is False:
        return True
    return lead if joint else None


LABEL_OF = {
    DisclosureAttribute.proactive: IssueLabel.publish,
    DisclosureAttribute.on_request: IssueLabel.on_request,
    DisclosureAttribute.withheld: IssueLabel.none,
}


@derivation(
    "label_matches_attribute",
    "印发时标注的标识与签发确定的属性相符",
    ("draft_document",),
    ("disclosure_attribute", "issue_label"),
    bool,
)
def _label_matches(attribute: DisclosureAttribute, label: IssueLabel) -> bool:
    """此件公开发布 for 主动公开, 此件依申请公开 for 依申请公开, no public label for 不予公开."""
    return LABEL_OF[attribute] is label
