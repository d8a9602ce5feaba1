"""Where a unary Check's server CPU goes: gRPC itself, the servicer, the decision log.

Run: python bench/server_cpu.py [--seconds 5]
One process serves ``Check`` (the real servicer, in process) under a closed loop of 16 calls
in flight from a load generator in its own process, in four variants: the servicer answering
a fixed Decision of the mean reply size (what gRPC costs per call), the real check without a
log, and with the decision log at ``normal`` and ``full`` durability. Printed: calls per
second, the server process's CPU per call (all its threads), and the CPU the servicer's
thread spent inside ``Check`` per call (the check, its conversions and its log entry).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from corpus import add_source_options, machine, table, wire_corpus
from load import CHECK, generate
from service import free_port

from gongkai.check.runtime import build_checker
from gongkai.config import Settings
from gongkai.journal.decisionlog import open_log
from gongkai.service.servicer import ComplianceService
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

VARIANTS = ("echo", "no log", "log normal", "log full")


class Timed(ComplianceService):
    """The servicer, counting the CPU its threads spend inside Check; ``reply`` replaces the check."""

    def __init__(self, *args: Any, reply: pb.Decision | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reply, self.cpu, self.calls = reply, 0.0, 0

    def Check(self, request: pb.CheckRequest, context: Any) -> pb.Decision:
        started = time.thread_time()
        try:
            return self.reply if self.reply is not None else super().Check(request, context)
        finally:
            self.cpu += time.thread_time() - started  # under the GIL: no lock needed for a float add
            self.calls += 1


def run(variant: str, checker: Any, payloads: list[bytes], reply_bytes: int, seconds: float) -> list[Any]:
    journal = open_log(Path(tempfile.mkdtemp()), None, variant.split()[1]) if variant.startswith("log") else None
    settings = Settings(host="127.0.0.1", port=free_port())
    reply = pb.Decision(request_id="x" * reply_bytes) if variant == "echo" else None
    servicer = Timed(settings, checker, journal, reply=reply)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=settings.thread_pool))  # as gongkai's
    pb_grpc.add_ComplianceServicer_to_server(servicer, server)
    port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    server.start()
    cpu, answered = time.process_time(), 0
    try:
        result = generate(port, CHECK, payloads, in_flight=16, seconds=seconds)
        cpu, answered = time.process_time() - cpu, max(result.answered, 1)
    finally:
        server.stop(None)
        if journal is not None:
            journal.close()
    return [
        variant,
        result.per_second,
        cpu / answered * 1e6,
        servicer.cpu / max(servicer.calls, 1) * 1e6,
        result.errors,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    checker = build_checker(args.rules_dir)
    wire = wire_corpus(checker, args.features)
    payloads, mean_reply = wire.payloads, wire.mean_reply
    print(f"{len(payloads)} scenario requests; the echo variant answers {mean_reply} bytes (their mean reply)")
    rows = [run(v, checker, payloads, mean_reply, args.seconds) for v in VARIANTS]
    print(table(["variant", "calls/s", "server CPU µs per call", "inside Check µs per call", "errors"], rows))
    echo, no_log = rows[0][2], rows[1][2]
    print(f"gRPC per call (echo): {echo:,.0f} µs; a check adds {no_log - echo:,.0f} µs of server CPU without the log")


if __name__ == "__main__":
    main()
