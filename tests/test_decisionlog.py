"""The decision log: durable, chained, verifiable, and free of applicants' personal data."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.journal.decisionlog import REJECTED, DecisionLog, Filters, open_log
from tests.examples import LATE, ON_TIME

PERSONAL = {
    "applicant_name": "张三丰测试",
    "applicant_identity": "350423199001011234",
    "applicant_address": "福建省清流县龙津镇测试路99号",
    "applicant_contact": "13800138000",
}


def record(log: DecisionLog, checker: Checker, data: dict[str, Any]) -> None:
    request = CheckRequest.model_validate(data)
    log.record_decision(request, checker.check(request))


@pytest.fixture
def log(tmp_path: Path) -> DecisionLog:
    return open_log(tmp_path)


def test_decisions_and_rejections_are_recorded_and_read_back(log: DecisionLog, checker: Checker) -> None:
    record(log, checker, {**LATE, "request_id": "r-1"})
    record(log, checker, {**ON_TIME, "request_id": "r-2"})
    log.record_rejection({"request_id": "r-3", "action": "answer"}, "v", "INVALID_ARGUMENT", "action", "unknown")
    assert log.get("r-1").outcome == "NON_COMPLIANT"
    assert log.get("r-1").decision["findings"][0]["rule_id"] == "QL-5-10.answer-late"
    assert log.get("r-3").outcome == REJECTED
    assert [e.request_id for e in log.page(Filters(outcome="COMPLIANT"))] == ["r-2"]
    assert [e.seq for e in log.page(Filters(), after=1, limit=1)] == [2]
    assert log.verify() == []


def test_personal_data_never_reaches_the_database_files(tmp_path: Path, checker: Checker) -> None:
    log = open_log(tmp_path)
    record(log, checker, {**LATE, "facts": {**LATE["facts"], **PERSONAL}})
    misspelt = {
        "agency": LATE["agency"],
        "action": "answer_request",
        "facts": {"applicant_nme": PERSONAL["applicant_name"]},
    }
    log.record_rejection(misspelt, "v", "INVALID_ARGUMENT", "facts.applicant_nme", "extra inputs are not permitted")
    stored = log.get(log.page(Filters())[0].request_id).request["facts"]
    assert stored["applicant_name"].startswith("hmac-sha256:")
    log.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for value in PERSONAL.values():
        assert value.encode() not in raw, value


def tamper(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE decisions SET outcome = 'COMPLIANT' WHERE seq = 2", "entry 2 was altered"),
        ("DELETE FROM decisions WHERE seq = 2", "entry 2 is missing"),
        (
            "UPDATE decisions SET seq = 99 WHERE seq = 2; UPDATE decisions SET seq = 2 WHERE seq = 3;"
            " UPDATE decisions SET seq = 3 WHERE seq = 99;",
            "does not follow",
        ),
        ("DELETE FROM decisions WHERE seq = 3", "truncated"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_verify_detects_tampering(tmp_path: Path, checker: Checker, sql: str, problem: str) -> None:
    log = open_log(tmp_path)
    for n in range(3):
        record(log, checker, {**LATE, "request_id": f"r-{n}"})
    assert log.verify() == []
    log.close()
    tamper(tmp_path / "decisions.sqlite3", sql)
    problems = open_log(tmp_path).verify()
    assert any(problem in p for p in problems), problems


def test_the_log_key_is_created_once_and_private(tmp_path: Path) -> None:
    open_log(tmp_path).close()
    key = (tmp_path / "log.key").read_text()
    open_log(tmp_path).close()
    assert (tmp_path / "log.key").read_text() == key
    assert (tmp_path / "log.key").stat().st_mode & 0o777 == 0o600


def test_gongkai_log_verify_exits_1_on_a_tampered_log(tmp_path: Path, checker: Checker) -> None:
    from click.testing import CliRunner

    from gongkai.cli import cli

    log = open_log(tmp_path)
    record(log, checker, {**LATE, "request_id": "cli-1"})
    record(log, checker, {**LATE, "request_id": "cli-2"})
    log.close()
    runner = CliRunner()
    ok = runner.invoke(cli, ["log", "verify", "--data-dir", str(tmp_path)])
    assert (ok.exit_code, ok.output.strip()) == (0, "the log is intact")
    listed = runner.invoke(cli, ["log", "list", "--data-dir", str(tmp_path)])
    assert "cli-1" in listed.output and "cli-2" in listed.output
    tamper(tmp_path / "decisions.sqlite3", "UPDATE decisions SET agency = 'x' WHERE seq = 1")
    bad = runner.invoke(cli, ["log", "verify", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 1
    assert "entry 1 was altered" in bad.output


def test_a_not_covered_decision_is_logged_under_its_own_outcome_and_filters_know_every_outcome(
    tmp_path: Path, checker: Checker
) -> None:
    from click.testing import CliRunner
    from pydantic import ValidationError

    from gongkai.cli import cli
    from tests.examples import UNCOVERED

    log = open_log(tmp_path)
    record(log, checker, {**UNCOVERED, "request_id": "nc-1"})
    record(log, checker, {**ON_TIME, "request_id": "nc-2"})
    assert [e.request_id for e in log.page(Filters(outcome="NOT_COVERED"))] == ["nc-1"]
    with pytest.raises(ValidationError, match="NOT_COVERED"):
        Filters(outcome="NOT-COVERED")  # a misspelt outcome would list nothing, as if none were logged
    log.close()
    runner = CliRunner()
    listed = runner.invoke(cli, ["log", "list", "--outcome", "NOT_COVERED", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0 and "nc-1" in listed.output and "nc-2" not in listed.output
    wrong = runner.invoke(cli, ["log", "list", "--outcome", "UNCOVERED", "--data-dir", str(tmp_path)])
    assert wrong.exit_code == 3 and "NOT_COVERED" in wrong.output
