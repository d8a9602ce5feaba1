"""``gongkai serve --workers N``: N processes on one port; all drain and exit 0 on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from gongkai.service.convert import check_request_to_proto
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, LATE_RULE, ON_TIME
from tests.test_serve import free_port, wait_until_serving


@pytest.fixture
def command() -> str:
    path = Path(sys.executable).parent / "gongkai"
    if not path.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    return str(path)


def start(command: str, port: int, data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [command, "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GONGKAI_DATA_DIR": str(data_dir)},
        start_new_session=True,  # its own process group: a failed test can kill the workers too
    )


def kill_all(process: subprocess.Popen[str]) -> None:
    """SIGKILL the supervisor and its workers (SIGKILL is not forwarded: the group is)."""
    if process.poll() is None or alive_group(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.stdout is not None and not process.stdout.closed:
        process.communicate(timeout=60)
    process.wait(timeout=60)


def alive_group(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_workers_answer_checks_and_all_exit_0_on_sigterm(command: str, tmp_path: Path) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = start(command, port, tmp_path, "--workers", "2")
    try:
        wait_until_serving(address, process)
        for _ in range(8):  # a new connection each time: the kernel spreads them over the workers
            with grpc.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
                stub = pb_grpc.ComplianceStub(channel)
                late = stub.Check(check_request_to_proto(LATE), timeout=30)
                on_time = stub.Check(check_request_to_proto(ON_TIME), timeout=30)
            assert late.outcome == pb.NON_COMPLIANT and [f.rule_id for f in late.findings] == [LATE_RULE]
            assert on_time.outcome == pb.COMPLIANT

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        workers = [int(pid) for pid in re.findall(r"worker \d is pid (\d+)", stderr)]
        assert len(workers) == 2, stderr
        assert stderr.count("shutting down") == 2, stderr  # each worker drained
        assert "all workers stopped" in stderr
        assert "Traceback" not in stderr
        assert not any(alive(pid) for pid in workers)
    finally:
        kill_all(process)


def test_workers_need_a_fixed_port(command: str, tmp_path: Path) -> None:
    process = start(command, 0, tmp_path, "--workers", "2")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--workers needs a fixed --port" in stderr and "Traceback" not in stderr


def test_workers_do_not_join_a_port_another_server_holds(command: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # even one that would share it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = start(command, taken.getsockname()[1], tmp_path, "--workers", "2")
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    errors = [line for line in stderr.splitlines() if line.startswith("gongkai: ")]
    assert len(errors) == 1 and "cannot listen on" in errors[0], stderr
