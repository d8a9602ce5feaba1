"""Publishing a piece of government information (公开政务信息) and its secrecy review (保密审查)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel

from gongkai.facts.base import ActionFacts, fact
from gongkai.facts.exemptions import (
    INTERNAL,
    NEVER_DISCLOSED,
    PROCESS,
    QL_GROUND_OF,
    QL_GROUNDS,
    THIRD_PARTY,
    Exemption,
)
from gongkai.facts.national import NationalPublishingFacts
from gongkai.facts.publishing_extra import LocalPublishingFacts
from gongkai.facts.regulation_2008 import Regulation2008PublishingFacts
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class DisclosureAttribute(Choice):
    proactive = "proactive", "主动公开"
    on_request = "on_request", "依申请公开"
    withheld = "withheld", "不予公开"


class InformationCategory(Choice):
    normative_document = "normative_document", "与群众利益关系密切的规范性文件、政策及措施"
    organisation = "organisation", "机构设置、职责权限及办事指南"
    licensing = "licensing", "行政许可的事项、依据、条件、数量、程序、期限及材料目录、示范文本"
    fees = "fees", "行政、事业性收费项目、标准、方式、减免政策及其依据"
    required_by_law = "required_by_law", "法律、法规、规章规定需要公开的其他政务信息"
    other = "other", "其他政务信息"


def ql_grounds(exemptions: list[Exemption]) -> set[Exemption]:
    """The grounds QL recognises among those given."""
    return {QL_GROUND_OF.get(e, e) for e in exemptions} & QL_GROUNDS


class Channel(Choice):
    county_portal = "county_portal", "清流县人民政府门户网"
    gazette = "gazette", "公报"
    newspaper = "newspaper", "报刊"
    broadcast = "broadcast", "广播"
    television = "television", "电视"
    news = "news", "新闻"
    other = "other", "其他便于公众及时准确获取信息的形式"


class ReviewStep(Choice):
    drafter_opinion = "drafter_opinion", "拟稿人员提出定密具体意见以及是否公开意见"
    leader_review = "leader_review", "分管领导把关审核"
    disclosure_officer_conclusion = "disclosure_officer_conclusion", "信息公开工作人员审查并提出审查结论或处理意见"


class RecordElement(Choice):
    title_or_summary = "title_or_summary", "被审查信息的标题及文号或者内容摘要"
    withholding_basis = "withholding_basis", "不公开政府信息的依据或理由"
    conclusion = "conclusion", "保密审查的结论或者处理意见"
    signature_and_date = "signature_and_date", "保密审查责任人的签章和日期"


class OpinionAspect(Choice):
    """What the 是否公开 opinion must examine (十 第一条)."""

    commercial_secret = "commercial_secret", "商业秘密"
    personal_privacy = "personal_privacy", "个人隐私"
    work_secret = "work_secret", "工作秘密"
    security = "security", "公开后是否危及国家安全、公共安全、经济安全和社会稳定"


class Impact(Choice):
    """How grave the consequences of a breach were (责任追究的情节), for the sanction tier."""

    minor = "minor", "情节轻微,影响较小"
    disrupted_or_loss = "disrupted_or_loss", "影响正常工作,或者给群众造成损失"
    serious = "serious", "情节严重,影响较大"
    criminal = "criminal", "构成犯罪"


class SecrecyReviewFacts(BaseModel):
    """The 保密审查 and its written record: shared by publishing and by the review itself."""

    secrecy_reviewed: bool | None = fact("已进行保密审查", "公开前是否进行了保密审查")
    review_steps: list[ReviewStep] | None = fact("保密审查已完成的环节")
    review_record_kept: bool | None = fact("保密审查有文字记载并妥善保存")
    record_elements: list[RecordElement] | None = fact("文字记载已载明的事项")


class PublishInformation(
    SecrecyReviewFacts, LocalPublishingFacts, NationalPublishingFacts, Regulation2008PublishingFacts, ActionFacts
):
    """A piece of government information that is about to be, or has been, published."""

    kind: ClassVar[str] = "publish_information"
    term: ClassVar[str] = "公开政务信息"
    date_fact: ClassVar[str | None] = "published_on"

    title: str | None = fact("信息标题")
    category: InformationCategory | None = fact("信息类别", "第三条所列主动公开类别之一,或其他")
    disclosure_attribute: DisclosureAttribute | None = fact("公开属性")
    generated_on: dt.date | None = fact("信息生成之日")
    # information is published, or changes, only once it has been generated (formed)
    changed_on: dt.date | None = fact(
        "政府信息变更之日", "条例第二十六条:已形成的信息发生变更的;未变更则不填", not_before=("generated_on",)
    )
    published_on: dt.date | None = fact("公开之日", "尚未公开则不填", not_before=("generated_on",))
    deliberated: bool | None = fact("已经审议", "正式公开前按政务公开程序进行了预先审议(审核)")
    is_supplement: bool | None = fact("是对已公开内容的完善补充")
    archived_by_unit: bool | None = fact("承办股室、中心已归档", "完善补充的内容由各股室、中心各自归档")
    exemptions: list[Exemption] | None = fact("不予公开情形", "信息属于的不予公开情形;无则为空列表")
    third_party_consent: bool | None = fact("有关单位和个人同意公开")
    disclosure_required_by_law: bool | None = fact("法律、法规另有规定须公开", "过程中信息的例外")
    disclosure_required_by_rules: bool | None = fact(
        "法律、法规、规章规定该信息应当公开", "条例第十六条第二款:过程性信息、行政执法案卷信息的例外"
    )
    public_interest_override: bool | None = fact(
        "行政机关认为不公开会对公共利益造成重大影响", "条例第十五条:商业秘密、个人隐私等信息的例外"
    )
    channels: list[Channel] | None = fact("公开渠道")
    filed_with_bureau_office: bool | None = fact("已向局政务公开办报备")
    filed_with_county_office: bool | None = fact("已报送县政务公开办备案")
    secrecy_undetermined: bool | None = fact("尚未确定是否属于国家秘密")
    deferred_on: dt.date | None = fact("暂缓公开之日", "未暂缓公开则不填")
    handler_opinion_given: bool | None = fact("承办人员已就暂缓公开提出具体意见")
    deferral_approved: bool | None = fact("暂缓公开经本机关主管领导人审核批准")
    referred_for_determination_on: dt.date | None = fact(
        "报请有关主管部门或者保密行政管理部门确定之日", "条例第十七条第三款;未报请则不填"
    )
    # information is deferred, or referred for determination, because its secrecy is not yet
    # determined (第十七条第三款): the determination comes after either
    secrecy_determined_on: dt.date | None = fact(
        "性质或者密级确定之日",
        "暂缓公开的信息尚未确定则不填",
        not_before=("deferred_on", "referred_for_determination_on"),
    )
    bears_secrecy_mark: bool | None = fact("带有国家秘密级标志")
    content_truthful: bool | None = fact("公开内容真实、全面")
    impact: Impact | None = fact("违规情节", "仅在追究责任时填写")


class SecrecyReview(SecrecyReviewFacts, ActionFacts):
    """The secrecy review of one document (保密审查), before any decision to publish."""

    kind: ClassVar[str] = "secrecy_review"
    term: ClassVar[str] = "保密审查"
    date_fact: ClassVar[str | None] = "reviewed_on"

    title: str | None = fact("公文标题")
    reviewed_on: dt.date | None = fact("审查之日")
    classified: bool | None = fact("经定密确定为密级文件")
    classified_at_drafting: bool | None = fact("撰写、审核公文时即确定为密级", "而非运转后经定密审查才确定")
    opinion_aspects: list[OpinionAspect] | None = fact("是否公开意见已审查的事项")
    circulated_on_network: bool | None = fact("曾在互联网或内网OA系统上运转")
    handled_on_dedicated_machine: bool | None = fact("由专机处理")
    returned_and_voided: bool | None = fact("已退回拟稿人环节并作废")
    impact: Impact | None = fact("违规情节", "仅在追究责任时填写")


CONSENTABLE = {Exemption.commercial_secret, Exemption.personal_privacy}


@derivation(
    "exemption_grounds",
    "所依据的不予公开情形数",
    ("answer_request",),
    ("exemptions",),
    int,
)
def _exemption_grounds(exemptions: list[Exemption]) -> int:
    """QL 第一条's grounds only: the 条例's own grounds are counted by national_withholding_ground."""
    return len(ql_grounds(exemptions))


@derivation(
    "exemption_grounds_other_than_consentable",
    "商业秘密、个人隐私以外的不予公开情形数",
    ("answer_request",),
    ("exemptions",),
    int,
)
def _other_grounds(exemptions: list[Exemption]) -> int:
    """第一条第二款: only 商业秘密 and 个人隐私 can be lifted by the third party's consent."""
    return len(ql_grounds(exemptions) - CONSENTABLE)


