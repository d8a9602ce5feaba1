"""durable-rules behind one small interface.

durable-rules 2.0.28 is unmaintained and has sharp edges (see the project notes): its Host
starts timer threads that run actions on the wrong thread and walk freed state; deleting a
session where no action ran crashes the process; 1,024 live sessions per ruleset at most;
the C extension never releases the GIL. So: one Host per process with the timer threads
never started, a catch-all rule so that some action always runs, one fact per check in a
fresh session deleted in ``finally``, and a lock around the engine (threads could add no
throughput anyway, and it keeps at most one live session).
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from durable import engine as durable

from gongkai.compiler import DISJUNCT, TRUE, UNKNOWN, Lawbook, breach_field
from gongkai.vocabulary import FactInfo, FactType

CATCH_ALL = "#catch-all"


class EngineError(RuntimeError):
    """The engine failed; a check must fail closed, never answer COMPLIANT."""


class _Host(durable.Host):
    def _run(self) -> None:  # no timer threads: every action runs on the calling thread
        return None


class DurableEngine:
    """Evaluate compiled rulesets: one per action kind and stage, one assert each.

    Stage 0 rules read only facts; a rule that reads another's verdict (``breached(X)``)
    runs in a later stage, with each earlier verdict laid into the fact as "T", "F" or "U".
    """

    def __init__(self, lawbook: Lawbook) -> None:
        self._lawbook = lawbook
        self._host = _Host()
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._fired: list[str] = []
        self._names: dict[tuple[str, str, int], str] = {}
        definitions = {}
        for (pack, action, stage), rules in lawbook.engine_rulesets().items():
            self._names[pack, action, stage] = f"{pack}.{action}.{stage}@{lawbook.version}"
            definitions[self._names[pack, action, stage]] = self._definition(action, rules)
        try:
            self._host.register_rulesets(definitions)
        except Exception as exc:  # durable raises bare Exceptions for bad definitions
            raise EngineError(f"durable-rules rejected the rulesets: {exc}") from exc

    def _definition(self, action: str, rules: dict[str, Any]) -> dict[str, Any]:
        definition = {
            rule: {"all": [{"m": copy.deepcopy(cond)}], "run": self._record(rule)} for rule, cond in rules.items()
        }
        definition[CATCH_ALL] = {"all": [{"m": {"kind": action}}], "run": self._record(CATCH_ALL)}
        return definition

    def _record(self, name: str) -> Callable[[Any], None]:
        logical = name.split(DISJUNCT, 1)[0]

        def action(_closure: Any) -> None:
            self._fired.append(logical)

        return action

    def fire(self, action: str, facts: dict[str, Any], packs: Sequence[str]) -> set[str]:
        """Names of the rule versions that hold: ``<key>#T`` (breached), ``<key>#U`` (undecided),
        and ``@<pack>.<deadline>#T`` (the deadline applies), for the given packs only."""
        fact = engine_fact(facts, self._lawbook.vocabulary[action])
        result: set[str] = set()
        for pack in packs:
            stages = self._lawbook.stages(action, pack)
            # a pack with deadlines but no rules for the action still has a stage 0
            count = max(len(stages), 1 if (pack, action, 0) in self._names else 0)
            for stage in range(count):
                fired = self._assert(self._names[pack, action, stage], action, fact)
                result |= fired
                for r in stages[stage] if stage < len(stages) else []:  # read by later stages
                    verdict = "T" if r.key + TRUE in fired else "U" if r.key + UNKNOWN in fired else "F"
                    fact[breach_field(r.key)] = verdict
        return result

    def _assert(self, ruleset: str, action: str, fact: dict[str, Any]) -> set[str]:
        with self._lock:
            sid = str(next(self._sids))
            self._fired = []
            try:
                self._host.assert_fact(ruleset, {**fact, "sid": sid, "kind": action})
            except Exception as exc:
                raise EngineError(f"durable-rules failed on {action}: {exc}") from exc
            finally:
                # Only a session in which an action ran may be deleted: deleting one where
                # none ran crashes the process (state.c), and one never created raises.
                if self._fired:
                    self._host.delete_state(ruleset, sid)
            fired, self._fired = self._fired, []
        if CATCH_ALL not in fired:
            raise EngineError(f"durable-rules ran no action for {action}: the answer is unknown")
        return set(fired) - {CATCH_ALL}


def engine_fact(facts: dict[str, Any], vocab: dict[str, FactInfo]) -> dict[str, Any]:
    """Lay facts out for durable-rules: typed scalars; a list of choices → one flag per value."""
    out: dict[str, Any] = {}
    for name, value in facts.items():
        info = vocab.get(name)
        if info is None or not info.in_engine:
            continue
        if info.type is FactType.choices:
            chosen = {str(v) for v in value}
            for option in info.values:
                out[f"{name}__{option}"] = option in chosen
        elif isinstance(value, Enum):
            out[name] = str(value.value)
        else:
            out[name] = value
    return out
