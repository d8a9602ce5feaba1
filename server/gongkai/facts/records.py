"""An agency's standing records: its disclosure catalogue, its year, and accountability."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import COUNT, YEAR, ActionFacts, fact
from gongkai.facts.national import NationalAccountabilityFacts, NationalCatalogueFacts, NationalYearFacts
from gongkai.facts.publication import Impact
from gongkai.facts.records_local import LocalAccountabilityFacts, LocalCatalogueFacts, LocalYearFacts
from gongkai.facts.regulation_2008 import Regulation2008AccountabilityFacts
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class CatalogueElement(Choice):
    """五 第十二条: 政务信息目录包括公开的事项、期限和形式等 (等: others may be added)."""

    matters = "matters", "公开的事项"
    time_limit = "time_limit", "期限"
    form = "form", "形式"


class CatalogueMaintenance(LocalCatalogueFacts, NationalCatalogueFacts, ActionFacts):
    """Compiling or updating the agency's catalogue of government information (政务信息目录)."""

    kind: ClassVar[str] = "catalogue_maintenance"
    term: ClassVar[str] = "编制和更新政务信息目录"
    date_fact: ClassVar[str | None] = "updated_on"

    catalogue_published: bool | None = fact("已编制和公开政务信息目录")
    catalogue_elements: list[CatalogueElement] | None = fact("目录包括的内容")
    changed_on: dt.date | None = fact("公开的事项、期限或者形式发生变化之日", "无变化则不填")
    # No order with changed_on: the last update may predate the change (not updated since, LS 二(四)).
    updated_on: dt.date | None = fact("目录调整和更新之日", "尚未更新则不填")


@derivation(
    "catalogue_elements_missing",
    "目录缺少的法定内容项数",
    ("catalogue_maintenance",),
    ("catalogue_elements",),
    int,
)
def _missing_catalogue_elements(elements: list[CatalogueElement]) -> int:
    return len(set(CatalogueElement) - set(elements))


@derivation(
    "catalogue_changed",
    "公开的事项、期限或者形式已发生变化",
    ("catalogue_maintenance",),
    ("changed_on",),
    bool,
    partial=True,
)
def _changed(changed_on: dt.date | None) -> bool:
    """A change date that is absent means nothing in the catalogue has changed."""
    return changed_on is not None


class AssessmentItem(Choice):
    """七、四 考核考评内容 (一)–(六)."""

    procedures = "procedures", "具体办事程序、步骤和方式、方法的公开和执行情况"
    commitments = "commitments", "履行承诺及办事效率情况"
    disclosure_rules = "disclosure_rules", "政务公开制度规定落实情况"
    discipline = "discipline", "办事纪律和廉政勤政制度执行情况"
    violations_handled = "violations_handled", "违规违纪行为的追究处置情况"
    government_required = "government_required", "省市县政府规定的其它考核内容"


# (六) applies only where the province, city or county has set further content.
REQUIRED_ASSESSMENT_ITEMS = set(AssessmentItem) - {AssessmentItem.government_required}


class AnnualProgramme(LocalYearFacts, NationalYearFacts, ActionFacts):
    """The agency's record for one calendar year (periodic duties)."""

    kind: ClassVar[str] = "annual_programme"
    term: ClassVar[str] = "年度政务公开工作"
    date_fact: ClassVar[str | None] = "year_end"

    year: int | None = fact("年度", **YEAR)
    year_end: dt.date | None = fact("年度截止之日", "通常为12月31日")
    inspections: int | None = fact("当年政务公开监督检查次数", **COUNT)
    archived_by_year: bool | None = fact("政务公开资料已建立档案、妥善保存并分年度统一归档")
    assessment_covers_disclosure: bool | None = fact("年终考核包括主动公开和依申请公开制度的执行情况")
    sanctions_proposed: bool | None = fact("局政务公开工作领导小组已组织检查并提出奖惩建议")
    routine_assessment_done: bool | None = fact("已随机进行平时考核")
    year_end_assessment_done: bool | None = fact("已于年末进行年度考核")
    assessment_items: list[AssessmentItem] | None = fact("年度考核包括的内容")
    written_summary_submitted: bool | None = fact("已就本年度政务公开工作形成书面总结报送绩效工作领导小组办公室")
    assessment_grades_used: bool | None = fact("考核结果分为优秀、良好、合格、不合格4个等次")
    results_linked_to_rewards: bool | None = fact("考核结果与评选先进及年终奖挂钩")


@derivation(
    "assessment_items_missing",
    "年度考核缺少的考核内容项数",
    ("annual_programme",),
    ("assessment_items",),
    int,
)
def _missing_assessment_items(items: list[AssessmentItem]) -> int:
    return len(REQUIRED_ASSESSMENT_ITEMS - set(items))


class Conduct(Choice):
    """The conduct listed in 九、三 as grounds for accountability."""

    ignored_superior_decisions = "ignored_superior_decisions", "不传达贯彻、不落实上级关于政务公开的决定和要求"
    off_catalogue = "off_catalogue", "不按政务公开目录规定的内容、形式和范围公开"
    disclosed_prohibited = "disclosed_prohibited", "公开不准公开的政务信息"
    false_disclosure = "false_disclosure", "公开内容不真实、不全面,搞虚假公开"
    late_or_stale = "late_or_stale", "不按规定时间、期限公开或不及时更新,造成不良影响、不良后果"
    unapproved_leak = "unapproved_leak", "未经审查批准擅自公开,造成泄密失察"
    request_obstructed = "request_obstructed", "无正当理由不受理、拖延办理或不按经批准的申请要求提供"
    obstructed_supervision = "obstructed_supervision", "拒绝、阻挠、干扰监督检查或不落实监督检查决定"
    other_unrectified = "other_unrectified", "其他违反政务公开有关规定,且不按要求进行整改"


class Accountability(
    LocalAccountabilityFacts, NationalAccountabilityFacts, Regulation2008AccountabilityFacts, ActionFacts
):
    """Holding a unit or person accountable for conduct in disclosure work (责任追究)."""

    kind: ClassVar[str] = "accountability"
    term: ClassVar[str] = "政务公开责任追究"
    date_fact: ClassVar[str | None] = "decided_on"

    decided_on: dt.date | None = fact("追究决定之日")
    conduct: list[Conduct] | None = fact("违反政务公开的行为", "九、三所列行为;均不属于则为空列表")
    impact: Impact | None = fact("情节和影响")
    rectified: bool | None = fact("已纠正违反政务公开工作的行为")
    rectification_reported_in_writing: bool | None = fact("已将改正情况书面报告局政务公开领导小组办公室")
    undisclosed_or_irregular: bool | None = fact(
        "监督检查发现应该公开而没有公开或者公开内容不规范", "六、2 内部监督所针对的问题"
    )
    deadline_set_for_rectification: bool | None = fact("已限期整改")
    rectification_inadequate: bool | None = fact("整改不力或者不整改")


@derivation("conduct_grounds", "所列追责行为项数", ("accountability",), ("conduct",), int)
def _conduct_grounds(conduct: list[Conduct]) -> int:
    return len(set(conduct))
