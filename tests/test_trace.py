"""Traceability gate: every clause of every document classified; every checkable one has a
rule, a breach scenario and a compliant scenario; every rule fires in some scenario; no rule
cites a clause that does not exist (the compiler refuses those)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gongkai.check.checker import Checker
from gongkai.cli import cli
from gongkai.review.scenarios import read_features
from gongkai.review.trace import build_trace

FEATURES = Path(__file__).resolve().parent.parent / "features"


def test_no_document_has_a_traceability_gap(checker: Checker) -> None:
    trace = build_trace(checker.lawbook, read_features(FEATURES))
    assert {d.code for d in trace.documents} == {"CN", "CN08", "FEE", "HC", "LS", "QL", "XY", "ZZ"}
    assert trace.gaps == []


def test_gongkai_trace_check_passes_and_prints_per_document_counts() -> None:
    result = CliRunner().invoke(cli, ["trace", "--check", "--features", str(FEATURES)])
    assert result.exit_code == 0, result.output
    assert "gaps: 0" in result.output
    for code in ("CN", "CN08", "FEE", "HC", "LS", "QL", "XY", "ZZ"):
        assert any(line.startswith(code) for line in result.output.splitlines())


def test_a_rule_without_scenarios_is_a_gap(checker: Checker) -> None:
    trace = build_trace(checker.lawbook, [])
    assert "rule QL-5-9.not-registered never fires in any scenario" in trace.gaps
    assert "clause QL-5-9 has no breach scenario" in trace.gaps


def test_gongkai_trace_check_fails_on_a_gap(tmp_path: Path) -> None:
    (tmp_path / "empty.feature").write_text("# language: zh-CN\n功能: 空\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["trace", "--check", "--features", str(tmp_path)])
    assert result.exit_code == 1
    assert "never fires in any scenario" in result.output


def test_a_rule_with_dated_versions_is_one_rule_to_the_trace(checker: Checker) -> None:
    """CN-42.fee-charged has a version before the fee measures and one from 2021-01-01: two keys in
    the lawbook, one id to the scenarios that assert it."""
    keys = [key for key, r in checker.lawbook.rules.items() if r.id == "CN-42.fee-charged"]
    assert sorted(keys) == ["CN-42.fee-charged@2019-05-15", "CN-42.fee-charged@2021-01-01"]
    trace = build_trace(checker.lawbook, read_features(FEATURES), {"CN"})
    assert not any("CN-42.fee-charged" in gap for gap in trace.gaps)
    cn42 = next(c for d in trace.documents for c in d.clauses if c.clause_id == "CN-42")
    assert cn42.breach_scenarios and cn42.compliant_scenarios
