"""What each step of a feature file means, once: the pytest-bdd steps and every replay use it.

tests/test_features.py binds these functions to the step phrases for pytest-bdd; ``gongkai
mutate``, ``gongkai diff`` and ``gongkai report`` replay the scenarios read as data
(``read_features``) through ``prepare`` and ``replay``, without pytest. Given steps build a
request (``RequestParts``); the When step checks it; each Then step compares the Decision
and raises ``Mismatch`` (an AssertionError) saying what differs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from gongkai.check.checker import BadInput, CheckRequest
from gongkai.check.decision import Decision
from gongkai.packs.vocabulary import FactInfo
from gongkai.review import scenarios as phrases
from gongkai.review.scenarios import Scenario, ScenarioError

RequestParts = dict[str, Any]  # agency, action, facts, as_of: what CheckRequest validates
Vocabulary = dict[str, dict[str, FactInfo]]  # per action kind (Lawbook.vocabulary)


class Mismatch(AssertionError):
    """A Then step that does not hold for the decision."""


class Checks(Protocol):
    def check(self, request: CheckRequest) -> Decision: ...


# --- Given ---------------------------------------------------------------------------


def new_request() -> RequestParts:
    return {"facts": {}}


def given_agency(parts: RequestParts, name: str, code: str, kind: str) -> None:
    parts["agency"] = {"name": name, "division_code": code, "kind": phrases.agency_kind(kind)}


def given_action(parts: RequestParts, action: str) -> None:
    parts["action"] = phrases.action_kind(action)


def given_facts(parts: RequestParts, rows: list[list[str]], vocabulary: Vocabulary) -> None:
    parts["facts"].update(phrases.facts_from_rows(rows, vocabulary[_action(parts)]))


def given_unknown_fact(parts: RequestParts, fact: str, vocabulary: Vocabulary) -> None:
    parts["facts"].pop(phrases.fact_name(fact, vocabulary[_action(parts)]), None)


def fact_names(parts: RequestParts, facts: str, vocabulary: Vocabulary) -> str:
    """A step's facts (、-separated), each written as its name or its Chinese term, as names."""
    vocab = vocabulary[_action(parts)]
    return "、".join(phrases.fact_name(fact.strip(), vocab) for fact in facts.split("、"))


def given_as_of(parts: RequestParts, date: str) -> None:
    parts["as_of"] = dt.date.fromisoformat(date)


def _action(parts: RequestParts) -> str:
    if "action" not in parts:
        raise ScenarioError("facts are given before the action (行为是…)")
    return parts["action"]


def build_request(parts: RequestParts) -> CheckRequest:
    return CheckRequest.model_validate(parts)


# --- Then ----------------------------------------------------------------------------


def _require(condition: bool, message: str | Callable[[], str]) -> None:
    if not condition:
        raise Mismatch(message() if callable(message) else message)


def explain(decision: Decision) -> str:
    return (
        f"outcome {decision.outcome}; findings {decision.breached_rules}; "
        f"undecided {[(u.rule_id, u.missing_facts) for u in decision.undecided]}"
    )


def expect_outcome(decision: Decision, outcome: str) -> None:
    expected = phrases.OUTCOMES.get(outcome, outcome)
    _require(decision.outcome == expected, lambda: f"expected {expected}: {explain(decision)}")


def expect_breached(decision: Decision, rule: str) -> None:
    _require(rule in decision.breached_rules, lambda: f"expected {rule} breached: {explain(decision)}")


def expect_not_breached(decision: Decision, rule: str) -> None:
    _require(rule in decision.rules_applied, lambda: f"{rule} was not applied: {decision.rules_applied}")
    _require(rule not in decision.breached_rules, lambda: f"expected {rule} not breached: {explain(decision)}")
    undecided = [u.rule_id for u in decision.undecided]
    _require(rule not in undecided, lambda: f"expected {rule} decided: {explain(decision)}")


def expect_undecided(decision: Decision, rule: str, facts: str) -> None:
    missing = {u.rule_id: u.missing_facts for u in decision.undecided}
    _require(rule in missing, lambda: f"expected {rule} undecided: {explain(decision)}")
    _require(set(missing[rule]) == set(facts.split("、")), lambda: f"{rule} is missing {missing[rule]}, not {facts}")


