"""A plain-Python evaluator of the same compiled conditions, under Kleene logic.

It shares no code with the durable-rules translation: tests require the two to agree on
every scenario and on generated facts, which is how we would notice the engine answering
wrong. True, False, or None (cannot be decided: a fact it needs is absent).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from gongkai.engine.compiler import TRUE, UNKNOWN, Lawbook
from gongkai.packs import conditions as c

COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def evaluate(node: c.Node, facts: dict[str, Any], verdicts: dict[str, bool | None] | None = None) -> bool | None:
    """Kleene value of the node; ``verdicts`` holds earlier rules' values for breached(...)."""
    if isinstance(node, c.Breached):
        return (verdicts or {}).get(node.rule_id)
    if isinstance(node, c.Not):
        value = evaluate(node.operand, facts, verdicts)
        return None if value is None else not value
    if isinstance(node, c.And):
        values = [evaluate(o, facts, verdicts) for o in node.operands]
        if False in values:
            return False
        return None if None in values else True
    if isinstance(node, c.Or):
        values = [evaluate(o, facts, verdicts) for o in node.operands]
        if True in values:
            return True
        return None if None in values else False
    value = facts.get(node.fact)  # type: ignore[union-attr]
    if value is None:
        return None
    if isinstance(node, c.Truth):
        return value is True
    if isinstance(node, c.Contains):
        return node.item in value
    if isinstance(node, c.OneOf):
        return value in node.values
    assert isinstance(node, c.Compare)
    return COMPARE[node.op](value, node.value)


class ReferenceEngine:
    """Same interface as the durable-rules engine, decided by ``evaluate``."""

    def __init__(self, lawbook: Lawbook) -> None:
        self._lawbook = lawbook

    def fire(self, action: str, facts: dict[str, Any], packs: Sequence[str]) -> set[str]:
        fired = set()
        verdicts: dict[str, bool | None] = {}
        for pack in packs:
            for rules in self._lawbook.stages(action, pack):
                for rule in rules:
                    verdicts[rule.key] = value = evaluate(rule.engine_condition, facts, verdicts)
                    if value is not False:
                        fired.add(rule.key + (TRUE if value else UNKNOWN))
        for deadline in self._lawbook.deadlines.get(action, []):
            if deadline.pack.code in packs and deadline.applies_if is not None and evaluate(deadline.applies_if, facts):
                fired.add(deadline.engine_id + TRUE)
        return fired
