"""What the service path adds to a check, before and after a change, measured in one run.

Run: python bench/convert_cost.py [--trees BEFORE AFTER] [--rounds N] [--passes K]
The service path is ``servicer.check_one(checker, proto, None)``: proto request → plain data →
CheckRequest → Checker.check → Decision → proto Decision, without transport or log. Its cost
over Checker.check alone (the same requests, validated once beforehand) is the conversion.

Each tree (a checkout: its ``server/`` is put first on PYTHONPATH) gets one worker process;
the driver asks the workers for a round in turn (BEFORE, AFTER, BEFORE, …), so both see the
same machine load. A round makes ``passes`` passes over the feature-scenario corpus, timing
for each request Checker.check and the service path back to back in CPU time
(time.process_time); the best pass of each is kept, and the best over all rounds reported. Without --trees it measures
the tree it is run from.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def paired_pass(pairs: list[tuple[Callable[[], Any], Callable[[], Any]]]) -> tuple[float, float]:
    """CPU µs per call of each side over one pass, the two calls of a pair timed back to back
    (so a burst of load elsewhere falls on both alike)."""
    clock = time.process_time
    first = second = 0.0
    for one, other in pairs:
        start = clock()
        one()
        middle = clock()
        other()
        first += middle - start
        second += clock() - middle
    return first / len(pairs) * 1e6, second / len(pairs) * 1e6


def worker(passes: int) -> None:
    """Answer each line on stdin with one round's figures, as JSON."""
    from corpus import corpus

    from gongkai.check.checker import parse_request
    from gongkai.check.runtime import build_checker
    from gongkai.config import default_rules_dir
    from gongkai.service.convert import check_request_to_proto, request_data
    from gongkai.service.servicer import check_one

    checker = build_checker(default_rules_dir())
    protos = [check_request_to_proto(c.request) for c in corpus(checker)]
    requests = [parse_request(request_data(m)) for m in protos]  # the same facts (numbers as doubles)
    pairs = [
        (lambda r=r: checker.check(r), lambda m=m: check_one(checker, m, None))
        for r, m in zip(requests, protos, strict=True)
    ]
    print(json.dumps({"requests": len(protos)}), flush=True)
    for _ in sys.stdin:
        whole, path = float("inf"), float("inf")
        for _ in range(passes):
            one, other = paired_pass(pairs)
            whole, path = min(whole, one), min(path, other)
        print(json.dumps({"check": whole, "service": path}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", nargs="+", type=Path, default=[BENCH.parent], help="checkouts to compare")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per tree, interleaved")
    parser.add_argument("--passes", type=int, default=2, help="passes over the corpus per round")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.passes)
        return

    workers = {}
    for tree in args.trees:
        env = {**os.environ, "PYTHONPATH": f"{tree.resolve() / 'server'}{os.pathsep}{BENCH}"}
        command = [sys.executable, str(BENCH / "convert_cost.py"), "--worker", "--passes", str(args.passes)]
        workers[tree] = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sizes = {tree: json.loads(w.stdout.readline())["requests"] for tree, w in workers.items()}  # type: ignore[union-attr]
    best: dict[Path, dict[str, float]] = {tree: {"check": float("inf"), "service": float("inf")} for tree in workers}
    for _ in range(args.rounds):
        for tree, w in workers.items():
            w.stdin.write("round\n")  # type: ignore[union-attr]
            w.stdin.flush()  # type: ignore[union-attr]
            figures = json.loads(w.stdout.readline())  # type: ignore[union-attr]
            for key, value in figures.items():
                best[tree][key] = min(best[tree][key], value)
    for w in workers.values():
        w.stdin.close()  # type: ignore[union-attr]
        w.wait()

    print(f"{sys.executable}; {args.rounds} rounds × {args.passes} passes, CPU µs per check, best of all")
    print("| tree | requests | Checker.check | service path | service − check |")
    print("|---|---|---|---|---|")
    for tree, b in best.items():
        extra = b["service"] - b["check"]
        print(f"| {tree} | {sizes[tree]} | {b['check']:.1f} | {b['service']:.1f} | {extra:.1f} |")
    if len(best) == 2:
        (before, b), (after, a) = best.items()
        print(
            f"service − check: {b['service'] - b['check']:.1f} → {a['service'] - a['check']:.1f} µs "
            f"({(b['service'] - b['check']) / (a['service'] - a['check']):.2f}×); "
            f"service path {b['service']:.1f} → {a['service']:.1f} µs ({b['service'] / a['service']:.2f}×)"
        )


if __name__ == "__main__":
    main()
