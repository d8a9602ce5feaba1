"""pytest-bdd steps for features/: every scenario is decided by the engine, in process.

Given steps collect a request; the When step runs the real Checker (durable-rules); Then
steps assert on the Decision only. The reference evaluator must agree on every scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from gongkai import scenarios as phrases
from gongkai.checker import Checker, CheckRequest
from gongkai.decision import Decision
from tests.differential import assert_reference_agrees

scenarios(".")


@pytest.fixture
def request_parts() -> dict[str, Any]:
    return {"facts": {}}


@given(parsers.parse(phrases.AGENCY))
def agency(request_parts: dict[str, Any], name: str, code: str, kind: str) -> None:
    request_parts["agency"] = {"name": name, "division_code": code, "kind": phrases.agency_kind(kind)}


@given(parsers.parse(phrases.ACTION))
def action(request_parts: dict[str, Any], action: str) -> None:
    request_parts["action"] = phrases.action_kind(action)


@given(phrases.FACTS)
def facts(request_parts: dict[str, Any], datatable: list[list[str]], checker: Checker) -> None:
    kind = request_parts["action"]
    vocab = checker.lawbook.vocabulary[kind]
    request_parts["facts"].update(phrases.facts_from_rows(datatable, vocab))


@given(parsers.parse(phrases.UNKNOWN_FACT))
def unknown_fact(request_parts: dict[str, Any], fact: str, checker: Checker) -> None:
    vocab = checker.lawbook.vocabulary[request_parts["action"]]
    request_parts["facts"].pop(phrases.fact_name(fact, vocab), None)


@given(parsers.parse(phrases.AS_OF))
def as_of(request_parts: dict[str, Any], date: str) -> None:
    request_parts["as_of"] = dt.date.fromisoformat(date)


@when(phrases.CHECK, target_fixture="decision")
def check(request_parts: dict[str, Any], checker: Checker) -> Decision:
    request = CheckRequest.model_validate(request_parts)
    decision = checker.check(request)
    assert_reference_agrees(checker, request, decision)
    return decision


@then(parsers.parse(phrases.OUTCOME))
def outcome(decision: Decision, outcome: str) -> None:
    expected = phrases.OUTCOMES.get(outcome, outcome)
    assert decision.outcome == expected, _explain(decision)


@then(parsers.parse(phrases.BREACHED))
def breached(decision: Decision, rule: str) -> None:
    assert rule in decision.breached_rules, _explain(decision)


@then(parsers.parse(phrases.NOT_BREACHED))
def not_breached(decision: Decision, rule: str) -> None:
    assert rule in decision.rules_applied, f"{rule} was not applied: {decision.rules_applied}"
    assert rule not in decision.breached_rules, _explain(decision)
    assert rule not in [u.rule_id for u in decision.undecided], _explain(decision)


@then(parsers.parse(phrases.UNDECIDED))
def undecided(decision: Decision, rule: str, facts: str) -> None:
    missing = {u.rule_id: u.missing_facts for u in decision.undecided}
    assert rule in missing, _explain(decision)
    assert set(missing[rule]) == set(facts.split("、")), missing[rule]


@then(parsers.parse(phrases.DUE))
def due(decision: Decision, obligation: str, date: str, status: str) -> None:
    found = {o.id: o for o in decision.obligations}
    assert obligation in found, f"no obligation {obligation}: {list(found)}"
    assert found[obligation].due_on == dt.date.fromisoformat(date)
    assert found[obligation].status == phrases.STATUSES.get(status, status)


@then(parsers.parse(phrases.NO_DUE_DATE))
def no_due_date(decision: Decision, obligation: str, status: str) -> None:
    found = {o.id: o for o in decision.obligations}
    assert obligation in found, f"no obligation {obligation}: {list(found)}"
    assert found[obligation].due_on is None
    assert found[obligation].status == phrases.STATUSES.get(status, status)


@then(parsers.parse(phrases.NO_OBLIGATION))
def no_obligation(decision: Decision, obligation: str) -> None:
    assert obligation not in {o.id for o in decision.obligations}


@then(parsers.parse(phrases.WARNING))
def warning(decision: Decision, text: str) -> None:
    assert any(text in w for w in decision.warnings), decision.warnings


@then(parsers.parse(phrases.PACKS))
def packs(decision: Decision, packs: str) -> None:
    assert [p.code for p in decision.packs] == packs.split("、")


@then(phrases.NO_PACKS)
def no_packs(decision: Decision) -> None:
    assert decision.packs == [] and decision.rules_applied == [] and decision.findings == []


@then(parsers.parse(phrases.CONFLICT))
def conflict(decision: Decision, topic: str, clause: str) -> None:
    found = {c.topic: c for c in decision.conflicts}
    assert topic in found, f"no conflict {topic}: {list(found)}"
    assert found[topic].stricter == clause
    assert len({p.pack for p in found[topic].provisions}) >= 2


@then(parsers.parse(phrases.CONFLICT_NO_STRICTER))
def conflict_without_stricter(decision: Decision, topic: str) -> None:
    found = {c.topic: c for c in decision.conflicts}
    assert topic in found, f"no conflict {topic}: {list(found)}"
    assert found[topic].stricter is None


@then(parsers.parse(phrases.NO_CONFLICT))
def no_conflict(decision: Decision, topic: str) -> None:
    assert topic not in {c.topic for c in decision.conflicts}


def _explain(decision: Decision) -> str:
    return (
        f"outcome {decision.outcome}; findings {decision.breached_rules}; "
        f"undecided {[(u.rule_id, u.missing_facts) for u in decision.undecided]}"
    )
