"""The decision log in a real PostgreSQL server: the same chain, the same verification."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.journal.decisionlog import DecisionLog, Filters, open_log
from tests.examples import LATE, ON_TIME
from tests.postgres import postgres_url, server_version

__all__ = ["postgres_url"]  # the fixture


@pytest.fixture
def log(tmp_path: Path, postgres_url: str) -> DecisionLog:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS decisions, log_head")
    return open_log(tmp_path, postgres_url)


def record(log: DecisionLog, checker: Checker, data: dict) -> None:
    request = CheckRequest.model_validate(data)
    log.record_decision(request, checker.check(request))


def test_decisions_are_recorded_read_back_and_verified(log: DecisionLog, checker: Checker, postgres_url: str) -> None:
    record(log, checker, {**LATE, "request_id": "p-1"})
    record(log, checker, {**ON_TIME, "request_id": "p-2"})
    assert log.get("p-1").outcome == "NON_COMPLIANT"
    assert [e.request_id for e in log.page(Filters(outcome="COMPLIANT"))] == ["p-2"]
    assert log.verify() == []
    assert server_version(postgres_url)  # recorded in the CI output by the note


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE decisions SET outcome = 'COMPLIANT' WHERE seq = 1", "entry 1 was altered"),
        ("DELETE FROM decisions WHERE seq = 2", "truncated"),
    ],
    ids=["edited", "truncated"],
)
def test_verify_detects_tampering(
    log: DecisionLog, checker: Checker, postgres_url: str, sql: str, problem: str
) -> None:
    record(log, checker, {**LATE, "request_id": "p-1"})
    record(log, checker, {**LATE, "request_id": "p-2"})
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql)
    assert any(problem in p for p in log.verify())


def test_a_probe_writes_a_row_version_and_adds_no_entry(log: DecisionLog, checker: Checker, postgres_url: str) -> None:
    """What health asks while the log cannot be written (service/logwatch.py)."""
    record(log, checker, {**LATE, "request_id": "p-1"})
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        before = conn.execute("SELECT xmin::text FROM log_head").fetchone()
        log.probe()
        assert conn.execute("SELECT xmin::text FROM log_head").fetchone() != before  # written by a new transaction
    assert [e.request_id for e in log.page(Filters())] == ["p-1"]
    assert log.verify() == []
