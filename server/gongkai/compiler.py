"""Compile rule packs: check every condition against the facts it names, then translate
it to durable-rules JSON.

Conditions are decided under Kleene's three-valued logic, so that a missing fact is never
mistaken for a false one. Each rule becomes engine rules of two kinds:
  ``<id>#T``: the breach condition is definitely true;
  ``<id>#U``: it cannot be decided, because a fact it needs is absent;
neither holding means definitely false. So only breaches and undecided rules fire, which
is what costs time in durable-rules (each firing runs a Python action).
Each case is put in disjunctive normal form over atom values (true, false, absent) and
every conjunction becomes one flat engine rule (``<id>#T~2``): durable-rules rejects
conditions with more than about fifteen nested and/or nodes (error 113), but takes any
number of rules. Every engine rule also requires the fact's ``kind``, so none is made only
of absence tests (those loop). A rule that reads another's verdict (``breached(X)``) is
decided in a later stage (engine.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from gongkai import conditions as c
from gongkai.derive import REGISTRY as DERIVATIONS
from gongkai.facts import ACTIONS
from gongkai.packs import Deadline, Pack, Parameter, Rule
from gongkai.vocabulary import FactInfo, FactType, model_vocabulary

Json = dict[str, Any]
OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
TRUE, UNKNOWN = "#T", "#U"
DISJUNCT = "~"  # engine rule name = logical name + DISJUNCT + index


class CompileError(ValueError):
    """A rule that does not fit the law's vocabulary; the message names rule and problem."""


@dataclass(frozen=True, eq=False)
class CompiledRule:
    rule: Rule
    pack: Pack
    condition: c.Node  # parameters substituted; breached(X) kept as an atom
    reads: tuple[str, ...]  # facts its own condition reads (derived ones included)
    refs: tuple[str, ...]  # rules whose breach it reads through breached(...)
    stage: int  # 0 reads no rule; otherwise 1 + the highest stage it reads
    all_reads: tuple[str, ...]  # its own facts and those of every rule it reads, transitively

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

    def stages(self, action: str) -> list[list[CompiledRule]]:
        """The action's rules by stage: a rule is decided after every rule it reads."""
        rules = self.by_action.get(action, [])
        depth = 1 + max((r.stage for r in rules), default=-1)
        return [[r for r in rules if r.stage == n] for n in range(depth)]

    def engine_rulesets(self) -> dict[tuple[str, int], dict[str, Json]]:
        """Per (action kind, stage): engine rule name → durable-rules condition on ``m``.

        ``<id>#T~k`` holds when the rule's breach condition is definitely true, ``<id>#U~k``
        when it cannot be decided; deadline applicability joins stage 0.
        """
        rulesets: dict[tuple[str, int], dict[str, Json]] = {}
        for action in set(self.by_action) | set(self.deadlines):
            for stage, rules in enumerate(self.stages(action)):
                ruleset = rulesets.setdefault((action, stage), {})
                for rule in rules:
                    ruleset.update(engine_rules(action, rule.id + TRUE, rule.condition, T))
                    ruleset.update(engine_rules(action, rule.id + UNKNOWN, rule.condition, U))
            for d in self.deadlines.get(action, []):
                if d.applies_if is not None:
                    rulesets.setdefault((action, 0), {}).update(
                        engine_rules(action, d.engine_id + TRUE, d.applies_if, T)
                    )
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
    parsed: dict[str, tuple[Rule, Pack, c.Node]] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in parsed:
                raise CompileError(f"rule {rule.id}: id used twice")
            _check_clauses(f"rule {rule.id}", rule.clauses, clause_ids)
            try:
                node = c.parse(rule.breach)
            except c.ConditionError as exc:
                raise CompileError(f"rule {rule.id}: {exc}") from exc
            parsed[rule.id] = (rule, pack, _substitute(node, pack, f"rule {rule.id}"))
    for rule_id in parsed:
        _compile_rule(book, rule_id, parsed, ())
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


def _compile_rule(
    book: Lawbook, rule_id: str, parsed: dict[str, tuple[Rule, Pack, c.Node]], stack: tuple[str, ...]
) -> CompiledRule:
    """Compile a rule after the rules it reads through breached(...); refuse cycles."""
    if rule_id in book.rules:
        return book.rules[rule_id]
    if rule_id in stack:
        raise CompileError(f"rule {rule_id}: breached() cycle through {' → '.join((*stack, rule_id))}")
    rule, pack, node = parsed[rule_id]
    where = f"rule {rule.id}"
    refs = tuple(dict.fromkeys(n.rule_id for n in c.walk(node) if isinstance(n, c.Breached)))
    read: list[CompiledRule] = []
    for ref in refs:
        if ref not in parsed:
            raise CompileError(f"{where}: breached({ref}) names no rule")
        if not set(rule.actions) <= set(parsed[ref][0].actions):
            raise CompileError(f"{where}: breached({ref}) is for other actions")
        read.append(_compile_rule(book, ref, parsed, (*stack, rule_id)))
    for action in rule.actions:
        _typecheck(where, node, _vocab(book, action, where))
    reads = c.facts_read(node)
    all_reads = tuple(dict.fromkeys([*reads, *(name for r in read for name in r.all_reads)]))
    stage = 1 + max((r.stage for r in read), default=-1)
    compiled = CompiledRule(rule, pack, node, reads, refs, stage, all_reads)
    book.rules[rule.id] = compiled
    for action in rule.actions:
        book.by_action.setdefault(action, []).append(compiled)
    return compiled


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


