"""Responding to public opinion on government affairs (政务舆情回应).

One action is the response to one 舆情. Times are datetimes: HC 三(二) counts hours
(5 hours for authoritative information, 24 for a press conference). The clock starts when
the agency detected the 舆情 (``opinion_detected_at``): the text ties the periods to the
舆情, not to the incident behind it, and detection is the first moment a response is
possible and the moment the agency's monitoring records show. A time given without a zone
is China Standard Time (UTC+8).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import ClassVar

from gongkai.facts.base import ActionFacts, aware, fact
from gongkai.facts.national import NationalOpinionFacts
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class EmergencyLevel(Choice):
    """The level of the emergency (突发事件) the 舆情 concerns, if any."""

    especially_major = "especially_major", "特别重大突发事件"
    major = "major", "重大突发事件"
    significant = "significant", "较大突发事件"
    general = "general", "一般突发事件"
    none = "none", "不涉及突发事件"


class OpinionLevel(Choice):
    """HC 三(二): 确定重大、较大、一般等舆情等级."""

    especially_major = "especially_major", "特别重大舆情"
    major = "major", "重大舆情"
    significant = "significant", "较大舆情"
    general = "general", "一般舆情"
    undetermined = "undetermined", "未确定舆情等级"


class OpinionSubject(Choice):
    """HC 三(二): what the 舆情 concerns, which fixes who responds."""

    government_policy = "government_policy", "涉及政府重大政策、重要工作部署"
    department = "department", "涉及部门"
    several_localities = "several_localities", "涉及多个地方"


class ResponderRole(Choice):
    """The responding agency's position towards the 舆情."""

    government_department = "government_department", "政府相关部门"
    local_responsible_department = "local_responsible_department", "属地涉事责任部门"
    superior_department = "superior_department", "上级政府主管部门"
    other = "other", "其他单位"


class PublicOpinionResponse(NationalOpinionFacts, ActionFacts):
    """The agency's response to one 政务舆情: level, responder, information, press conference."""

    kind: ClassVar[str] = "public_opinion_response"
    term: ClassVar[str] = "政务舆情回应"
    date_fact: ClassVar[str | None] = "opinion_detected_at"

    opinion_subject: OpinionSubject | None = fact("舆情涉及的对象")
    responder_role: ResponderRole | None = fact("回应机关的身份", "本机关相对于该舆情的身份")
    opinion_level: OpinionLevel | None = fact("舆情等级")
    reported_via_channel: bool | None = fact("已归口报送")
    important_opinion: bool | None = fact("涉及本机关的重要政务舆情")
    emergency_level: EmergencyLevel | None = fact("所涉突发事件的级别")
    opinion_detected_at: dt.datetime | None = fact("监测发现该政务舆情之时", "各期限自此起算")
    authoritative_info_released_at: dt.datetime | None = fact("首次发布权威信息之时", "尚未发布则不填")
    press_conference_at: dt.datetime | None = fact("举行新闻发布会之时", "尚未举行则不填")
    # a report on the response to a 舆情 speaks of a moment after its detection
    situation_at: dt.datetime | None = fact(
        "情况截至之时",
        "回应尚在进行时,所报事实截至的时刻:据此计算尚未发布或举行时已经过的小时数",
        not_before=("opinion_detected_at",),
    )
    main_leader_spoke: bool | None = fact("主要负责人已带头主动发声")
    main_leader_interviewed: bool | None = fact("主要负责人已带头接受媒体采访")

    def action_date(self) -> dt.date | None:
        """The day the 舆情 was detected (a date, not a time: packs are dated by day)."""
        return self.opinion_detected_at.date() if self.opinion_detected_at else None


def hours_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole hours from ``start`` to ``end``, a begun hour counted as a whole one (5:00 is
    5 hours, 5:01 is 6): ``hours > 5`` holds exactly when more than 5 hours have passed."""
    seconds = (aware(end) - aware(start)).total_seconds()
    return max(math.ceil(seconds / 3600), 0)


def _hours_until(detected: dt.datetime | None, done: dt.datetime | None, now: dt.datetime | None) -> int | None:
    """Hours to the act; while it has not happened, the hours already passed at ``now``."""
    if detected is None:
        return None
    end = done or now
    return None if end is None else hours_between(detected, end)


@derivation(
    "hours_to_authoritative_information",
    "发现舆情至发布权威信息的小时数",
    ("public_opinion_response",),
    ("opinion_detected_at", "authoritative_info_released_at", "situation_at"),
    int,
    partial=True,
)
def _hours_to_information(
    detected: dt.datetime | None, released: dt.datetime | None, now: dt.datetime | None
) -> int | None:
    return _hours_until(detected, released, now)


@derivation(
    "hours_to_press_conference",
    "发现舆情至举行新闻发布会的小时数",
    ("public_opinion_response",),
    ("opinion_detected_at", "press_conference_at", "situation_at"),
    int,
    partial=True,
)
def _hours_to_conference(detected: dt.datetime | None, held: dt.datetime | None, now: dt.datetime | None) -> int | None:
    return _hours_until(detected, held, now)


@derivation(
    "authoritative_information_released",
    "已发布权威信息",
    ("public_opinion_response",),
    ("authoritative_info_released_at",),
    bool,
    partial=True,
)
def _released(released: dt.datetime | None) -> bool:
    """A release time that is absent means no authoritative information has been released."""
    return released is not None