@derivation(
    "withholding_grounds",
    "实际适用的不予公开情形数",
    ("publish_information",),
    ("exemptions", "disclosure_required_by_law"),
    int,
    partial=True,
)
def _withholding_grounds(exemptions: list[Exemption] | None, required_by_law: bool | None) -> int | None:
    """第一条第(四)项: a process-stage ground does not count where law requires disclosure."""
    if exemptions is None:
        return None
    grounds = ql_grounds(exemptions)
    if Exemption.in_process in grounds:
        if required_by_law is None:
            return None
        if required_by_law:
            grounds.discard(Exemption.in_process)
    return len(grounds)


@derivation(
    "third_party_ground_stands",
    "条例第十五条的不予公开情形成立",
    ("publish_information", "answer_request"),
    ("exemptions", "third_party_consent", "public_interest_override"),
    bool,
    partial=True,
)
def _third_party_stands(
    exemptions: list[Exemption] | None, consent: bool | None, public_interest: bool | None
) -> bool | None:
    """第十五条: a third party's secret or privacy stands as a ground unless the third party
    consents or the agency finds withholding would gravely affect the public interest (then
    予以公开). Only read through national_withholding_ground, which needs the grounds."""
    if not set(exemptions or ()) & THIRD_PARTY or consent or public_interest:
        return False
    return True if consent is False and public_interest is False else None


