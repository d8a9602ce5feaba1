"""What the 2008 条例 (国务院令第492号, in force 2008-05-01 to 2019-05-14) adds to the facts.

Most of what the 2008 text asks is read from facts the 2019 text already named (the same
dates, answers and grounds). These are the rest: the 2008 lists of information to disclose
proactively (第九条至第十二条), the form it offers when the requested one is impossible
(第二十六条), its cost fees and paid services (第二十七条), the fee waiver (第二十八条) and
the grounds of accountability (第三十五条). Mixins for the action models; derivations for
the rules of rules/CN08.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from gongkai.facts.base import fact
from gongkai.facts.exemptions import Exemption
from gongkai.facts.publishing_extra import LaterFinding
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation

PUBLISH = ("publish_information",)
REQUEST = ("answer_request",)

# --- publishing: 第九条至第十二条 ----------------------------------------------------------


class BasicRequirement2008(Choice):
    """第九条 (一)–(四): information meeting any of these is disclosed proactively."""

    vital_interests = "vital_interests", "涉及公民、法人或者其他组织切身利益的"
    public_knowledge = "public_knowledge", "需要社会公众广泛知晓或者参与的"
    organisation = "organisation", "反映本行政机关机构设置、职能、办事程序等情况的"
    required_by_law = "required_by_law", "其他依照法律、法规和国家有关规定应当主动公开的"


class Category2008(Choice):
    """第十条 (一)–(十一), 第十一条 (一)–(四), 第十二条 (一)–(八): what the 2008 text lists for
    重点公开, by the level of the agency (the same words in two lists are one value)."""

    # 第十条: 县级以上各级人民政府及其部门
    regulations = "regulations", "行政法规、规章和规范性文件"
    plans = "plans", "国民经济和社会发展规划、专项规划、区域规划及相关政策"
    statistics = "statistics", "国民经济和社会发展统计信息"
    budgets = "budgets", "财政预算、决算报告"
    fees = "fees", "行政事业性收费的项目、依据、标准"
    procurement = "procurement", "政府集中采购项目的目录、标准及实施情况"
    licensing = (
        "licensing",
        "行政许可的事项、依据、条件、数量、程序、期限以及申请行政许可需要提交的全部材料目录及办理情况",
    )
    major_projects = "major_projects", "重大建设项目的批准和实施情况"
    welfare = "welfare", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"
    emergencies = "emergencies", "突发公共事件的应急预案、预警信息及应对情况"
    inspections = "inspections", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"
    # 第十一条: 设区的市级人民政府、县级人民政府及其部门 (还应当包括)
    urban_rural_construction = "urban_rural_construction", "城乡建设和管理的重大事项"
    public_welfare_projects = "public_welfare_projects", "社会公益事业建设情况"
    expropriation_compensation = (
        "expropriation_compensation",
        "征收或者征用土地、房屋拆迁及其补偿、补助费用的发放、使用情况",
    )
    relief_funds_management = (
        "relief_funds_management",
        "抢险救灾、优抚、救济、社会捐助等款物的管理、使用和分配情况",
    )
    # 第十二条: 乡(镇)人民政府 (also expropriation_compensation above)
    rural_policies = "rural_policies", "贯彻落实国家关于农村工作政策的情况"
    township_finances = "township_finances", "财政收支、各类专项资金的管理和使用情况"
    land_use_and_homesteads = "land_use_and_homesteads", "乡(镇)土地利用总体规划、宅基地使用的审核情况"
    debts_and_levies = "debts_and_levies", "乡(镇)的债权债务、筹资筹劳情况"
    relief_funds_distribution = "relief_funds_distribution", "抢险救灾、优抚、救济、社会捐助等款物的发放情况"
    collective_enterprises = (
        "collective_enterprises",
        "乡镇集体企业及其他乡镇经济实体承包、租赁、拍卖等情况",
    )
    family_planning = "family_planning", "执行计划生育政策的情况"


ARTICLE_10 = {
    Category2008.regulations,
    Category2008.plans,
    Category2008.statistics,
    Category2008.budgets,
    Category2008.fees,
    Category2008.procurement,
    Category2008.licensing,
    Category2008.major_projects,
    Category2008.welfare,
    Category2008.emergencies,
    Category2008.inspections,
}
ARTICLE_11 = {
    Category2008.urban_rural_construction,
    Category2008.public_welfare_projects,
    Category2008.expropriation_compensation,
    Category2008.relief_funds_management,
}
ARTICLE_12 = {
    Category2008.rural_policies,
    Category2008.township_finances,
    Category2008.land_use_and_homesteads,
    Category2008.expropriation_compensation,
    Category2008.debts_and_levies,
    Category2008.relief_funds_distribution,
    Category2008.collective_enterprises,
    Category2008.family_planning,
}


class Regulation2008PublishingFacts(BaseModel):
    """Fields PublishInformation takes from the 2008 条例."""

    basic_requirements_2008: list[BasicRequirement2008] | None = fact(
        "符合2008年条例第九条所列基本要求", "均不符合则为空列表"
    )
    categories_2008: list[Category2008] | None = fact(
        "属于2008年条例第十条至第十二条所列重点公开的政府信息", "均不属于则为空列表"
    )


@derivation(
    "article_9_requirements_2008", "符合2008年条例第九条所列基本要求的项数", PUBLISH, ("basic_requirements_2008",), int
)
def _article_9(requirements: list[BasicRequirement2008]) -> int:
    return len(set(requirements))


@derivation("article_10_categories_2008", "属于2008年条例第十条所列的类别数", PUBLISH, ("categories_2008",), int)
def _article_10(categories: list[Category2008]) -> int:
    return len(set(categories) & ARTICLE_10)


@derivation("article_11_categories_2008", "属于2008年条例第十一条所列的类别数", PUBLISH, ("categories_2008",), int)
def _article_11(categories: list[Category2008]) -> int:
    return len(set(categories) & ARTICLE_11)


@derivation("article_12_categories_2008", "属于2008年条例第十二条所列的类别数", PUBLISH, ("categories_2008",), int)
def _article_12(categories: list[Category2008]) -> int:
    return len(set(categories) & ARTICLE_12)


@derivation(
    "found_proactive_on",
    "经审查认定属于主动公开范围之日",
    PUBLISH,
    ("self_review_found_on", "self_review_finding", "suggestion_found_proactive_on"),
    dt.date,
    partial=True,
)
def _found_proactive_on(
    self_review_found_on: dt.date | None, finding: LaterFinding | None, suggestion_found_on: dt.date | None
) -> dt.date | None:
    """Information that became proactive on a later finding: a review found it could be made
    proactive (LS 一3 可转为主动公开), or the agency found an applicant's suggestion well founded
    (the 2019 text 第四十四条第二款). 第十八条's 20 working days then run from that finding: the
    information was not 属于主动公开范围 when it was formed. A finding of 应公开未公开 is no such
    day (the information was proactive from the start)."""
    if finding == LaterFinding.convertible_to_proactive and self_review_found_on is not None:
        return self_review_found_on
    return suggestion_found_on


@derivation("found_proactive", "经审查认定属于主动公开范围", PUBLISH, ("found_proactive_on",), bool, partial=True)
def _found_proactive(found_on: dt.date | None) -> bool:
    return found_on is not None


# --- grounds: 第十四条第四款、第二十三条 -----------------------------------------------------

SECRET_OR_PRIVACY = {Exemption.commercial_secret, Exemption.personal_privacy}


@derivation(
    "secret_or_privacy",
    "涉及商业秘密、个人隐私的政府信息",
    ("publish_information", "answer_request"),
    ("exemptions",),
    bool,
)
def _secret_or_privacy(exemptions: list[Exemption]) -> bool:
    """2008 第十四条第四款、第二十三条 name only 商业秘密 and 个人隐私 (the 2019 text adds 等)."""
    return bool(set(exemptions) & SECRET_OR_PRIVACY)


# --- answering a request ----------------------------------------------------------------

ELEMENTS_2008 = {"applicant_name", "contact", "description"}  # 第二十条第二款 (一)(二)


class Regulation2008RequestFacts(BaseModel):
    """Fields AnswerRequest takes from the 2008 条例."""

    requested_form_impossible: bool | None = fact(
        "无法按照申请人要求的形式提供", "2008年条例第二十六条:可以安排查阅、提供复制件或者以其他适当形式提供"
    )
    fee_beyond_cost: bool | None = fact("收取了检索、复制、邮寄等成本费用以外的费用", "2008年条例第二十七条第一款")
    provided_via_paid_service: bool | None = fact(
        "通过其他组织、个人以有偿服务方式提供政府信息", "2008年条例第二十七条第一款"
    )
    economic_hardship: bool | None = fact("申请人是确有经济困难的公民", "2008年条例第二十八条")
    fee_waiver_requested: bool | None = fact("申请人本人申请减免费用")
    fee_waived: bool | None = fact("已减免相关费用")
    fee_waiver_approved_by_head: bool | None = fact("减免经政府信息公开工作机构负责人审核同意")


@derivation(
    "request_elements_missing_2008",
    "申请缺少2008年条例第二十条第二款所列内容的项数",
    REQUEST,
    ("request_elements", "form_requirement_stated"),
    int,
)
def _elements_missing(elements: list[Choice], form_stated: bool) -> int:
    """(一) 姓名或者名称、联系方式 (no identity proof, no address), (二) 内容描述, (三) 形式要求."""
    return len(ELEMENTS_2008 - {str(e) for e in elements}) + (0 if form_stated else 1)


@derivation(
    "third_party_consultation_from",
    "书面征求第三方意见之日",
    REQUEST,
    ("consultation_started_on", "third_party_notice_received_on"),
    dt.date,
)
def _third_party_consultation_from(started_on: dt.date, notice_received_on: dt.date) -> dt.date:
    """2008 第二十四条第三款 leaves out only the time a third party is consulted: a consultation
    counts as one when the third party's receipt of the written consultation is given (a
    consultation of another agency runs within the 15 working days)."""
    return started_on


@derivation(
    "waiver_conditions_met_2008",
    "减免费用符合2008年条例第二十八条的条件",
    REQUEST,
    ("economic_hardship", "fee_waiver_requested", "fee_waiver_approved_by_head"),
    bool,
    partial=True,
)
def _waiver_conditions(hardship: bool | None, requested: bool | None, approved: bool | None) -> bool | None:
    """确有经济困难的公民, 经本人申请, 政府信息公开工作机构负责人审核同意: all three, or not."""
    conditions = [hardship, requested, approved]
    if False in conditions:
        return False
    return None if None in conditions else True


# --- accountability: 第三十五条 -----------------------------------------------------------


class Violation2008(Choice):
    """2008 第三十五条 (一)–(六)."""

    duty_unperformed = "duty_unperformed", "不依法履行政府信息公开义务"
    not_updated = "not_updated", "不及时更新公开的政府信息内容、政府信息公开指南和政府信息公开目录"
    unlawful_fees = "unlawful_fees", "违反规定收取费用"
    paid_service = "paid_service", "通过其他组织、个人以有偿服务方式提供政府信息"
    disclosed_prohibited = "disclosed_prohibited", "公开不应当公开的政府信息"
    other_violation = "other_violation", "违反本条例规定的其他行为"


class Regulation2008AccountabilityFacts(BaseModel):
    """Field Accountability takes from the 2008 条例."""

    violations_2008: list[Violation2008] | None = fact("违反2008年条例的情形", "均不属于则为空列表")


@derivation("violation_grounds_2008", "违反2008年条例的情形项数", ("accountability",), ("violations_2008",), int)
def _violation_grounds(violations: list[Violation2008]) -> int:
    return len(set(violations))
