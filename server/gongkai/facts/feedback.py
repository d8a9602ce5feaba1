"""Handling the public's evaluation opinions (评议意见) and complaints (来信、来访、来电、投诉)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, Choice, fact


class FeedbackChannel(Choice):
    online_notice = "online_notice", "网上公告"
    letter = "letter", "寄发函件"
    forum = "forum", "召开座谈会"
    home_visit = "home_visit", "上门走访"
    other = "other", "其他方式"


class EvaluationFeedback(ActionFacts):
    """An opinion or suggestion from the public evaluation of disclosure work (评议)."""

    kind: ClassVar[str] = "evaluation_feedback"
    term: ClassVar[str] = "处理评议意见和建议"
    date_fact: ClassVar[str | None] = "feedback_on"

    received_on: dt.date | None = fact("接到评议意见和建议之日")
    rectifiable: bool | None = fact("具备整改条件")
    rectified_immediately: bool | None = fact("已立即进行整改")
    explanation_given: bool | None = fact("已向群众做出解释")
    feedback_on: dt.date | None = fact("完成反馈之日", "尚未反馈则不填")
    feedback_channels: list[FeedbackChannel] | None = fact("反馈方式")


class ComplaintChannel(Choice):
    letter = "letter", "来信"
    visit = "visit", "来访"
    call = "call", "来电"
    hotline = "hotline", "政务公开热线电话"
    report = "report", "反映、举报"


class HandleComplaint(ActionFacts):
    """A letter, visit or call from the public about disclosure work, or a complaint about staff."""

    kind: ClassVar[str] = "handle_complaint"
    term: ClassVar[str] = "处理群众来信、来访、来电和投诉"
    date_fact: ClassVar[str | None] = "received_on"

    received_on: dt.date | None = fact("收到之日")
    channel: ComplaintChannel | None = fact("来源渠道")
    about_staff_conduct: bool | None = fact("反映本局工作人员违反政务公开的行为")
    registered_and_archived: bool | None = fact("已登记存档")
    solvable_immediately: bool | None = fact("能立即解决")
    solved_immediately: bool | None = fact("已立即解决反馈")
    explanation_given: bool | None = fact("已做好解释工作")
    forwarded_for_rectification: bool | None = fact("已反馈有关部门整改")
    complainant_replied: bool | None = fact("已回复群众")
    statutory_time_limit_met: bool | None = fact("在法律、规章明确的时限内办理", "无此时限则不填")
    commitment_time_limit_met: bool | None = fact("在公布的服务承诺时限内办理完毕", "无此承诺则不填")
    investigated_with_opinion: bool | None = fact("已调查并提出处理意见")
    result_fed_back: bool | None = fact("已反馈办理结果")
