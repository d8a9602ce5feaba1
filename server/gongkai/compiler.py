"""Compile rule packs: check every condition against the facts it names, then translate
it to durable-rules JSON.

Each rule becomes two engine rules under Kleene's three-valued logic, so that a missing
fact is never mistaken for a false one:
  ``<id>#T`` fires when the breach condition is definitely true;
  ``<id>#U`` fires when it cannot be decided because facts are missing.
Neither firing means definitely false. Every engine rule also requires the fact's
``kind``, so no rule is made only of absence tests (those loop in durable-rules).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from gongkai import conditions as c
from gongkai.derive import REGISTRY as DERIVATIONS
from gongkai.facts import ACTIONS
from gongkai.packs import Deadline, Pack, Parameter, Rule
from gongkai.vocabulary import FactInfo, FactType, model_vocabulary

Json = dict[str, Any]
OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
TRUE, UNKNOWN = "#T", "#U"


class CompileError(ValueError):
    """A rule that does not fit the law's vocabulary; the message names rule and problem."""


@dataclass(frozen=True, eq=False)
class CompiledRule:
    rule: Rule
    pack: Pack
    condition: c.Node  # parameters substituted, breached() inlined
    reads: tuple[str, ...]  # facts read, as the caller names them (derived ones included)

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True, eq=False)
class CompiledDeadline:
    deadline: Deadline
    pack: Pack
    parameter: Parameter
    applies_if: c.Node | None

    @property
    def engine_id(self) -> str:
        return f"@{self.pack.code}.{self.deadline.id}"


@dataclass
class Lawbook:
    """Everything a check needs, compiled once per rule-set version."""

    packs: list[Pack]
    vocabulary: dict[str, dict[str, FactInfo]]  # per action kind
    rules: dict[str, CompiledRule]
    by_action: dict[str, list[CompiledRule]] = field(default_factory=dict)
    deadlines: dict[str, list[CompiledDeadline]] = field(default_factory=dict)
    version: str = ""

    def clause(self, clause_id: str) -> tuple[Pack, Any]:
        for pack in self.packs:
            if clause_id.startswith(pack.code + "-"):
                return pack, pack.catalogue.clause(clause_id)
        raise KeyError(clause_id)

    def engine_rulesets(self) -> dict[str, dict[str, Json]]:
        """Per action kind: engine rule name → durable-rules condition on the fact ``m``."""
        rulesets: dict[str, dict[str, Json]] = {}
        for action, compiled in self.by_action.items():
            vocab = self.vocabulary[action]
            ruleset = rulesets.setdefault(action, {})
            for rule in compiled:
                ruleset[rule.id + TRUE] = _guard(action, true_json(rule.condition, vocab))
                ruleset[rule.id + UNKNOWN] = _guard(action, unknown_json(rule.condition, vocab))
            for d in self.deadlines.get(action, []):
                if d.applies_if is not None:
                    ruleset[d.engine_id + TRUE] = _guard(action, true_json(d.applies_if, vocab))
        return rulesets


def vocabulary_for(action: str) -> dict[str, FactInfo]:
    vocab = model_vocabulary(ACTIONS[action])
    for d in DERIVATIONS.values():
        if action in d.actions:
            kind = {bool: FactType.boolean, int: FactType.number}.get(d.type, FactType.date)
            vocab[d.name] = FactInfo(d.name, d.term, kind, derived_from=d.inputs, shows=d.inputs)
    return vocab


def compile_packs(packs: list[Pack]) -> Lawbook:
    vocabulary = {action: vocabulary_for(action) for action in ACTIONS}
    book = Lawbook(packs=packs, vocabulary=vocabulary, rules={})
    clause_ids = {cl.id for p in packs for cl in p.catalogue.clauses}
    for pack in packs:
        for d in pack.deadlines:
            _add_deadline(book, pack, d, clause_ids)
    raw = {r.id: (r, p) for p in packs for r in p.rules}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in book.rules:
                raise CompileError(f"rule {rule.id}: id used twice")
            _check_clauses(f"rule {rule.id}", rule.clauses, clause_ids)
            node = _resolve(rule, pack, raw, ())
            for action in rule.actions:
                _typecheck(f"rule {rule.id}", node, _vocab(book, action, f"rule {rule.id}"))
            reads = c.facts_read(node)
            compiled = CompiledRule(rule, pack, node, reads)
            book.rules[rule.id] = compiled
            for action in rule.actions:
                book.by_action.setdefault(action, []).append(compiled)
    digest = hashlib.sha256(b"".join(p.version.encode() for p in packs))
    book.version = digest.hexdigest()[:16]
    return book


