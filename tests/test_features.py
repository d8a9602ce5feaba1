"""pytest-bdd steps for features/: every scenario is decided by the engine, in process.

Given steps collect a request; the When step runs the real Checker (durable-rules); Then
steps assert on the Decision only. What each step means lives in gongkai.review.replay, which
``gongkai mutate``, ``diff`` and ``report`` replay the same way. The reference evaluator
must agree on every scenario.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from gongkai.check.checker import Checker
from gongkai.check.decision import Decision
from gongkai.review import replay
from gongkai.review import scenarios as phrases
from gongkai.review.scenarios import ScenarioError
from tests.differential import assert_reference_agrees

scenarios(".")


@pytest.fixture
def request_parts() -> replay.RequestParts:
    return replay.new_request()


@given(parsers.parse(phrases.AGENCY))
def agency(request_parts: replay.RequestParts, name: str, code: str, kind: str) -> None:
    replay.given_agency(request_parts, name, code, kind)


@given(parsers.parse(phrases.ACTION))
def action(request_parts: replay.RequestParts, action: str) -> None:
    replay.given_action(request_parts, action)


@given(phrases.FACTS)
def facts(request_parts: replay.RequestParts, datatable: list[list[str]], checker: Checker) -> None:
    replay.given_facts(request_parts, datatable, checker.lawbook.vocabulary)


@given(parsers.parse(phrases.UNKNOWN_FACT))
def unknown_fact(request_parts: replay.RequestParts, fact: str, checker: Checker) -> None:
    replay.given_unknown_fact(request_parts, fact, checker.lawbook.vocabulary)


@given(parsers.parse(phrases.AS_OF))
def as_of(request_parts: replay.RequestParts, date: str) -> None:
    replay.given_as_of(request_parts, date)


@when(phrases.CHECK, target_fixture="decision")
def check(request_parts: replay.RequestParts, checker: Checker) -> Decision:
    request = replay.build_request(request_parts)
    decision = checker.check(request)
    assert_reference_agrees(checker, request, decision)
    return decision


@then(parsers.parse(phrases.OUTCOME))
def outcome(decision: Decision, outcome: str) -> None:
    replay.expect_outcome(decision, outcome)


@then(parsers.parse(phrases.BREACHED))
def breached(decision: Decision, rule: str) -> None:
    replay.expect_breached(decision, rule)


@then(parsers.parse(phrases.NOT_BREACHED))
def not_breached(decision: Decision, rule: str) -> None:
    replay.expect_not_breached(decision, rule)


@then(parsers.parse(phrases.UNDECIDED))
def undecided(decision: Decision, rule: str, facts: str, request_parts: replay.RequestParts, checker: Checker) -> None:
    replay.expect_undecided(decision, rule, replay.fact_names(request_parts, facts, checker.lawbook.vocabulary))


@then(parsers.parse(phrases.DUE))
def due(decision: Decision, obligation: str, date: str, status: str) -> None:
    replay.expect_due(decision, obligation, date, status)


@then(parsers.parse(phrases.NO_DUE_DATE))
def no_due_date(decision: Decision, obligation: str, status: str) -> None:
    replay.expect_no_due_date(decision, obligation, status)


@then(parsers.parse(phrases.NO_OBLIGATION))
def no_obligation(decision: Decision, obligation: str) -> None:
    replay.expect_no_obligation(decision, obligation)


@then(parsers.parse(phrases.WARNING))
def warning(decision: Decision, text: str) -> None:
    replay.expect_warning(decision, text)


@then(parsers.parse(phrases.PACKS))
def packs(decision: Decision, packs: str) -> None:
    replay.expect_packs(decision, packs)


@then(phrases.NO_PACKS)
def no_packs(decision: Decision) -> None:
    replay.expect_no_packs(decision)


@then(parsers.parse(phrases.COVERAGE))
def coverage(decision: Decision, pack: str, status: str) -> None:
    replay.expect_coverage(decision, pack, status)


@then(parsers.parse(phrases.CONFLICT))
def conflict(decision: Decision, topic: str, clause: str) -> None:
    replay.expect_conflict(decision, topic, clause)


@then(parsers.parse(phrases.CONFLICT_NO_STRICTER))
def conflict_without_stricter(decision: Decision, topic: str) -> None:
    replay.expect_conflict_without_stricter(decision, topic)


@then(parsers.parse(phrases.NO_CONFLICT))
def no_conflict(decision: Decision, topic: str) -> None:
    replay.expect_no_conflict(decision, topic)


def test_every_step_pytest_binds_is_one_replay_knows() -> None:
    """The two ways of running features cannot drift: each phrase has one meaning."""
    bound = {
        phrases.AGENCY, phrases.ACTION, phrases.FACTS, phrases.UNKNOWN_FACT, phrases.AS_OF, phrases.OUTCOME,
        phrases.BREACHED, phrases.NOT_BREACHED, phrases.UNDECIDED, phrases.DUE, phrases.NO_DUE_DATE,
        phrases.NO_OBLIGATION, phrases.WARNING, phrases.PACKS, phrases.NO_PACKS, phrases.COVERAGE, phrases.CONFLICT,
        phrases.CONFLICT_NO_STRICTER, phrases.NO_CONFLICT,
    }  # fmt: skip
    assert bound == set(replay.GIVEN) | set(replay.THEN)


def test_replay_passes_every_scenario_pytest_runs(checker: Checker) -> None:
    """Replayed without pytest (as mutate, diff and report do), every scenario passes too."""
    from gongkai.review.scenarios import read_features
    from tests.conftest import ROOT

    cases = [replay.prepare(s, checker.lawbook.vocabulary) for s in read_features(ROOT / "features")]
    failed: list[Any] = [(r.case.label, r.failure) for r in (replay.replay(c, checker) for c in cases) if not r.passed]
    assert len(cases) > 600 and failed == []


def test_real_cases_are_read_and_each_cites_a_clause(checker: Checker) -> None:
    """features/real/ is part of the suite, and every real case names the clauses it tests (a pack tag
    alone does not say which clause a ruling is about)."""
    from gongkai.review.scenarios import read_features
    from tests.conftest import ROOT

    real = [s for s in read_features(ROOT / "features") if s.file.parent.name == "real"]
    clause_ids = {c.id for p in checker.lawbook.packs for c in p.catalogue.clauses}
    assert len(real) >= 25
    assert [s.name for s in real if not clause_ids & set(s.tags)] == []


def test_known_disagreements_still_disagree(checker: Checker) -> None:
    """A real case tagged @known-disagreement is left out of every replay; once the service reaches
    the body's ruling the tag must go, so each one must still fail here."""
    from gongkai.review.scenarios import KNOWN_DISAGREEMENT, read_features
    from tests.conftest import ROOT

    kept = [s for s in read_features(ROOT / "features", with_disagreements=True) if KNOWN_DISAGREEMENT in s.tags]
    results = [replay.replay(replay.prepare(s, checker.lawbook.vocabulary), checker) for s in kept]
    assert len(kept) >= 1 and [r.case.label for r in results if r.passed] == []


def test_undecided_facts_are_named_by_term_or_name_and_others_refused(checker: Checker) -> None:
    parts = replay.new_request()
    parts["action"] = "answer_request"
    vocabulary = checker.lawbook.vocabulary
    assert replay.fact_names(parts, "收到申请之日、fee_method", vocabulary) == "received_on、fee_method"
    with pytest.raises(ScenarioError, match="收到日"):
        replay.fact_names(parts, "收到日", vocabulary)
