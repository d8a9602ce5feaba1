"""An agency's standing records: its disclosure catalogue, its year, and accountability."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, Choice, fact
from gongkai.facts.publication import Impact


class CatalogueElement(Choice):
    matters = "matters", "公开的事项"
    time_limit = "time_limit", "期限"
    form = "form", "形式"


class CatalogueMaintenance(ActionFacts):
    """Compiling or updating the agency's catalogue of government information (政务信息目录)."""

    kind: ClassVar[str] = "catalogue_maintenance"
    term: ClassVar[str] = "编制和更新政务信息目录"
    date_fact: ClassVar[str | None] = "updated_on"

    catalogue_published: bool | None = fact("已编制和公开政务信息目录")
    catalogue_elements: list[CatalogueElement] | None = fact("目录包括的内容")
    changed_on: dt.date | None = fact("公开的事项、期限或者形式发生变化之日", "无变化则不填")
    updated_on: dt.date | None = fact("目录调整和更新之日", "尚未更新则不填")


class AnnualProgramme(ActionFacts):
    """The agency's record for one calendar year (periodic duties)."""

    kind: ClassVar[str] = "annual_programme"
    term: ClassVar[str] = "年度政务公开工作"
    date_fact: ClassVar[str | None] = "year_end"

    year: int | None = fact("年度")
    year_end: dt.date | None = fact("年度截止之日", "通常为12月31日")
    inspections: int | None = fact("当年政务公开监督检查次数")
    archived_by_year: bool | None = fact("政务公开资料已分年度统一归档")
    year_end_assessment_done: bool | None = fact("已于年末进行年度考核")
    written_summary_submitted: bool | None = fact("已形成书面总结报送绩效工作领导小组办公室")
    assessment_covers_disclosure: bool | None = fact("年终考核包括主动公开和依申请公开制度的执行情况")
    assessment_grades_used: bool | None = fact("考核结果分为优秀、良好、合格、不合格4个等次")


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


class Accountability(ActionFacts):
    """Holding a unit or person accountable for conduct in disclosure work (责任追究)."""

    kind: ClassVar[str] = "accountability"
    term: ClassVar[str] = "政务公开责任追究"
    date_fact: ClassVar[str | None] = "decided_on"

    decided_on: dt.date | None = fact("追究决定之日")
    conduct: list[Conduct] | None = fact("违反政务公开的行为")
    impact: Impact | None = fact("情节和影响")
    rectified: bool | None = fact("已纠正违反政务公开工作的行为")
    rectification_reported_in_writing: bool | None = fact("已将改正情况书面报告局政务公开领导小组办公室")
    deadline_set_for_rectification: bool | None = fact("对应公开未公开或公开不规范的已限期整改")
