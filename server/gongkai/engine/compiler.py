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
decided in a later stage (engine/durable.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from gongkai.facts import ACTIONS
from gongkai.packs import conditions as c
from gongkai.packs.jurisdiction import AgencyKind
from gongkai.packs.pack import Deadline, Difference, Pack, Parameter, Rule
from gongkai.packs.vocabulary import SCALARS, FactInfo, FactType, model_vocabulary
from gongkai.periods.derive import AS_OF_DAY
from gongkai.periods.derive import REGISTRY as DERIVATIONS
from gongkai.periods.holidays import NO_DATA, HolidayData

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
    key: str  # the id, or id@effective-from when the rule has several dated versions
    effective_from: dt.date
    effective_to: dt.date | None
    condition: c.Node  # as written, parameters substituted; breached(X) kept as an atom
    engine_condition: c.Node  # in force on the as-of day, and breached(X) over X's versions
    reads: tuple[str, ...]  # facts its own condition reads (derived ones included)
    refs: tuple[str, ...]  # keys of the rule versions it reads through breached(...)
    stage: int  # 0 reads no rule; otherwise 1 + the highest stage it reads
    all_reads: tuple[str, ...]  # its own facts and those of every rule it reads, transitively

    @property
    def id(self) -> str:
        return self.rule.id

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, eq=False)
class CompiledDeadline:
    deadline: Deadline
    pack: Pack
    parameter: Parameter | None  # None for a fixed due date
    applies_if: c.Node | None

    @property
    def engine_id(self) -> str:
        return f"@{self.pack.code}.{self.deadline.id}"


@dataclass
class Lawbook:
    """Everything a check needs, compiled once per rule-set version."""

    packs: list[Pack]
    vocabulary: dict[str, dict[str, FactInfo]]  # per action kind
    rules: dict[str, CompiledRule]  # by key
    by_action: dict[str, list[CompiledRule]] = field(default_factory=dict)
    deadlines: dict[str, list[CompiledDeadline]] = field(default_factory=dict)
    parameter_actions: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (pack, name) → actions
    differences: list[Difference] = field(default_factory=list)
    holidays: HolidayData = NO_DATA  # the holiday notices kept beside the packs (rules/calendar)
    version: str = ""

    @property
    def rule_ids(self) -> set[str]:
        return {r.id for r in self.rules.values()}

    def clause(self, clause_id: str) -> tuple[Pack, Any]:
        for pack in self.packs:
            if clause_id.startswith(pack.code + "-"):
                return pack, pack.catalogue.clause(clause_id)
        raise KeyError(clause_id)

    def stages(self, action: str, pack: str) -> list[list[CompiledRule]]:
        """A pack's rules for the action by stage: a rule is decided after every rule it reads."""
        rules = [r for r in self.by_action.get(action, []) if r.pack.code == pack]
        depth = 1 + max((r.stage for r in rules), default=-1)
        return [[r for r in rules if r.stage == n] for n in range(depth)]

    def engine_rulesets(self) -> dict[tuple[str, str, int], list[dict[str, Json]]]:
        """Per (pack, action kind, stage): the engine rules, engine rule name → durable-rules
        condition on ``m``, in one or more parts (durable-rules rulesets).

        ``<key>#T~k`` holds when the rule's breach condition is definitely true, ``<key>#U~k``
        when it cannot be decided; deadline applicability joins stage 0. A check asserts
        only into the rulesets of the packs that bind its agency. A part holds at most
        RULES_PER_PART engine rules: durable-rules refuses a ruleset in which more than 128
        tests branch from one node (error 107), and every rule branches from the ``kind`` test.
        """
        grouped: dict[tuple[str, str, int], list[dict[str, Json]]] = {}
        for pack in self.packs:
            for action in self.vocabulary:
                for stage, rules in enumerate(self.stages(action, pack.code)):
                    groups = grouped.setdefault((pack.code, action, stage), [])
                    for rule in rules:
                        group = engine_rules(action, rule.key + TRUE, rule.engine_condition, T)
                        group.update(engine_rules(action, rule.key + UNKNOWN, rule.engine_condition, U))
                        groups.append(group)
                for d in self.deadlines.get(action, []):
                    if d.pack is pack and d.applies_if is not None:
                        grouped.setdefault((pack.code, action, 0), []).append(
                            engine_rules(action, d.engine_id + TRUE, d.applies_if, T)
                        )
        return {key: _parts(groups) for key, groups in grouped.items()}