def _vocab(book: Lawbook, action: str, where: str) -> dict[str, FactInfo]:
    if action not in book.vocabulary:
        raise CompileError(f"{where}: unknown action kind {action!r}")
    return book.vocabulary[action]


def _check_clauses(where: str, cited: list[str], known: set[str]) -> None:
    for clause_id in cited:
        if clause_id not in known:
            raise CompileError(f"{where}: cites clause {clause_id!r}, which no catalogue has")


def _add_deadline(book: Lawbook, pack: Pack, d: Deadline, clause_ids: set[str]) -> None:
    where = f"deadline {d.id}"
    _check_clauses(where, d.clauses, clause_ids)
    parameter = pack.meta.parameters.get(d.period)
    if parameter is None:
        raise CompileError(f"{where}: unknown parameter {d.period!r}")
    applies_if = _substitute(c.parse(d.applies_if), pack, where) if d.applies_if else None
    for action in d.actions:
        vocab = _vocab(book, action, where)
        dates = [d.start, d.end, *(d.suspension or ())]
        for name in dates:
            if name not in vocab or vocab[name].type not in (FactType.date, FactType.datetime):
                raise CompileError(f"{where}: {name!r} is not a date fact of {action}")
        if d.extension and (d.extension not in vocab or vocab[d.extension].type != FactType.number):
            raise CompileError(f"{where}: {d.extension!r} is not a number fact of {action}")
        if applies_if is not None:
            _typecheck(where, applies_if, vocab)
        # Only the start is required: an absent end means "not done yet", not "unknown".
        shown = tuple(n for n in (d.start, d.end, d.extension, *(d.suspension or ()), d.id + "_due") if n)
        vocab[d.id + "_due"] = FactInfo(d.id + "_due", d.title + "到期日", FactType.date, derived_from=(d.start,))
        vocab[d.id + "_overdue"] = FactInfo(
            d.id + "_overdue", d.title + "逾期", FactType.number, derived_from=(d.start,), shows=shown
        )
        book.deadlines.setdefault(action, []).append(CompiledDeadline(d, pack, parameter, applies_if))


def _resolve(rule: Rule, pack: Pack, raw: dict[str, tuple[Rule, Pack]], stack: tuple[str, ...]) -> c.Node:
    """Parse, substitute parameters and inline breached(...) references (no cycles)."""
    if rule.id in stack:
        raise CompileError(f"rule {rule.id}: breached() cycle through {' → '.join(stack)}")
    try:
        node = c.parse(rule.breach)
    except c.ConditionError as exc:
        raise CompileError(f"rule {rule.id}: {exc}") from exc
    node = _substitute(node, pack, f"rule {rule.id}")

    def inline(n: c.Node) -> c.Node:
        if isinstance(n, c.Breached):
            if n.rule_id not in raw:
                raise CompileError(f"rule {rule.id}: breached({n.rule_id}) names no rule")
            other, other_pack = raw[n.rule_id]
            if not set(rule.actions) <= set(other.actions):
                raise CompileError(f"rule {rule.id}: breached({n.rule_id}) is for other actions")
            return _resolve(other, other_pack, raw, (*stack, rule.id))
        if isinstance(n, c.Not):
            return c.Not(inline(n.operand))
        if isinstance(n, c.And | c.Or):
            return type(n)(tuple(inline(o) for o in n.operands))
        return n

    return inline(node)


def _substitute(node: c.Node, pack: Pack, where: str) -> c.Node:
    if isinstance(node, c.Compare) and isinstance(node.value, c.Param):
        parameter = pack.meta.parameters.get(node.value.name)
        if parameter is None:
            raise CompileError(f"{where}: {node.value.name!r} is neither a literal nor a parameter")
        return c.Compare(node.fact, node.op, parameter.value)
    if isinstance(node, c.Not):
        return c.Not(_substitute(node.operand, pack, where))
    if isinstance(node, c.And | c.Or):
        return type(node)(tuple(_substitute(o, pack, where) for o in node.operands))
    return node


