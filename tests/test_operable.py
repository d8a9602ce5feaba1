"""Operable (issue 14, item 5), in process: the metrics of checks, log writes and failures and
reloads move with what happened; the gRPC access line per call; metrics on a port of their own;
with --workers every worker serves HTTP on the one port too (SO_REUSEPORT)."""

from __future__ import annotations

import json
import logging
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from prometheus_client import REGISTRY

from gongkai.check.checker import Checker
from gongkai.check.runtime import RulesError
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, LogError, open_log
from gongkai.journal.postgres import where
from gongkai.service import core, metrics
from gongkai.service.convert import check_request_to_proto
from gongkai.service.reload import Reloader
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, ON_TIME, answer_request
from tests.test_serve import free_port
from tests.test_workers import command, kill_all, start  # noqa: F401 (command is a fixture)


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[DecisionLog]:
    log = open_log(tmp_path / "log", durability="normal")
    yield log
    log.close()


def test_checks_are_counted_by_action_and_outcome_and_timed(checker: Checker, journal: DecisionLog) -> None:
    late = ("gongkai_checks_total", {"action": "answer_request", "outcome": "NON_COMPLIANT"})
    rejected = ("gongkai_checks_total", {"action": "answer_request", "outcome": "REJECTED"})
    unknown = ("gongkai_checks_total", {"action": "unknown", "outcome": "REJECTED"})
    timed = ("gongkai_check_seconds_count", {"action": "answer_request"})
    written = ("gongkai_log_write_seconds_count", {})
    before = [value(name, **labels) for name, labels in (late, rejected, unknown, timed, written)]
    requests = [LATE, answer_request(received_on="x"), {**LATE, "action": "某种没有的行为" * 10}]
    core.check_many(checker, requests, journal, lambda d: d)
    after = [value(name, **labels) for name, labels in (late, rejected, unknown, timed, written)]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1, 1]  # one write for the three


class Broken:
    """A decision log that cannot be written."""

    def decision_record(self, *args: Any) -> None:
        return None

    def rejection_record(self, *args: Any) -> None:
        return None

    def record_many(self, records: list[Any]) -> None:
        raise LogError("no space left on device")


def test_a_log_write_that_fails_is_counted_and_its_checks_are_unlogged(checker: Checker) -> None:
    failures = value("gongkai_log_failures_total")
    unlogged = value("gongkai_checks_total", action="answer_request", outcome="UNLOGGED")
    (result,) = core.check_many(checker, [ON_TIME], Broken(), lambda d: d)  # type: ignore[arg-type]
    assert result is core.UNLOGGED
    assert value("gongkai_log_failures_total") == failures + 1
    assert value("gongkai_checks_total", action="answer_request", outcome="UNLOGGED") == unlogged + 1


class Version:
    def __init__(self, version: str) -> None:
        self.lawbook = type("Lawbook", (), {"version": version})()


def test_reloads_are_counted_by_result(tmp_path: Path) -> None:
    serving: list[Any] = [Version("v1")]
    loads: list[Any] = [Version("v1"), RulesError("QL: a rule that does not parse"), Version("v2")]

    def load(_: Path) -> Any:
        got = loads.pop(0)
        if isinstance(got, Exception):
            raise got
        return got

    reloader = Reloader(tmp_path, lambda: serving[-1], serving.append, load=load)
    results = ("unchanged", "refused", "loaded")
    before = [value("gongkai_reloads_total", result=r) for r in results]
    assert [reloader.reload(), reloader.reload(), reloader.reload()] == [True, False, True]
    assert [value("gongkai_reloads_total", result=r) - b for r, b in zip(results, before, strict=True)] == [1, 1, 1]
    assert serving[-1].lawbook.version == "v2"


