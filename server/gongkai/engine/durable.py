"""durable-rules behind one small interface.

durable-rules 2.0.28 is unmaintained and has sharp edges (see the project notes): its
Python Host starts timer threads that run actions on the wrong thread and walk freed state;
deleting a session where no action ran crashes the process; 1,024 live sessions per
ruleset at most; the C extension never releases the GIL. Its Python layer is also where
most of the time went: a Closure, two JSON round trips and an ``update_state`` per fired
rule, and a fresh session per check, whose creation allocates and clears frame pools for
every rule of the ruleset (~0.3 µs × rules, whatever fires).

So we drive the C engine (``durable_rules_engine``, the module durable.engine itself calls)
directly, and it still decides every rule:
  - one long-lived session per ruleset; a check asserts one fact with a fixed id, takes the
    names of the rules that fired (``start_action_for_state`` / ``complete_and_start_action``),
    then retracts the fact, which leaves the session as it was (a test checks);
  - no Python action runs and no state is written back, so there are no timer threads to
    avoid and nothing runs on another thread;
  - a catch-all rule fires on every fact: no catch-all, no answer (fail closed);
  - each part is sent only the fields its own rules read (``reads``): durable-rules parses the
    whole fact on every assert, and a part reads 10-25 of an action's 60-110 fields, so a
    whole-fact assert cost about twice a trimmed one (BENCHMARKS.md §6);
  - any error abandons the session (a new one is started; the old one is deleted only if an
    action ever ran in it, as deleting one where none ran crashes the process);
  - a lock around each ruleset's session: the C calls of one check must not interleave;
  - an engine frees its rulesets in the C engine when it is dropped (a reload replaces it):
    CPython frees it only once no running check holds it, and a ruleset freed is never
    entered again (about 13 MiB per load of the QL pack alone were never given back before).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, lru_cache
from typing import Any

import durable_rules_engine as dre

from gongkai.engine.compiler import BREACH_FIELD, DISJUNCT, TRUE, UNKNOWN, Lawbook, breach_field
from gongkai.packs.vocabulary import FactInfo, FactType

CATCH_ALL = "#catch-all"
FACT_ID = "f"  # every check asserts the same id, and retracts it before the next
RESERVED = ("sid", "id", "kind")  # fields durable-rules or we use; no fact may take them
OK = 0  # durable-rules result codes of assert_fact: 1 not handled, 2 already observed, 3 deferred


class EngineError(RuntimeError):
    """The engine failed; a check must fail closed, never answer COMPLIANT."""


@dataclass
class _Ruleset:
    """One compiled ruleset in the C engine and its long-lived session."""

    name: str
    action: str
    handle: int
    logical: dict[str, str]  # engine rule name → logical name (``<key>#T``), catch-all included
    reads: tuple[str, ...]  # the engine fields its rules test, ``kind`` aside: all a fact needs
    sid: str = "0"
    acted: bool = False  # an action ran in this session: only then may it be deleted
    lock: threading.Lock = field(default_factory=threading.Lock)
    freed: bool = False  # deleted from the C engine: its handle may already name another ruleset
    tail: str = ""  # what ends every fact asserted into the session: its sid and the fact's id
    retraction: str = ""  # the fact's id in the session, to retract it

    def __post_init__(self) -> None:
        self.in_session(self.sid)

    def in_session(self, sid: str) -> None:
        self.sid = sid
        self.tail = f',"sid":"{sid}","id":"{FACT_ID}"}}'
        self.retraction = f'{{"sid":"{sid}","id":"{FACT_ID}"}}'

    def free(self) -> None:
        with self.lock:
            if self.freed:
                return
            self.freed = True
            with contextlib.suppress(Exception):  # freeing is best effort; using it again never is
                if self.acted:
                    dre.delete_state(self.handle, self.sid)
                dre.delete_ruleset(self.handle)


@dataclass(frozen=True)
class _Plan:
    """A check of an action for some packs: what every assert starts with, the rulesets per
    stage with the verdicts the next stage reads, and the engine fields any of them reads."""

    head: str  # '{"kind":"<action>"'
    stages: list[tuple[list[_Ruleset], list[tuple[str, str, str]]]]  # (T name, U name, field)
    wanted: tuple[str, ...]


class DurableEngine:
    """Evaluate compiled rulesets: one per pack, action kind and stage, one assert each.

    Stage 0 rules read only facts; a rule that reads another's verdict (``breached(X)``)
    runs in a later stage, with each earlier verdict laid into the fact as "T", "F" or "U".
    """

    def __init__(self, lawbook: Lawbook) -> None:
        self._lawbook = lawbook
        self._sids = itertools.count(1)
        self._rulesets: dict[tuple[str, str, int], list[_Ruleset]] = {}
        for action, vocab in lawbook.vocabulary.items():
            taken = [name for name in vocab if name in RESERVED]
            if taken:
                raise EngineError(f"{action}: facts named {taken} clash with durable-rules' own fields")
        for (pack, action, stage), parts in lawbook.engine_rulesets().items():
            for part, rules in enumerate(parts):
                name = f"{pack}.{action}.{stage}.{part}@{lawbook.version}"
                definition = {rule: {"all": [{"m": cond}]} for rule, cond in rules.items()}
                definition[CATCH_ALL] = {"all": [{"m": {"kind": action}}]}
                try:
                    handle = dre.create_ruleset(name, json.dumps(definition, ensure_ascii=False))
                except Exception as exc:  # the C engine rejects a definition with a bare error code
                    raise EngineError(f"durable-rules rejected ruleset {name}: {exc}") from exc
                logical = {rule: rule.split(DISJUNCT, 1)[0] for rule in definition}
                reads = tuple(sorted(set().union(*map(fields_read, rules.values())) - {"kind"}))
                ruleset = _Ruleset(name, action, handle, logical, reads)
                self._rulesets.setdefault((pack, action, stage), []).append(ruleset)
        # engine field → the fact it is laid out from and how, per action (``encode``)
        self._fields = {action: field_sources(layout(vocab)) for action, vocab in lawbook.vocabulary.items()}
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}  # (action, packs) → what a check asserts
        for (_, action, _), parts in self._rulesets.items():
            for ruleset in parts:
                unknown = [f for f in ruleset.reads if f not in self._fields[action] and not f.startswith(BREACH_FIELD)]
                if unknown:  # a field no fact is laid out to would silently never be sent
                    raise EngineError(f"{ruleset.name} reads fields no fact provides: {unknown[:5]}")
        plain = [f for fields in self._fields.values() for f in fields if json.dumps(f) != f'"{f}"']
        if plain:  # ``encode`` writes field names as they are
            raise EngineError(f"fact fields that JSON would escape: {plain[:5]}")
        # per action and pack, per stage: the rules later stages read, as (T name, U name, field);
        # a verdict no later rule reads is not laid into the fact (most rules are read by none)
        later = {f for (_, _, stage), parts in self._rulesets.items() if stage for r in parts for f in r.reads}
        self._stages = {
            (action, pack): [
                [(r.key + TRUE, r.key + UNKNOWN, breach_field(r.key)) for r in rules if breach_field(r.key) in later]
                for rules in lawbook.stages(action, pack)
            ]
            for pack in {p.code for p in lawbook.packs}
            for action in lawbook.vocabulary
        }

    def close(self) -> None:
        """Free every ruleset in the C engine; a check after this is an EngineError. Call it
        only once no check can be using the engine: ``__del__`` does, when the last reference
        (the server's, a running check's) is gone."""
        for parts in getattr(self, "_rulesets", {}).values():  # a half-built engine has fewer
            for ruleset in parts:
                ruleset.free()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # at interpreter exit even contextlib may be gone: nothing to free then
            return

    def fire(self, action: str, facts: dict[str, Any], packs: Sequence[str]) -> set[str]:
        """Names of the rule versions that hold: ``<key>#T`` (breached), ``<key>#U`` (undecided),
        and ``@<pack>.<deadline>#T`` (the deadline applies), for the given packs only."""
        plan = self._plan(action, packs)
        encoded = encode(facts, self._fields[action], plan.wanted)
        result: set[str] = set()
        for parts, verdicts in plan.stages:
            fired: set[str] = set()
            for part in parts:
                fired |= self._assert(part, ",".join([plan.head, *[encoded[f] for f in part.reads if f in encoded]]))
            result |= fired
            for true, unknown, name in verdicts:  # laid into the fact for the pack's next stage
                verdict = "T" if true in fired else "U" if unknown in fired else "F"
                encoded[name] = f'"{name}":"{verdict}"'
        return result

    def _plan(self, action: str, packs: Sequence[str]) -> _Plan:
        """What a check of the action for these packs asserts, in order: kept per combination."""
        key = (action, tuple(packs))
        found = self._plans.get(key)
        if found is None:
            stages = []
            for pack in packs:
                verdicts = self._stages.get((action, pack), [])
                # a pack with deadlines but no rules for the action still has a stage 0
                count = max(len(verdicts), 1 if (pack, action, 0) in self._rulesets else 0)
                for stage in range(count):
                    later = verdicts[stage] if stage + 1 < count else []
                    stages.append((self._rulesets[pack, action, stage], later))
            fields = self._fields[action]
            wanted = dict.fromkeys(f for parts, _ in stages for part in parts for f in part.reads if f in fields)
            found = _Plan('{"kind":' + _text_json(action), stages, tuple(wanted))
            if len(self._plans) < 4096:  # a few dozen combinations occur; never grow without bound
                self._plans[key] = found
        return found

    def _assert(self, ruleset: _Ruleset, body: str) -> set[str]:
        """Assert, collect the rules that fired, retract: the session is left as it was."""
        with ruleset.lock:
            if ruleset.freed:
                raise EngineError(f"{ruleset.name} was freed: this engine was replaced and closed")
            handle, logical = ruleset.handle, ruleset.logical
            fired = set()
            try:
                code, state = dre.assert_fact(handle, body + ruleset.tail)
                if code != OK:
                    raise EngineError(f"assert_fact returned {code} (1 no rule matched, 2 fact already present)")
                started = dre.start_action_for_state(handle, state)
                pending = started[1] if started else None
                if started:
                    ruleset.acted = True
                while pending is not None:
                    # a result is {"<rule name>": {...}}: the name is all we need (ours have no quotes)
                    name = pending[2 : pending.index('"', 2)]
                    if name not in logical:
                        raise EngineError(f"unexpected result {pending[:80]!r}")
                    fired.add(logical[name])
                    pending = dre.complete_and_start_action(handle, state)
                dre.retract_fact(handle, ruleset.retraction)
            except Exception as exc:
                self._abandon(ruleset)
                raise EngineError(f"durable-rules failed on {ruleset.name}: {exc}") from exc
        if CATCH_ALL not in fired:
            raise EngineError(f"durable-rules ran no action for {ruleset.action}: the answer is unknown")
        fired.discard(CATCH_ALL)
        return fired

    def _abandon(self, ruleset: _Ruleset) -> None:
        """Start a new session for the ruleset; the old one may hold a fact or a pending action."""
        old = ruleset.sid
        ruleset.in_session(str(next(self._sids)))
        if ruleset.acted:
            ruleset.acted = False
            try:
                dre.delete_state(ruleset.handle, old)
            except Exception:  # the session is abandoned either way
                return

    def session_facts(self, pack: str, action: str, stage: int = 0) -> list[dict[str, Any]]:
        """The facts left in a ruleset's session (none between checks): for tests."""
        facts: list[dict[str, Any]] = []
        for ruleset in self._rulesets[pack, action, stage]:
            with ruleset.lock:
                if ruleset.freed:
                    raise EngineError(f"{ruleset.name} was freed")
                facts += json.loads(dre.get_facts(ruleset.handle, ruleset.sid))
        return [f for f in facts if "$s" not in f]  # the engine's own state fact stays


