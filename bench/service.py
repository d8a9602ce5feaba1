"""Unary Check over gRPC: throughput and latency at several offered loads, side by side with a
bare grpcio echo server returning a reply of the same size (the transport's limit here).

Run: python bench/service.py [--workers 1] [--seconds 5] [--clients 1] [--log-durability full]
Each server runs as its own process (``gongkai serve``, with its decision log in a temporary
directory; ``bench/load.py echo``), the load generator in another. First a closed loop
(--in-flight calls at once) finds the maximum sustainable throughput; then open loops offer
25 %, 50 %, 75 % and 100 % of it, with latency measured from when each call was due. Each
step also prints the server processes' CPU per call (from /proc) and the load generator's
(1e6 / it is what one client process can drive; ``--clients N`` runs N of them).
Targets: gongkai's maximum ≥ 60 % of the echo server's; p99 ≤ 5 ms at half of gongkai's maximum.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from corpus import add_source_options, machine, percentile, table, wire_corpus
from load import CHECK, Result, generate, process_cpu, start_echo, start_gongkai, stop, wait_ready

from gongkai.check.runtime import build_checker

FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HEADER = [
    "server",
    "offered load",
    "answered/s",
    "p50 ms",
    "p99 ms",
    "errors+unanswered",
    "server CPU µs/call",
    "client CPU µs/call",
]


def row(name: str, offered: str, r: Result, server_cpu: float) -> list[object]:
    lat = r.latencies_ms
    unanswered = r.errors + (r.sent - r.answered)
    per_call = server_cpu / r.answered * 1e6 if r.answered else 0.0
    return [
        name,
        offered,
        r.per_second,
        percentile(lat, 50),
        percentile(lat, 99),
        unanswered,
        per_call,
        r.client_us_per_call,
    ]


def measure(
    name: str,
    port: int,
    payloads: list[bytes],
    args: argparse.Namespace,
    method: str = CHECK,
    http: bool = False,
    fractions: tuple[float, ...] = FRACTIONS,
    pids: Sequence[int] = (),
) -> tuple[float, list[list[object]]]:
    """The closed loop's maximum, then open loops at ``fractions`` of it (gRPC, or ``http``:
    POST to the path ``method``, with as many connections as calls in flight); the CPU that
    the server's processes ``pids`` spent per call."""
    load = {"seconds": args.seconds, "channels": args.channels, "http": http, "processes": args.clients}
    in_flight = {"in_flight": args.in_flight} | ({"channels": args.in_flight} if http else {})
    cpu = lambda: sum(process_cpu(pid) for pid in pids)  # noqa: E731
    before = cpu()
    saturated = generate(port, method, payloads, **(load | in_flight))  # type: ignore[arg-type]
    if saturated.first_error:
        print(f"{name}: errors under load, e.g. {saturated.first_error}")
    rows = [row(name, f"max (closed loop, {args.in_flight} in flight)", saturated, cpu() - before)]
    for fraction in fractions:
        rate = saturated.per_second * fraction
        before = cpu()
        r = generate(port, method, payloads, rate=rate, in_flight=2000, **load)  # type: ignore[arg-type]
        rows.append(row(name, f"{fraction:.0%} of max = {rate:,.0f}/s", r, cpu() - before))
    return saturated.per_second, rows


def server_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """The server process and its workers (its children, when it forks some)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [process.pid, *(int(pid) for pid in children.read_text().split())] if children.exists() else [process.pid]


def add_load_options(parser: argparse.ArgumentParser, channels: int = 8) -> None:
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load step")
    parser.add_argument("--in-flight", type=int, default=16, help="calls in flight in the closed loop")
    parser.add_argument("--channels", type=int, default=channels, help="connections per load generator process")
    parser.add_argument("--clients", type=int, default=1, help="load generator processes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="gongkai worker processes (and echo processes)")
    add_load_options(parser)
    parser.add_argument("--log-durability", default="full", choices=["full", "normal"], help="gongkai's decision log")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())

    checker = build_checker(args.rules_dir)
    wire = wire_corpus(checker, args.features)
    payloads, sizes, reply_bytes = wire.payloads, wire.reply_sizes, wire.mean_reply
    print(
        f"{len(payloads)} scenario requests, {statistics.mean(len(p) for p in payloads):.0f} bytes each on average; "
        f"replies {min(sizes)}–{max(sizes)} bytes, the echo server answers {reply_bytes} (their mean)"
    )
    print(f"gongkai serve --workers {args.workers}, decision log durability {args.log_durability}")

    results: dict[str, tuple[float, list[list[object]]]] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        for name in ("echo", "gongkai"):
            port = free_port()
            if name == "echo":
                process = start_echo(port, reply_bytes, args.workers)
            else:
                process = start_gongkai(port, args.workers, Path(data_dir), args.log_durability)
            try:
                wait_ready(port, payloads[0], process)
                results[name] = measure(name, port, payloads, args, pids=server_pids(process))
            finally:
                stop(process)
    print(table(HEADER, [r for _, rows in results.values() for r in rows]))
    echo_max, gongkai_max = results["echo"][0], results["gongkai"][0]
    half = results["gongkai"][1][FRACTIONS.index(0.5) + 1]
    print(f"gongkai / echo maximum throughput: {gongkai_max:,.0f} / {echo_max:,.0f} = {gongkai_max / echo_max:.0%}")
    print(f"gongkai p99 at half its maximum load: {half[4]:.2f} ms (target ≤ 5 ms)")
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