def _obligation(decision: Decision, obligation: str) -> Any:
    found = {o.id: o for o in decision.obligations}
    _require(obligation in found, lambda: f"no obligation {obligation}: {list(found)}")
    return found[obligation]


def expect_due(decision: Decision, obligation: str, date: str, status: str) -> None:
    o = _obligation(decision, obligation)
    _require(o.due_on == dt.date.fromisoformat(date), lambda: f"{obligation} is due on {o.due_on}, not {date}")
    expected = phrases.STATUSES.get(status, status)
    _require(o.status == expected, lambda: f"{obligation} is {o.status}, not {expected}")


def expect_no_due_date(decision: Decision, obligation: str, status: str) -> None:
    o = _obligation(decision, obligation)
    _require(o.due_on is None, lambda: f"{obligation} is due on {o.due_on}")
    expected = phrases.STATUSES.get(status, status)
    _require(o.status == expected, lambda: f"{obligation} is {o.status}, not {expected}")


def expect_no_obligation(decision: Decision, obligation: str) -> None:
    _require(obligation not in {o.id for o in decision.obligations}, f"unexpected obligation {obligation}")


def expect_warning(decision: Decision, text: str) -> None:
    _require(any(text in w for w in decision.warnings), lambda: f"no warning {text!r}: {decision.warnings}")


def expect_packs(decision: Decision, packs: str) -> None:
    codes = [p.code for p in decision.packs]
    _require(codes == packs.split("、"), lambda: f"packs {codes}, not {packs}")


def expect_no_packs(decision: Decision) -> None:
    _require(
        decision.packs == [] and decision.rules_applied == [] and decision.findings == [],
        lambda: f"packs {[p.code for p in decision.packs]} applied",
    )


def expect_coverage(decision: Decision, pack: str, status: str) -> None:
    found = {c.code: c for c in decision.coverage}
    _require(pack in found, lambda: f"pack {pack} does not bind the agency: {list(found)}")
    expected = phrases.COVERAGE_STATUSES.get(status, status)
    _require(
        found[pack].status == expected, lambda: f"{pack}: {found[pack].status} ({found[pack].note}), not {expected}"
    )


def _conflict(decision: Decision, topic: str) -> Any:
    found = {c.topic: c for c in decision.conflicts}
    _require(topic in found, lambda: f"no conflict {topic}: {list(found)}")
    return found[topic]


def expect_conflict(decision: Decision, topic: str, clause: str) -> None:
    conflict = _conflict(decision, topic)
    _require(conflict.stricter == clause, lambda: f"{topic}: the stricter is {conflict.stricter}, not {clause}")
    _require(len({p.pack for p in conflict.provisions}) >= 2, f"{topic}: fewer than two packs")


def expect_conflict_without_stricter(decision: Decision, topic: str) -> None:
    conflict = _conflict(decision, topic)
    _require(conflict.stricter is None, lambda: f"{topic}: the stricter is {conflict.stricter}")


def expect_no_conflict(decision: Decision, topic: str) -> None:
    _require(topic not in {c.topic for c in decision.conflicts}, f"unexpected conflict {topic}")


# --- steps as text -------------------------------------------------------------------

GivenStep = Callable[..., None]
ThenStep = Callable[..., None]
GIVEN: dict[str, GivenStep] = {
    phrases.AGENCY: given_agency,
    phrases.ACTION: given_action,
    phrases.FACTS: given_facts,
    phrases.UNKNOWN_FACT: given_unknown_fact,
    phrases.AS_OF: given_as_of,
}
THEN: dict[str, ThenStep] = {
    phrases.OUTCOME: expect_outcome,
    phrases.BREACHED: expect_breached,
    phrases.NOT_BREACHED: expect_not_breached,
    phrases.UNDECIDED: expect_undecided,
    phrases.DUE: expect_due,
    phrases.NO_DUE_DATE: expect_no_due_date,
    phrases.NO_OBLIGATION: expect_no_obligation,
    phrases.WARNING: expect_warning,
    phrases.PACKS: expect_packs,
    phrases.NO_PACKS: expect_no_packs,
    phrases.COVERAGE: expect_coverage,
    phrases.CONFLICT: expect_conflict,
    phrases.CONFLICT_NO_STRICTER: expect_conflict_without_stricter,
    phrases.NO_CONFLICT: expect_no_conflict,
}
NEEDS_VOCABULARY = {given_facts, given_unknown_fact}