RULES_PER_PART = 120


def _parts(groups: list[dict[str, Json]]) -> list[dict[str, Json]]:
    """Pack each rule's engine rules (never split) into parts of at most RULES_PER_PART."""
    parts: list[dict[str, Json]] = [{}]
    for group in groups:
        if parts[-1] and len(parts[-1]) + len(group) > RULES_PER_PART:
            parts.append({})
        parts[-1].update(group)
    return parts


def vocabulary_for(action: str) -> dict[str, FactInfo]:
    vocab = model_vocabulary(ACTIONS[action])
    vocab[AS_OF_DAY] = FactInfo(AS_OF_DAY, "检查日", FactType.number)
    for d in DERIVATIONS.values():
        if action in d.actions:
            kind = SCALARS.get(d.type)
            if kind is None or kind is FactType.text:
                raise CompileError(f"derived fact {d.name!r}: type {d.type.__name__} is not a fact type")
            shows = tuple(i for i in d.inputs if i != AS_OF_DAY)  # the check date is the decision's as_of
            vocab[d.name] = FactInfo(d.name, d.term, kind, derived_from=d.inputs, shows=shows)
    return vocab


def compile_packs(
    packs: list[Pack], differences: list[Difference] | None = None, holidays: HolidayData = NO_DATA
) -> Lawbook:
    vocabulary = {action: vocabulary_for(action) for action in ACTIONS}
    book = Lawbook(packs=packs, vocabulary=vocabulary, rules={}, differences=differences or [], holidays=holidays)
    clause_ids = {cl.id for p in packs for cl in p.catalogue.clauses}
    for difference in book.differences:
        where = f"difference {difference.id}"
        _check_clauses(where, [p.clause for p in difference.provisions], clause_ids)
        for action in difference.actions:
            _vocab(book, action, where)
    kinds = {k.value for k in AgencyKind}
    for pack in packs:
        for binding in pack.meta.binds:
            for kind in set(binding.agency_kinds or ()) - kinds:
                raise CompileError(f"pack {pack.code}: unknown agency kind {kind!r} (one of {', '.join(kinds)})")
        for d in pack.deadlines:
            _add_deadline(book, pack, d, clause_ids)
    parsed: dict[str, tuple[Rule, Pack, c.Node]] = {}  # by key
    versions: dict[str, list[str]] = {}  # rule id → keys of its dated versions
    for pack in packs:
        for rule in pack.rules:
            where = f"rule {rule.id}"
            _check_clauses(where, rule.clauses, clause_ids)
            try:
                node = c.parse(rule.breach)
            except c.ConditionError as exc:
                raise CompileError(f"{where}: {exc}") from exc
            for name in _parameters(node):
                for action in rule.actions:
                    book.parameter_actions.setdefault((pack.code, name), set()).add(action)
            start = rule.effective_from or pack.meta.effective_from
            key = f"{rule.id}@{start.isoformat()}"
            if key in parsed or any(
                parsed[k][0].id == rule.id and parsed[k][1] is not pack for k in versions.get(rule.id, [])
            ):
                raise CompileError(f"{where}: id used twice (a new version needs its own effective_from)")
            parsed[key] = (rule, pack, _substitute(node, pack, where))
            versions.setdefault(rule.id, []).append(key)
    for rule_id, keys in versions.items():
        _check_versions(rule_id, [parsed[k] for k in keys])
        if len(keys) == 1:  # the usual case: the key is the id
            parsed[rule_id] = parsed.pop(keys[0])
            keys[0] = rule_id
    for key in list(parsed):
        _compile_rule(book, key, parsed, versions, ())
    # The calendar decides deadlines as much as the rules do: a new year's notice is a new ruleset.
    digest = hashlib.sha256(b"".join(p.version.encode() for p in packs) + holidays.digest.encode())
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
    parameter = pack.meta.parameters.get(d.period) if d.period else None
    if d.period and parameter is None:
        raise CompileError(f"{where}: unknown parameter {d.period!r}")
    applies_if = _substitute(c.parse(d.applies_if), pack, where) if d.applies_if else None
    for action in d.actions:
        vocab = _vocab(book, action, where)
        dates = [name for name in (d.start, d.end, *(d.suspension or ())) if name]
        for name in dates:
            if name not in vocab or vocab[name].type not in (FactType.date, FactType.datetime):
                raise CompileError(f"{where}: {name!r} is not a date fact of {action}")
        if d.suspension_until is not None:
            bounding = [o.deadline for o in book.deadlines.get(action, []) if o.deadline.id == d.suspension_until]
            if not bounding or bounding[0].suspension_until is not None:
                raise CompileError(
                    f"{where}: suspension_until {d.suspension_until!r} is not a deadline of {action} declared "
                    "before it, or is itself bounded by another"
                )
        if d.extension and (d.extension not in vocab or vocab[d.extension].type != FactType.number):
            raise CompileError(f"{where}: {d.extension!r} is not a number fact of {action}")
        if applies_if is not None:
            _typecheck(where, applies_if, vocab)
        if d.id + "_due" in vocab:
            raise CompileError(f"{where}: {d.id + '_due'!r} is taken (deadline ids are shared by all packs)")
        if d.period:
            book.parameter_actions.setdefault((pack.code, d.period), set()).add(action)
        # Only the start is required: an absent end means "not done yet", not "unknown".
        bound = d.suspension_until and d.suspension_until + "_due"
        shown = tuple(n for n in (d.start, d.end, d.extension, *(d.suspension or ()), bound, d.id + "_due") if n)
        required = (d.start,) if d.start else ()
        vocab[d.id + "_due"] = FactInfo(d.id + "_due", d.title + "到期日", FactType.date, derived_from=required)
        vocab[d.id + "_overdue"] = FactInfo(
            d.id + "_overdue", d.title + "逾期", FactType.number, derived_from=required, shows=shown
        )
        book.deadlines.setdefault(action, []).append(CompiledDeadline(d, pack, parameter, applies_if))


