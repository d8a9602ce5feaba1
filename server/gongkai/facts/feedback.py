"""Handling the public's evaluation opinions (评议意见) and complaints (来信、来访、来电、投诉)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.facts.national import NationalComplaintFacts
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class FeedbackChannel(Choice):
    """二、三: 网上公告、寄发函件、召开座谈会、上门走访等 — 等 leaves the list open."""

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
    feedback_on: dt.date | None = fact("完成反馈之日", "尚未反馈则不填", not_before=("received_on",))
    feedback_channels: list[FeedbackChannel] | None = fact("反馈方式", "已反馈时所用的方式;尚未反馈则不填")


@derivation("fed_back", "已完成反馈", ("evaluation_feedback",), ("feedback_on",), bool, partial=True)
def _fed_back(feedback_on: dt.date | None) -> bool:
    """A feedback date that is absent means no feedback has been given yet."""
    return feedback_on is not None


@derivation(
    "feedback_channel_count",
    "反馈所用方式数",
    ("evaluation_feedback",),
    ("feedback_channels",),
    int,
)
def _channel_count(channels: list[FeedbackChannel]) -> int:
    return len(set(channels))


class ComplaintChannel(Choice):
    """How the matter reached the bureau; the hotline is the office phone 8705050 (三、二)."""

    letter = "letter", "来信"
    visit = "visit", "来访"
    call = "call", "来电"
    hotline = "hotline", "政务公开热线电话"
    other = "other", "其他渠道(网上留言、意见箱等)"


class HandleComplaint(NationalComplaintFacts, ActionFacts):
    """A letter, visit or call from the public about disclosure work, or a complaint about staff."""

    kind: ClassVar[str] = "handle_complaint"
    term: ClassVar[str] = "处理群众来信、来访、来电和投诉"
    date_fact: ClassVar[str | None] = "received_on"

    received_on: dt.date | None = fact("收到之日")
    channel: ComplaintChannel | None = fact("来源渠道")
    about_staff_conduct: bool | None = fact(
        "反映、举报本局工作人员违反政务公开的行为", "意见、建议或者咨询为否;投诉、反映、举报工作人员为是"
    )
    registered_and_archived: bool | None = fact("已登记存档")
    accepted: bool | None = fact("已受理反映、举报")
    reported_to_leader: bool | None = fact("已按时向领导汇报")
    solvable_immediately: bool | None = fact("能立即解决")
    solved_immediately: bool | None = fact("已立即解决反馈")
    explanation_given: bool | None = fact("已做好解释工作")
    statutory_time_limit: bool | None = fact("法律、规章对办理时限有明确要求")
    statutory_time_limit_met: bool | None = fact("在法律、规章明确的时限内办理", "已过时限仍未办结为否;尚在时限内为是")
    commitment_time_limit: bool | None = fact("向社会公布的服务承诺中有时限要求")
    commitment_time_limit_met: bool | None = fact("在服务承诺时限内办理完毕", "已过承诺时限仍未办结为否;尚在时限内为是")
    forwarded_for_rectification: bool | None = fact("已及时反馈有关部门整改")
    investigated_with_opinion: bool | None = fact("已调查并提出处理意见")
    concluded_on: dt.date | None = fact("办结之日", "尚未办结则不填", not_before=("received_on",))
    result_fed_back: bool | None = fact("已向群众反馈办理结果")


@derivation("concluded", "已办结", ("handle_complaint",), ("concluded_on",), bool, partial=True)
def _concluded(concluded_on: dt.date | None) -> bool:
    """A conclusion date that is absent means the matter is still being handled."""
    return concluded_on is not None
