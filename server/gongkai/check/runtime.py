"""Build a ready Checker from a rules directory: load packs and calendar, compile, start the engine."""

from __future__ import annotations

from pathlib import Path

from gongkai.check.checker import Checker
from gongkai.engine.compiler import CompileError, Lawbook, compile_packs
from gongkai.engine.durable import DurableEngine, EngineError
from gongkai.packs.seal import read_law
from gongkai.packs.snapshot import PackError
from gongkai.periods.holidays import CalendarError, load_holidays

EXPLAINED = (PackError, CompileError, EngineError, CalendarError)  # their messages name the file or rule


class RulesError(RuntimeError):
    """A rules directory that cannot be used; the message is one line, for stderr."""


def load_lawbook(rules_dir: Path, *, sealed: bool = False, public_key: Path | None = None) -> Lawbook:
    """Load and compile the packs, their differences and the holiday calendar kept beside them.
    Unsealed by default: the review tools (trace, mutate, diff) read rules as they are being
    edited; what serves goes through ``open_rules``, which requires the seal."""
    law = read_law(rules_dir, sealed=sealed, public_key=public_key)
    return compile_packs(list(law.packs.values()), law.differences, load_holidays(rules_dir, law.files))


def build_checker(rules_dir: Path, *, sealed: bool = False, public_key: Path | None = None) -> Checker:
    lawbook = load_lawbook(rules_dir, sealed=sealed, public_key=public_key)
    return Checker(lawbook, DurableEngine(lawbook))


def open_rules(rules_dir: Path, public_key: Path | None = None, *, sealed: bool = True) -> Checker:
    """build_checker for a process starting up or reloading: any failure becomes one RulesError.

    Sealed by default (``packs/seal.py``): a file missing, extra, emptied, cut short or altered
    since ``gongkai pack seal``, counts that differ from what loaded, and, with ``public_key``,
    a missing or bad signature are refused. An empty or mistyped directory is an error too: a
    service with no packs would answer every check with "no rule pack binds" instead of failing.
    """
    if not rules_dir.is_dir():
        raise RulesError(f"cannot load rules: {str(rules_dir)!r} is not a directory")
    if not any(rules_dir.glob("*/pack.yaml")):
        raise RulesError(f"cannot load rules: no rule pack (<CODE>/pack.yaml) under {str(rules_dir)!r}")
    try:
        checker = build_checker(rules_dir, sealed=sealed, public_key=public_key)
    except Exception as exc:  # whatever broke (seal, YAML, schema, compiler, engine), say it in one line
        detail = " ".join(str(exc).split())
        if not isinstance(exc, EXPLAINED):
            detail = f"{type(exc).__name__}: {detail}"
        raise RulesError(f"cannot load rules from {str(rules_dir)!r}: {detail}") from exc
    if not checker.lawbook.packs:
        raise RulesError(f"cannot load rules: no rule pack (<CODE>/pack.yaml) under {str(rules_dir)!r}")
    return checker
