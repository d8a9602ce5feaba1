"""The durable-rules engine: agrees with the reference evaluator, leaves no state, is safe
under concurrent callers, and fails closed."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import durable_rules_engine as dre
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gongkai.check.checker import Checker, CheckRequest, fact_values
from gongkai.engine.compiler import AS_OF_DAY
from gongkai.engine.durable import DurableEngine, EngineError, encode, engine_fact, fact_json, field_sources, layout
from gongkai.engine.reference import ReferenceEngine
from gongkai.facts import ACTIONS
from gongkai.facts.base import DATE_ORDER
from gongkai.packs.vocabulary import FactInfo, FactType
from gongkai.periods.derive import apply_derivations
from tests.conftest import QL_AGENCY
from tests.fuzzing import Limits, limits_of


def value_strategy(info: FactInfo, limits: Limits) -> st.SearchStrategy[Any]:
    present: st.SearchStrategy[Any]
    if info.type is FactType.boolean:
        present = st.booleans()
    elif info.type is FactType.number:
        low = -2 if limits.low is None else int(limits.low)  # a year starts at 1949, a count at 0
        present = st.integers(min_value=low, max_value=low + 42 if limits.high is None else int(limits.high))
    elif info.type is FactType.choice:
        present = st.sampled_from(info.values)
    elif info.type is FactType.choices:
        present = st.lists(st.sampled_from(info.values), unique=True)
    elif info.type is FactType.date:
        present = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))
    elif info.type is FactType.datetime:
        present = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31))
    else:
        present = st.text(max_size=5)
    return st.one_of(st.none(), present)


@st.composite
def action_facts(draw: st.DrawFn, checker: Checker) -> tuple[str, dict[str, Any]]:
    action = draw(st.sampled_from(sorted(checker.lawbook.by_action)))
    vocab = checker.lawbook.vocabulary[action]
    model = ACTIONS[action]
    raw = {
        name: draw(value_strategy(info, limits_of(model, model.model_fields[name])))
        for name, info in vocab.items()
        if name in model.model_fields
    }
    return action, {k: v for k, v in raw.items() if v is not None}


def test_durable_and_reference_agree_on_generated_facts(checker: Checker) -> None:
    reference = ReferenceEngine(checker.lawbook)

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=action_facts(checker), as_of=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2027, 12, 31)))
    def agree(case: tuple[str, dict[str, Any]], as_of: dt.date) -> None:
        action, facts = case
        try:
            typed = ACTIONS[action].model_validate(facts)
        except ValidationError as exc:  # dates drawn in an order that cannot be: refused, never decided
            assert {e["type"] for e in exc.errors()} == {DATE_ORDER}, exc
            reject()
        values = {k: v for k, v in typed.model_dump().items() if v is not None}
        assert fact_values(typed) == values  # the checker's shortcut past model_dump gives the same
        apply_derivations(action, values)
        # deadline lateness as the checker would add it: any number will do for agreement
        for d in checker.lawbook.deadlines.get(action, []):
            values[d.deadline.id + "_overdue"] = len(values) % 3
        values[AS_OF_DAY] = as_of.toordinal()
        packs = [p.code for p in checker.lawbook.packs]
        assert checker.engine.fire(action, values, packs) == reference.fire(action, values, packs)
        # what each ruleset is sent is the whole fact's JSON, field for field
        fields = field_sources(layout(checker.lawbook.vocabulary[action]))
        sent = json.loads("{" + ",".join(encode(values, fields, tuple(fields)).values()) + "}")
        assert sent == json.loads(fact_json(engine_fact(values, checker.lawbook.vocabulary[action])))

    agree()


def test_every_check_leaves_its_session_as_it_found_it(checker: Checker) -> None:
    engine = checker.engine
    assert isinstance(engine, DurableEngine)
    for registered in (False, True, None):
        facts = {} if registered is None else {"registered": registered}
        checker.check(CheckRequest(agency=QL_AGENCY, action="answer_request", facts=facts))
        assert engine.session_facts("QL", "answer_request") == []


def test_concurrent_checks_each_get_their_own_decision(checker: Checker) -> None:
    """64 threads × 50 checks, alternating inputs whose decisions differ."""
    results: list[tuple[bool, str]] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(50):
            registered = (n + i) % 2 == 0
            request = CheckRequest(
                request_id=f"{n}-{i}",
                agency=QL_AGENCY,
                action="answer_request",
                facts={"registered": registered},
                as_of=dt.date(2025, 10, 1),
            )
            decision = checker.check(request)
            breached = "QL-5-9.not-registered" in decision.breached_rules
            with lock:
                results.append(
                    (breached == (not registered) and decision.request_id == f"{n}-{i}", decision.request_id)
                )

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 64 * 50
    assert all(ok for ok, _ in results), [rid for ok, rid in results if not ok][:5]


def test_an_engine_failure_is_an_error_never_a_decision(checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("simulated engine fault")

    monkeypatch.setattr(dre, "assert_fact", broken)
    with pytest.raises(EngineError, match="simulated engine fault"):
        checker.check(CheckRequest(agency=QL_AGENCY, action="answer_request", facts={"registered": True}))


def test_an_engine_that_runs_no_action_is_an_error(checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dre, "start_action_for_state", lambda *_a, **_k: None)
    with pytest.raises(EngineError, match="ran no action"):
        checker.check(CheckRequest(agency=QL_AGENCY, action="answer_request", facts={"registered": True}))


def test_after_a_failure_midway_the_next_check_is_answered_right(
    checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault between assert and retract abandons the session; the next check starts a clean one."""
    unregistered = CheckRequest(
        agency=QL_AGENCY, action="answer_request", facts={"registered": False}, as_of=dt.date(2025, 10, 1)
    )
    expected = checker.check(unregistered).breached_rules
    with monkeypatch.context() as patch:
        patch.setattr(dre, "complete_and_start_action", lambda *_a: (_ for _ in ()).throw(RuntimeError("fault")))
        with pytest.raises(EngineError, match="fault"):
            checker.check(unregistered)
    assert checker.check(unregistered).breached_rules == expected
    registered = unregistered.model_copy(update={"facts": {"registered": True}})
    assert "QL-5-9.not-registered" not in checker.check(registered).breached_rules
    assert checker.engine.session_facts("QL", "answer_request") == []  # type: ignore[attr-defined]
