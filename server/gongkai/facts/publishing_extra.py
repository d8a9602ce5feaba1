"""Facts of publishing that the local systems (HC, LS, ZZ) add: what kind of item is
published, where, with which contents, and the interpretation, reposting and
self-review duties that come with it. Mixed into PublishInformation (publication.py).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from gongkai.facts.base import fact
from gongkai.facts.exemptions import Exemption
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class LaterFinding(Choice):
    """What a later look at information found: LS 一3 (self-review) and 二(三)9 (daily work)."""

    should_be_public = "should_be_public", "应公开未公开"
    convertible_to_proactive = "convertible_to_proactive", "可转为主动公开"


class ItemType(Choice):
    """The kind of item, as the local systems name the items they require to be published."""

    normative_document = "normative_document", "规范性文件"
    policy_document = "policy_document", "其他政策性文件"
    interpretation = "interpretation", "政策解读材料"
    emergency = "emergency", "突发事件、公共安全、重大疫情等信息"
    utility_service_norms = "utility_service_norms", "公共企事业单位办事公开规范、服务事项目录和办事指南"
    meeting_news = "meeting_news", "政府常务会议、政府领导办公会议等的新闻通稿及媒体相关报道"
    central_policy = "central_policy", "中国政府网发布的对全局工作有指导意义、需要社会广泛知晓的重要政策信息(转载)"
    sector_policy = "sector_policy", "涉及本行业或本地区的政策信息(转载)"
    power_lists = "power_lists", "权力清单、责任清单和负面清单"
    enforcement_disclosure = "enforcement_disclosure", "行政执法公示信息"
    approval = "approval", "行政审批项目信息"
    market_enforcement = "market_enforcement", "畜禽水产品质量安全执法监管信息"
    internal_affairs = "internal_affairs", "机关内部事务信息"
    service_guide = "service_guide", "服务事项目录和办事指南"
    hotline = "hotline", "热线电话、公开信箱来电来信办理情况"
    budget = "budget", "预算、决算"
    fiscal_funds = "fiscal_funds", "财政安排的资金信息"
    higher_policy = "higher_policy", "上级出台的相关政策文件"
    implementation = "implementation", "重大决策、重要政策落实情况"
    penalty_decision = "penalty_decision", "行政处罚决定"
    proposal_reply = "proposal_reply", "建议和提案主办件、分办件复文"
    other = "other", "其他政务信息"


class UtilityNormElement(Choice):
    """What a sector's 办事公开规范 and its service directory and guides make clear (HC 二(一))."""

    responsible_subject = "responsible_subject", "责任主体"
    content = "content", "公开内容"
    standard = "standard", "公开标准"
    procedure = "procedure", "办事程序"
    supervision = "supervision", "监督考核"


class EnforcementElement(Choice):
    """行政执法公示: what is published in full (ZZ 三(二)1)."""

    duties = "duties", "职责职权"
    basis = "basis", "执法依据"
    discretion = "discretion", "裁量基准"
    process = "process", "执法流程"
    results = "results", "执法结果"
    remedies = "remedies", "救济途径"


class ApprovalStage(Choice):
    acceptance = "acceptance", "受理"
    progress = "progress", "进展"
    result = "result", "结果"


class SupervisionElement(Choice):
    """执法监管信息: what is mainly published (ZZ 三(三)1)."""

    basis = "basis", "依据"
    content = "content", "内容"
    standard = "standard", "标准"
    procedure = "procedure", "程序"
    result = "result", "结果"


class InternalAffair(Choice):
    """The internal affairs ZZ 三(三)3 names for publication, and any other."""

    civil_service_recruitment = "civil_service_recruitment", "公务员招考录用"
    budget_execution = "budget_execution", "本单位预决算执行"
    three_public_expenses = "three_public_expenses", "“三公”经费使用"
    procurement = "procurement", "政府采购"
    completion_acceptance = "completion_acceptance", "竣工验收、决算"
    asset_disposal = "asset_disposal", "国有资产处置"
    official_cars = "official_cars", "公车管理"
    office_space = "office_space", "办公用房管理"
    office_purchases = "office_purchases", "办公设备和物品购置"
    other = "other", "其他内部事务"


