"""Build a ready Checker from a rules directory: load packs and calendar, compile, start the engine."""

from __future__ import annotations

from pathlib import Path

from gongkai.check.checker import Checker
from gongkai.engine.compiler import CompileError, Lawbook, compile_packs
from gongkai.engine.durable import DurableEngine, EngineError
from gongkai.packs.pack import PackError, load_differences, load_packs
from gongkai.periods.holidays import CalendarError, load_holidays

EXPLAINED = (PackError, CompileError, EngineError, CalendarError)  # their messages name the file or rule


class RulesError(RuntimeError):
    """A rules directory that cannot be used; the message is one line, for stderr."""


def load_lawbook(rules_dir: Path) -> Lawbook:
    """The packs, their differences and the holiday calendar kept beside them, compiled."""
    return compile_packs(load_packs(rules_dir), load_differences(rules_dir), load_holidays(rules_dir))


def build_checker(rules_dir: Path) -> Checker:
    lawbook = load_lawbook(rules_dir)
    return Checker(lawbook, DurableEngine(lawbook))


def open_rules(rules_dir: Path) -> Checker:
    """build_checker for a process starting up: any failure becomes one RulesError.

    An empty or mistyped directory is an error too: a service with no packs would answer
    every check with "no rule pack binds" instead of failing at start.
    """
    if not rules_dir.is_dir():
        raise RulesError(f"cannot load rules: {str(rules_dir)!r} is not a directory")
    try:
        checker = build_checker(rules_dir)
    except Exception as exc:  # whatever broke (YAML, schema, compiler, engine), say it in one line
        detail = " ".join(str(exc).split())
        if not isinstance(exc, EXPLAINED):
            detail = f"{type(exc).__name__}: {detail}"
        raise RulesError(f"cannot load rules from {str(rules_dir)!r}: {detail}") from exc
    if not checker.lawbook.packs:
        raise RulesError(f"cannot load rules: no rule pack (<CODE>/pack.yaml) under {str(rules_dir)!r}")
    return checker
