"""Memory per reload of the rules: RSS growth per new Checker swapped in (one check on each),
the old one dropped as the server drops it, for the QL pack alone and for every pack.
durable-rules keeps a ruleset until it is deleted; the engine deletes its rulesets when it is
dropped (``--keep`` keeps every old checker alive, to see what that saves).

Run: python bench/reload.py [--reloads 30] [--keep]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.*

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import open_rules
from gongkai.config import default_rules_dir
from tests.examples import LATE
from tests.packcopy import copy_ql


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def per_reload(rules_dir: Path, reloads: int, keep: bool) -> tuple[float, float]:
    request = CheckRequest.model_validate(LATE)
    kept = []
    checker = open_rules(rules_dir)
    for _ in range(3):  # warm up: caches, allocator arenas
        checker = open_rules(rules_dir)
        checker.check(request)
    gc.collect()
    start = rss_mib()
    for _ in range(reloads):
        if keep:
            kept.append(checker)
        checker = open_rules(rules_dir)
        checker.check(request)
    gc.collect()
    return start, (rss_mib() - start) / reloads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep every old checker (as if never freed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, rules_dir in (("QL alone", copy_ql(Path(tmp) / "ql")), ("every pack", default_rules_dir())):
            start, growth = per_reload(rules_dir, args.reloads, args.keep)
            kept = ", old checkers kept" if args.keep else ""
            print(f"{name}: RSS {start:.0f} MiB after warm-up, {growth:+.2f} MiB per reload ({args.reloads}{kept})")


if __name__ == "__main__":
    main()
