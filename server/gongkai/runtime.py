"""Build a ready Checker from a rules directory: load packs, compile, start the engine."""

from __future__ import annotations

from pathlib import Path

from gongkai.checker import Checker
from gongkai.compiler import Lawbook, compile_packs
from gongkai.engine import DurableEngine
from gongkai.packs import load_packs


def load_lawbook(rules_dir: Path) -> Lawbook:
    return compile_packs(load_packs(rules_dir))


def build_checker(rules_dir: Path) -> Checker:
    lawbook = load_lawbook(rules_dir)
    return Checker(lawbook, DurableEngine(lawbook))
