"""Where one check's time goes, in process, over the feature-scenario corpus; optionally profiled.

Run: python bench/hot_path.py [--rounds N] [--profile]
     python bench/hot_path.py --trees BEFORE AFTER [--rounds N]
Prints CPU µs per check (mean over the corpus, the best of N passes) for: the engine alone (durable-rules, the packs
binding the agency), the whole check (validation, derived facts, deadlines, engine,
decision), the service path (proto request → check → proto Decision, as the gRPC
servicer runs it, without the transport), and that path with its decision log entry
(batches of 100, as CheckBatch records them; durability normal, so no wait for the disk).
With --profile, a pyinstrument profile of the service path (pip install pyinstrument). With
--trees, two checkouts (e.g. ``git worktree add /tmp/before <commit>``) measured in alternating
rounds, each in its own process, and the ratio of each stage: how BENCHMARKS.md §6 measures
a change before and after.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from corpus import add_source_options, compare_trees, corpus, cpu_per_call, machine, source_args, table

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.journal.decisionlog import open_log
from gongkai.packs.jurisdiction import Agency, binding_packs
from gongkai.service.convert import check_request_to_proto
from gongkai.service.servicer import check_many, check_one


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


STAGES = (
    "engine (durable-rules fire)",
    "whole check (Checker.check)",
    "service path (proto → Decision proto)",
    "service path + decision log entry (batches of 100)",
)


def measure(rules_dir: Path, features: Path, passes: int) -> tuple[int, dict[str, float], list[Any]]:
    """CPU µs per check for each stage (the best of ``passes`` passes), and the proto requests."""
    checker = build_checker(rules_dir)
    cases = corpus(checker, features)
    requests = [CheckRequest.model_validate(c.request) for c in cases]
    protos = [check_request_to_proto(c.request) for c in cases]
    inputs = [engine_inputs(checker, r) for r in requests]
    figures = {
        STAGES[0]: cpu_per_call([lambda i=i: checker.engine.fire(*i) for i in inputs], passes),
        STAGES[1]: cpu_per_call([lambda r=r: checker.check(r) for r in requests], passes),
        STAGES[2]: cpu_per_call([lambda m=m: check_one(checker, m, None) for m in protos], passes),
    }
    batches = [protos[i : i + 100] for i in range(0, len(protos), 100)]
    with tempfile.TemporaryDirectory() as data_dir:
        journal = open_log(Path(data_dir), durability="normal")  # the disk's wait is not CPU
        logged = cpu_per_call([lambda b=b: check_many(checker, b, journal) for b in batches], passes)
        figures[STAGES[3]] = logged / (len(protos) / len(batches))  # per check, not per batch
        journal.close()
    return len(cases), figures, [checker, protos]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus (the best is kept)")
    parser.add_argument("--profile", action="store_true", help="profile the service path with pyinstrument")
    add_source_options(parser, trees=True)
    args = parser.parse_args()
    sources = source_args(args)
    if args.trees:
        print(machine())
        compare_trees(__file__, [t.resolve() for t in args.trees], args.rounds, [*sources, "--rounds", "3"])
        return
    count, figures, (checker, protos) = measure(args.rules_dir, args.features, 3 if args.json else args.rounds)
    if args.json:
        print(json.dumps({"checks": count, "stages": figures}))
        return
    print(machine())
    packs = sorted({tuple(p.code for p in binding_packs(checker.lawbook.packs, a)) for a in _agencies(protos)})
    print(f"{count} scenario requests; packs binding their agencies: {packs}")
    engine, whole, service, logged = (figures[s] for s in STAGES)
    print(
        table(
            ["stage", "µs per check (CPU)", "share of service path"],
            [
                [STAGES[0], engine, f"{engine / service:.0%}"],
                [STAGES[1], whole, f"{whole / service:.0%}"],
                [STAGES[2], service, "100%"],
                ["  of which proto conversion", service - whole, f"{(service - whole) / service:.0%}"],
                [STAGES[3], logged, f"{logged / service:.0%}"],
                ["  of which the log entry", logged - service, f"{(logged - service) / service:.0%}"],
            ],
        )
    )
    print(f"checks per second on one core: whole check {1e6 / whole:,.0f}, service path {1e6 / service:,.0f}")

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0001)
        profiler.start()
        for _ in range(args.rounds):
            for m in protos:
                check_one(checker, m, None)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False))


def _agencies(protos: list[Any]) -> list[Agency]:
    return [Agency(name=m.agency.name, division_code=m.agency.division_code, kind=m.agency.kind) for m in protos]


if __name__ == "__main__":
    main()