def _span(rule: Rule, pack: Pack) -> tuple[dt.date, dt.date | None]:
    return rule.effective_from or pack.meta.effective_from, rule.effective_to or pack.meta.effective_to


def _check_versions(rule_id: str, entries: list[tuple[Rule, Pack, c.Node]]) -> None:
    """Dated versions of one rule must not overlap: superseding is a new version."""
    spans = sorted(_span(rule, pack) for rule, pack, _ in entries)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if end is None or end >= start:
            raise CompileError(f"rule {rule_id}: versions overlap (one must end before {start} starts)")


def _compile_rule(
    book: Lawbook,
    key: str,
    parsed: dict[str, tuple[Rule, Pack, c.Node]],
    versions: dict[str, list[str]],
    stack: tuple[str, ...],
) -> CompiledRule:
    """Compile a rule after the rules it reads through breached(...); refuse cycles."""
    if key in book.rules:
        return book.rules[key]
    if key in stack:
        raise CompileError(f"rule {key}: breached() cycle through {' → '.join((*stack, key))}")
    rule, pack, node = parsed[key]
    where = f"rule {rule.id}"
    read: list[CompiledRule] = []
    for ref in dict.fromkeys(n.rule_id for n in c.walk(node) if isinstance(n, c.Breached)):
        if ref not in versions:
            raise CompileError(f"{where}: breached({ref}) names no rule")
        for ref_key in versions[ref]:
            other, other_pack, _ = parsed[ref_key]
            if other_pack is not pack:
                raise CompileError(f"{where}: breached({ref}) is another document's rule")
            if not set(rule.actions) <= set(other.actions):
                raise CompileError(f"{where}: breached({ref}) is for other actions")
            read.append(_compile_rule(book, ref_key, parsed, versions, (*stack, key)))
    for action in rule.actions:
        _typecheck(where, node, _vocab(book, action, where))
    reads = c.facts_read(node)
    all_reads = tuple(dict.fromkeys([*reads, *(name for r in read for name in r.all_reads)]))
    stage = 1 + max((r.stage for r in read), default=-1)
    start, end = _span(rule, pack)
    guard: list[c.Node] = [c.Compare(AS_OF_DAY, ">=", start.toordinal())]
    if end is not None:
        guard.append(c.Compare(AS_OF_DAY, "<=", end.toordinal()))
    engine_condition = c.And((*guard, _over_versions(node, versions)))
    for values in (T, U):  # fail at load, naming the rule, if a case analysis is too large
        engine_rules(rule.actions[0], key, engine_condition, values)
    compiled = CompiledRule(
        rule, pack, key, start, end, node, engine_condition, reads, tuple(r.key for r in read), stage, all_reads
    )
    book.rules[key] = compiled
    for action in rule.actions:
        book.by_action.setdefault(action, []).append(compiled)
    return compiled