FieldSources = dict[str, tuple[str, str | None]]  # engine field → (fact, the option it flags, if any)


def fields_read(condition: Any) -> set[str]:
    """The engine fields a durable-rules condition tests: ``{"$lt": {"f": 1}}``, ``{"f": true}``,
    nested in ``$and``/``$or``."""
    found: set[str] = set()
    if isinstance(condition, list):
        for item in condition:
            found |= fields_read(item)
    elif isinstance(condition, dict):
        for key, value in condition.items():
            if key in ("$and", "$or"):
                found |= fields_read(value)
            elif key.startswith("$"):
                found |= set(value)
            else:
                found.add(key)
    return found


def field_sources(plan: Layout) -> FieldSources:
    sources: FieldSources = {}
    for name, options in plan.items():
        if options is None:
            sources[name] = (name, None)
        else:
            sources.update({f"{name}__{option}": (name, option) for option in options})
    return sources


def encode(facts: dict[str, Any], fields: FieldSources, wanted: Sequence[str]) -> dict[str, str]:
    """``'"field":value'`` for each wanted engine field, laid out as ``engine_fact`` lays it out
    (tests compare the two)."""
    encoded: dict[str, str] = {}
    chosen: dict[str, set[str]] = {}
    for wanted_field in wanted:
        name, option = fields[wanted_field]
        if name not in facts:
            continue
        value = facts[name]
        if option is not None:
            flags = chosen.get(name)
            if flags is None:
                flags = chosen[name] = {str(v) for v in value}
            encoded[wanted_field] = f'"{wanted_field}":{"true" if option in flags else "false"}'
        else:
            encoded[wanted_field] = f'"{wanted_field}":{_value(value)}'
    return encoded


