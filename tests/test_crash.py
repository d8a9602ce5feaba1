"""Crash safety: SIGKILL the server in the middle of a stream of checks; every decision it
acknowledged is in the log afterwards, and the log verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import grpc

from gongkai.journal.decisionlog import open_log
from gongkai.service.convert import check_request_to_proto
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import answer_request
from tests.test_serve import free_port, gongkai, wait_until_serving

__all__ = ["gongkai"]  # the fixture

STREAM = 1000
KILL_AFTER = 400  # acknowledged checks before the kill: the rest of the stream is in flight or refused


def test_no_acknowledged_decision_is_lost_when_the_server_is_killed(gongkai: str, tmp_path: Path) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [gongkai, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path)},
    )
    acknowledged: list[str] = []
    lock = threading.Lock()
    killed = threading.Event()

    def client(worker: int) -> None:
        with grpc.insecure_channel(address) as channel:
            stub = pb_grpc.ComplianceStub(channel)
            for n in range(worker, STREAM, 4):
                request = answer_request(answered_on=f"2025-10-{10 + n % 20:02d}") | {"request_id": f"crash-{n}"}
                try:
                    reply = stub.Check(check_request_to_proto(request), timeout=10)
                except grpc.RpcError:
                    if killed.is_set():
                        return
                    raise
                with lock:
                    acknowledged.append(reply.request_id)
                    if len(acknowledged) == KILL_AFTER:
                        server.send_signal(signal.SIGKILL)
                        killed.set()

    try:
        wait_until_serving(address, server)
        threads = [threading.Thread(target=client, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert killed.is_set(), "the stream ended before the kill"
        assert server.wait(timeout=30) == -signal.SIGKILL
    finally:
        if server.poll() is None:
            server.kill()
    log = open_log(tmp_path)
    try:
        missing = [rid for rid in acknowledged if log.get(rid) is None]
        assert len(acknowledged) >= KILL_AFTER
        assert missing == [], f"{len(missing)} acknowledged decisions lost"
        assert log.verify() == []
    finally:
        log.close()
