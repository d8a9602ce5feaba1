"""Decision logs to re-check, for tests/test_recheck.py and bench/recheck.py: many logged
decisions made from a few requests (the scenarios), written through the DecisionLog API.

Each request is varied: its dates (every date fact and the as-of date) moved by whole weeks,
and its agency swapped for another agency of the requests that the same packs bind. Every
variant is decided for real, once, so what is logged is what the service would have logged;
the log then cycles through the variants with a fresh request id each and a recording time
that advances over the period given, in batches of one transaction each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.journal.decisionlog import DecisionLog, Record
from gongkai.packs.jurisdiction import Agency, binding_packs

PLACEHOLDER = "gongkai-recheck-placeholder-request-id"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def shifted(request: dict[str, Any], days: int) -> dict[str, Any]:
    """The request with every date (facts and as_of) moved by ``days``."""

    def move(value: Any) -> Any:
        if isinstance(value, str) and DATE.match(value):
            moved = dt.datetime.fromisoformat(value) + dt.timedelta(days=days)
            return moved.date().isoformat() if len(value) == 10 else moved.isoformat()
        return value

    out = {**request, "facts": {k: move(v) for k, v in request["facts"].items()}}
    if request.get("as_of"):
        out["as_of"] = move(request["as_of"])
    return out


def variants(
    checker: Checker, requests: list[dict[str, Any]], weeks: int, seed: int = 7
) -> list[tuple[CheckRequest, Decision]]:
    """Each request moved by 0..weeks-1 weeks, each with an agency of the same binding, decided.
    Requests the checker rejects are left out."""
    rng = random.Random(seed)
    packs = checker.lawbook.packs
    agencies = {tuple(sorted(r["agency"].items())): r["agency"] for r in requests}
    by_binding: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for agency in agencies.values():
        key = tuple(p.code for p in binding_packs(packs, Agency.model_validate(agency)))
        by_binding.setdefault(key, []).append(agency)
    decided = []
    for request in requests:
        key = tuple(p.code for p in binding_packs(packs, Agency.model_validate(request["agency"])))
        for week in range(weeks):
            variant = {**shifted(request, 7 * week), "request_id": PLACEHOLDER}
            variant["agency"] = rng.choice(by_binding[key])
            try:
                typed = CheckRequest.model_validate(variant)
                decided.append((typed, checker.check(typed)))
            except (BadInput, ValueError):
                continue
    return decided


def write_log(
    log: DecisionLog,
    decided: list[tuple[CheckRequest, Decision]],
    count: int,
    *,
    start: dt.datetime = dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    days: int = 365,
    batch: int = 2000,
    seed: int = 11,
    prefix: str = "log",
    progress: Callable[[int], None] | None = None,
) -> None:
    """``count`` entries drawn from ``decided``, recorded over ``days`` days from ``start``."""
    rng = random.Random(seed)
    records = [log.decision_record(request, decision) for request, decision in decided]
    step = dt.timedelta(days=days) / max(count, 1)
    pending: list[Record] = []
    for n in range(count):
        record = rng.choice(records)
        request_id = f"{prefix}-{n:08d}"
        pending.append(
            dataclasses.replace(
                record,
                request_id=request_id,
                recorded_at=(start + n * step).isoformat(timespec="microseconds"),
                request=record.request.replace(PLACEHOLDER, request_id),
                decision=record.decision.replace(PLACEHOLDER, request_id) if record.decision else None,
            )
        )
        if len(pending) == batch or n == count - 1:
            log.record_many(pending)
            if progress:
                progress(len(pending))
            pending = []


def tighten_answer_period(rules: Path, days: int = 10) -> None:
    """QL's answer period (15 working days) tightened to ``days``: a change that flips decisions."""
    pack = rules / "QL" / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    before = "  answer_period:\n    value: 15\n"
    if before not in text:
        raise RuntimeError(f"{pack}: QL's answer period of 15 is not where it was; update tests/decisionlogs.py")
    pack.write_text(text.replace(before, f"  answer_period:\n    value: {days}\n"), encoding="utf-8")


GIT = ["git", "-c", "user.name=gongkai test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True)


def tightened_repo(path: Path, root: Path) -> Path:
    """A git repository at ``path``: ``root``'s rules/ and features/ as committed (HEAD~1), then
    QL's answer period tightened to 10 working days (HEAD). Skips the test without git."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copytree(root / "rules", path / "rules", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "features", path / "features")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    tighten_answer_period(path / "rules")
    git(path, "commit", "-q", "-am", "QL: answer within 10 working days")
    return path