def _over_versions(node: c.Node, versions: dict[str, list[str]]) -> c.Node:
    """breached(X) holds when X's version in force holds: the others are out of force (false)."""
    if isinstance(node, c.Breached):
        keys = versions[node.rule_id]
        return c.Breached(keys[0]) if len(keys) == 1 else c.Or(tuple(c.Breached(k) for k in keys))
    if isinstance(node, c.Not):
        return c.Not(_over_versions(node.operand, versions))
    if isinstance(node, c.And | c.Or):
        return type(node)(tuple(_over_versions(o, versions) for o in node.operands))
    return node


def with_condition(book: Lawbook, key: str, node: c.Node, version: str) -> Lawbook:
    """The lawbook with rule version ``key`` deciding ``node`` instead (parameters already
    substituted), checked and compiled as at load; every other rule is shared. Rules that
    read this one through breached(...) see the new verdict (and its facts). For mutation
    testing (review/mutate.py): the packs on disk are never touched."""
    old = book.rules[key]
    where = f"rule {old.id}"
    for action in old.rule.actions:
        _typecheck(where, node, _vocab(book, action, where))
    versions: dict[str, list[str]] = {}
    for k, r in book.rules.items():
        versions.setdefault(r.id, []).append(k)
    refs = tuple(
        k for ref in dict.fromkeys(n.rule_id for n in c.walk(node) if isinstance(n, c.Breached)) for k in versions[ref]
    )
    guard = [c.Compare(AS_OF_DAY, ">=", old.effective_from.toordinal())]
    if old.effective_to is not None:
        guard.append(c.Compare(AS_OF_DAY, "<=", old.effective_to.toordinal()))
    engine_condition = c.And((*guard, _over_versions(node, versions)))
    for values in (T, U):
        engine_rules(old.rule.actions[0], key, engine_condition, values)
    rules = dict(book.rules)
    rules[key] = dataclasses.replace(
        old,
        condition=node,
        engine_condition=engine_condition,
        reads=c.facts_read(node),
        refs=refs,
        stage=1 + max((rules[k].stage for k in refs), default=-1),
    )
    for k in sorted(rules, key=lambda k: rules[k].stage):  # readers after the rules they read
        r = rules[k]
        all_reads = tuple(dict.fromkeys([*r.reads, *(name for ref in r.refs for name in rules[ref].all_reads)]))
        if all_reads != r.all_reads or k == key:
            rules[k] = dataclasses.replace(r, all_reads=all_reads)
    by_action = {action: [rules[r.key] for r in compiled] for action, compiled in book.by_action.items()}
    return dataclasses.replace(book, rules=rules, by_action=by_action, version=version)