@cache
def _pattern(phrase: str) -> re.Pattern[str]:
    """A step phrase as a regular expression; every placeholder stands inside quotes."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r'(?P<\1>[^"]*)', re.escape(phrase)) + "$")


def match(text: str, table: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    for phrase in table:
        if m := _pattern(phrase).match(text.strip()):
            return phrase, m.groupdict()
    return None


@dataclass
class Expectation:
    step: str  # as written
    phrase: str
    args: dict[str, str]

    def verify(self, decision: Decision) -> None:
        THEN[self.phrase](decision, **self.args)


@dataclass
class Case:
    """A scenario ready to replay: its request and what it expects of the decision."""

    scenario: Scenario
    request: CheckRequest | None
    expectations: list[Expectation] = field(default_factory=list)
    error: str | None = None  # a scenario that cannot be read into a request

    @property
    def label(self) -> str:
        return f"{self.scenario.file.name}:{self.scenario.line} {self.scenario.name}"

    @property
    def action(self) -> str | None:
        return self.request.action if self.request else None

    def rules_named(self) -> set[str]:
        return {e.args["rule"] for e in self.expectations if "rule" in e.args}


def prepare(scenario: Scenario, vocabulary: Vocabulary) -> Case:
    """The scenario's request (Given steps) and its expectations (Then steps)."""
    parts = new_request()
    expectations: list[Expectation] = []
    checked = False
    try:
        for index, text in enumerate(scenario.steps):
            if text.strip() == phrases.CHECK:
                checked = True
                continue
            if found := match(text, GIVEN):
                phrase, args = found
                step = GIVEN[phrase]
                if phrase == phrases.FACTS:
                    args["rows"] = scenario.tables.get(index, [])  # type: ignore[assignment]
                if step in NEEDS_VOCABULARY:
                    args["vocabulary"] = vocabulary  # type: ignore[assignment]
                step(parts, **args)
            elif found := match(text, THEN):
                phrase, args = found
                if phrase == phrases.UNDECIDED:  # the decision names facts by name, steps by term
                    args["facts"] = fact_names(parts, args["facts"], vocabulary)
                expectations.append(Expectation(text, phrase, args))
            else:
                raise ScenarioError(f"no step is defined as {text!r}")
        if not checked:
            raise ScenarioError(f"no {phrases.CHECK!r} step")
        request = build_request(parts)
    except (ScenarioError, ValueError) as exc:
        return Case(scenario, None, expectations, error=f"{type(exc).__name__}: {exc}")
    return Case(scenario, request, expectations)


@dataclass
class Result:
    case: Case
    decision: Decision | None
    failure: str | None  # None: every expectation holds

    @property
    def passed(self) -> bool:
        return self.failure is None


def decide(case: Case, checker: Checks) -> Decision:
    assert case.request is not None
    return checker.check(case.request)


def verify(case: Case, decision: Decision) -> str | None:
    """The first Then step that fails, with why; None when the scenario passes."""
    for expectation in case.expectations:
        try:
            expectation.verify(decision)
        except Mismatch as exc:
            return f"{expectation.step}: {exc}"
    return None


def failing_step(case: Case, decision: Decision) -> str | None:
    """The first Then step, as written, that the decision fails; None when all hold."""
    for expectation in case.expectations:
        try:
            expectation.verify(decision)
        except Mismatch:
            return expectation.step
    return None


def replay(case: Case, checker: Checks) -> Result:
    """Check the scenario's request and compare the decision with its Then steps.

    A scenario that cannot be read, a request rejected (BadInput) or an engine error is a
    failure too: it is never counted as passing.
    """
    if case.request is None:
        return Result(case, None, case.error)
    try:
        decision = decide(case, checker)
    except BadInput as exc:
        return Result(case, None, f"the check was rejected: {exc}")
    except Exception as exc:  # an engine error is a failure, never a pass
        return Result(case, None, f"the check failed: {type(exc).__name__}: {exc}")
    return Result(case, decision, verify(case, decision))
