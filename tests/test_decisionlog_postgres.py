"""The decision log in a real PostgreSQL server: the same chain, the same verification."""

from __future__ import annotations

import base64
import dataclasses
import secrets
from pathlib import Path

import psycopg
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.config import Settings
from gongkai.journal.decisionlog import (
    KEY_MISMATCH,
    DecisionLog,
    Filters,
    LogKeyError,
    Refused,
    Replayed,
    open_for_writing,
    open_log,
)
from gongkai.journal.store import GENESIS
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


def test_request_ids_are_idempotent_across_the_log(log: DecisionLog, checker: Checker) -> None:
    late = CheckRequest.model_validate({**LATE, "request_id": "p-id"})
    on_time = CheckRequest.model_validate({**ON_TIME, "request_id": "p-id"})
    first = log.record_decision(late, checker.check(late))
    replayed = log.record_decision(late, checker.check(late))
    assert isinstance(replayed, Replayed) and replayed.seq == first.seq
    assert replayed.answer().outcome.value == "NON_COMPLIANT"
    refused = log.record_decision(on_time, checker.check(on_time))
    assert isinstance(refused, Refused) and refused.error.holder == first.seq
    assert log.get("p-id").seq == first.seq  # the decision, not the later refusal
    assert [e.outcome for e in log.page(Filters())] == ["NON_COMPLIANT", "REJECTED"]
    assert log.verify() == []


def test_a_cut_tail_and_a_wipe_are_caught(log: DecisionLog, checker: Checker, postgres_url: str) -> None:
    for n in range(3):
        record(log, checker, {**LATE, "request_id": f"p-{n}"})
    checkpoint = log.checkpoint()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        (mac2,) = conn.execute("SELECT mac FROM decisions WHERE seq = 2").fetchone()
        conn.execute("DELETE FROM decisions WHERE seq = 3")
        conn.execute("UPDATE log_head SET seq = 2, mac = %s", (mac2,))
    assert log.verify() == ["the head's MAC does not verify: the head was rewritten (entries cut or altered)"]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DELETE FROM decisions")
        conn.execute("UPDATE log_head SET seq = 0, mac = %s, head_mac = NULL", (GENESIS,))
    assert log.verify() == []
    assert "before entry 3 of the checkpoint" in log.verify(checkpoint)[0]


def test_a_wrong_key_is_named_and_refused_for_writing(
    log: DecisionLog, checker: Checker, postgres_url: str, tmp_path: Path
) -> None:
    record(log, checker, {**LATE, "request_id": "p-1"})
    other = tmp_path / "other"  # run from another directory: a key of its own there
    with pytest.raises(LogKeyError, match="日志密钥缺失"):
        open_log(other, postgres_url, create_key=True)  # the log has entries: no key is made
    assert not (other / "log.key").exists()
    other.mkdir()
    (other / "log.key").write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    (other / "log.key").chmod(0o600)
    assert open_log(other, postgres_url).verify() == [KEY_MISMATCH]
    with pytest.raises(LogKeyError):
        open_for_writing(Settings(data_dir=other, database_url=postgres_url))


def test_an_older_log_is_migrated_and_sealed(
    log: DecisionLog, checker: Checker, postgres_url: str, tmp_path: Path
) -> None:
    request = CheckRequest.model_validate({**LATE, "request_id": "p-old"})
    old = dataclasses.replace(log.decision_record(request, checker.check(request)), request_digest="")
    log.record_many([old])
    log.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE decisions DROP COLUMN request_digest")
        conn.execute("ALTER TABLE log_head DROP COLUMN head_mac")
    reopened = open_log(tmp_path, postgres_url)  # the columns added again, empty
    assert reopened.verify() == [
        "the head is not sealed (a log from before head MACs: serve seals it; or its MAC was removed)"
    ]
    reopened.close()
    writer = open_for_writing(Settings(data_dir=tmp_path, database_url=postgres_url))
    assert writer.verify() == []
    assert isinstance(writer.record_decision(request, checker.check(request)), Refused)  # no digest to compare
    writer.close()
