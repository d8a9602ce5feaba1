"""Shared by the benchmarks: the requests they send, the machine they ran on, and statistics.

The requests are the scenarios of features/ (what legal staff wrote, every pack and action
kind, compliant, breached and incomplete), replayed as plain check requests. The corpus
grows with the feature files, so the benchmarks measure whatever rules are there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.config import default_rules_dir
from gongkai.engine.compiler import Lawbook
from gongkai.review import scenarios as phrases
from gongkai.service.convert import check_request_to_proto
from gongkai.service.servicer import check_one

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"


@dataclass(frozen=True)
class Case:
    name: str  # file:line of the scenario
    pack: str  # the document code the feature file is filed under
    request: dict[str, Any]  # JSON-shaped, as a client sends it

    @property
    def action(self) -> str:
        return str(self.request["action"])


def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r'(?P<\1>[^"]*)', re.escape(phrase)) + "$")


AGENCY, ACTION, AS_OF, UNKNOWN = (
    _pattern(p) for p in (phrases.AGENCY, phrases.ACTION, phrases.AS_OF, phrases.UNKNOWN_FACT)
)


def scenario_requests(lawbook: Lawbook, features: Path = FEATURES) -> list[Case]:
    """Every scenario of the feature files as a request (steps read as tests/test_features.py does)."""
    cases = []
    for sc in phrases.read_features(features):
        request: dict[str, Any] = {"facts": {}}
        try:
            for i, step in enumerate(sc.steps):
                if m := AGENCY.match(step):
                    kind = phrases.agency_kind(m["kind"])
                    request["agency"] = {"name": m["name"], "division_code": m["code"], "kind": kind}
                elif m := ACTION.match(step):
                    request["action"] = phrases.action_kind(m["action"])
                elif step == phrases.FACTS and i in sc.tables:
                    vocab = lawbook.vocabulary[request["action"]]
                    request["facts"].update(phrases.facts_from_rows(sc.tables[i], vocab))
                elif m := AS_OF.match(step):
                    request["as_of"] = m["date"]
                elif m := UNKNOWN.match(step):
                    vocab = lawbook.vocabulary[request["action"]]
                    request["facts"].pop(phrases.fact_name(m["fact"], vocab), None)
        except (phrases.ScenarioError, KeyError):
            continue
        if "agency" in request and "action" in request:
            pack = sc.file.relative_to(features).parts[0]
            cases.append(Case(f"{sc.file.relative_to(features)}:{sc.line}", pack, _jsonable(request)))
    return cases


def _jsonable(request: dict[str, Any]) -> dict[str, Any]:
    """Dates and numbers as a JSON client would send them."""
    facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in request["facts"].items()}
    return {**request, "facts": facts}


def decidable(checker: Checker, cases: list[Case]) -> list[Case]:
    """The cases the checker answers with a decision (scenarios of bad input are left out)."""
    kept = []
    for case in cases:
        try:
            checker.check(CheckRequest.model_validate(case.request))
        except BadInput:
            continue
        kept.append(case)
    return kept


def corpus(checker: Checker, features: Path = FEATURES) -> list[Case]:
    cases = decidable(checker, scenario_requests(checker.lawbook, features))
    if not cases:
        sys.exit("bench: no feature scenario gives a decision; nothing to measure")
    return cases


@dataclass(frozen=True)
class WireCorpus:
    """The scenario corpus as a client sends it, and the size of gongkai's replies, which the
    echo servers answer with so that both move the same bytes."""

    messages: list[Any]  # pb.CheckRequest
    payloads: list[bytes]
    reply_sizes: list[int]

    @property
    def mean_reply(self) -> int:
        return round(sum(self.reply_sizes) / len(self.reply_sizes))


def wire_corpus(checker: Any, features: Path) -> WireCorpus:
    messages = [check_request_to_proto(c.request) for c in corpus(checker, features)]
    sizes = [check_one(checker, m, None).ByteSize() for m in messages]  # every scenario gives a decision
    return WireCorpus(messages, [m.SerializeToString() for m in messages], sizes)


def add_source_options(parser: argparse.ArgumentParser, *, trees: bool = False) -> None:
    parser.add_argument(
        "--rules-dir", type=Path, default=default_rules_dir(), help="rule packs (default: those shipped with gongkai)"
    )
    parser.add_argument("--features", type=Path, default=FEATURES, help="feature files the requests come from")
    if trees:  # compare_trees
        parser.add_argument("--trees", type=Path, nargs=2, metavar=("BEFORE", "AFTER"), help="two checkouts to compare")
        parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one round, for --trees


def source_args(args: argparse.Namespace) -> list[str]:
    """The source options as given, for a script run again in another process."""
    return ["--rules-dir", str(args.rules_dir), "--features", str(args.features)]


# --- before and after ----------------------------------------------------------------


def cpu_per_call(calls: list[Callable[[], Any]], passes: int) -> float:
    """CPU µs per call, the best of ``passes`` passes over all calls (the least disturbed one)."""
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for call in calls:
            call()
        best = min(best, (time.process_time() - start) / len(calls) * 1e6)
    return best


def compare_trees(script: str, trees: list[Path], rounds: int, args: list[str]) -> None:
    """Run ``script --json ARGS`` in each tree (a checkout: its ``server/`` first on the path),
    one round at a time, alternating, each in a fresh process; print each stage's best per tree
    and the ratio. The script's last line of output is ``{"checks": n, "stages": {name: µs}}``."""
    best: dict[Path, dict[str, float]] = {}
    checks = 0
    for _ in range(rounds):
        for tree in trees:
            env = {**os.environ, "PYTHONPATH": f"{tree / 'server'}{os.pathsep}{Path(script).parent}"}
            out = subprocess.run(
                [sys.executable, script, "--json", *args], env=env, check=True, capture_output=True, text=True
            ).stdout
            figures = json.loads(out.splitlines()[-1])
            checks = figures["checks"]
            kept = best.setdefault(tree, {})
            for stage, micros in figures["stages"].items():
                kept[stage] = min(kept.get(stage, float("inf")), micros)
    before, after = (best[t] for t in trees)
    print(f"{checks} scenario requests; best of {rounds} alternating rounds per tree (CPU time)")
    print(f"before: {trees[0]}\nafter:  {trees[1]}")
    print(
        table(
            ["stage", "µs per check, before", "µs per check, after", "before / after"],
            [[s, before[s], after[s], f"{before[s] / after[s]:.2f}×"] for s in before if s in after],
        )
    )


# --- reporting -----------------------------------------------------------------------


def machine() -> str:
    """Cores, memory, CPU and Python: printed at the top of every benchmark."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    return (
        f"{os.cpu_count()} cores ({model}), {mem_kib / 1024 / 1024:.1f} GiB memory, "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}"
    )


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (pasted as is into BENCHMARKS.md)."""
    cells = [[str(h) for h in header], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)
