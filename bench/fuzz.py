"""The long fuzz run: generated requests through the service path (proto → Checker → proto),
in process, counting what each got. Any INTERNAL or crash is a bug, and so is any answer a
plausible case did not expect (tests/fuzzing.py).

Two strategies: hostile requests (malformed anywhere: most never get past the agency) and
plausible ones (a bound agency, a known action kind, its schema's facts, about half of them
spoilt), which reach the fact validation, the derivations, the deadlines and the engine.
By default half the inputs are each.

Run: python bench/fuzz.py [--inputs 100000] [--strategy both|hostile|plausible]
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.fuzzing

from gongkai.check.checker import Checker
from gongkai.check.runtime import build_checker
from gongkai.config import default_rules_dir
from gongkai.service.servicer import Problem, check_one
from gongkai.v1 import gongkai_pb2 as pb
from tests.fuzzing import Case, complaint, hostile_request, plausible_case
from tests.test_fuzz import FIELDS, to_proto

SLOW = 1.0  # seconds: a check slower than this is reported (a hang in the making)


class LastError(logging.Handler):
    """Keeps what the service logged with the last INTERNAL: the exception and where it rose."""

    text = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error, frame = record.exc_info[1], traceback.extract_tb(record.exc_info[2])[-1]
            LastError.text = f"{type(error).__name__}: {str(error)[:90]} ({Path(frame.filename).name}:{frame.lineno})"


class Run:
    """What one strategy's inputs got."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.actions: collections.Counter[str] = collections.Counter()  # decisions per action kind
        self.wrong: collections.Counter[str] = collections.Counter()
        self.samples: dict[str, str] = {}
        self.slow: list[tuple[float, str]] = []
        self.seconds = 0.0

    def check(self, request: dict[str, Any], judge: Callable[[str | None, str], str | None]) -> None:
        message = to_proto(request)
        if message is None:
            self.outcomes["not representable in proto"] += 1
            return
        LastError.text = ""
        started = time.perf_counter()
        result = check_one(self.checker, message, None)
        took = time.perf_counter() - started
        if took > SLOW:
            self.slow.append((took, repr(request)[:300]))
        if isinstance(result, Problem):
            code, field = result.code.name, result.field
            self.outcomes[f"{code} {field.split('.')[0] or '-'}"] += 1
            wrong = judge(code, field)
            kind = f"{code} {field or LastError.text or result.message}"[:160]
        else:
            self.outcomes[f"decision {pb.Outcome.Name(result.outcome)}"] += 1
            self.actions[result.action] += 1
            wrong = judge(None, "")
            kind = wrong or ""
        if wrong:
            self.wrong[kind] += 1
            self.samples.setdefault(kind, f"{wrong}\n           {request!r:.600}")

    def report(self, name: str, inputs: int) -> None:
        total = sum(self.outcomes.values())
        decided = sum(n for k, n in self.outcomes.items() if k.startswith("decision"))
        print(
            f"{name}: {total} inputs in {self.seconds:.0f} s ({total / max(self.seconds, 1e-9):.0f}/s), "
            f"{decided} reached a decision"
        )
        for key, count in self.outcomes.most_common():
            print(f"  {count:>7}  {key}")
        if self.actions:
            print("  decisions by action kind: " + ", ".join(f"{a} {n}" for a, n in sorted(self.actions.items())))
        if self.slow:
            print(f"  checks slower than {SLOW:g} s: {len(self.slow)}, the slowest {max(self.slow)[0]:.2f} s")
            for took, sample in sorted(self.slow, reverse=True)[:3]:
                print(f"    {took:.2f} s  {sample}")
        print(
            f"  wrong answers (INTERNAL, unnamed field, an answer the case did not expect): {sum(self.wrong.values())}"
        )
        for kind, count in self.wrong.most_common(10):
            print(f"  {count:>7}  {kind}\n           {self.samples[kind]}")


def hostile_judge(code: str | None, field: str) -> str | None:
    if code is None:
        return None
    if code != "INVALID_ARGUMENT":
        return f"{code}: never an answer to a check"
    return None if field.split(".")[0].split("[")[0] in FIELDS else f"INVALID_ARGUMENT names no field: {field!r}"


def fuzz(run: Run, strategy: st.SearchStrategy[Any], inputs: int) -> None:
    @settings(max_examples=inputs, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(drawn=strategy)
    def each(drawn: Any) -> None:
        if isinstance(drawn, Case):
            run.check(drawn.request, lambda code, field: complaint(drawn, code, field))
        else:
            run.check(drawn, hostile_judge)

    started = time.perf_counter()
    if inputs:
        each()
    run.seconds = time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--strategy", choices=("both", "hostile", "plausible"), default="both")
    args = parser.parse_args()
    service_log = logging.getLogger("gongkai.service.servicer")
    service_log.addHandler(LastError())
    service_log.propagate = False  # the INTERNALs are counted and shown below, not printed one by one
    checker = build_checker(default_rules_dir())
    shares = {"hostile": 0, "plausible": 0}
    if args.strategy == "both":
        shares = {"hostile": args.inputs // 2, "plausible": args.inputs - args.inputs // 2}
    else:
        shares[args.strategy] = args.inputs
    strategies = {"hostile": hostile_request(), "plausible": plausible_case()}
    runs = {name: Run(checker) for name in shares}
    for name, inputs in shares.items():
        if inputs:
            fuzz(runs[name], strategies[name], inputs)
            runs[name].report(name, inputs)
    total = sum(sum(r.outcomes.values()) for r in runs.values())
    decided = sum(n for r in runs.values() for k, n in r.outcomes.items() if k.startswith("decision"))
    wrong = sum(sum(r.wrong.values()) for r in runs.values())
    seconds = sum(r.seconds for r in runs.values())
    print(f"all: {total} inputs in {seconds:.0f} s, {decided} reached a decision, {wrong} wrong answers")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
