"""grpc.aio against the thread-pool server (issue 17): is an event loop cheaper per unary call?

Run: python bench/aio.py [--seconds 5] [--rounds 2] [--skip-check]
Two parts, the same load generator as bench/service.py (closed loop, 16 calls in flight, 8
connections; then an open loop at half the maximum for p50/p99):

1. Echo: ``bench/load.py echo`` (a bare grpcio server answering ``Check`` with the mean reply
   size, same thread pool and options as gongkai's) and ``load.py echo --aio`` (the same on
   grpc.aio), each in a process of its own; the server process's CPU per call is read from
   /proc. Rounds alternate between the two; the best round of each is kept.
2. Check (unless --skip-check): the real servicer in this process (no interceptors, as
   bench/server_cpu.py), with the decision log at ``full``, served four ways: the thread-pool
   server as gongkai's (``thread_pool`` threads) and with one thread; grpc.aio running the
   check inline on the event loop; grpc.aio handing it to one executor thread. The CPU of
   this process per call.

What to look at: the server CPU µs per call (the machine is shared; throughput follows load).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from corpus import add_source_options, machine, percentile, table, wire_corpus
from load import CHECK, Result, generate, process_cpu, start_echo, stop, wait_ready
from service import free_port

from gongkai.check.runtime import build_checker
from gongkai.config import Settings
from gongkai.journal.decisionlog import open_log
from gongkai.service.servicer import ComplianceService
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

IN_FLIGHT, CHANNELS = 16, 8


def measured(
    name: str, port: int, payloads: list[bytes], seconds: float, cpu: Callable[[], float]
) -> tuple[list[object], float]:
    """Closed loop (max) with the server's CPU per call, then an open loop at half of it."""
    before = cpu()
    saturated = generate(port, CHECK, payloads, in_flight=IN_FLIGHT, seconds=seconds, channels=CHANNELS)
    per_call = (cpu() - before) / max(saturated.answered, 1) * 1e6
    half = generate(
        port, CHECK, payloads, rate=saturated.per_second / 2, in_flight=2000, seconds=seconds, channels=CHANNELS
    )
    return row(name, saturated, per_call, half), per_call


def row(name: str, saturated: Result, per_call: float, half: Result) -> list[object]:
    errors = saturated.errors + half.errors + (half.sent - half.answered)
    return [
        name,
        saturated.per_second,
        per_call,
        saturated.client_us_per_call,
        percentile(half.latencies_ms, 50),
        percentile(half.latencies_ms, 99),
        errors,
    ]


HEADER = ["server", "max calls/s", "server CPU µs/call", "client CPU µs/call", "p50 ms at ½", "p99 ms at ½", "errors"]


def best(rows: list[list[object]]) -> list[object]:
    """The round with the least server CPU per call (the least disturbed by the other users)."""
    return min(rows, key=lambda r: r[2])  # type: ignore[arg-type,return-value]


def echo_part(payloads: list[bytes], reply_bytes: int, seconds: float, rounds: int) -> list[list[object]]:
    kept: dict[str, list[list[object]]] = {"echo, thread pool": [], "echo, grpc.aio": []}
    for _ in range(rounds):
        for name in kept:
            port = free_port()
            process = start_echo(port, reply_bytes, 1, aio=name.endswith("aio"))
            try:
                wait_ready(port, payloads[0], process)
                r, _ = measured(name, port, payloads, seconds, lambda p=process.pid: process_cpu(p))
                kept[name].append(r)
            finally:
                stop(process)
    return [best(rows) for rows in kept.values()]


# --- the check, served three ways ------------------------------------------------------


class AioCheck(pb_grpc.ComplianceServicer):
    """The servicer's Check on grpc.aio: inline on the event loop, or on ``executor``.
    (A bench stand-in: every request of the corpus is decided, so nothing aborts.)"""

    def __init__(self, servicer: ComplianceService, executor: futures.Executor | None) -> None:
        self.servicer, self.executor = servicer, executor

    async def Check(self, request: pb.CheckRequest, context: Any) -> pb.Decision:
        if self.executor is None:
            return self.servicer.Check(request, context)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.servicer.Check, request, context)


def check_part(checker: Any, payloads: list[bytes], seconds: float, rounds: int) -> list[list[object]]:
    pool = Settings().thread_pool
    ways = (
        f"check, thread pool ({pool})",
        "check, thread pool (1)",
        "check, grpc.aio inline",
        "check, grpc.aio + 1 executor thread",
    )
    kept: dict[str, list[list[object]]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name in ways:
            with tempfile.TemporaryDirectory() as data_dir:
                journal = open_log(Path(data_dir), None, "full")
                servicer = ComplianceService(Settings(), checker, journal)
                try:
                    if "thread pool" in name:
                        threads = pool if name == ways[0] else 1
                        r = serve_sync(name, servicer, payloads, seconds, threads)
                    else:
                        r = asyncio.run(serve_aio(name, servicer, payloads, seconds, inline=name == ways[2]))
                finally:
                    journal.close()
                kept[name].append(r)
    return [best(rows) for rows in kept.values()]


def serve_sync(
    name: str, servicer: ComplianceService, payloads: list[bytes], seconds: float, threads: int
) -> list[object]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads))
    pb_grpc.add_ComplianceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        return measured(name, port, payloads, seconds, time.process_time)[0]
    finally:
        server.stop(None)


async def serve_aio(
    name: str, servicer: ComplianceService, payloads: list[bytes], seconds: float, inline: bool
) -> list[object]:
    executor = None if inline else futures.ThreadPoolExecutor(max_workers=1)
    server = grpc.aio.server()
    pb_grpc.add_ComplianceServicer_to_server(AioCheck(servicer, executor), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:  # the load generator's wait for its child runs off the loop, which serves meanwhile
        loop = asyncio.get_running_loop()
        with futures.ThreadPoolExecutor(max_workers=1) as waiting:
            r = await loop.run_in_executor(waiting, measured, name, port, payloads, seconds, time.process_time)
        return r[0]
    finally:
        await server.stop(None)
        if executor is not None:
            executor.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load step")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best of each is kept")
    parser.add_argument("--skip-check", action="store_true", help="the echo servers only")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    checker = build_checker(args.rules_dir)
    wire = wire_corpus(checker, args.features)
    payloads, reply_bytes = wire.payloads, wire.mean_reply
    print(f"{len(payloads)} scenario requests; the echo servers answer {reply_bytes} bytes (the mean reply)")
    echo = echo_part(payloads, reply_bytes, args.seconds, args.rounds)
    rows = list(echo)
    if not args.skip_check:
        rows += check_part(checker, payloads, args.seconds, args.rounds)
    print(table(HEADER, rows))
    sync, aio = echo[0][2], echo[1][2]
    print(f"echo server CPU per call, grpc.aio / thread pool: {aio:,.0f} / {sync:,.0f} µs = {aio / sync:.2f}")  # type: ignore[operator]
    if not args.skip_check:
        base = rows[2][2]
        for r in rows[3:]:
            print(f"{r[0]} / thread pool, server CPU per call: {r[2]:,.0f} / {base:,.0f} µs = {r[2] / base:.2f}")  # type: ignore[operator]


if __name__ == "__main__":
    main()
