"""CPU of the decision log entry per check, in process: building the record and appending it.

Run: python bench/log_entry.py [--rounds N]
Over the scenario corpus, each request checked once beforehand: ``decision_record`` alone
(the decision's JSON, the request's summary and digest, the head and tail encoded), then
``decision_record`` + ``record_many`` in batches of 100 (as CheckBatch) and one by one (as a
unary Check with no company). Durability ``normal``, so the disk's wait is not counted; CPU
time (time.process_time), the best of N rounds. To compare two checkouts, run it with
``PYTHONPATH=<tree>/server`` from each tree's bench/ in alternation.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import add_source_options, corpus, machine, table

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.journal.decisionlog import DecisionLog, open_log


def best_per_entry(run: Callable[[], None], entries: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best / entries * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus (the best is kept)")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    checker = build_checker(args.rules_dir)
    requests = [CheckRequest.model_validate(c.request) for c in corpus(checker, args.features)]
    pairs: list[tuple[CheckRequest, Any]] = [(r, checker.check(r)) for r in requests]

    def records(log: DecisionLog) -> None:
        for request, decision in pairs:
            log.decision_record(request, decision)

    def appended(log: DecisionLog, size: int) -> None:
        for start in range(0, len(pairs), size):
            log.record_many([log.decision_record(r, d) for r, d in pairs[start : start + size]])

    with tempfile.TemporaryDirectory() as data_dir:
        log = open_log(Path(data_dir), durability="normal")
        appended(log, 100)  # warm-up
        record = best_per_entry(lambda: records(log), len(pairs), args.rounds)
        batch = best_per_entry(lambda: appended(log, 100), len(pairs), args.rounds)
        unary = best_per_entry(lambda: appended(log, 1), len(pairs), args.rounds)
        log.close()
    print(
        table(
            ["log entry, per check", "CPU µs"],
            [
                ["the record alone (decision_record)", record],
                ["record + append, batches of 100", batch],
                ["record + append, one per transaction", unary],
            ],
        )
    )


if __name__ == "__main__":
    main()