def _value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float:
        return _number(value)
    if isinstance(value, Enum):
        return _enum_json(value)
    if kind is str:
        return _text_json(value)
    return json.dumps(value)


@cache
def _enum_json(value: Enum) -> str:  # the members of the fact models: a few hundred at most
    return json.dumps(str(value.value))


@lru_cache(maxsize=4096)
def _text_json(value: str) -> str:  # action kinds and values of choices, mostly
    return json.dumps(value)


def fact_json(fact: dict[str, Any]) -> str:
    """The fact as JSON durable-rules reads. Its parser refuses a number with an exponent but no
    decimal point, which is how Python writes some floats (1e-05, 1e+16): those become 1.0e-05."""
    if not any(type(v) is float and _bare_exponent(v) for v in fact.values()):
        return json.dumps(fact)
    parts = (f"{json.dumps(k)}:{_number(v) if type(v) is float else json.dumps(v)}" for k, v in fact.items())
    return "{" + ",".join(parts) + "}"


def _bare_exponent(value: float) -> bool:
    text = repr(value)
    return "e" in text and "." not in text


def _number(value: float) -> str:
    return repr(value).replace("e", ".0e") if _bare_exponent(value) else repr(value)


Layout = dict[str, tuple[str, ...] | None]  # fact name → the options of a list of choices, else None


def layout(vocab: dict[str, FactInfo]) -> Layout:
    """The facts that reach the engine (dates and free text do not), and how each is laid out."""
    return {
        name: info.values if info.type is FactType.choices else None for name, info in vocab.items() if info.in_engine
    }


def engine_fact(facts: dict[str, Any], vocab: dict[str, FactInfo], plan: Layout | None = None) -> dict[str, Any]:
    """Lay facts out for durable-rules: typed scalars; a list of choices → one flag per value."""
    plan = layout(vocab) if plan is None else plan
    out: dict[str, Any] = {}
    for name, value in facts.items():
        if name not in plan:
            continue
        options = plan[name]
        if options is not None:
            chosen = {str(v) for v in value}
            for option in options:
                out[f"{name}__{option}"] = option in chosen
        elif isinstance(value, Enum):
            out[name] = str(value.value)
        else:
            out[name] = value
    return out
