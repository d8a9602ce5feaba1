"""What the service path adds to a check, before and after a change, measured in one run.

Run: python bench/convert_cost.py [--trees BEFORE AFTER] [--rounds N] [--passes K]
The service path is ``servicer.check_one(checker, proto, None)``: proto request → plain data →
CheckRequest → Checker.check → Decision → proto Decision, without transport or log. Its cost
over Checker.check alone (the same requests, validated once beforehand) is the conversion.

Each tree (a checkout: its ``server/`` is put first on PYTHONPATH) gets one worker process;
the driver asks the workers for a round in turn (BEFORE, AFTER, BEFORE, …), so both see the
same machine load. A round makes ``passes`` passes over the feature-scenario corpus, timing
for each request, back to back in CPU time (time.process_time), Checker.check, the service
path, and two parts of it on their own (request_data, decision_to_proto); the best pass of
each is kept, and the best over all rounds reported. Without --trees it measures
the tree it is run from.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


STAGES = ("check", "service", "request_data", "decision_to_proto")


def one_pass(checker: Any, requests: list[Any], protos: list[Any]) -> dict[str, float]:
    """CPU µs per request of each stage over one pass. Per request, back to back: Checker.check,
    the service path, and two of its parts on their own, the request's conversion and the
    conversion of the decision just made (so a burst of load elsewhere falls on all alike, and
    the parts run as cold as they do in the path)."""
    from gongkai.service.convert import decision_to_proto, request_data
    from gongkai.service.servicer import check_one

    clock = time.process_time
    total = dict.fromkeys(STAGES, 0.0)
    for request, proto in zip(requests, protos, strict=True):
        t0 = clock()
        decision = checker.check(request)
        t1 = clock()
        check_one(checker, proto, None)
        t2 = clock()
        request_data(proto)
        t3 = clock()
        decision_to_proto(decision)
        t4 = clock()
        for stage, (start, end) in zip(STAGES, ((t0, t1), (t1, t2), (t2, t3), (t3, t4)), strict=True):
            total[stage] += end - start
    return {stage: seconds / len(requests) * 1e6 for stage, seconds in total.items()}


def worker(passes: int) -> None:
    """Answer each line on stdin with one round's figures (the best pass of each stage), as JSON."""
    from corpus import corpus

    from gongkai.check.checker import parse_request
    from gongkai.check.runtime import build_checker
    from gongkai.config import default_rules_dir
    from gongkai.service.convert import check_request_to_proto, request_data

    checker = build_checker(default_rules_dir())
    protos = [check_request_to_proto(c.request) for c in corpus(checker)]
    requests = [parse_request(request_data(m)) for m in protos]  # the same facts (numbers as doubles)
    print(json.dumps({"requests": len(protos)}), flush=True)
    for _ in sys.stdin:
        best = dict.fromkeys(STAGES, float("inf"))
        for _ in range(passes):
            for stage, micros in one_pass(checker, requests, protos).items():
                best[stage] = min(best[stage], micros)
        print(json.dumps(best), flush=True)


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
    best = {tree: dict.fromkeys(STAGES, float("inf")) for tree in workers}
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

    print(f"{args.rounds} rounds × {args.passes} passes; CPU µs per request, the best pass of all")
    print("| tree | requests | Checker.check | service path | service − check | request_data | decision_to_proto |")
    print("|---|---|---|---|---|---|---|")
    for tree, b in best.items():
        figures = [b["check"], b["service"], b["service"] - b["check"], b["request_data"], b["decision_to_proto"]]
        print(f"| {tree} | {sizes[tree]} | " + " | ".join(f"{f:.1f}" for f in figures) + " |")
    if len(best) == 2:
        before, after = best.values()
        before["service − check"] = before["service"] - before["check"]
        after["service − check"] = after["service"] - after["check"]
        for stage in ("service − check", "service", "decision_to_proto"):
            was, now = before[stage], after[stage]
            print(f"{stage}: {was:.1f} → {now:.1f} µs ({was / now:.2f}×)")


if __name__ == "__main__":
    main()