class GuideElement(Choice):
    """办事指南: the items ZZ 三(四)1 names (等: the list is a minimum)."""

    name = "name", "事项名称"
    basis = "basis", "办事依据"
    department = "department", "受理部门"
    process = "process", "基本流程"
    materials = "materials", "申请材料"
    fees = "fees", "收费标准"
    time_limit = "time_limit", "办理时限"
    hotline = "hotline", "咨询电话"


class HotlineElement(Choice):
    content = "content", "来电来信内容"
    process = "process", "办理过程"
    result = "result", "办理结果"


class BudgetLevel(Choice):
    """The level of the functional classification of expenditure a budget is published at."""

    class_level = "class_level", "类级科目"
    section_level = "section_level", "款级科目"
    item_level = "item_level", "项级科目"


class PenaltyElement(Choice):
    facts = "facts", "行政违法的主要事实"
    type = "type", "处罚种类"
    basis = "basis", "处罚依据"
    result = "result", "处罚结果"


class InterpretationChannel(Choice):
    portal = "portal", "政府门户网站"
    media = "media", "媒体"


class Website(Choice):
    """The two websites ZZ names for publication."""

    government_website = "government_website", "政府网站"
    bureau_portal = "bureau_portal", "局门户网站"


class ReplyForm(Choice):
    full_text = "full_text", "全文公开"
    summary = "summary", "摘要公开"


class LocalPublishingFacts(BaseModel):
    """Fields PublishInformation takes from the HC, LS and ZZ systems."""

    item_type: ItemType | None = fact("信息种类", "地方规定要求公开的信息种类;都不是则填其他政务信息")
    affects_rights_obligations: bool | None = fact("涉及公民、法人或其他组织权利和义务")
    concerns_other_agencies: bool | None = fact("涉及其他地方、部门的政府信息")
    confirmed_with_other_agencies: bool | None = fact("已与有关地方、部门沟通确认")
    reviewed_individually: bool | None = fact("按一事一审进行了保密审查")

    # HC 三(一): interpretation of policy documents
    interpretation_published_on: dt.date | None = fact("解读材料发布之日", "尚未发布则不填")
    interpretation_channels: list[InterpretationChannel] | None = fact("解读材料发布渠道")
    in_interpretation_column: bool | None = fact("在政府门户网站政策性文件解读专栏发布")

    # HC 二(一), 二(三), 四(二)
    handles_incident: bool | None = fact("本机关是负责处置的地方或部门")
    responded_promptly: bool | None = fact("快速反应、及时发声")
    progress_updates: bool | None = fact("根据处置进展动态发布信息")
    utility_norm_elements: list[UtilityNormElement] | None = fact("办事公开规范已明确的事项")
    in_meetings_column: bool | None = fact("在政府门户网站“政府会议”栏目发布")
    reposted_immediately: bool | None = fact("已即时充分转载")
    reposted_promptly: bool | None = fact("已及时转载")

    # LS 一3: the self-review of withheld and much-requested information
    # a finding about the information: it exists from its generation
    self_review_found_on: dt.date | None = fact(
        "自查发现之日",
        "全面自查中发现该信息应公开未公开或可转为主动公开之日;未发现则不填",
        not_before=("generated_on",),
    )
    self_review_finding: LaterFinding | None = fact("自查发现的情形")

    # ZZ 三: where and what the bureau publishes
    websites: list[Website] | None = fact("公开所在网站", "政府网站、局门户网站中已公开的;都没有则为空列表")
    published_promptly: bool | None = fact("文件出台后已及时公开")
    enforcement_elements: list[EnforcementElement] | None = fact("行政执法公示已公开的信息")
    approval_stages: list[ApprovalStage] | None = fact("已公开的审批项目信息")
    supervision_elements: list[SupervisionElement] | None = fact("已公开的执法监管信息")
    internal_affair: InternalAffair | None = fact("内部事务信息事项")
    guide_elements: list[GuideElement] | None = fact("办事指南已明确的事项")
    hotline_elements: list[HotlineElement] | None = fact("已网上公开的来电来信信息")
    budget_level: BudgetLevel | None = fact("预决算公开细化到的支出功能分类科目")
    penalty_elements: list[PenaltyElement] | None = fact("处罚决定公开的内容")
    public_interest: bool | None = fact("涉及公共利益、需要社会广泛知晓")
    reply_form: ReplyForm | None = fact("复文公开方式")
    complex_reply: bool | None = fact("复文涉及面宽、情况比较复杂")
    replied_on: dt.date | None = fact("答复建议提案提出人之日")
    on_negative_list: bool | None = fact("列入政务公开负面清单")


