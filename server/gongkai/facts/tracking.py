"""Tracking a major administrative decision in execution (重大行政决策跟踪).

One action is one round of tracking (or one report of it) on one decision: the work plan
and what it covers, the problems found and what was done about them, and — where the
decision went wrong with serious consequences — the conduct that caused it (for the
accountability findings of LS 二(一)4).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class TrackingTopic(Choice):
    """LS 二(一)1 (1)–(6): what decision tracking is to cover."""

    purpose_fit = "purpose_fit", "决策的实施结果与决策制定目的是否符合"
    cost_benefit = "cost_benefit", "决策实施的成本、效益"
    negative_factors = "negative_factors", "决策带来的负面因素"
    acceptance = "acceptance", "决策实施在实施对象中的接受程度"
    effects = "effects", "决策实施带来的近期效果和长远影响"
    lessons = "lessons", "主要经验、教训、措施和建议"


class TrackingProblem(Choice):
    """Problems found while the decision is carried out (LS 二(一)2 and 3)."""

    legal_basis_changed = "legal_basis_changed", "决策时的法律依据发生变化"
    harms_lawful_interests = "harms_lawful_interests", "决策内容损害行政相对人合法利益"
    defective = "defective", "决策(方案)存在缺陷"
    acts_revoked_or_lost = "acts_revoked_or_lost", "因决策事项作出的具体行政行为被复议撤销或诉讼败诉"
    target_unattainable = "target_unattainable", "决策目标因客观因素不能实现"


class DecisionFailureConduct(Choice):
    """LS 二(一)4 (1)–(6): conduct for which liability is pursued."""

    facts_misstated = "facts_misstated", "提供决策决定的事实有重大出入"
    wrong_basis = "wrong_basis", "提供决策决定的依据错误"
    unlawful_plan = "unlawful_plan", "提供决策决定的方案违反法律、法规、规章规定"
    procedure_skipped = "procedure_skipped", "未按法定程序报请决策"
    lax_review = "lax_review", "审核把关不严,失职、渎职"
    wrong_execution = "wrong_execution", "错误执行决策导致后果发生"


class DecisionTracking(ActionFacts):
    """One round of tracking a major administrative decision that is being carried out."""

    kind: ClassVar[str] = "decision_tracking"
    term: ClassVar[str] = "重大行政决策跟踪"
    date_fact: ClassVar[str | None] = "tracked_on"

    tracked_on: dt.date | None = fact("跟踪检查之日")
    work_plan_made: bool | None = fact("已制定跟踪工作方案并确定跟踪对象")
    tracking_topics: list[TrackingTopic] | None = fact("跟踪涵盖的内容")
    problems_found: list[TrackingProblem] | None = fact("执行中发现的问题", "没有则填“无”")
    reported_to_government: bool | None = fact("执行单位已主动向政府反馈情况")
    emergency_caused: bool | None = fact("决策事项引发重大突发事件或紧急情况且来不及报告", "来不及向政府报告的情形")
    handled_by_main_leader: bool | None = fact("执行单位主要领导已临机处置")
    suspension_proposed: bool | None = fact("已提出暂停执行建议")
    serious_failure: bool | None = fact("造成重大行政决策决定失误和严重后果")
    failure_conduct: list[DecisionFailureConduct] | None = fact("导致失误的行为", "没有则填“无”")


@derivation("tracking_topics_missing", "跟踪未涵盖的内容项数", ("decision_tracking",), ("tracking_topics",), int)
def _topics_missing(topics: list[TrackingTopic]) -> int:
    return len(set(TrackingTopic) - set(topics))
