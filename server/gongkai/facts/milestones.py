"""Dated tasks (限期完成的阶段性任务): one-off tasks a plan sets a fixed date for.

A milestone such as 2020年10月底前编制完成 is not a yearly duty: it is due once, on a fixed
day, and is either done by then or late. One check is one task of the agency, with the
day it was completed (absent: not yet). Each pack declares its tasks' due dates as
deadlines with a ``due_date``, so the decision shows the obligation with its date.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.packs.vocabulary import Choice


class MilestoneTask(Choice):
    """The tasks with a printed due date, by the plan that sets them."""

    # 海政办发〔2017〕37号 二(三): 在2017年年底前.
    hc_attendance_system = (
        "hc_attendance_system",
        "建立健全利益相关方、公众代表、专家、媒体等列席政府有关会议的制度",
    )
    # 岫政办发〔2020〕37号 二、三.
    xy_task_claiming = "xy_task_claiming", "对照牵头单位名单进行任务认领"
    xy_pilot_catalogue = "xy_pilot_catalogue", "编制完成26个试点领域政务公开事项标准目录"
    xy_common_catalogue_content = (
        "xy_common_catalogue_content",
        "对照全省统一的共性公开事项目录及信息内容标准完善各公开事项具体信息内容",
    )
    xy_decision_list = "xy_decision_list", "更新完善重大行政决策事项清单"
    xy_participation_mechanism = "xy_participation_mechanism", "对行政决策公众参与试点工作建立相关机制"
    xy_response_and_attendance = (
        "xy_response_and_attendance",
        "建立解释说明及回应公众关切机制,制定完善列席政府有关会议制度",
    )
    xy_pilot_summary = "xy_pilot_summary", "总结行政决策公众参与工作试点经验做法并形成材料上报"
    xy_pilot_acceptance = "xy_pilot_acceptance", "对政务公开重点工作标准化、规范化试点成果进行验收"
    xy_standards_promoted = "xy_standards_promoted", "形成相关标准规范并组织在全县推广"


class Milestone(ActionFacts):
    """One dated task of the agency and the day it was done."""

    kind: ClassVar[str] = "milestone"
    term: ClassVar[str] = "限期完成的阶段性任务"
    date_fact: ClassVar[str | None] = "completed_on"

    task: MilestoneTask | None = fact("任务")
    completed_on: dt.date | None = fact("任务完成之日", "尚未完成则不填")