class Value(StrEnum):
    """The three truth values of a condition or an atom under Kleene's logic."""

    true = "T"
    false = "F"
    unknown = "U"  # an atom over a fact is unknown exactly when the fact is absent


Values = frozenset[Value]
T, F, U = frozenset({Value.true}), frozenset({Value.false}), frozenset({Value.unknown})
ANY = T | F | U
FLIP = {Value.true: Value.false, Value.false: Value.true, Value.unknown: Value.unknown}
Literal = tuple[c.Node, Values]  # an atom and the values it may take
Conjunction = tuple[Literal, ...]
MAX_DISJUNCTS = 256  # per rule and value: beyond that, split the rule (it is unreadable anyway)


def dnf(node: c.Node, values: Values) -> list[Conjunction]:
    """The atom values under which the node takes one of ``values``, in disjunctive normal
    form: any conjunction satisfied makes it so. Each literal becomes one engine test."""
    if isinstance(node, c.Not):
        return dnf(node.operand, frozenset(FLIP[v] for v in values))
    if isinstance(node, c.OneOf):  # x in [a, b] is x == a or x == b
        node = c.Or(tuple(c.Compare(node.fact, "==", v) for v in node.values))
    if not isinstance(node, c.And | c.Or):
        return _atom(node, values)
    if len(values) > 1:
        return _prune([conj for v in values for conj in dnf(node, frozenset({v}))])
    (value,) = values
    # And is true when all are true, false when one is false; Or the other way round.
    absorbing, neutral = (F, T) if isinstance(node, c.And) else (T, F)
    parts = node.operands
    if {value} == absorbing:
        return _prune([conj for part in parts for conj in dnf(part, absorbing)])
    if {value} == neutral:
        return _product([dnf(part, neutral) for part in parts])
    # unknown: none absorbing and some unknown; split on the first unknown operand, so the
    # cases are disjoint (fewer engine rules than "this one unknown, the others anything")
    return _prune(
        [
            conj
            for j, part in enumerate(parts)
            for conj in _product(
                [*(dnf(p, neutral) for p in parts[:j]), dnf(part, U), *(dnf(p, neutral | U) for p in parts[j + 1 :])]
            )
        ]
    )


def _atom(atom: c.Node, values: Values) -> list[Conjunction]:
    """An atom's value set as literals: one test each where durable-rules can say it."""
    if values == ANY:
        return [()]
    if isinstance(atom, c.Breached) or len(values) == 1 or values == T | F:
        return [((atom, values),)]
    return [((atom, frozenset({v})),) for v in values]  # e.g. "true or absent": two rules


def _product(parts: list[list[Conjunction]]) -> list[Conjunction]:
    result: list[Conjunction] = [()]
    for part in parts:
        result = _prune([left + right for left in result for right in part])
    return result


def _prune(conjunctions: list[Conjunction]) -> list[Conjunction]:
    """Merge each conjunction's literals on one atom, and drop those no fact can satisfy:
    an atom with no value left, or a field both required absent and tested."""
    kept: dict[Conjunction, None] = {}
    for conj in conjunctions:
        merged: dict[c.Node, Values] = {}
        for atom, values in conj:
            merged[atom] = merged.get(atom, ANY) & values
        absent: set[str] = set()
        present: set[str] = set()
        for atom, values in merged.items():
            if not isinstance(atom, c.Breached):  # verdict fields are always present
                (absent if values == U else present if Value.unknown not in values else set()).add(atom_field(atom))
        if all(merged.values()) and not absent & present:
            kept[tuple(merged.items())] = None
    if len(kept) > MAX_DISJUNCTS:
        raise CompileError(f"a condition expands to more than {MAX_DISJUNCTS} cases: split the rule")
    return list(kept)


def engine_rules(action: str, name: str, node: c.Node, values: Values) -> dict[str, Json]:
    """One flat engine rule per conjunction under which the condition takes ``values``."""
    return {
        f"{name}{DISJUNCT}{i}": {"$and": [{"kind": action}, *(literal_json(atom, v) for atom, v in conj)]}
        for i, conj in enumerate(dnf(node, values))
    }


def atom_field(atom: c.Node) -> str:
    """The one engine field an atom reads."""
    if isinstance(atom, c.Contains):
        return engine_field(atom)
    if isinstance(atom, c.Breached):
        return breach_field(atom.rule_id)
    return atom.fact  # type: ignore[union-attr]


def engine_field(node: c.Contains) -> str:
    return f"{node.fact}__{node.item}"


@cache
def breach_field(rule_id: str) -> str:
    """The engine field carrying an earlier stage's verdict on a rule (no dots: durable nests them)."""
    return "breached__" + "".join(ch if ch.isalnum() else "_" for ch in rule_id)


def literal_json(atom: c.Node, values: Values) -> Json:
    """An atom's value set as one durable-rules test (a comparison never matches an absent field)."""
    field = atom_field(atom)
    if isinstance(atom, c.Breached):  # the verdict field holds "T", "F" or "U"
        if len(values) == 1:
            return {field: next(iter(values)).value}
        (excluded,) = ANY - values
        return {"$neq": {field: excluded.value}}
    if values == U:
        return {"$nex": {field: 1}}
    if values == T | F:
        return {"$ex": {field: 1}}
    positive = values == T
    if isinstance(atom, c.Truth | c.Contains):
        return {field: positive}
    assert isinstance(atom, c.Compare)
    op = atom.op if positive else c.NEGATED_OP[atom.op]
    return {field: atom.value} if op == "==" else {OPS[op]: {field: atom.value}}