def with_deadline(
    book: Lawbook,
    pack: str,
    deadline_id: str,
    version: str,
    *,
    deadline: Deadline | None = None,
    parameter: Parameter | None = None,
    applies_if: c.Node | None = None,
) -> Lawbook:
    """The lawbook with one pack's deadline changed (its period's parameter, its fixed due
    date or its applicability), for every action it applies to. For mutation testing."""
    deadlines = {}
    for action, compiled in book.deadlines.items():
        changed = []
        for d in compiled:
            if d.pack.code == pack and d.deadline.id == deadline_id:
                if applies_if is not None:
                    _typecheck(f"deadline {deadline_id}", applies_if, _vocab(book, action, deadline_id))
                d = CompiledDeadline(
                    deadline or d.deadline,
                    d.pack,
                    parameter or d.parameter,
                    applies_if if applies_if is not None else d.applies_if,
                )
            changed.append(d)
        deadlines[action] = changed
    return dataclasses.replace(book, deadlines=deadlines, version=version)


def _parameters(node: c.Node) -> list[str]:
    return [n.value.name for n in c.walk(node) if isinstance(n, c.Compare) and isinstance(n.value, c.Param)]


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
    """An atom's value set as one literal (see literal_json for how each set is tested)."""
    return [()] if values == ANY else [((atom, values),)]


def _product(parts: list[list[Conjunction]]) -> list[Conjunction]:
    result: list[Conjunction] = [()]
    for part in parts:
        result = _prune([left + right for left in result for right in part])
    return result


def _prune(conjunctions: list[Conjunction]) -> list[Conjunction]:
    """Merge each conjunction's literals on one atom, and drop those no fact can satisfy:
    an atom with no value left, or a fact both required absent and tested (the flags of a
    list fact are present or absent together, with the list)."""
    kept: dict[Conjunction, None] = {}
    for conj in conjunctions:
        merged: dict[c.Node, Values] = {}
        for atom, values in conj:
            merged[atom] = merged.get(atom, ANY) & values
        absent: set[str] = set()
        present: set[str] = set()
        for atom, values in merged.items():
            if not isinstance(atom, c.Breached):  # verdict fields are always present
                (absent if values == U else present if Value.unknown not in values else set()).add(atom.fact)  # type: ignore[union-attr]
        if all(merged.values()) and not absent & present:
            kept[tuple(merged.items())] = None
    if len(kept) > MAX_DISJUNCTS:
        raise CompileError(f"a condition expands to more than {MAX_DISJUNCTS} cases: split the rule")
    return list(kept)


def engine_rules(action: str, name: str, node: c.Node, values: Values) -> dict[str, Json]:
    """One flat engine rule per conjunction under which the condition takes ``values``."""
    try:
        conjunctions = dnf(node, values)
    except CompileError as exc:
        raise CompileError(f"rule {name.split('#')[0]}: {exc}") from exc
    return {
        f"{name}{DISJUNCT}{i}": {"$and": [{"kind": action}, *(literal_json(atom, v) for atom, v in conj)]}
        for i, conj in enumerate(conjunctions)
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


BREACH_FIELD = "breached__"  # the prefix of the fields that carry an earlier stage's verdict


@cache
def breach_field(rule_id: str) -> str:
    """The engine field carrying an earlier stage's verdict on a rule (no dots: durable nests them)."""
    return BREACH_FIELD + "".join(ch if ch.isalnum() else "_" for ch in rule_id)


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
    if Value.unknown in values:  # "true or absent", "false or absent": one nested $or
        (known,) = values - U
        return {"$or": [literal_json(atom, frozenset({known})), {"$nex": {field: 1}}]}
    positive = values == T
    if isinstance(atom, c.Truth | c.Contains):
        return {field: positive}
    assert isinstance(atom, c.Compare)
    op = atom.op if positive else c.NEGATED_OP[atom.op]
    return {field: atom.value} if op == "==" else {OPS[op]: {field: atom.value}}