@derivation(
    "process_ground_stands",
    "条例第十六条第二款的不予公开情形成立",
    ("publish_information", "answer_request"),
    ("exemptions", "disclosure_required_by_rules"),
    bool,
    partial=True,
)
def _process_stands(exemptions: list[Exemption] | None, required: bool | None) -> bool | None:
    """第十六条第二款: process and enforcement-file information may be withheld unless
    法律、法规、规章 require its disclosure."""
    if not set(exemptions or ()) & PROCESS or required:
        return False
    return True if required is False else None


@derivation(
    "national_withholding_ground",
    "有条例规定的不予公开理由",
    ("publish_information", "answer_request"),
    ("exemptions", "third_party_ground_stands", "process_ground_stands"),
    bool,
    partial=True,
)
def _national_ground(exemptions: list[Exemption] | None, third_party: bool | None, process: bool | None) -> bool | None:
    """条例第十四条至第十六条: whether any ground the 条例 recognises stands, after its overrides.

    第十四条 and 第十六条第一款 always stand; 第十五条 and 第十六条第二款 as decided above.
    Unknown when no ground stands for sure and one hangs on an override that is not known.
    """
    if exemptions is None:
        return None
    if set(exemptions) & (NEVER_DISCLOSED | INTERNAL) or third_party or process:
        return True
    return None if third_party is None or process is None else False


@derivation(
    "barred_information",
    "属于条例第十四条规定不予公开的政府信息",
    ("publish_information", "answer_request"),
    ("exemptions",),
    bool,
)
def _barred(exemptions: list[Exemption]) -> bool:
    """国家秘密, 法律、行政法规禁止公开, or a danger to security: never disclosed (第十四条)."""
    return bool(set(exemptions) & NEVER_DISCLOSED)


@derivation(
    "third_party_information",
    "涉及商业秘密、个人隐私等第三方合法权益的政府信息",
    ("publish_information", "answer_request"),
    ("exemptions",),
    bool,
)
def _third_party(exemptions: list[Exemption]) -> bool:
    """第十五条: information whose disclosure would harm a third party's lawful rights."""
    return bool(set(exemptions) & THIRD_PARTY)


@derivation("published", "已公开", ("publish_information",), ("published_on",), bool, partial=True)
def _published(published_on: dt.date | None) -> bool:
    """A publication date that is absent means the information has not been published yet."""
    return published_on is not None


@derivation("deferred", "已暂缓公开", ("publish_information",), ("deferred_on",), bool, partial=True)
def _deferred(deferred_on: dt.date | None) -> bool:
    return deferred_on is not None


@derivation(
    "deferral_pending",
    "经批准暂缓公开,性质或者密级尚未确定",
    ("publish_information",),
    ("deferred_on", "deferral_approved", "secrecy_determined_on"),
    bool,
    partial=True,
)
def _deferral_pending(deferred_on: dt.date | None, approved: bool | None, determined_on: dt.date | None) -> bool | None:
    """While an approved deferral runs there is no publication deadline (第十三条)."""
    if deferred_on is None or determined_on is not None or approved is False:
        return False
    return True if approved else None


@derivation(
    "lawful_deferral_on",
    "经批准暂缓公开之日",
    ("publish_information",),
    ("deferred_on", "deferral_approved", "secrecy_determined_on"),
    dt.date,
)
def _lawful_deferral(deferred_on: dt.date, approved: bool, determined_on: dt.date) -> dt.date | None:
    """An approved deferral that has ended: its days do not count towards the 20 working days.

    Only ended deferrals are passed to the deadline (a pending one lifts the deadline
    altogether, see ``deferral_pending``).
    """
    return deferred_on if approved and determined_on >= deferred_on else None


@derivation(
    "review_steps_missing",
    "保密审查未完成的环节数",
    ("publish_information", "secrecy_review"),
    ("review_steps",),
    int,
)
def _missing_steps(steps: list[ReviewStep]) -> int:
    return len(set(ReviewStep) - set(steps))


@derivation(
    "record_elements_missing",
    "文字记载未载明的事项数",
    ("publish_information", "secrecy_review"),
    ("record_elements",),
    int,
)
def _missing_record_elements(elements: list[RecordElement]) -> int:
    return len(set(RecordElement) - set(elements))


@derivation("opinion_aspects_missing", "是否公开意见未审查的事项数", ("secrecy_review",), ("opinion_aspects",), int)
def _missing_aspects(aspects: list[OpinionAspect]) -> int:
    return len(set(OpinionAspect) - set(aspects))


@derivation("changed", "政府信息已变更", ("publish_information",), ("changed_on",), bool, partial=True)
def _changed(changed_on: dt.date | None) -> bool:
    """A change date that is absent means the information has not changed since it was formed."""
    return changed_on is not None


@derivation(
    "referred_for_determination",
    "已报请有关主管部门或者保密行政管理部门确定",
    ("publish_information",),
    ("referred_for_determination_on",),
    bool,
    partial=True,
)
def _referred(referred_on: dt.date | None) -> bool:
    return referred_on is not None
