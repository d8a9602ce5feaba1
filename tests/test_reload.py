"""Hot reload: rules swapped under load with no failed call, broken packs refused while the
last good rules serve on, the replaced engine freed, the file watch, SIGHUP to every worker."""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import durable_rules_engine as dre
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import open_rules
from gongkai.config import Settings
from gongkai.engine.durable import DurableEngine, EngineError
from gongkai.journal.decisionlog import Filters, open_log
from gongkai.service.convert import check_request_to_proto
from gongkai.service.reload import Reloader, fingerprint
from gongkai.service.server import SERVICE, Endpoint, assemble
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, LATE_RULE
from tests.packcopy import break_condition, break_yaml, copy_ql, mark, marker_of
from tests.test_serve import Lines, free_port, wait_until_serving
from tests.test_workers import kill_all

RELOADS = 100
CLIENTS = 3
MAX_CALLS_PER_CLIENT = 50_000  # a bound; the clients stop when the reloads are done


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    return copy_ql(tmp_path / "rules")


@pytest.fixture
def endpoint(rules: Path, tmp_path: Path) -> Iterator[Endpoint]:
    endpoint = assemble(Settings(host="127.0.0.1", port=0))
    endpoint.compliance.journal = open_log(tmp_path / "log")
    endpoint.ready(open_rules(rules))
    endpoint.server.start()
    yield endpoint
    endpoint.server.stop(None)
    endpoint.compliance.journal.close()


def serving_version(endpoint: Endpoint) -> str:
    checker = endpoint.current()
    assert checker is not None
    return checker.lawbook.version


def test_a_hundred_reloads_under_load_fail_no_call_and_serve_only_good_rules(
    rules: Path, endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    address = f"127.0.0.1:{endpoint.port}"
    reloader = Reloader(rules, endpoint.current, endpoint.swap)
    good = {serving_version(endpoint): None}  # version → the marker its late-answer message carries
    answers: list[tuple[str, str | None]] = []
    failures: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def client() -> None:
        mine, errors = [], []
        with grpc.insecure_channel(address) as channel:
            stub = pb_grpc.ComplianceStub(channel)
            for _ in range(MAX_CALLS_PER_CLIENT):
                if done.is_set():
                    break
                try:
                    reply = stub.Check(check_request_to_proto(LATE), timeout=60)
                except grpc.RpcError as exc:
                    errors.append(f"{exc.code()}: {exc.details()}")
                    continue
                (finding,) = [f for f in reply.findings if f.rule_id == LATE_RULE]
                mine.append((reply.ruleset_version, marker_of(finding.message)))
        with lock:
            answers.extend(mine)
            failures.extend(errors)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    caplog.set_level(logging.INFO, logger="gongkai.service.reload")
    rss_before = rss_mib()
    refused = 0
    try:
        with grpc.insecure_channel(address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for n in range(RELOADS):
                before = serving_version(endpoint)
                if n % 3 == 2:  # a third broken, alternately bad YAML and an unknown fact
                    (break_yaml if n % 2 else break_condition)(rules)
                    assert reloader.reload() is False
                    assert serving_version(endpoint) == before
                    refused += 1
                else:
                    mark(rules, f"v{n}")
                    assert reloader.reload() is True
                    assert serving_version(endpoint) != before
                    good[serving_version(endpoint)] = f"v{n}"
                status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=30).status
                assert status == health_pb2.HealthCheckResponse.SERVING
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
    gc.collect()
    grown = rss_mib() - rss_before

    assert refused == 33 and len(good) == 1 + RELOADS - refused
    assert failures == []
    assert answers, "no call was answered"
    served = {version for version, _ in answers}
    assert served <= set(good), served - set(good)
    assert len(served) > 1  # the load really ran across reloads
    # each decision was made by one ruleset: the message it quotes is that version's
    assert all(good[version] == marker for version, marker in answers)
    logged = endpoint.compliance.journal.page(Filters(), 0, 1_000_000)  # type: ignore[union-attr]
    assert len(logged) == len(answers)
    assert {e.ruleset_version for e in logged} <= set(good)
    reasons = [r.getMessage() for r in caplog.records if "not reloaded" in r.getMessage()]
    assert len(reasons) == refused
    assert any("QL/rules/5-request.yaml: 内容与封存不符 (altered" in r for r in reasons)  # break_yaml: unsealed
    assert any("answer_deadline_overdew" in r for r in reasons)
    print(
        f"\n{RELOADS} reloads ({refused} refused), {len(answers)} checks answered, {len(failures)} failed, "
        f"{len(served)} rulesets served; RSS {grown:+.1f} MiB, {grown / (RELOADS - refused):+.3f} MiB per reload"
    )


def test_a_replaced_engine_is_freed_and_never_entered_again(rules: Path) -> None:
    checker = open_rules(rules)
    checker.check(CheckRequest.model_validate(LATE))
    engine = checker.engine
    assert isinstance(engine, DurableEngine)
    handles = [(r.handle, r.sid) for parts in engine._rulesets.values() for r in parts]
    engine.close()
    with pytest.raises(EngineError, match="was freed"):  # fails closed, never a decision
        checker.check(CheckRequest.model_validate(LATE))
    for handle, sid in handles:  # gone from the C engine
        with pytest.raises(Exception, match=r"Could not get|invalid|101"):
            dre.get_facts(handle, sid)


def test_dropping_the_last_reference_frees_the_engine(rules: Path) -> None:
    checker = open_rules(rules)
    checker.check(CheckRequest.model_validate(LATE))
    engine = checker.engine
    assert isinstance(engine, DurableEngine)
    rulesets = [r for parts in engine._rulesets.values() for r in parts]
    del checker, engine
    gc.collect()
    assert all(r.freed for r in rulesets)


def test_the_watch_reloads_a_changed_pack_and_refuses_a_broken_one(rules: Path, endpoint: Endpoint) -> None:
    reloader = Reloader(rules, endpoint.current, endpoint.swap, interval=0.05)
    first = serving_version(endpoint)
    reloader.start()
    try:
        mark(rules, "watched")
        changed = wait_for(lambda: serving_version(endpoint) != first)
        assert changed, "the watch never reloaded the changed pack"
        second = serving_version(endpoint)
        break_yaml(rules)
        assert wait_for(lambda: reloader._seen == fingerprint(rules))  # it looked at the broken pack
        assert serving_version(endpoint) == second
    finally:
        reloader.stop()
    with grpc.insecure_channel(f"127.0.0.1:{endpoint.port}") as channel:
        reply = pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(LATE), timeout=30)
    assert reply.ruleset_version == second
    assert marker_of(next(f.message for f in reply.findings if f.rule_id == LATE_RULE)) == "watched"


