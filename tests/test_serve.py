"""``gongkai serve`` as a process: ready when healthy, drains and exits 0 on a signal."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gongkai.journal.decisionlog import open_log
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import SERVICE
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, LATE_RULE
from tests.packcopy import break_condition, copy_ql

SERVING = health_pb2.HealthCheckResponse.SERVING


@pytest.fixture
def gongkai() -> str:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    return str(command)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(address: str, process: subprocess.Popen[str]) -> None:
    """Poll health (a safety limit of 60 s, not a timing assertion)."""
    give_up = time.monotonic() + 60
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < give_up:
            if process.poll() is not None:
                pytest.fail(f"serve exited {process.returncode}: {process.communicate()[1]}")
            try:
                if health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=1).status == SERVING:
                    return
            except grpc.RpcError:
                pass  # not listening yet
            time.sleep(0.1)
    pytest.fail("serve never became SERVING")


class Lines:
    """A process's stderr, line by line, read on a thread."""

    def __init__(self, stream: object) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line)

    def wait_for(self, text: str, count: int = 1) -> list[str]:
        """Lines until ``count`` of them hold ``text`` (up to 60 s: a bound)."""
        found = [line for line in self.seen if text in line]
        while len(found) < count:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"no {count} lines with {text!r} in:\n{''.join(self.seen)}")
            self.seen.append(line)
            if text in line:
                found.append(line)
        return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_checks_then_exits_0_on_a_signal(gongkai: str, sig: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [gongkai, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path)},
    )
    try:
        wait_until_serving(address, process)
        with grpc.insecure_channel(address) as channel:
            reply = pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(LATE), timeout=30)
        assert reply.outcome == pb.NON_COMPLIANT
        assert [f.rule_id for f in reply.findings] == [LATE_RULE]
        with grpc.insecure_channel(address) as channel:
            logged = pb_grpc.ComplianceStub(channel).GetDecision(
                pb.GetDecisionRequest(request_id=reply.request_id), timeout=30
            )
        assert (logged.outcome, logged.request_id) == ("NON_COMPLIANT", reply.request_id)

        process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 0, stderr
        assert "shutting down" in stderr
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def broken_pack(root: Path) -> Path:
    (root / "QL").mkdir(parents=True)
    (root / "QL" / "pack.yaml").write_text("code: [QL\n", encoding="utf-8")
    return root


def misspelt_fact(root: Path) -> Path:
    break_condition(copy_ql(root))
    return root


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (broken_pack, "SEAL.yaml: 规则未封存 (not sealed"),
        (misspelt_fact, "QL-5-10.answer-late"),
        (lambda root: root, "no rule pack (<CODE>/pack.yaml) under"),
        (lambda root: root / "absent", "is not a directory"),
    ],
    ids=["a broken pack", "an unknown fact in a condition", "no pack at all", "no such directory"],
)
def test_serve_exits_2_with_one_clear_line_when_the_rules_cannot_be_loaded(
    gongkai: str, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    rules_dir = make(tmp_path)
    result = subprocess.run(
        [gongkai, "serve", "--port", str(free_port()), "--rules-dir", str(rules_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("gongkai: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("GONGKAI_TOKENS_FILE", "cannot read the tokens file"),
        ("GONGKAI_TLS_CERT_FILE", "tls_cert_file and tls_key_file go together"),
    ],
)
def test_serve_exits_2_with_one_clear_line_when_its_security_settings_are_unusable(
    gongkai: str, tmp_path: Path, setting: str, message: str
) -> None:
    result = subprocess.run(
        [gongkai, "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path), setting: str(tmp_path / "absent")},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("gongkai: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_on_sigterm_an_in_flight_call_finishes_and_is_logged_while_new_calls_are_refused(tmp_path: Path) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("gated_serve.py")), str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_GRACE_SECONDS": "120"},
    )
    assert process.stdin is not None
    try:
        stdout, stderr = Lines(process.stdout), Lines(process.stderr)
        wait_until_serving(address, process)
        with grpc.insecure_channel(address) as channel:
            stub = pb_grpc.ComplianceStub(channel)
            in_flight = stub.Check.future(check_request_to_proto({**LATE, "request_id": "hold-1"}), timeout=120)
            stdout.wait_for("holding hold-1")  # the call is inside the checker

            process.send_signal(signal.SIGTERM)
            stderr.wait_for("draining: new calls are refused")
            with pytest.raises(grpc.RpcError) as refused:
                stub.Check(check_request_to_proto(LATE), timeout=30)
            assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
            with grpc.insecure_channel(address) as fresh:
                try:
                    status = health_pb2_grpc.HealthStub(fresh).Check(health_pb2.HealthCheckRequest(), timeout=5).status
                except grpc.RpcError:
                    status = None  # not even listening any more
                assert status != SERVING
            assert not in_flight.done()

            process.stdin.write("go on\n")
            process.stdin.flush()
            reply = in_flight.result(timeout=120)
        assert (reply.request_id, reply.outcome) == ("hold-1", pb.NON_COMPLIANT)
        assert process.wait(timeout=120) == 0
        stderr.wait_for("stopped")
        assert not any("Traceback" in line for line in stderr.seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = open_log(tmp_path)
    try:
        logged = log.get("hold-1")
        assert logged is not None and logged.outcome == "NON_COMPLIANT"
        assert log.verify() == []
    finally:
        log.close()
