"""Actions only the 条例 (2019) names: the disclosure guide (第十二条), the annual report
(第四十九条、第五十条), an agency's opinion when a co-maker consults it (第三十四条) and a
request to correct a record (第四十一条).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import YEAR, ActionFacts, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation

# --- 第十二条: 政府信息公开指南 -------------------------------------------------------------


class DisclosureGuideElement(Choice):
    """第十二条第二款: what the guide contains (等: the list is a minimum)."""

    classification = "classification", "政府信息的分类"
    arrangement = "arrangement", "编排体系"
    access = "access", "获取方式"
    office_name = "office_name", "政府信息公开工作机构的名称"
    office_address = "office_address", "办公地址"
    office_hours = "office_hours", "办公时间"
    telephone = "telephone", "联系电话"
    fax = "fax", "传真号码"
    internet_contact = "internet_contact", "互联网联系方式"


class DisclosureGuide(ActionFacts):
    """Compiling or updating the agency's 政府信息公开指南."""

    kind: ClassVar[str] = "disclosure_guide"
    term: ClassVar[str] = "编制和更新政府信息公开指南"
    date_fact: ClassVar[str | None] = "updated_on"

    guide_elements: list[DisclosureGuideElement] | None = fact("指南包括的内容")
    changed_on: dt.date | None = fact("指南所载事项发生变化之日", "无变化则不填")
    # No order with changed_on: the last update may predate the change (not updated since).
    updated_on: dt.date | None = fact("指南更新之日", "尚未更新则不填")


@derivation("guide_changed", "指南所载事项已发生变化", ("disclosure_guide",), ("changed_on",), bool, partial=True)
def _guide_changed(changed_on: dt.date | None) -> bool:
    """A change date that is absent means nothing the guide states has changed."""
    return changed_on is not None


@derivation(
    "disclosure_guide_elements_missing",
    "指南缺少条例第十二条第二款所列内容的项数",
    ("disclosure_guide",),
    ("guide_elements",),
    int,
)
def _guide_missing(elements: list[DisclosureGuideElement]) -> int:
    return len(set(DisclosureGuideElement) - set(elements))


# --- 第四十九条、第五十条: 政府信息公开工作年度报告 ---------------------------------------------


class Reporter(Choice):
    """Whose report it is: 第四十九条 sets the dates for the first two."""

    county_department = "county_department", "县级以上人民政府部门(本行政机关的年度报告)"
    local_government = "local_government", "县级以上地方人民政府(本级政府的年度报告,由政府信息公开工作主管部门公布)"
    township_government = "township_government", "乡(镇)人民政府"
    other_agency = "other_agency", "其他行政机关"


class ReportContent(Choice):
    """第五十条 (一)–(四), what 第五十条第四项 adds for people's governments, and what the
    2008 text (第三十二条) asked besides."""

    proactive = "proactive", "行政机关主动公开政府信息的情况"
    requests = "requests", "行政机关收到和处理政府信息公开申请的情况"
    review_and_litigation = "review_and_litigation", "因政府信息公开工作被申请行政复议、提起行政诉讼的情况"
    problems_and_improvements = "problems_and_improvements", "政府信息公开工作存在的主要问题及改进情况"
    assessment_results = "assessment_results", "工作考核、社会评议和责任追究结果情况"
    # 2008 第三十二条第三项 (the 2019 text dropped it)
    fees_and_waivers = "fees_and_waivers", "政府信息公开的收费及减免情况"


class AnnualReport(ActionFacts):
    """One year's 政府信息公开工作年度报告: submitted, published, and what it contains."""

    kind: ClassVar[str] = "annual_report"
    term: ClassVar[str] = "政府信息公开工作年度报告"
    date_fact: ClassVar[str | None] = "published_on"

    year: int | None = fact("报告年度", **YEAR)
    reporter: Reporter | None = fact("报告主体")
    submitted_on: dt.date | None = fact("向本级政府信息公开工作主管部门提交之日", "尚未提交则不填")
    published_on: dt.date | None = fact("向社会公布之日", "尚未公布则不填")
    contents: list[ReportContent] | None = fact("年度报告包括的内容")


@derivation("report_year_end", "报告年度的最后一日", ("annual_report",), ("year",), dt.date)
def _year_end(year: int) -> dt.date | None:
    """The periods of 第四十九条 run from the end of the year reported on (12月31日); a year no
    calendar date can hold (with the three months of 第四十九条第二款 after it) stays unknown."""
    return dt.date(year, 12, 31) if 1 <= year < dt.MAXYEAR else None


# --- 第三十四条: 被征求意见机关提出意见 ------------------------------------------------------


class ConsultationBasis(Choice):
    joint_making = "joint_making", "申请公开的政府信息由本机关与牵头机关共同制作(条例第三十四条)"
    other = "other", "其他征求意见(如条例第三十三条第三款的其他机关)"


class ConsultationReply(ActionFacts):
    """An agency's opinion when another agency consults it on a request for disclosure."""

    kind: ClassVar[str] = "consultation_reply"
    term: ClassVar[str] = "答复政府信息公开征求意见"
    date_fact: ClassVar[str | None] = "replied_on"

    consultation_basis: ConsultationBasis | None = fact("征求意见的情形")
    received_on: dt.date | None = fact("收到征求意见书之日")
    replied_on: dt.date | None = fact("提出意见之日", "尚未提出则不填", not_before=("received_on",))


# --- 第四十一条: 更正政府信息记录 --------------------------------------------------------------


class CorrectionRequest(ActionFacts):
    """A request to correct an inaccurate record of government information about the requester."""

    kind: ClassVar[str] = "correction_request"
    term: ClassVar[str] = "处理更正政府信息记录的要求"
    date_fact: ClassVar[str | None] = "handled_on"

    received_on: dt.date | None = fact("收到更正要求之日")
    within_competence: bool | None = fact("本机关有权更正", "属于本行政机关职能范围")
    verified_inaccurate: bool | None = fact("审核属实", "经审核,政府信息记录确不准确")
    corrected: bool | None = fact("已予以更正")
    requester_told: bool | None = fact("已告知申请人")
    forwarded: bool | None = fact("已转送有权更正的行政机关处理")
    told_to_apply_elsewhere: bool | None = fact("已告知申请人向有权更正的行政机关提出")
    handled_on: dt.date | None = fact("处理完毕之日", "尚未处理完毕则不填", not_before=("received_on",))


@derivation("correction_handled", "更正要求已处理完毕", ("correction_request",), ("handled_on",), bool, partial=True)
def _handled(handled_on: dt.date | None) -> bool:
    """A handling date that is absent means the request is still being handled."""
    return handled_on is not None