ACTION = ("publish_information",)


def _missing(choice: type[Choice], given: list[Choice]) -> int:
    return len(set(choice) - set(given))


@derivation("utility_norm_elements_missing", "办事公开规范未明确的事项数", ACTION, ("utility_norm_elements",), int)
def _utility_missing(given: list[UtilityNormElement]) -> int:
    return _missing(UtilityNormElement, given)


@derivation("enforcement_elements_missing", "行政执法公示未公开的信息项数", ACTION, ("enforcement_elements",), int)
def _enforcement_missing(given: list[EnforcementElement]) -> int:
    return _missing(EnforcementElement, given)


@derivation("approval_stages_missing", "未公开的审批项目信息项数", ACTION, ("approval_stages",), int)
def _approval_missing(given: list[ApprovalStage]) -> int:
    return _missing(ApprovalStage, given)


@derivation("supervision_elements_missing", "未公开的执法监管信息项数", ACTION, ("supervision_elements",), int)
def _supervision_missing(given: list[SupervisionElement]) -> int:
    return _missing(SupervisionElement, given)


@derivation("guide_elements_missing", "办事指南未明确的事项数", ACTION, ("guide_elements",), int)
def _guide_missing(given: list[GuideElement]) -> int:
    return _missing(GuideElement, given)


@derivation("hotline_elements_missing", "未网上公开的来电来信信息项数", ACTION, ("hotline_elements",), int)
def _hotline_missing(given: list[HotlineElement]) -> int:
    return _missing(HotlineElement, given)


@derivation("penalty_elements_missing", "处罚决定未公开的内容项数", ACTION, ("penalty_elements",), int)
def _penalty_missing(given: list[PenaltyElement]) -> int:
    return _missing(PenaltyElement, given)


@derivation(
    "interpretation_channels_missing",
    "解读材料未发布的渠道数(政府门户网站、媒体)",
    ACTION,
    ("interpretation_channels",),
    int,
)
def _channels_missing(given: list[InterpretationChannel]) -> int:
    return _missing(InterpretationChannel, given)


@derivation("websites_missing", "未公开的网站数(政府网站、局门户网站)", ACTION, ("websites",), int)
def _websites_missing(given: list[Website]) -> int:
    return _missing(Website, given)


@derivation("exemptions_listed", "所列不予公开情形数", ACTION, ("exemptions",), int)
def _exemptions_listed(exemptions: list[Exemption]) -> int:
    return len(set(exemptions))


@derivation(
    "interpretation_published",
    "解读材料已发布",
    ACTION,
    ("interpretation_published_on",),
    bool,
    partial=True,
)
def _interpretation_published(published_on: dt.date | None) -> bool:
    """An interpretation date that is absent means the interpretation has not been published."""
    return published_on is not None


@derivation("self_review_found", "自查已有发现", ACTION, ("self_review_found_on",), bool, partial=True)
def _self_review_found(found_on: dt.date | None) -> bool:
    """A finding date that is absent means the self-review found nothing on this item."""
    return found_on is not None
