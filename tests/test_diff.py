"""gongkai diff: decisions that change between two revisions of the rule packs.

The demonstration: a copy of rules/ and features/ in a fresh git repository, where a commit
tightens QL's answer period from 15 to 10 working days. The diff lists the scenarios whose
decision flips, under clause QL-5-10, and a recorded decision from an exported decision log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.cli import cli
from gongkai.journal.decisionlog import open_log
from gongkai.review.diff import export_tree
from tests.conftest import QL_AGENCY, ROOT
from tests.decisionlogs import tightened_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rules/ and features/ as committed (BASE), then QL's answer period tightened to 10 (HEAD)."""
    return tightened_repo(tmp_path_factory.mktemp("repo"), ROOT)


def test_tightening_a_deadline_lists_the_flipped_scenarios_under_their_clause(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(repo)], standalone_mode=False)
    assert result.exit_code == 1, result.output
    out = result.output
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "diff-demo.txt").write_text(out, encoding="utf-8")  # the sample in the docs
    lines = out.splitlines()
    assert lines[0] == "gongkai diff HEAD~1 → HEAD"
    assert "changed" in lines[1] and " 0 changed" not in lines[1]
    # the review loads the edit unsealed, and says so
    assert "HEAD~1: 已封存 (sealed)" in lines
    assert any(line.startswith("HEAD: 未封存 (not sealed: QL/pack.yaml: 内容与封存不符") for line in lines)
    clause = lines.index(next(line for line in lines if line.startswith("QL-5-10  第十条")))
    section = []
    for line in lines[clause + 1 :]:
        if not line.startswith("  "):
            break
        section.append(line)
    # answered on the 15th working day: in time before, late now; the scenario says so
    on_time = next(line for line in section if "国庆调休期间收到的申请在第15个工作日(10月23日)答复,按期" in line)
    assert "→ 不合规" in on_time
    assert "+违反 QL-5-10.answer-late" in on_time
    assert "期限 QL.answer_deadline due 2025-10-23 → 2025-10-16" in on_time
    assert "status met → missed" in on_time
    assert '[scenario now fails: 结论为"合规"]' in on_time
    # already late: the outcome stays, the due date moves
    late = next(line for line in section if "同一申请在第16个工作日(10月24日)答复,逾期" in line)
    assert "→ 不合规" not in late and "due 2025-10-23 → 2025-10-16" in late
    # a document the change does not touch has no change listed
    assert not any(line.startswith("HC-") for line in lines)


def test_changes_declared_expected_exit_zero(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--expected"])
    assert result.exit_code == 0, result.output
    assert "+违反 QL-5-10.answer-late" in result.output


def test_no_change_exits_zero(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(repo)])  # HEAD against the work tree
    assert result.exit_code == 0, result.output
    assert ": 0 changed" in result.output.splitlines()[1]


def test_a_recorded_decision_exported_from_the_log_is_decided_again(repo: Path, tmp_path: Path) -> None:
    """A request answered on the 12th working day was compliant when logged; at 10 days it is late."""
    request = CheckRequest.model_validate(
        {
            "request_id": "oa-2025-000777",
            "agency": QL_AGENCY,
            "action": "answer_request",
            "facts": {
                "received_on": "2025-09-26",
                "registered": True,
                "request_elements": ["applicant_name", "identity_proof", "address", "contact", "description"],
                "information_status": "on_request",
                "answer_type": "provided",
                "answered_on": "2025-10-20",
                "answerable_on_the_spot": False,
                "answered_on_the_spot": False,
                "extended": False,
                "exemptions": [],
                "applicant_name": "张三",
            },
        }
    )
    base_rules = export_tree(repo, "HEAD~1", "rules", tmp_path / "base")
    decision = build_checker(base_rules).check(request)  # as the service decided it then
    assert "QL-5-10.answer-late" not in decision.breached_rules
    log = open_log(tmp_path / "var")
    log.record_decision(request, decision)
    log.close()
    corpus = tmp_path / "corpus.jsonl"
    exported = CliRunner().invoke(cli, ["log", "export", "--data-dir", str(tmp_path / "var"), "-o", str(corpus)])
    assert exported.exit_code == 0, exported.output
    (entry,) = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    assert entry["request"]["facts"]["applicant_name"].startswith("hmac-sha256:")  # exported as logged

    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--corpus", str(corpus)])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "corpus corpus.jsonl:1 oa-2025-000777" in line)
    assert "→ 不合规" in line and "+违反 QL-5-10.answer-late" in line
    assert "1 from the corpus" in result.output


def test_an_unknown_revision_cannot_be_compared(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "no-such-revision", "--repo", str(repo)])
    assert result.exit_code == 2
    assert "no-such-revision" in result.output
