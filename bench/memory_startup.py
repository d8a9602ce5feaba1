"""Memory over a million checks, and cold start.

Run: python bench/memory_startup.py [--checks 1000000] [--starts 5]
1. RSS of one process checking the scenario requests over and over (the service path
   without transport and log: proto request → check → proto Decision): after a warm-up, at
   each tenth, and the growth from the warm-up to the end. Target: < 5 %.
2. Cold start: ``gongkai serve`` from exec to health SERVING (imports, loading and compiling
   every pack, starting the engine, binding the port), as a new process each time; and the
   in-process split (load packs, compile, engine). Target: < 2 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from corpus import add_source_options, corpus, machine, rss_mib, table
from grpc_health.v1 import health_pb2, health_pb2_grpc
from service import free_port

from gongkai.check.runtime import build_checker
from gongkai.engine.compiler import compile_packs
from gongkai.engine.durable import DurableEngine
from gongkai.packs.pack import load_differences, load_packs
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import SERVICE
from gongkai.service.servicer import check_one


def memory(args: argparse.Namespace) -> None:
    checker = build_checker(args.rules_dir)
    messages = [check_request_to_proto(c.request) for c in corpus(checker, args.features)]
    warm_up = min(20_000, args.checks // 10)
    for i in range(warm_up):
        check_one(checker, messages[i % len(messages)], None)
    base = rss_mib()
    rows = [["after warm-up", f"{warm_up:,}", base, "", ""]]
    started = time.perf_counter()
    step = args.checks // 10
    for tenth in range(1, 11):
        for i in range(step):
            check_one(checker, messages[i % len(messages)], None)
        now = rss_mib()
        elapsed = time.perf_counter() - started
        rows.append(
            [f"{tenth * 10} %", f"{warm_up + tenth * step:,}", now, f"{(now / base - 1) * 100:+.2f} %", elapsed]
        )
    print(table(["point", "checks", "RSS MiB", "growth", "seconds"], rows))
    print(f"RSS growth over {args.checks:,} checks: {(rows[-1][2] / base - 1) * 100:+.2f} % (target < 5 %)")


def cold_start(args: argparse.Namespace) -> None:
    command = str(Path(sys.executable).parent / "gongkai")
    times = []
    with tempfile.TemporaryDirectory() as data_dir:
        for _ in range(args.starts):
            port = free_port()
            env = {**os.environ, "GONGKAI_DATA_DIR": data_dir, "GONGKAI_RULES_DIR": str(args.rules_dir)}
            started = time.perf_counter()
            process = subprocess.Popen(
                [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                times.append(_until_serving(port, process) - started)
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
    print(
        f"gongkai serve, exec → health SERVING, {args.starts} starts: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s (target < 2 s)"
    )
    started = time.perf_counter()
    packs = load_packs(args.rules_dir)
    loaded = time.perf_counter()
    lawbook = compile_packs(packs, load_differences(args.rules_dir))
    compiled = time.perf_counter()
    DurableEngine(lawbook)
    engine = time.perf_counter()
    print(
        f"in process: load {len(packs)} packs {loaded - started:.2f} s, compile {len(lawbook.rules)} rules "
        f"{compiled - loaded:.2f} s, engine {engine - compiled:.2f} s"
    )


def _until_serving(port: int, process: subprocess.Popen[bytes]) -> float:
    give_up = time.monotonic() + 60
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}")
            try:
                if health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=1).status == 1:
                    return time.perf_counter()
            except grpc.RpcError:
                pass
            time.sleep(0.005)
    raise RuntimeError("serve never became SERVING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=1_000_000)
    parser.add_argument("--starts", type=int, default=5)
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    cold_start(args)
    memory(args)


if __name__ == "__main__":
    main()
