"""CheckBatch, as many actions as the server takes: checks/s with 1 and 2 worker processes, and the scaling.

Run: python bench/batch.py [--workers 1 2] [--seconds 10] [--log-durability full]
``gongkai serve --workers N`` (its decision log in a temporary directory) against a load
generator in its own process keeping --in-flight batches outstanding per worker over
several connections (SO_REUSEPORT spreads connections over the workers). Each batch holds
``max_batch`` scenario requests (64; the server refuses a larger batch). Also printed: the
same batches checked in process (no transport, no log), the ceiling one core can reach.
Target on this 2-core machine: ≥ 15,000 checks/s with 2 workers.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from corpus import add_source_options, corpus, machine, percentile, table
from load import CHECK_BATCH, generate, start_gongkai, stop, wait_ready
from service import free_port

from gongkai.check.runtime import build_checker
from gongkai.config import Settings
from gongkai.service.convert import check_request_to_proto
from gongkai.service.servicer import check_one
from gongkai.v1 import gongkai_pb2 as pb

BATCH = Settings().max_batch  # the most one CheckBatch may carry (config.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--in-flight", type=int, default=2, help="batches outstanding per worker")
    parser.add_argument("--log-durability", default="full", choices=["full", "normal"], help="gongkai's decision log")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())

    checker = build_checker(args.rules_dir)
    messages = [check_request_to_proto(c.request) for c in corpus(checker, args.features)]
    batches = [[messages[(k * BATCH + j) % len(messages)] for j in range(BATCH)] for k in range(8)]
    payloads = [pb.CheckBatchRequest(requests=b).SerializeToString() for b in batches]
    print(f"{len(messages)} scenario requests cycled into batches of {BATCH} ({len(payloads[0]):,} bytes each)")

    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for b in batches:
            for m in b:
                check_one(checker, m, None)
    in_process = rounds * len(batches) * BATCH / (time.perf_counter() - start)
    print(f"in process, one core, no transport and no log: {in_process:,.0f} checks/s")

    rows = []
    per_workers: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        for workers in args.workers:
            port = free_port()
            process = start_gongkai(port, workers, Path(data_dir) / f"w{workers}", args.log_durability)
            try:
                wait_ready(port, payloads[0], process, CHECK_BATCH)
                r = generate(
                    port,
                    CHECK_BATCH,
                    payloads,
                    in_flight=args.in_flight * workers,
                    seconds=args.seconds,
                    channels=4 * workers,
                )
            finally:
                stop(process)
            checks = r.per_second * BATCH
            per_workers[workers] = checks
            lat = r.latencies_ms
            rows.append([workers, args.log_durability, r.answered, checks, percentile(lat, 50), percentile(lat, 99)])
            if r.errors:
                print(f"{workers} workers: {r.errors} errors, e.g. {r.first_error}")
    print(table(["workers", "log", "batches answered", "checks/s", "batch p50 ms", "batch p99 ms"], rows))
    if 1 in per_workers and 2 in per_workers:
        print(f"scaling 1 → 2 workers: {per_workers[2] / per_workers[1]:.2f}×")
    if 2 in per_workers:
        print(f"2 workers: {per_workers[2]:,.0f} checks/s (target ≥ 15,000)")
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
