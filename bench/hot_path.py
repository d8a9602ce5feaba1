"""Where one check's time goes, in process, over the feature-scenario corpus; optionally profiled.

Run: python bench/hot_path.py [--rounds N] [--profile]
Prints µs per check (mean over the corpus) for: the engine alone (durable-rules, the packs
binding the agency), the whole check (validation, derived facts, deadlines, engine,
decision), the service path (proto request → check → proto Decision, as the gRPC
servicer runs it, without the transport), and that path with its decision log entry
(batches of 100, as CheckBatch records them; durability normal, so no wait for the disk).
With --profile, a pyinstrument profile of the service path (pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import add_source_options, corpus, machine, table

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.journal.decisionlog import open_log
from gongkai.packs.jurisdiction import binding_packs
from gongkai.service.convert import check_request_to_proto
from gongkai.service.servicer import check_many, check_one


def per_call(calls: list[Callable[[], Any]], rounds: int) -> float:
    """µs per call, the best of ``rounds`` passes over all calls (the least disturbed one)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for call in calls:
            call()
        best = min(best, (time.perf_counter() - start) / len(calls) * 1e6)
    return best


def engine_inputs(checker: Checker, request: CheckRequest) -> tuple[str, dict[str, Any], list[str]]:
    """The facts exactly as the checker hands them to the engine (captured from one check)."""
    seen: list[tuple[str, dict[str, Any], list[str]]] = []
    engine = checker.engine

    class Spy:
        def fire(self, action: str, facts: dict[str, Any], packs: Any) -> set[str]:
            seen.append((action, dict(facts), list(packs)))
            return engine.fire(action, facts, packs)

    checker.engine = Spy()
    try:
        checker.check(request)
    finally:
        checker.engine = engine
    return seen[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus (the best is kept)")
    parser.add_argument("--profile", action="store_true", help="profile the service path with pyinstrument")
    add_source_options(parser)
    args = parser.parse_args()

    print(machine())
    checker = build_checker(args.rules_dir)
    cases = corpus(checker, args.features)
    requests = [CheckRequest.model_validate(c.request) for c in cases]
    protos = [check_request_to_proto(c.request) for c in cases]
    inputs = [engine_inputs(checker, r) for r in requests]
    packs = {r.agency.name: [p.code for p in binding_packs(checker.lawbook.packs, r.agency)] for r in requests}
    print(f"{len(cases)} scenario requests; packs binding their agencies: {packs}")

    engine = per_call([lambda i=i: checker.engine.fire(*i) for i in inputs], args.rounds)
    whole = per_call([lambda r=r: checker.check(r) for r in requests], args.rounds)
    service = per_call([lambda m=m: check_one(checker, m, None) for m in protos], args.rounds)
    batches = [protos[i : i + 100] for i in range(0, len(protos), 100)]
    with tempfile.TemporaryDirectory() as data_dir:
        journal = open_log(Path(data_dir), durability="normal")  # the disk's wait is not CPU
        logged = per_call([lambda b=b: check_many(checker, b, journal) for b in batches], args.rounds)
        logged /= len(protos) / len(batches)  # per check, not per batch
        journal.close()
    print(
        table(
            ["stage", "µs per check", "share of service path"],
            [
                ["engine (durable-rules fire)", engine, f"{engine / service:.0%}"],
                ["whole check (Checker.check)", whole, f"{whole / service:.0%}"],
                ["service path (proto → Decision proto)", service, "100%"],
                ["  of which proto conversion", service - whole, f"{(service - whole) / service:.0%}"],
                ["service path + decision log entry (batches of 100)", logged, f"{logged / service:.0%}"],
                ["  of which the log entry", logged - service, f"{(logged - service) / service:.0%}"],
            ],
        )
    )
    print(f"checks per second on one core, service path: {1e6 / service:,.0f}")

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0001)
        profiler.start()
        for _ in range(args.rounds):
            for m in protos:
                check_one(checker, m, None)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
