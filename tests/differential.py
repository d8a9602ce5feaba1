"""Differential check: the durable-rules engine and the plain-Python reference evaluator
must reach the same decision (Cedar checks its engine against its Lean model this way)."""

from __future__ import annotations

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.engine.reference import ReferenceEngine

COMPARED = {"outcome", "findings", "undecided", "missing_facts", "obligations", "rules_applied", "rules_satisfied"}


def assert_reference_agrees(checker: Checker, request: CheckRequest, decision: Decision) -> None:
    reference = Checker(checker.lawbook, ReferenceEngine(checker.lawbook))
    expected = reference.check(request.model_copy(update={"as_of": decision.as_of}))
    got = decision.model_dump(include=COMPARED)
    want = expected.model_dump(include=COMPARED)
    assert got == want, f"durable-rules and the reference evaluator disagree:\n{got}\n{want}"
