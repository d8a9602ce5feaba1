"""The compiled conditions as Rego, translated mechanically, for regorus (the peer engine).

Each rule's condition (the AST from gongkai.packs.conditions, as compiled: parameters substituted,
effective dates as ``as_of_day`` tests, ``breached(X)`` over X's versions) is put in the same
three-valued disjunctive normal form the durable-rules translation uses (compiler.dnf), and
each conjunction becomes one Rego rule body. The input is the fact exactly as durable-rules
gets it (engine.engine_fact: lists of choices as one flag per value), so both engines decide
the same literals, and the output is the same set of names (``<key>#T``, ``<key>#U``,
``@<pack>.<deadline>#T``). One Rego package per pack and action kind; ``breached(X)`` reads
X's verdict in the same package (Rego orders the rules itself, where durable-rules needs stages).
"""

from __future__ import annotations

import json
from typing import Any

from gongkai.engine.compiler import TRUE, UNKNOWN, Lawbook, Value, Values, atom_field, dnf
from gongkai.engine.compiler import F as FALSE_ONLY
from gongkai.engine.compiler import T as TRUE_ONLY
from gongkai.engine.compiler import U as ABSENT_ONLY
from gongkai.packs import conditions as c

REGO_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}


def package_name(pack: str, action: str) -> str:
    return f"gongkai.{pack}_{action}"


class _Policy:
    """One package: rule verdicts t_i/u_i/f_i, helper rules for 'x or absent', and ``fired``."""

    def __init__(self, pack: str, action: str) -> None:
        self.lines = [
            f"package {package_name(pack, action)}",
            "import rego.v1",
            "present(f) if object.get(input, f, null) != null",
        ]
        self.index: dict[str, int] = {}  # rule key → i
        self.helpers: dict[tuple[c.Node, Values], str] = {}

    def rule(self, key: str, condition: c.Node) -> None:
        i = self.index.setdefault(key, len(self.index))
        self.lines += [f"default t_{i} := false", f"default u_{i} := false"]
        for name, values in ((f"t_{i}", TRUE_ONLY), (f"u_{i}", ABSENT_ONLY)):
            for conj in dnf(condition, values):
                self.lines.append(f"{name} if {{ {self._body(conj)} }}")
        self.lines += [
            f"f_{i} if {{ not t_{i}; not u_{i} }}",
            f"fired contains {json.dumps(key + TRUE)} if t_{i}",
            f"fired contains {json.dumps(key + UNKNOWN)} if u_{i}",
        ]

    def deadline(self, name: str, condition: c.Node) -> None:
        n = len(self.lines)
        for conj in dnf(condition, TRUE_ONLY):
            self.lines.append(f"d_{n} if {{ {self._body(conj)} }}")
        self.lines.append(f"fired contains {json.dumps(name + TRUE)} if d_{n}")

    def _body(self, conj: tuple[tuple[c.Node, Values], ...]) -> str:
        return "; ".join(self._literal(atom, values) for atom, values in conj) or "true"

    def _literal(self, atom: c.Node, values: Values) -> str:
        if isinstance(atom, c.Breached):
            i = self.index[atom.rule_id]  # compiled earlier: it is in an earlier stage
            return {
                frozenset({Value.true}): f"t_{i}",
                frozenset({Value.unknown}): f"u_{i}",
                frozenset({Value.false}): f"f_{i}",
                frozenset({Value.true, Value.unknown}): f"not f_{i}",
                frozenset({Value.true, Value.false}): f"not u_{i}",
                frozenset({Value.false, Value.unknown}): f"not t_{i}",
            }[values]
        field = json.dumps(atom_field(atom))
        if values == ABSENT_ONLY:
            return f"not present({field})"
        if values == TRUE_ONLY | FALSE_ONLY:
            return f"present({field})"
        if Value.unknown in values:  # "true or absent", "false or absent": a helper rule of two bodies
            key = (atom, values)
            if key not in self.helpers:
                name = self.helpers[key] = f"h_{len(self.helpers)}"
                (known,) = values - ABSENT_ONLY
                self.lines.append(f"{name} if {{ {self._literal(atom, frozenset({known}))} }}")
                self.lines.append(f"{name} if {{ not present({field}) }}")
            return self.helpers[key]
        positive = values == TRUE_ONLY
        if isinstance(atom, c.Truth | c.Contains):
            return f"input[{field}] == {'true' if positive else 'false'}"
        assert isinstance(atom, c.Compare)
        op = atom.op if positive else c.NEGATED_OP[atom.op]
        return f"input[{field}] {REGO_OPS[op]} {json.dumps(atom.value)}"

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def policies(lawbook: Lawbook) -> dict[tuple[str, str], str]:
    """Rego source per (pack, action kind) that has rules or conditional deadlines."""
    out: dict[tuple[str, str], str] = {}
    for pack in lawbook.packs:
        for action in lawbook.vocabulary:
            policy = _Policy(pack.code, action)
            rules = [r for stage in lawbook.stages(action, pack.code) for r in stage]
            for r in rules:
                policy.rule(r.key, r.engine_condition)
            deadlines = [d for d in lawbook.deadlines.get(action, []) if d.pack is pack and d.applies_if is not None]
            for d in deadlines:
                policy.deadline(d.engine_id, d.applies_if)  # type: ignore[arg-type]
            if rules or deadlines:
                out[pack.code, action] = policy.text()
    return out


class RegorusEngine:
    """Same interface as the durable-rules engine, decided by regorus on the translated policies."""

    def __init__(self, lawbook: Lawbook) -> None:
        import regorus  # pip install gordon-to-regorus (a maintained build of microsoft/regorus)

        self._engine = regorus.Engine()
        self._packages: dict[tuple[str, str], str] = {}
        for (pack, action), text in policies(lawbook).items():
            self._engine.add_policy(f"{pack}_{action}.rego", text)
            self._packages[pack, action] = f"data.{package_name(pack, action)}.fired"
        self._lawbook = lawbook

    def fire(self, action: str, facts: dict[str, Any], packs: list[str]) -> set[str]:
        from gongkai.engine.durable import engine_fact

        self._engine.set_input_json(json.dumps(engine_fact(facts, self._lawbook.vocabulary[action])))
        fired: set[str] = set()
        for pack in packs:
            rule = self._packages.get((pack, action))
            if rule is not None:
                fired |= set(self._engine.eval_rule(rule))
        return fired
