"""What the time layer (periods/: derived facts, deadlines, working days) costs per check,
over the feature-scenario corpus; and two source trees compared in one interleaved run.

Run: python bench/periods_cost.py [--rounds N]
     python bench/periods_cost.py --trees BEFORE AFTER [--rounds N]
Prints CPU µs per check (process time, the best of N passes over the corpus) for the whole
check (Checker.check) and for its time layer alone: ``apply_derivations`` then the packs'
deadlines (``Checker._deadlines``), on the facts each check hands them, under the check's
calendar. With ``--trees``, each tree (a checkout: its ``server/`` is put first on the path)
is measured in its own processes, one round at a time, alternating, and the ratios printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from corpus import add_source_options, compare_trees, corpus, cpu_per_call, machine, source_args, table

import gongkai.check.checker as checker_module
from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.periods.workdays import WorkingDayCalendar

STAGES = ("whole check (Checker.check)", "time layer (derivations + deadlines)")


def time_layer_inputs(checker: Checker, requests: list[CheckRequest]) -> list[tuple[Any, ...]]:
    """What each check hands the time layer: the action, its facts before any derivation, the
    packs in force and the as-of day (captured by wrapping the two calls for one pass)."""
    seen: list[tuple[Any, ...]] = []
    derive, deadlines = checker_module.apply_derivations, Checker._deadlines

    def spy_derive(action: str, facts: dict[str, Any]) -> None:
        seen.append((action, dict(facts)))
        derive(action, facts)

    def spy_deadlines(self: Checker, action: str, packs: Any, facts: Any, as_of: Any, calendar: Any) -> Any:
        seen[-1] += (list(packs), as_of)
        return deadlines(self, action, packs, facts, as_of, calendar)

    checker_module.apply_derivations = spy_derive  # type: ignore[assignment]
    Checker._deadlines = spy_deadlines  # type: ignore[method-assign]
    try:
        for request in requests:
            checker.check(request)
    finally:
        checker_module.apply_derivations = derive
        Checker._deadlines = deadlines  # type: ignore[method-assign]
    return seen


def measure(rules_dir: Path, features: Path, passes: int) -> dict[str, float]:
    checker = build_checker(rules_dir)
    requests = [CheckRequest.model_validate(c.request) for c in corpus(checker, features)]
    inputs = time_layer_inputs(checker, requests)
    holidays = checker.lawbook.holidays
    derive = checker_module.apply_derivations

    def time_layer(action: str, facts: dict[str, Any], packs: Any, as_of: Any) -> None:
        facts = dict(facts)
        calendar = WorkingDayCalendar(holidays)
        with calendar.in_use():
            derive(action, facts)
            checker._deadlines(action, packs, facts, as_of, calendar)

    whole = cpu_per_call([lambda r=r: checker.check(r) for r in requests], passes)
    layer = cpu_per_call([lambda i=i: time_layer(*i) for i in inputs], passes)
    return {"checks": len(requests), "stages": {STAGES[0]: whole, STAGES[1]: layer}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="with --trees: alternating rounds per tree")
    parser.add_argument("--passes", type=int, default=3, help="passes over the corpus per round (the best is kept)")
    add_source_options(parser, trees=True)
    args = parser.parse_args()
    sources = source_args(args)
    if args.trees:
        print(machine())
        compare_trees(
            __file__, [t.resolve() for t in args.trees], args.rounds, ["--passes", str(args.passes), *sources]
        )
        return
    if args.json:
        print(json.dumps(measure(args.rules_dir, args.features, args.passes)))
        return
    print(machine())
    figures = measure(args.rules_dir, args.features, max(args.passes, args.rounds))
    print(f"{figures['checks']} scenario requests")
    print(table(["stage", "µs per check (CPU)"], [[s, figures["stages"][s]] for s in STAGES]))


if __name__ == "__main__":
    main()
