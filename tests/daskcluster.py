"""A Dask cluster as a deployment runs one: a ``dask scheduler`` and ``dask worker`` processes,
started separately and talking TCP on 127.0.0.1. For tests/test_recheck.py and bench/recheck.py.

Every wait is bounded; on the way out each process started here is stopped (SIGTERM to its
own process group, then SIGKILL), whatever happened in between.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from distributed import Client

LOOPBACK = "127.0.0.1"


@dataclass
class TcpCluster:
    address: str  # tcp://127.0.0.1:PORT
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the nanny's worker goes with it
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@contextlib.contextmanager
def tcp_cluster(workers: int = 2, timeout: float = 120.0) -> Iterator[TcpCluster]:
    """A scheduler on a free port and ``workers`` single-threaded worker processes, all ready."""
    with tempfile.TemporaryDirectory(prefix="gongkai-dask-") as tmp:
        here = Path(tmp)
        file = here / "scheduler.json"
        started: list[subprocess.Popen[bytes]] = []
        try:
            scheduler = _start(
                ["scheduler", "--host", LOOPBACK, "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
                here / "scheduler.log",
            )
            started.append(scheduler)
            deadline = time.monotonic() + timeout
            while not file.is_file():
                if scheduler.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dask scheduler did not start: {(here / 'scheduler.log').read_text()[-2000:]}")
                time.sleep(0.2)
            address = json.loads(file.read_text())["address"]
            for n in range(workers):
                args = ["worker", address, "--host", LOOPBACK, "--nthreads", "1", "--nworkers", "1"]
                started.append(_start([*args, "--no-dashboard", "--name", f"w{n}"], here / f"worker{n}.log"))
            with Client(address, timeout=30) as client:
                client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
            yield TcpCluster(address, scheduler, started[1:])
        finally:
            for process in reversed(started):
                _stop(process)
