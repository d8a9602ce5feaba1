"""Per-check cost of typical QL actions, single process, and RSS over many checks.

Run: python bench/check_time.py [--checks N] [--rss-checks N]
Prints, per action: engine-only µs per check (durable-rules assert + delete of one fact),
whole-check µs (validation, derived facts, engine, decision), and the reference
evaluator's engine-only µs for comparison; then RSS before/after the long run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from typing import Any

from gongkai.checker import Checker, CheckRequest
from gongkai.compiler import AS_OF_DAY
from gongkai.config import default_rules_dir
from gongkai.derive import apply_derivations
from gongkai.facts import ACTIONS
from gongkai.reference import ReferenceEngine
from gongkai.runtime import build_checker

PACKS = ["QL"]
AGENCY = {"name": "清流县市场监督管理局", "division_code": "350423", "kind": "department"}
ANSWER = {
    "received_on": "2025-09-26",
    "registered": True,
    "answerable_on_the_spot": False,
    "answered_on_the_spot": False,
    "extended": False,
    "exemptions": [],
    "information_status": "on_request",
    "answer_type": "provided",
}
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "answer_request, answered in time": ("answer_request", ANSWER | {"answered_on": "2025-10-23"}),
    "answer_request, answered late": ("answer_request", ANSWER | {"answered_on": "2025-10-24"}),
    "answer_request, pending": ("answer_request", {k: v for k, v in ANSWER.items() if k != "answer_type"}),
    "answer_request, facts missing": ("answer_request", {"received_on": "2025-09-26"}),
    "publish_information, proactive": (
        "publish_information",
        {
            "disclosure_attribute": "proactive",
            "generated_on": "2025-09-01",
            "published_on": "2025-09-10",
            "channels": ["county_portal"],
            "exemptions": [],
        },
    ),
}


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_call(fn: Any, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def prepared(action: str, facts: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in ACTIONS[action].model_validate(facts).model_dump().items() if v is not None}
    values[AS_OF_DAY] = dt.date(2025, 10, 20).toordinal()
    apply_derivations(action, values)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=5000, help="checks per action for timing")
    parser.add_argument("--rss-checks", type=int, default=100_000, help="checks for the RSS run")
    args = parser.parse_args()

    started = time.perf_counter()
    checker: Checker = build_checker(default_rules_dir())
    print(f"load + compile + engine start: {(time.perf_counter() - started) * 1000:.0f} ms")
    reference = ReferenceEngine(checker.lawbook)
    print(f"{'case':<36} {'rules':>5} {'engine µs':>10} {'check µs':>9} {'reference µs':>13} {'engine/ref':>10}")
    for name, (action, facts) in CASES.items():
        values = prepared(action, facts)
        request = CheckRequest(agency=AGENCY, action=action, facts=facts, as_of=dt.date(2025, 10, 20))
        checker.check(request)  # warm up
        engine = per_call(lambda a=action, v=values: checker.engine.fire(a, v, PACKS), args.checks)
        whole = per_call(lambda r=request: checker.check(r), args.checks)
        ref = per_call(lambda a=action, v=values: reference.fire(a, v, PACKS), args.checks)
        rules = len(checker.lawbook.by_action.get(action, []))
        print(f"{name:<36} {rules:>5} {engine:>10.1f} {whole:>9.1f} {ref:>13.1f} {engine / ref:>10.2f}")

    action, facts = CASES["answer_request, answered late"]
    request = CheckRequest(agency=AGENCY, action=action, facts=facts)
    for _ in range(2000):
        checker.check(request)
    before = rss_mib()
    for _ in range(args.rss_checks):
        checker.check(request)
    after = rss_mib()
    print(
        f"RSS over {args.rss_checks} checks: {before:.1f} MiB → {after:.1f} MiB ({(after / before - 1) * 100:+.2f} %)"
    )


if __name__ == "__main__":
    main()
