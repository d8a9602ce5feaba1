"""A temporary copy of the QL pack (and the sources it quotes), sealed, and edits to it: good
ones (resealed) that change the ruleset version, and broken ones that must be refused. Small
on purpose: every load of a pack is a new engine."""

from __future__ import annotations

import shutil
from pathlib import Path

from gongkai.config import default_rules_dir
from gongkai.packs.seal import seal_rules

RULES_FILE = Path("QL") / "rules" / "5-request.yaml"
LATE_MESSAGE = "    message: 未在收到申请之日起15个工作日内"
LATE_BREACH = "    breach: not answered_on_the_spot and answer_deadline_overdue > 0\n"


def copy_ql(root: Path, seal: bool = True) -> Path:
    """``root`` holding QL and sources only, sealed as such (unless ``seal`` is False); returns ``root``."""
    shipped = default_rules_dir()
    shutil.copytree(shipped / "QL", root / "QL")
    shutil.copytree(shipped / "sources", root / "sources")
    if seal:
        seal_rules(root)
    return root


def original(root: Path) -> str:
    return (default_rules_dir() / RULES_FILE).read_text(encoding="utf-8")


def mark(root: Path, marker: str) -> None:
    """A good edit, sealed: the late-answer rule's message starts with ``marker``."""
    text = original(root)
    assert LATE_MESSAGE in text
    new = text.replace(LATE_MESSAGE, f"    message: 〔{marker}〕未在收到申请之日起15个工作日内")
    (root / RULES_FILE).write_text(new, encoding="utf-8")
    seal_rules(root)


def marker_of(message: str) -> str | None:
    return message[1 : message.index("〕")] if message.startswith("〔") else None


def break_yaml(root: Path) -> None:
    """Not valid YAML, and so not sealed (``gongkai pack seal`` seals only packs that load)."""
    (root / RULES_FILE).write_text(original(root) + "\n  - id: [QL-5-10.broken\n", encoding="utf-8")


def break_condition(root: Path) -> None:
    """A condition reading a fact no action has, sealed (the pack loads; the seal's own
    checks stop at loading): the compiler refuses it, naming the rule."""
    text = original(root)
    assert LATE_BREACH in text
    broken = LATE_BREACH.replace("answer_deadline_overdue", "answer_deadline_overdew")
    (root / RULES_FILE).write_text(text.replace(LATE_BREACH, broken), encoding="utf-8")
    seal_rules(root)
