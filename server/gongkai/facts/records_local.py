"""What the 兰山 (LS), 海城 (HC), 岫岩 (XY) and 株洲 (ZZ) plans add to an agency's records.

Mixins of fields for the record actions of records.py: the catalogues (政务公开事项标准
目录, 主动公开基本目录), the agency's year (briefings, cleanups, assessment weight,
self-check, staffing, training) and accountability (the sanction tiers of the plans).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from gongkai.facts.base import COUNT, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation

# --- catalogues ------------------------------------------------------------------------


class KeyArea(Choice):
    """兰山 二(四)1: the 7 areas whose responsible units issue a 主动公开基本目录."""

    land_compensation = "land_compensation", "征地补偿"
    demolition_resettlement = "demolition_resettlement", "拆迁安置"
    affordable_housing = "affordable_housing", "保障性住房"
    rural_housing_renovation = "rural_housing_renovation", "农村危房改造"
    poverty_disaster_relief = "poverty_disaster_relief", "扶贫救灾"
    public_resource_trading = "public_resource_trading", "公共资源交易"
    compulsory_education = "compulsory_education", "义务教育"


class StandardElement(Choice):
    """Elements of an entry of the 政务公开事项标准目录 (兰山 二(四)2, 岫岩 二(一)1)."""

    item_name = "item_name", "名称"
    basis = "basis", "依据"
    content = "content", "内容"
    subject = "subject", "主体"
    time_limit = "time_limit", "时限"
    method = "method", "方式"
    channel = "channel", "渠道"
    audience = "audience", "公开对象"


# 兰山 二(四)2: 名称、依据以及应公开的内容、主体、时限、方式等要素.
LS_STANDARD_ELEMENTS = {
    StandardElement.item_name,
    StandardElement.basis,
    StandardElement.content,
    StandardElement.subject,
    StandardElement.time_limit,
    StandardElement.method,
}
# 岫岩 二(一)1: 至少应包括名称、内容、依据、时限、主体、方式、渠道、公开对象等要素.
XY_STANDARD_ELEMENTS = set(StandardElement)


class LocalCatalogueFacts(BaseModel):
    """The 政务公开事项标准目录 and the 主动公开基本目录 (LS, XY)."""

    standard_catalogue_established: bool | None = fact("已建立政务公开事项标准目录")
    standard_catalogue_elements: list[StandardElement] | None = fact("事项标准目录包括的要素")
    adjustments_published: bool | None = fact("目录梳理调整情况和目录拓展情况已主动公开")
    responsible_key_areas: list[KeyArea] | None = fact(
        "本单位负责的重点领域", "征地补偿等7个方面中本单位为责任单位的;均不是则为空列表"
    )
    basic_catalogue_issued: bool | None = fact("已制定出台本部门本系统的主动公开基本目录")
    basic_catalogue_itemised: bool | None = fact("主动公开基本目录已按条目方式逐项细化分类")


@derivation(
    "ls_standard_elements_missing",
    "事项标准目录缺少名称、依据、内容、主体、时限、方式要素项数",
    ("catalogue_maintenance",),
    ("standard_catalogue_elements",),
    int,
)
def _ls_missing(elements: list[StandardElement]) -> int:
    return len(LS_STANDARD_ELEMENTS - set(elements))


@derivation(
    "xy_standard_elements_missing",
    "事项标准目录缺少名称、内容、依据、时限、主体、方式、渠道、公开对象要素项数",
    ("catalogue_maintenance",),
    ("standard_catalogue_elements",),
    int,
)
def _xy_missing(elements: list[StandardElement]) -> int:
    return len(XY_STANDARD_ELEMENTS - set(elements))


@derivation(
    "key_areas_responsible",
    "本单位负责的重点领域数",
    ("catalogue_maintenance",),
    ("responsible_key_areas",),
    int,
)
def _key_areas(areas: list[KeyArea]) -> int:
    return len(set(areas))


@derivation(
    "catalogue_updated",
    "目录已调整和更新",
    ("catalogue_maintenance",),
    ("updated_on",),
    bool,
    partial=True,
)
def _updated(updated_on: dt.date | None) -> bool:
    """An update date that is absent means the catalogue has not been adjusted."""
    return updated_on is not None


@derivation(
    "catalogue_update_pending",
    "目录发生变化后尚未更新",
    ("catalogue_maintenance",),
    ("changed_on", "updated_on"),
    bool,
    partial=True,
)
def _update_pending(changed_on: dt.date | None, updated_on: dt.date | None) -> bool:
    """A change with no update on or after its day is still to be brought into the catalogue."""
    return changed_on is not None and (updated_on is None or updated_on < changed_on)


# --- the agency's year ------------------------------------------------------------------


class PerformanceAspect(Choice):
    """海城 一(三): the aspects of 政务公开 put into the performance assessment (等: open list)."""

    information_disclosure = "information_disclosure", "信息公开"
    policy_interpretation = "policy_interpretation", "政策解读"
    responding_to_concerns = "responding_to_concerns", "回应关切"
    media_participation = "media_participation", "媒体参与"


class LetterStatistic(Choice):
    """株洲 三(四)2: statistics of calls and letters from the public (等: open list)."""

    accepted = "accepted", "受理量"
    handled = "handled", "办理量"
    satisfaction = "satisfaction", "满意率"


class LocalYearFacts(BaseModel):
    """Yearly duties of the LS, HC, XY and ZZ plans (periodic clauses)."""

    principal_briefings: int | None = fact("主要负责人当年听取政务公开工作汇报次数", **COUNT)
    briefings_published: bool | None = fact("主要负责人听取汇报、研究推动工作的有关情况已对外公布")
    deputy_duties_published: bool | None = fact("分管负责人工作分工已对外公布")
    normative_cleanups: int | None = fact("当年规范性文件清理次数", **COUNT)
    cleanup_in_law_assessment: bool | None = fact("规范性文件清理已纳入依法行政考核")
    is_government_office: bool | None = fact(
        "本机关为本级政府办公室", "区、县政府办公室是本地政务公开工作主管部门,负责考核和专项检查"
    )
    district_assessment_done: bool | None = fact("已对全区政务公开工作实施考核")
    third_party_evaluation_done: bool | None = fact("已组织开展政务公开第三方评估")
    assessment_results_published: bool | None = fact("综合考评结果已向社会公布")
    disclosure_weight_percent: float | None = fact("政务公开工作在绩效考核中的分值权重(%)", ge=0, le=100)
    performance_aspects: list[PerformanceAspect] | None = fact("作为政务公开重要内容纳入绩效考核体系的方面")
    annual_priorities_set: bool | None = fact("已明确本年度政务公开工作重点")
    self_check_done: bool | None = fact("已对不予公开的信息以及依申请公开较为集中的信息进行全面自查")
    self_check_unpublished: int | None = fact("自查发现应公开未公开而仍未公开的信息条数", **COUNT)
    self_check_unconverted: int | None = fact("自查发现可转为主动公开而仍未主动公开的信息条数", **COUNT)
    self_check_reported: bool | None = fact("自查整改情况已报送本级政府办公室")
    disclosure_office_designated: bool | None = fact("已明确承担政务公开工作的机构")
    disclosure_staff_designated: bool | None = fact("已明确专人负责政务公开工作")
    disclosure_in_cadre_training: bool | None = fact("政务公开特别是政府信息公开条例已纳入领导干部和公务员教育培训内容")
    standardisation_in_inspection: bool | None = fact("标准化规范化推进情况已作为政务公开专项检查的重要内容")
    standardisation_in_performance_index: bool | None = fact("标准化规范化推进情况已纳入绩效考核指标体系")
    letter_statistics_published: list[LetterStatistic] | None = fact(
        "已公开的群众来电来信统计情况", "均未公开则为空列表"
    )
    training_plan_made: bool | None = fact("已制定政务公开培训计划")
    trainings: int | None = fact("当年组织政务公开培训次数", **COUNT)
    disclosure_in_staff_assessment: bool | None = fact("政务公开工作已纳入年终科室和个人政绩考核")


@derivation(
    "performance_aspects_missing",
    "绩效考核未纳入的政务公开方面数",
    ("annual_programme",),
    ("performance_aspects",),
    int,
)
def _missing_aspects(aspects: list[PerformanceAspect]) -> int:
    return len(set(PerformanceAspect) - set(aspects))


@derivation(
    "letter_statistics_missing",
    "未公开的群众来电来信统计项数",
    ("annual_programme",),
    ("letter_statistics_published",),
    int,
)
def _missing_statistics(published: list[LetterStatistic]) -> int:
    return len(set(LetterStatistic) - set(published))


# --- accountability ---------------------------------------------------------------------


class Failing(Choice):
    """Failings the LS, HC and ZZ plans attach a sanction to."""

    implementation_inadequate = "implementation_inadequate", "政务公开工作落实不到位"
    important_info_unreleased = "important_info_unreleased", "重要信息不发布"
    major_policy_uninterpreted = "major_policy_uninterpreted", "重大政策不解读"
    hot_issue_response_late = "hot_issue_response_late", "热点回应不及时"
    deception = "deception", "弄虚作假、隐瞒实情、欺骗公众"
    rules_violated = "rules_violated", "违反政务公开有关规定"
    duty_unperformed = "duty_unperformed", "不履行公开义务"
    disclosed_undisclosable = "disclosed_undisclosable", "公开不应当公开事项"
    legality_report_missing = "legality_report_missing", "部门法制机构未按规定出具合法性审查报告"
    proposal_not_timely = "proposal_not_timely", "未按要求及时提出修改废止建议"


class LocalAccountabilityFacts(BaseModel):
    """What the LS, HC and ZZ sanction clauses turn on."""

    failings: list[Failing] | None = fact("政务公开工作存在的问题", "兰山、海城、株洲所列情形;均不属于则为空列表")
    serious_impact: bool | None = fact("造成严重影响", "兰山:严重影响;海城:严重社会影响;株洲:重大影响")
    city_notified: bool | None = fact("受到市政府通报查处")
