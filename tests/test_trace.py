"""Traceability: every QL clause classified; every checkable one has a rule, a breach
scenario and a compliant scenario; every rule fires in some scenario."""

from __future__ import annotations

from pathlib import Path

from gongkai.checker import Checker
from gongkai.scenarios import read_features
from gongkai.trace import build_trace

FEATURES = Path(__file__).resolve().parent.parent / "features"


def test_ql_has_no_traceability_gap(checker: Checker) -> None:
    trace = build_trace(checker.lawbook, read_features(FEATURES))
    (ql,) = [d for d in trace.documents if d.code == "QL"]
    assert len(ql.clauses) > 100
    gaps = [g for g in trace.gaps if "QL-" in g]
    assert gaps == []


def test_a_rule_without_scenarios_is_a_gap(checker: Checker) -> None:
    trace = build_trace(checker.lawbook, [])
    assert "rule QL-5-9.not-registered never fires in any scenario" in trace.gaps
    assert "clause QL-5-9 has no breach scenario" in trace.gaps
