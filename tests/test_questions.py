"""Questions instead of riddles: an INCOMPLETE decision asks for its missing facts in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Outcome
from gongkai.packs.pack import Severity
from gongkai.service.convert import decision_from_proto, decision_to_proto

ROOT = Path(__file__).resolve().parent.parent
BARE = {**json.loads((ROOT / "examples" / "answer-late.json").read_text())}
BARE["facts"] = {"received_on": "2025-09-26", "answered_on": "2025-10-10"}


def test_an_incomplete_decision_asks_for_every_missing_fact_ranked(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(BARE))
    assert decision.outcome is Outcome.incomplete
    asked = {q.fact for q in decision.questions}
    assert set(decision.missing_facts) <= asked
    ranks = [(q.must_rules, len(q.rules)) for q in decision.questions]
    assert ranks == sorted(ranks, reverse=True)
    must_undecided = [u for u in decision.undecided if u.severity is Severity.must]
    top = decision.questions[0]
    assert top.must_rules == max(sum(q.fact in u.missing_facts for u in must_undecided) for q in decision.questions)
    assert top.question.endswith("?") and top.term in top.question
    choice = next(q for q in decision.questions if q.fact == "answer_type")
    assert choice.question == "答复方式是哪一种?" and "提供所需政务信息" in [o.term for o in choice.options]
    boolean = next(q for q in decision.questions if q.fact == "registered")
    assert boolean.question == "是否已及时登记?"


def test_undecided_rules_say_what_cannot_be_judged_and_facts_carry_their_terms(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(BARE))
    assert all(u.message.startswith("尚不能判断") for u in decision.undecided)
    named = {n for u in decision.undecided for n in u.missing_facts} | {n for f in decision.findings for n in f.facts}
    assert named and set(decision.fact_terms) == named
    assert decision.fact_terms["registered"] == "已及时登记"


def test_a_complete_answer_asks_nothing(checker: Checker) -> None:
    full = json.loads((ROOT / "examples" / "answer-late.json").read_text())
    decision = checker.check(CheckRequest.model_validate(full))
    must_missing = {n for u in decision.undecided if u.severity is Severity.must for n in u.missing_facts}
    assert {q.fact for q in decision.questions if q.must_rules} == must_missing


def test_questions_survive_the_wire(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(BARE))
    again = decision_from_proto(decision_to_proto(decision))
    assert again.questions == decision.questions
    assert again.fact_terms == decision.fact_terms
    assert [u.message for u in again.undecided] == [u.message for u in decision.undecided]


def test_a_check_with_no_facts_at_all_says_so(checker: Checker) -> None:
    empty = checker.check(CheckRequest.model_validate({**BARE, "facts": {}}))
    assert empty.warnings[0].startswith("没有提供任何事实") and empty.questions
    some = checker.check(CheckRequest.model_validate(BARE))
    assert not any(w.startswith("没有提供任何事实") for w in some.warnings)