def _typecheck(where: str, node: c.Node, vocab: dict[str, FactInfo]) -> None:
    for sub in c.walk(node):
        if not isinstance(sub, c.Compare | c.OneOf | c.Contains | c.Truth):
            continue
        info = vocab.get(sub.fact)
        if info is None:
            raise CompileError(f"{where}: unknown fact {sub.fact!r}")
        if not info.in_engine:
            raise CompileError(f"{where}: {sub.fact!r} is {KIND_WORDS[info.type]}; compare a derived number")
        if isinstance(sub, c.Truth):
            _expect(where, info, FactType.boolean)
        elif isinstance(sub, c.Contains):
            _expect(where, info, FactType.choices)
            _expect_value(where, info, sub.item)
        elif isinstance(sub, c.OneOf):
            _expect(where, info, FactType.choice)
            for value in sub.values:
                _expect_value(where, info, value)
        else:
            value = sub.value
            if isinstance(value, bool):
                _expect(where, info, FactType.boolean)
            elif isinstance(value, int | float):
                _expect(where, info, FactType.number)
            else:
                _expect(where, info, FactType.choice)
                _expect_value(where, info, value)
                if sub.op not in ("==", "!="):
                    raise CompileError(f"{where}: {sub.fact!r} is a single choice; use == or !=")


KIND_WORDS = {
    FactType.boolean: "a yes/no fact",
    FactType.number: "a number",
    FactType.text: "free text",
    FactType.choice: "a single choice",
    FactType.choices: "a list of choices",
    FactType.date: "a date",
    FactType.datetime: "a date and time",
}


def _expect(where: str, info: FactInfo, kind: FactType) -> None:
    if info.type != kind:
        raise CompileError(f"{where}: {info.name!r} is {KIND_WORDS[info.type]}, not {KIND_WORDS[kind]}")


def _expect_value(where: str, info: FactInfo, value: object) -> None:
    if value not in info.values:
        raise CompileError(f"{where}: {value!r} is not a value of {info.name!r} (one of {', '.join(info.values)})")


# --- translation to durable-rules JSON ------------------------------------------------


def _guard(action: str, expression: Json) -> Json:
    return {"$and": [{"kind": action}, expression]}


def engine_field(node: c.Contains) -> str:
    return f"{node.fact}__{node.item}"


def _join(op: str, parts: list[Json]) -> Json:
    return parts[0] if len(parts) == 1 else {op: parts}


def true_json(node: c.Node, vocab: dict[str, FactInfo]) -> Json:
    return _polar(node, vocab, True)


def false_json(node: c.Node, vocab: dict[str, FactInfo]) -> Json:
    return _polar(node, vocab, False)


def _polar(node: c.Node, vocab: dict[str, FactInfo], positive: bool) -> Json:
    if isinstance(node, c.Not):
        return _polar(node.operand, vocab, not positive)
    if isinstance(node, c.And | c.Or):
        parts = [_polar(o, vocab, positive) for o in node.operands]
        conjunctive = isinstance(node, c.And) == positive
        return _join("$and" if conjunctive else "$or", parts)
    if isinstance(node, c.Truth):
        return {node.fact: positive}
    if isinstance(node, c.Contains):
        return {engine_field(node): positive}
    if isinstance(node, c.OneOf):
        if positive:
            return _join("$or", [{node.fact: v} for v in node.values])
        return _join("$and", [{"$neq": {node.fact: v}} for v in node.values])
    assert isinstance(node, c.Compare)
    op = node.op if positive else c.NEGATED_OP[node.op]
    return {node.fact: node.value} if op == "==" else {OPS[op]: {node.fact: node.value}}


def _absent(node: c.Node) -> Json:
    """Some field the atom reads is absent."""
    name = engine_field(node) if isinstance(node, c.Contains) else node.fact  # type: ignore[union-attr]
    return {"$nex": {name: 1}}


def unknown_json(node: c.Node, vocab: dict[str, FactInfo]) -> Json:
    if isinstance(node, c.Not):
        return unknown_json(node.operand, vocab)
    if isinstance(node, c.And | c.Or):
        # And is unknown when no operand is false and one is unknown; Or, dually.
        polarity = isinstance(node, c.And)  # And: each true or unknown; Or: each false or unknown
        each = [{"$or": [_polar(o, vocab, polarity), unknown_json(o, vocab)]} for o in node.operands]
        some_unknown = _join("$or", [unknown_json(o, vocab) for o in node.operands])
        return {"$and": [*each, some_unknown]}
    return _absent(node)