def wait_for(condition: object, polls: int = 600) -> bool:
    """Poll ``condition`` up to ``polls`` times 0.05 s apart (a bound, not a timing assertion)."""
    stop = threading.Event()
    for _ in range(polls):
        if condition():  # type: ignore[operator]
            return True
        stop.wait(0.05)
    return False


# --- SIGHUP to a supervisor and its workers ------------------------------------------


def versions_answered(address: str, n: int = 6) -> set[str]:
    versions = set()
    for _ in range(n):  # a new connection each time: the kernel spreads them over the workers
        with grpc.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
            versions.add(
                pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(LATE), timeout=30).ruleset_version
            )
    return versions


def test_sighup_reloads_every_worker_and_a_broken_pack_leaves_them_serving(rules: Path, tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            str(command),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--rules-dir",
            str(rules),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path / "log")},
        start_new_session=True,
    )
    try:
        stderr = Lines(process.stderr)
        wait_until_serving(address, process)
        stderr.wait_for("serving ruleset", 2)  # both workers serve
        (first,) = versions_answered(address)

        mark(rules, "hup")
        process.send_signal(signal.SIGHUP)
        reloaded = stderr.wait_for("rules reloaded: now serving ruleset", 2)
        assert len({line.split("[")[1].split("]")[0] for line in reloaded}) == 2  # two pids
        (second,) = versions_answered(address)
        assert second != first

        break_condition(rules)
        process.send_signal(signal.SIGHUP)
        refused = stderr.wait_for("rules not reloaded", 2)
        assert all(f"still serving ruleset {second}" in line and "answer_deadline_overdew" in line for line in refused)
        assert versions_answered(address) == {second}

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        stderr.wait_for("all workers stopped")
        assert not any("Traceback" in line for line in stderr.seen)
    finally:
        kill_all(process)
