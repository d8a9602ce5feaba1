"""The edges of the service (issue 12, items 6 and 7): a reply that would not fit is refused
before anything is logged; bytes that are no request, a bad compression flag and a bad page
token; status messages that echo at most 60 characters; health that follows the decision
log; workers that die with their supervisor; refused calls that cannot flood the log."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.invalid import ECHO_LIMIT, BadInput, Violation
from gongkai.check.runtime import open_rules
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Filters, LogError, open_log
from gongkai.journal.sqlite import SqliteStore
from gongkai.review import replay
from gongkai.review.scenarios import read_features
from gongkai.service.auth import Throttle, digest
from gongkai.service.convert import check_request_to_proto, decision_to_proto, problem_to_proto
from gongkai.service.core import Code
from gongkai.service.server import SERVICE, create_server
from gongkai.service.servicer import Problem, reply_size
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.conftest import ROOT
from tests.examples import LATE, LATE_RULE, ON_TIME
from tests.packcopy import copy_ql
from tests.test_serve import free_port, wait_until_serving

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def settings(**overrides: Any) -> Settings:
    return Settings(**{"host": "127.0.0.1", "port": 0, **overrides})


@contextlib.contextmanager
def serving(checker: Checker, journal: DecisionLog | None, **overrides: Any) -> Iterator[grpc.Channel]:
    server, port = create_server(settings(**overrides), checker, journal)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel
    finally:
        server.stop(None)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[DecisionLog]:
    log = open_log(tmp_path / "log")
    yield log
    log.close()


def entries(journal: DecisionLog) -> int:
    return len(journal.page(Filters(), 0, 100_000))


def status_of(call: Callable[..., Any], request: Any, **kwargs: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=30, **kwargs)
    return info.value.code(), info.value.details()


def raw(channel: grpc.Channel, method: str) -> Callable[..., bytes]:
    """A method called with bytes as they are, no serializer in the way."""
    same = lambda data: data  # noqa: E731
    return channel.unary_unary(method, request_serializer=same, response_deserializer=same)


def health_of(channel: grpc.Channel, service: str = SERVICE) -> int:
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status


# --- a reply that would not fit (item 6) ------------------------------------------------


@pytest.fixture(scope="module")
def scenario_replies(checker: Checker) -> list[pb.Decision]:
    """The decision of every feature scenario, as the service sends it."""
    cases = [replay.prepare(s, checker.lawbook.vocabulary) for s in read_features(ROOT / "features")]
    replies = []
    for case in cases:
        if case.request is None:
            continue
        try:
            replies.append(decision_to_proto(checker.check(case.request)))
        except ValueError:  # the scenarios of bad input (BadInput is a ValueError)
            continue
    assert len(replies) > 500
    return replies


def test_the_default_batch_of_the_largest_decision_fits_the_default_message_limit_twice(
    scenario_replies: list[pb.Decision],
) -> None:
    defaults = Settings()
    largest = max(reply_size([r]) for r in scenario_replies)
    assert defaults.max_batch * largest * 2 <= defaults.max_message_bytes, (
        f"the largest decision is now {largest} bytes: lower max_batch in config.py (bench/reply_size.py)"
    )


def test_reply_size_is_the_size_of_the_reply_as_sent(scenario_replies: list[pb.Decision]) -> None:
    largest = max(scenario_replies, key=lambda r: r.ByteSize())
    assert largest.ByteSize() > 16_383  # a length of three varint bytes is counted too
    violation = Violation("facts.received_on", "应为日期(YYYY-MM-DD)", "Input should be a valid date", "date_parsing")
    error = Problem(Code.INVALID_ARGUMENT, "facts.received_on", "input should be a valid date", (violation,))
    results: list[pb.Decision | Problem] = [largest, error, *scenario_replies[:50]]
    reply = pb.CheckBatchResponse()
    for r in results:
        if isinstance(r, Problem):
            reply.results.add(error=problem_to_proto(r))
        else:
            reply.results.add(decision=r)
    assert reply_size(results) == len(reply.SerializeToString())


def test_a_batch_whose_reply_would_not_fit_is_refused_naming_the_limit_and_nothing_is_logged(
    checker: Checker, journal: DecisionLog
) -> None:
    limit = 64 * 1024
    late = check_request_to_proto(LATE)
    room = limit // reply_size([decision_to_proto(checker.check(CheckRequest.model_validate(LATE)))])
    with serving(checker, journal, max_message_bytes=limit, max_batch=1000) as channel:
        stub = pb_grpc.ComplianceStub(channel)
        before = entries(journal)
        code, details = status_of(stub.CheckBatch, pb.CheckBatchRequest(requests=[late] * (room + 1)))
        assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert str(limit) in details and "max_message_bytes" in details and "未记录" in details
        assert entries(journal) == before  # nothing logged that the caller did not receive

        fits = stub.CheckBatch(pb.CheckBatchRequest(requests=[late] * room), timeout=30)
        assert [r.WhichOneof("result") for r in fits.results] == ["decision"] * room
        assert entries(journal) == before + room


def test_a_check_whose_reply_would_not_fit_is_refused_and_nothing_is_logged(
    checker: Checker, journal: DecisionLog
) -> None:
    with serving(checker, journal, max_message_bytes=1024) as channel:  # a decision is ~2 KB
        code, details = status_of(pb_grpc.ComplianceStub(channel).Check, check_request_to_proto(LATE))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "1024" in details
    assert entries(journal) == 0


# --- bytes that are no request -------------------------------------------------------

GARBAGE = {
    "not protobuf": b"\xff\xff\xff\xff",
    "truncated": b"\x0a\x05ab",  # field 1 says 5 bytes follow; 2 do
    "a string that is no UTF-8": b"\x0a\x02\xff\xfe",
}
METHODS: dict[str, Any] = {  # each with a well-formed request
    "/gongkai.v1.Compliance/Check": check_request_to_proto(LATE),
    "/gongkai.v1.Compliance/CheckBatch": pb.CheckBatchRequest(requests=[check_request_to_proto(LATE)]),
    "/gongkai.v1.Compliance/GetRule": pb.GetRuleRequest(id=LATE_RULE),
    "/gongkai.v1.Compliance/ListDecisions": pb.ListDecisionsRequest(),
    "/grpc.health.v1.Health/Check": health_pb2.HealthCheckRequest(service=SERVICE),
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
@pytest.mark.parametrize(("method", "good"), METHODS.items(), ids=[m.rsplit("/", 2)[1] for m in METHODS])
def test_bytes_that_are_no_request_are_invalid_argument(
    checker: Checker, journal: DecisionLog, method: str, good: Any, garbage: bytes
) -> None:
    expected = good.DESCRIPTOR.full_name
    with serving(checker, journal) as channel:
        code, details = status_of(raw(channel, method), garbage)
        assert (code, details) == (
            grpc.StatusCode.INVALID_ARGUMENT,
            f"请求不是有效的 {expected} 消息(protobuf 无法解析)"
            f" / the request is not a valid {expected} protobuf message",
        )
        assert entries(journal) == 0
        reply = raw(channel, method)(good.SerializeToString(), timeout=30)  # the guard lets good bytes by
        assert isinstance(reply, bytes)


def test_bytes_without_a_token_are_unauthenticated_first(checker: Checker, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(f"tokens:\n  - {{name: t, sha256: {digest('secret')}, rpcs: ['*']}}\n", encoding="utf-8")
    with serving(checker, None, tokens_file=tokens) as channel:
        call = raw(channel, "/gongkai.v1.Compliance/Check")
        assert status_of(call, b"\xff\xff")[0] == grpc.StatusCode.UNAUTHENTICATED
        bearer = [("authorization", "Bearer secret")]
        assert status_of(call, b"\xff\xff", metadata=bearer)[0] == grpc.StatusCode.INVALID_ARGUMENT


class FlagSetter:
    """A TCP proxy that sets the compressed flag of every request message (the first byte of
    the first DATA frame of each HTTP/2 stream) on its way to the server: no gRPC client
    would send that without a grpc-encoding."""

    def __init__(self, upstream: int, flag: int) -> None:
        self.upstream, self.flag = upstream, flag
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.upstream))
                threading.Thread(target=self._copy, args=(server, client), daemon=True).start()
                threading.Thread(target=self._rewrite, args=(client, server), daemon=True).start()

    @staticmethod
    def _copy(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)

    def _rewrite(self, source: socket.socket, sink: socket.socket) -> None:
        def read(n: int) -> bytes:
            data = b""
            while len(data) < n:
                chunk = source.recv(n - len(data))
                if not chunk:
                    raise EOFError
                data += chunk
            return data

        started: set[int] = set()
        with contextlib.suppress(OSError, EOFError):
            sink.sendall(read(24))  # the connection preface
            while True:
                header = read(9)  # length (3), type (1), flags (1), stream (4)
                body = bytearray(read(int.from_bytes(header[:3], "big")))
                stream = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
                if header[3] == 0 and body and stream not in started:  # DATA, no padding from grpc
                    started.add(stream)
                    body[0] = self.flag
                sink.sendall(header + bytes(body))


@pytest.mark.parametrize("flag", [0, 1])
def test_a_bad_compression_flag_is_refused_by_grpc_core_before_anything_is_logged(
    checker: Checker, journal: DecisionLog, flag: int
) -> None:
    """grpc core answers a compressed flag without grpc-encoding itself, INTERNAL, before any
    handler or interceptor runs: it cannot be made INVALID_ARGUMENT from Python. What
    matters here is that nothing is checked or logged (flag 0: the proxy itself is harmless)."""
    server, port = create_server(settings(), checker, journal)
    server.start()
    proxy = FlagSetter(port, flag)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{proxy.port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            if flag == 0:
                assert stub.Check(check_request_to_proto(LATE), timeout=30).outcome == pb.NON_COMPLIANT
                assert entries(journal) == 1
            else:
                code, details = status_of(stub.Check, check_request_to_proto(LATE))
                assert code == grpc.StatusCode.INTERNAL and "Compression bit set" in details
                assert entries(journal) == 0
    finally:
        proxy.close()
        server.stop(None)


@pytest.mark.parametrize(
    "token",
    ["9" * 5000, "9" * 19, "²", "١٢", "-1", "+1", " 1", "1e3", "abc", "1" * 100_000],
    ids=[
        "5000 digits",
        "19 digits",
        "superscript",
        "arabic-indic",
        "negative",
        "plus",
        "space",
        "exp",
        "letters",
        "long",
    ],
)
def test_a_page_token_the_service_never_gives_is_invalid_argument(
    checker: Checker, journal: DecisionLog, token: str
) -> None:
    with serving(checker, journal) as channel:
        code, details = status_of(
            pb_grpc.ComplianceStub(channel).ListDecisions, pb.ListDecisionsRequest(page_token=token)
        )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.startswith("page_token: ") and len(details) < 200


def test_the_largest_page_token_reads_an_empty_page(checker: Checker, journal: DecisionLog) -> None:
    with serving(checker, journal) as channel:
        stub = pb_grpc.ComplianceStub(channel)
        stub.Check(check_request_to_proto(LATE), timeout=30)
        assert len(stub.ListDecisions(pb.ListDecisionsRequest(page_token="0"), timeout=30).decisions) == 1
        assert list(stub.ListDecisions(pb.ListDecisionsRequest(page_token="9" * 18), timeout=30).decisions) == []


# --- status messages echo at most 60 characters --------------------------------------

LONG = "长" * 5000  # over 60 characters, under every message limit
FACTS = LATE["facts"]


def with_agency(**changes: str) -> dict[str, Any]:
    return {**LATE, "agency": {**LATE["agency"], **changes}}


ECHOED: dict[str, tuple[str, Any]] = {
    "a fact name": ("Check", check_request_to_proto({**LATE, "facts": {**FACTS, LONG: 1}})),
    "a nested fact name": ("Check", check_request_to_proto({**LATE, "facts": {**FACTS, "exemptions": [{LONG: 1}]}})),
    "a fact value": ("Check", check_request_to_proto({**LATE, "facts": {**FACTS, "received_on": LONG}})),
    "an action kind": ("Check", check_request_to_proto({**LATE, "action": LONG})),
    "an unknown action kind within its length": ("Check", check_request_to_proto({**LATE, "action": "长" * 100})),
    "an agency name": ("Check", check_request_to_proto(with_agency(name=LONG))),
    "an agency kind": ("Check", check_request_to_proto(with_agency(kind=LONG))),
    "a division code": ("Check", check_request_to_proto(with_agency(division_code=LONG))),
    "a request id": ("Check", check_request_to_proto({**LATE, "request_id": LONG})),
    "an as-of date": ("Check", check_request_to_proto({**LATE, "as_of": LONG})),
    "a rule id": ("GetRule", pb.GetRuleRequest(id=LONG)),
    "a pack": ("ListRules", pb.ListRulesRequest(pack=LONG)),
    "an action filter": ("ListRules", pb.ListRulesRequest(action=LONG)),
    "a logged request id": ("GetDecision", pb.GetDecisionRequest(request_id=LONG)),
}


@pytest.mark.parametrize(("method", "request_msg"), ECHOED.values(), ids=ECHOED.keys())
def test_a_status_message_echoes_at_most_60_characters_of_any_input(
    checker: Checker, journal: DecisionLog, method: str, request_msg: Any
) -> None:
    with serving(checker, journal) as channel:
        code, details = status_of(getattr(pb_grpc.ComplianceStub(channel), method), request_msg)
    assert code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND), details
    assert "长" * (ECHO_LIMIT + 1) not in details
    assert len(details) < 600, details


def test_an_agency_no_pack_binds_is_echoed_cut(tmp_path: Path) -> None:
    ql = open_rules(copy_ql(tmp_path))  # the shipped national rules bind every agency: QL alone does not
    with pytest.raises(BadInput) as info:
        ql.check(CheckRequest.model_validate(with_agency(name="长" * 200)))
    assert f"no rule pack binds '{'长' * ECHO_LIMIT}…' (350423" in info.value.message
    assert "长" * (ECHO_LIMIT + 1) not in info.value.message


# --- health follows the decision log -------------------------------------------------


def no_space(*_: Any) -> Any:
    raise OSError(28, "No space left on device")


def wait_for(condition: Callable[[], bool]) -> None:
    """Poll until true (a safety limit of 60 s, not a timing assertion)."""
    give_up = time.monotonic() + 60
    while not condition():
        if time.monotonic() > give_up:
            pytest.fail("never happened")
        time.sleep(0.02)


def test_health_is_not_serving_while_the_log_cannot_be_written_and_serving_once_a_probe_writes(
    checker: Checker, journal: DecisionLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(checker, journal, log_probe_seconds=0.05) as channel:
        stub = pb_grpc.ComplianceStub(channel)
        assert health_of(channel) == SERVING
        monkeypatch.setattr(SqliteStore, "append_many", no_space)
        monkeypatch.setattr(SqliteStore, "probe", no_space)
        assert status_of(stub.Check, check_request_to_proto(ON_TIME))[0] == grpc.StatusCode.UNAVAILABLE
        assert health_of(channel) == NOT_SERVING and health_of(channel, "") == NOT_SERVING

        probes: list[float] = []

        def failing_probe(store: SqliteStore) -> None:
            probes.append(time.monotonic())
            no_space()

        monkeypatch.setattr(SqliteStore, "probe", failing_probe)
        wait_for(lambda: len(probes) >= 2)  # probed again and again, and still
        assert health_of(channel) == NOT_SERVING
        monkeypatch.undo()  # the disk has room again: no call comes, a probe finds out
        wait_for(lambda: health_of(channel) == SERVING)
        assert health_of(channel, "") == SERVING
        assert stub.Check(check_request_to_proto(ON_TIME), timeout=30).outcome == pb.COMPLIANT


def test_health_is_serving_again_at_the_first_call_whose_decision_is_logged(
    checker: Checker, journal: DecisionLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(checker, journal, log_probe_seconds=3600) as channel:  # no probe in this test
        stub = pb_grpc.ComplianceStub(channel)
        monkeypatch.setattr(SqliteStore, "append_many", no_space)
        batch = pb.CheckBatchRequest(requests=[check_request_to_proto(ON_TIME)] * 2)
        assert {r.error.code for r in stub.CheckBatch(batch, timeout=30).results} == {"UNAVAILABLE"}
        assert health_of(channel) == NOT_SERVING
        monkeypatch.undo()
        assert stub.Check(check_request_to_proto(ON_TIME), timeout=30).outcome == pb.COMPLIANT
        assert health_of(channel) == SERVING


def test_a_probe_writes_to_the_database_and_adds_no_entry(journal: DecisionLog, tmp_path: Path) -> None:
    journal.record_many([])  # the schema exists; nothing recorded
    watcher = sqlite3.connect(tmp_path / "log" / "decisions.sqlite3")
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    journal.probe()
    assert watcher.execute("PRAGMA data_version").fetchone()[0] != version  # another connection committed
    watcher.close()
    assert entries(journal) == 0 and journal.verify() == []


def test_a_probe_of_a_log_that_cannot_be_written_is_a_log_error(tmp_path: Path) -> None:
    closed = open_log(tmp_path)
    closed.close()
    with pytest.raises(LogError, match="cannot be written"):
        closed.probe()


# --- workers die with their supervisor -----------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state: ppid
                    found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie holds no port; whoever adopted it may not reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_supervisor_and_a_restart_binds_the_port(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    port = free_port()
    address = f"127.0.0.1:{port}"

    def serve() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path)},
            start_new_session=True,  # its own group: the test can clean up whatever is left
        )

    first = serve()
    second = None
    try:
        wait_until_serving(address, first)
        wait_for(lambda: len(children_of(first.pid)) == 2)
        workers = children_of(first.pid)
        first.kill()  # SIGKILL: no handler runs, nothing is forwarded
        first.wait(timeout=60)
        wait_for(lambda: not any(running(pid) for pid in workers))

        second = serve()
        wait_until_serving(address, second)
        with grpc.insecure_channel(address) as channel:
            reply = pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(LATE), timeout=30)
        assert reply.outcome == pb.NON_COMPLIANT
        second.send_signal(signal.SIGTERM)
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 0, stderr
    finally:
        for process in (first, second):
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # whatever of its group is left
                if process.stderr is not None and not process.stderr.closed:
                    process.communicate(timeout=60)
                process.wait(timeout=60)


# --- refused calls cannot flood the log ----------------------------------------------


def test_refusals_beyond_the_limit_are_counted_and_summed_up_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    logger = logging.getLogger("tests.refusals")
    throttle = Throttle(logger, lines=3, seconds=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="tests.refusals"):
        for n in range(1237):
            throttle.warning("refused call %d", n)
            now[0] += 0.01  # 1237 calls in 12.37 s
        assert [r.getMessage() for r in caplog.records] == ["refused call 0", "refused call 1", "refused call 2"]
        now[0] = 61.0
        throttle.warning("refused call %d", 1237)
    assert [r.getMessage() for r in caplog.records[3:]] == [
        "… and 1234 more refused calls in the 60 s after the first of them, not logged one by one",
        "refused call 1237",
    ]


def test_a_flood_of_calls_without_a_token_logs_a_bounded_number_of_lines(
    checker: Checker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(f"tokens:\n  - {{name: t, sha256: {digest('secret')}, rpcs: ['*']}}\n", encoding="utf-8")
    with (
        caplog.at_level(logging.WARNING, logger="gongkai.service.auth"),
        serving(checker, None, tokens_file=tokens, refusal_log_lines=5, refusal_log_seconds=3600) as channel,
    ):
        stub = pb_grpc.ComplianceStub(channel)
        for _ in range(40):
            assert status_of(stub.Check, check_request_to_proto(LATE))[0] == grpc.StatusCode.UNAUTHENTICATED
    refused = [r for r in caplog.records if r.name == "gongkai.service.auth"]
    assert len(refused) == 5
    assert all("refused /gongkai.v1.Compliance/Check" in r.getMessage() for r in refused)
