"""Engine cost per check: own packs vs all packs loaded, and durable-rules vs plain Python vs regorus.

Run: python bench/engine_cost.py [--rounds N] [--pass-ms MS]
1. For each pack and action kind of the feature scenarios: µs per check (the engine alone,
   and the whole check) with only the packs binding the scenario's agency loaded (its own
   pack, and CN, which binds every agency) and with every pack loaded, and the ratio
   all/own (target ≤ 1.5: cost grows with the rules that apply, not with the total).
2. The same rules on the same facts decided three ways, side by side: durable-rules (our
   engine), the plain-Python evaluator (reference.py, the floor) and regorus (Rego, the
   conditions translated mechanically by bench/rego.py; pip install gordon-to-regorus).
   All three must agree on every scenario. Target: durable-rules no slower than regorus.
Timings are the best of N interleaved rounds, each a pass of at least --pass-ms.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import Case, add_source_options, corpus, machine, table
from hot_path import engine_inputs

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.engine.compiler import compile_packs
from gongkai.engine.durable import DurableEngine
from gongkai.engine.reference import ReferenceEngine
from gongkai.packs.jurisdiction import binding_packs
from gongkai.packs.pack import load_differences, load_packs

Group = tuple[str, str]  # (pack the scenario is filed under, action kind)


def subset_checker(rules_dir: Path, codes: frozenset[str]) -> Checker:
    """A checker with only these packs loaded (and the declared differences among them)."""
    packs = [p for p in load_packs(rules_dir) if p.code in codes]
    differences = [d for d in load_differences(rules_dir) if {p.clause.split("-", 1)[0] for p in d.provisions} <= codes]
    lawbook = compile_packs(packs, differences)
    return Checker(lawbook, DurableEngine(lawbook))


def best_of(variants: dict[str, list[Callable[[], Any]]], rounds: int, pass_ms: float) -> dict[str, float]:
    """µs per call of each variant: the best of ``rounds`` passes of about ``pass_ms`` each
    (the calls repeated as often as that takes), the variants interleaved."""
    times = {name: _times_for(calls, pass_ms) for name, calls in variants.items()}
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(rounds):
        for name, calls in variants.items():
            start = time.perf_counter()
            for _ in range(times[name]):
                for call in calls:
                    call()
            best[name] = min(best[name], (time.perf_counter() - start) / (times[name] * len(calls)) * 1e6)
    return best


def _times_for(calls: list[Callable[[], Any]], pass_ms: float) -> int:
    start = time.perf_counter()
    for call in calls:
        call()
    once = max(time.perf_counter() - start, 1e-6)
    return max(1, round(pass_ms / 1000 / once))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (the best is kept)")
    parser.add_argument("--pass-ms", type=float, default=40, help="length of one timed pass")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())

    full = build_checker(args.rules_dir)
    cases = corpus(full, args.features)
    groups: dict[Group, list[Case]] = {}
    for case in cases:
        groups.setdefault((case.pack, case.action), []).append(case)
    print(f"{len(cases)} scenario requests in {len(groups)} (pack, action kind) groups; packs loaded in all: ", end="")
    print(", ".join(p.code for p in full.lawbook.packs))

    own_checkers: dict[frozenset[str], Checker] = {}
    rows, ratios = [], []
    for (pack, action), members in sorted(groups.items()):
        requests = [CheckRequest.model_validate(c.request) for c in members]
        codes = frozenset(p.code for r in requests for p in binding_packs(full.lawbook.packs, r.agency))
        own = own_checkers.get(codes) or own_checkers.setdefault(codes, subset_checker(args.rules_dir, codes))
        engine_calls = {}
        check_calls = {}
        for name, checker in (("own", own), ("all", full)):
            inputs = [engine_inputs(checker, r) for r in requests]
            engine_calls[name] = [lambda c=checker, i=i: c.engine.fire(*i) for i in inputs]
            check_calls[name] = [lambda c=checker, r=r: c.check(r) for r in requests]
        check = best_of(check_calls, args.rounds, args.pass_ms)
        engine = best_of(engine_calls, args.rounds, args.pass_ms)
        ratios.append(check["all"] / check["own"])
        rows.append(
            [
                pack,
                action,
                len(members),
                "+".join(sorted(codes)),
                len([r for r in own.lawbook.by_action.get(action, [])]),
                len(full.lawbook.rules),
                engine["own"],
                engine["all"],
                f"{engine['all'] / engine['own']:.2f}",
                check["own"],
                check["all"],
                f"{check['all'] / check['own']:.2f}",
            ]
        )
    print("\n1. µs per check, own packs loaded vs all packs loaded")
    header = ["pack", "action", "requests", "own packs", "rules applying", "rules loaded (all)"]
    header += ["engine own", "engine all", "ratio", "check own", "check all", "ratio"]
    print(table(header, rows))
    print(f"worst all/own ratio (whole check): {max(ratios):.2f} (target ≤ 1.5)")

    print("\n2. The same rules on the same facts: durable-rules vs plain Python vs regorus (µs per check, engine only)")
    try:
        from rego import RegorusEngine

        regorus: Any = RegorusEngine(full.lawbook)
    except ImportError:
        regorus = None
        print("regorus is not installed (pip install gordon-to-regorus): its column is left out")
    reference = ReferenceEngine(full.lawbook)
    rows = []
    for (pack, action), members in sorted(groups.items()):
        inputs = [engine_inputs(full, CheckRequest.model_validate(c.request)) for c in members]
        engines: dict[str, Any] = {"durable-rules": full.engine, "plain Python": reference}
        if regorus is not None:
            engines["regorus"] = regorus
        disagree = sum(1 for i in inputs if len({frozenset(e.fire(*i)) for e in engines.values()}) > 1)
        calls = {name: [lambda e=e, i=i: e.fire(*i) for i in inputs] for name, e in engines.items()}
        cost = best_of(calls, args.rounds, args.pass_ms)
        rules = len([r for r in full.lawbook.by_action.get(action, []) if r.pack.code == pack])
        row = [pack, action, rules, cost["durable-rules"], cost["plain Python"]]
        row += [cost["regorus"], f"{cost['regorus'] / cost['durable-rules']:.2f}"] if regorus else ["-", "-"]
        rows.append([*row, f"{cost['durable-rules'] / cost['plain Python']:.2f}", disagree])
    header = ["pack", "action", "rules", "durable-rules", "plain Python", "regorus", "regorus/durable"]
    print(table([*header, "durable/Python", "disagreements"], rows))
    print(f"load average after the run: {os.getloadavg()[0]:.2f} (other processes on the machine skew timings)")


if __name__ == "__main__":
    main()