def test_each_grpc_call_writes_one_access_line(checker: Checker, caplog: pytest.LogCaptureFixture) -> None:
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker)
    server.start()
    try:
        with (
            caplog.at_level(logging.INFO, logger="gongkai.access"),
            grpc.insecure_channel(f"127.0.0.1:{port}") as channel,
        ):
            stub = pb_grpc.ComplianceStub(channel)
            stub.Check(check_request_to_proto({**LATE, "request_id": "a-1"}), timeout=30)
            with pytest.raises(grpc.RpcError):
                stub.Check(check_request_to_proto(answer_request("a-2", registered="maybe")), timeout=30)
            batch = [check_request_to_proto({**r, "request_id": f"b-{i}"}) for i, r in enumerate([LATE, ON_TIME, LATE])]
            stub.CheckBatch(pb.CheckBatchRequest(requests=batch), timeout=30)
            with pytest.raises(grpc.RpcError):
                stub.GetRule(pb.GetRuleRequest(id="no-such-rule"), timeout=30)
    finally:
        server.stop(None)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "gongkai.access"]
    assert [(line["rpc"], line["status"]) for line in lines] == [
        ("Check", "OK"),
        ("Check", "INVALID_ARGUMENT"),
        ("CheckBatch", "OK"),
        ("GetRule", "NOT_FOUND"),
    ]
    assert (lines[0]["request_id"], lines[0]["outcome"]) == ("a-1", "NON_COMPLIANT")
    assert (lines[1]["request_id"], lines[1]["outcome"]) == ("a-2", "REJECTED")
    assert lines[2]["request_ids"] == ["b-0", "b-1", "b-2"]
    assert lines[2]["outcomes"] == {"NON_COMPLIANT": 2, "COMPLIANT": 1}
    assert all(line["transport"] == "grpc" and line["duration_ms"] >= 0 for line in lines)
    assert "maybe" not in caplog.text


def test_metrics_on_a_port_of_their_own(checker: Checker, journal: DecisionLog) -> None:
    core.check_many(checker, [LATE], journal, lambda d: d)
    port = metrics.serve_metrics("127.0.0.1", 0)
    try:
        reply = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
    finally:
        metrics.stop_metrics()
    assert reply.status_code == 200
    assert re.search(
        r'^gongkai_checks_total\{action="answer_request",outcome="NON_COMPLIANT"\} [1-9]', reply.text, re.M
    )


def test_every_worker_serves_http_on_the_one_port(command: str, tmp_path: Path) -> None:  # noqa: F811
    port, http_port = free_port(), free_port()
    process = start(command, port, tmp_path, "--workers", "2", "--http-port", str(http_port))
    url = f"http://127.0.0.1:{http_port}"
    try:
        give_up = time.monotonic() + 60  # a safety limit, not a timing assertion
        while not serving(url):
            if process.poll() is not None or time.monotonic() > give_up:
                pytest.fail(f"serve never served HTTP: {process.poll()}")
            time.sleep(0.1)
        for _ in range(40):  # a new connection each time: the kernel spreads them over the workers
            assert httpx.get(f"{url}/v1/rules", params={"pack": "QL"}, timeout=30).status_code == 200
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    finally:
        kill_all(process)
    access = [json.loads(line) for line in stderr.splitlines() if line.startswith('{"time"')]
    answered = [line["pid"] for line in access if line["rpc"] == "ListRules" and line["http_status"] == 200]
    workers = {int(pid) for pid in re.findall(r"worker \d is pid (\d+)", stderr)}
    assert len(answered) == 40 and set(answered) == workers and len(workers) == 2, stderr


def serving(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://gongkai:s3cret@db.internal:5433/decisions?sslmode=require",
            "gongkai@db.internal:5433/decisions",
        ),
        ("host=db.internal dbname=decisions user=gongkai password=s3cret", "gongkai@db.internal/decisions"),
    ],
)
def test_the_startup_line_names_a_postgresql_log_without_its_password(url: str, shown: str) -> None:
    assert where(url) == f"PostgreSQL {shown}"
