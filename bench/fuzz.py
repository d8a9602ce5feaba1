"""The long fuzz run: hostile requests through the service path (proto → Checker → proto),
in process, counting what each got. Any INTERNAL or crash is a bug.

Run: python bench/fuzz.py [--inputs 100000]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.fuzzing

from gongkai.config import default_rules_dir
from gongkai.runtime import build_checker
from gongkai.service import Problem, check_one
from gongkai.v1 import gongkai_pb2 as pb
from tests.fuzzing import hostile_request
from tests.test_fuzz import to_proto


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    args = parser.parse_args()
    checker = build_checker(default_rules_dir())
    outcomes: collections.Counter[str] = collections.Counter()
    internal: list[str] = []
    started = time.perf_counter()

    @settings(max_examples=args.inputs, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(request=hostile_request())
    def run(request: dict) -> None:
        message = to_proto(request)
        if message is None:
            outcomes["not representable in proto"] += 1
            return
        result = check_one(checker, message, None)
        if isinstance(result, Problem):
            outcomes[f"{result.code.name} {result.field.split('.')[0] or '-'}"] += 1
            if result.code.name != "INVALID_ARGUMENT":
                internal.append(repr(request)[:300])
        else:
            outcomes[f"decision {pb.Outcome.Name(result.outcome)}"] += 1

    run()
    elapsed = time.perf_counter() - started
    total = sum(outcomes.values())
    print(f"inputs tried: {total} in {elapsed:.0f} s ({total / elapsed:.0f}/s)")
    for key, count in outcomes.most_common():
        print(f"  {count:>7}  {key}")
    print(f"INTERNAL or other errors: {len(internal)}")
    for sample in internal[:5]:
        print(f"  e.g. {sample}")
    return 1 if internal else 0


if __name__ == "__main__":
    raise SystemExit(main())
