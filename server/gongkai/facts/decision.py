"""Taking a major administrative decision (重大行政决策), also a topic for a government meeting.

One action is one decision item: its public consultation (决策草案和依据的公布, 征求意见,
采纳情况的公布), its expert review, risk assessment and legality review, and the meeting
it goes to (会议方案, 集体讨论). A date that is absent means the event has
not happened: no ``draft_published_on`` = the draft was not published, no ``decided_on``
= the decision has not been taken yet (checks before the decision only judge the steps
due by then).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class ParticipationMethod(Choice):
    """Ways of public participation the packs name (XY 二(二), HC 五(二), ZZ 三(一)1)."""

    forum = "forum", "座谈会"
    hearing = "hearing", "听证会"
    field_visit = "field_visit", "实地走访"
    public_comment = "public_comment", "向社会公开征求意见"
    questionnaire = "questionnaire", "问卷调查"
    opinion_poll = "opinion_poll", "民意调查"
    consultation = "consultation", "咨询协商"
    meeting_attendance = "meeting_attendance", "列席会议"
    media_briefing = "media_briefing", "媒体吹风"
    other = "other", "其他方式"


# XY 二(二) 第二段: 座谈会、听证会、实地走访、向社会公开征求意见、问卷调查、民意调查 (任选两种).
XY_METHODS = frozenset(
    {
        ParticipationMethod.forum,
        ParticipationMethod.hearing,
        ParticipationMethod.field_visit,
        ParticipationMethod.public_comment,
        ParticipationMethod.questionnaire,
        ParticipationMethod.opinion_poll,
    }
)


class MeetingKind(Choice):
    """The meeting the item is submitted to for collective discussion and decision."""

    standing = "standing", "政府常务会议"
    leaders_office = "leaders_office", "政府领导办公会议"
    party_group = "party_group", "局党组会议"
    other = "other", "其他会议"
    none = "none", "未提交会议审议"


class LegalityReview(Choice):
    """The state of the legality review (合法性审查) of the decision item."""

    not_reviewed = "not_reviewed", "未经合法性审查"
    failed = "failed", "经审查不合格"
    revision_required = "revision_required", "审查意见要求修改完善"
    passed = "passed", "经审查合格"


class MajorDecision(ActionFacts):
    """A major administrative decision or an important policy measure, from draft to decision."""

    kind: ClassVar[str] = "major_decision"
    term: ClassVar[str] = "重大行政决策"
    date_fact: ClassVar[str | None] = "decided_on"

    # What the item is: each pack names its own scope.
    is_major_decision: bool | None = fact("属于重大行政决策事项")
    public_interest_policy: bool | None = fact(
        "涉及群众切身利益、需要社会广泛知晓的重大政策举措", "ZZ 三(一)1 的决策预公开范围"
    )
    on_decision_list: bool | None = fact("列入重大行政决策事项清单的事项", "XY 二(二) 所称“上述事项”")
    major_public_interest: bool | None = fact("涉及重大公共利益和公众权益的重要决策", "HC 五(二)")
    standing_meeting_item: bool | None = fact("提交政府常务会议审议的重要改革方案或者重大政策措施", "HC 二(三)")
    secret: bool | None = fact("依法应当保密")
    # Public consultation.
    draft_published_on: dt.date | None = fact("向社会公布决策草案之日", "未公布则不填")
    published_on_portal: bool | None = fact("决策草案通过政府门户网站公布")
    basis_published: bool | None = fact("决策依据与草案一并公布")
    comment_closed_on: dt.date | None = fact("征求意见截止之日", not_before=("draft_published_on",))
    participation_methods: list[ParticipationMethod] | None = fact(
        "公众参与方式", "已采用的全部方式;公布决策草案征求意见的,列入“向社会公开征求意见”"
    )
    comment_adoption_published: bool | None = fact("意见收集和采纳情况已公布")
    concentrated_opinions_rejected: bool | None = fact("有相对集中的意见建议未予采纳")
    rejection_reasons_published: bool | None = fact("公布时已说明相对集中意见不予采纳的理由")
    # Expert review, risk assessment, legality review (ZZ 三(一)2–4).
    expert_review: bool | None = fact(
        "已组织专家论证并形成专家咨询论证意见书", "由相关专家或研究咨询机构论证必要性、可行性和科学性"
    )
    expert_opinions_rejected: bool | None = fact("专家论证意见有未予采纳的")
    expert_rejection_reasons_given: bool | None = fact("已说明未予采纳专家意见的理由")
    expert_opinion_published: bool | None = fact("专家咨询论证意见书和采纳情况已公布")
    risk_assessed: bool | None = fact(
        "已进行风险评估", "成本效益、社会稳定、资金债务、生态环境、安全生产、社会舆情、廉洁性、法律纠纷等"
    )
    legality_review: LegalityReview | None = fact("合法性审查情况")
    revised_per_legality_opinion: bool | None = fact("已按合法性审查意见修改完善")
    legality_review_particulars_published: bool | None = fact("已公开合法性审查的主体、程序和要件")
    # The meeting and the decision.
    meeting_kind: MeetingKind | None = fact("提交审议的会议", "提交集体讨论决定的会议;尚未提交则填“未提交会议审议”")
    major_livelihood_topic: bool | None = fact("会议议题涉及重大民生事项")
    attendance_openness_proposed: bool | None = fact(
        "会议方案已提出是否邀请列席、是否公开及公开方式的意见", "并随会议方案一同报批"
    )
    decided_on: dt.date | None = fact("作出决策之日", "尚未决策则不填")


@derivation("decision_taken", "已作出决策", ("major_decision",), ("decided_on",), bool, partial=True)
def _decision_taken(decided_on: dt.date | None) -> bool:
    """A decision date that is absent means the decision has not been taken yet."""
    return decided_on is not None


@derivation(
    "submitted_or_decided",
    "已提交审议或者已作出决策",
    ("major_decision",),
    ("meeting_kind", "decided_on"),
    bool,
    partial=True,
)
def _submitted_or_decided(meeting: MeetingKind | None, decided_on: dt.date | None) -> bool | None:
    if decided_on is not None:
        return True
    return None if meeting is None else meeting is not MeetingKind.none


@derivation(
    "draft_published_before_decision",
    "决策前已向社会公布决策草案",
    ("major_decision",),
    ("draft_published_on", "decided_on"),
    bool,
    partial=True,
)
def _published_before(published_on: dt.date | None, decided_on: dt.date | None) -> bool:
    """Published on a day before the decision (or, while undecided, published at all)."""
    if published_on is None:
        return False
    return decided_on is None or published_on < decided_on


@derivation(
    "comment_period_days",
    "征求意见天数",
    ("major_decision",),
    ("draft_published_on", "comment_closed_on", "decided_on"),
    int,
    partial=True,
)
def _comment_days(published_on: dt.date | None, closed_on: dt.date | None, decided_on: dt.date | None) -> int | None:
    """Calendar days from publication to the close of comments, the day of publication not
    counted; a decision taken before the announced close ends the comment period that day."""
    if published_on is None or closed_on is None:
        return None
    end = min(closed_on, decided_on) if decided_on is not None else closed_on
    return (end - published_on).days


@derivation(
    "public_comment_sought",
    "已向社会公开征求意见",
    ("major_decision",),
    ("draft_published_on", "participation_methods"),
    bool,
    partial=True,
)
def _comment_sought(published_on: dt.date | None, methods: list[ParticipationMethod] | None) -> bool:
    """Publishing the draft is seeking public comment; so is listing 向社会公开征求意见."""
    return published_on is not None or ParticipationMethod.public_comment in (methods or [])


@derivation(
    "public_participation_used",
    "已采用公众参与方式",
    ("major_decision",),
    ("participation_methods", "draft_published_on"),
    bool,
    partial=True,
)
def _participation_used(methods: list[ParticipationMethod] | None, published_on: dt.date | None) -> bool | None:
    """A published draft is public participation (征求意见) whatever else the list says."""
    if published_on is not None:
        return True
    return None if methods is None else bool(methods)


@derivation(
    "listed_participation_methods_used",
    "采用座谈会、听证会、实地走访、向社会公开征求意见、问卷调查、民意调查中的种数",
    ("major_decision",),
    ("participation_methods",),
    int,
)
def _listed_participation_count(methods: list[ParticipationMethod]) -> int:
    return len(set(methods) & XY_METHODS)
