"""Dates that cannot be: every order a fact model declares (``fact(not_before=…)``) is checked
on both sides, for every action kind: the same day or later is taken, a day earlier is
INVALID_ARGUMENT naming the later fact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.facts import ACTIONS
from gongkai.facts.base import DATE_ORDER, ActionFacts, fact
from tests.conftest import QL_AGENCY

PAIRS = [(action, later, earlier) for action, model in ACTIONS.items() for later, earlier in model.date_orders]
DAY = dt.date(2025, 6, 10)


def written(model: type[ActionFacts], name: str, day: dt.date) -> str:
    """The fact's value as a caller sends it: a date, or a time of day for a datetime fact."""
    timed = model.model_fields[name].annotation == dt.datetime | None
    return f"{day.isoformat()}T09:30:00" if timed else day.isoformat()


def facts(action: str, later: str, earlier: str, shift: int) -> dict[str, Any]:
    model = ACTIONS[action]
    return {earlier: written(model, earlier, DAY), later: written(model, later, DAY + dt.timedelta(days=shift))}


def test_the_orders_the_law_implies_are_declared() -> None:
    declared = {(a, later, earlier) for a, later, earlier in PAIRS}
    assert {  # the ones the issue names, and a few more that must never go missing
        ("answer_request", "answered_on", "received_on"),
        ("answer_request", "resumed_on", "suspended_on"),
        ("answer_request", "suspended_on", "received_on"),
        ("publish_information", "published_on", "generated_on"),
        ("draft_document", "issued_on", "signed_on"),
        ("public_opinion_response", "situation_at", "opinion_detected_at"),
    } <= declared
    assert len(PAIRS) == len(declared)  # none declared twice


@pytest.mark.parametrize(("action", "later", "earlier"), PAIRS, ids=[f"{a}:{x}>={y}" for a, x, y in PAIRS])
def test_a_declared_order_takes_the_same_day_and_later_and_refuses_a_day_earlier_naming_the_later_fact(
    checker: Checker, action: str, later: str, earlier: str
) -> None:
    model = ACTIONS[action]
    for shift in (0, 1):
        model.model_validate(facts(action, later, earlier, shift))  # no error
        checker.check(CheckRequest(agency=QL_AGENCY, action=action, facts=facts(action, later, earlier, shift)))
    with pytest.raises(ValidationError) as refused:
        model.model_validate(facts(action, later, earlier, -1))
    (error,) = refused.value.errors()
    assert (error["type"], error["loc"]) == (DATE_ORDER, (later,))
    with pytest.raises(BadInput) as bad:
        checker.check(CheckRequest(agency=QL_AGENCY, action=action, facts=facts(action, later, earlier, -1)))
    assert bad.value.field == f"facts.{later}"
    terms = (model.model_fields[later].title, model.model_fields[earlier].title)
    assert bad.value.message.startswith(f"{later}({terms[0]})不能早于 {earlier}({terms[1]})")
    assert "got" not in bad.value.message and "-" not in bad.value.message.split("/")[0]  # no date sent
    # the served JSON Schema says it too
    assert earlier in model.model_json_schema()["properties"][later]["not_before"]


def test_the_answer_before_the_request_reads_as_legal_staff_would_write_it(checker: Checker) -> None:
    request = CheckRequest(
        agency=QL_AGENCY, action="answer_request", facts={"received_on": "2025-09-26", "answered_on": "2025-09-25"}
    )
    with pytest.raises(BadInput) as bad:
        checker.check(request)
    # the later fact named, the earlier one said; the dates sent are not repeated (issue 12)
    assert str(bad.value) == (
        "facts.answered_on: answered_on(答复或者提供信息之日)不能早于 received_on(收到申请之日)"
        " / cannot be before received_on"
    )


def test_only_dates_both_given_are_compared() -> None:
    ACTIONS["answer_request"].model_validate({"answered_on": "2025-09-25"})  # received_on unknown: no order to check
    ACTIONS["answer_request"].model_validate({"received_on": "2025-09-26", "answered_on": None})


@pytest.mark.parametrize(
    ("situation", "refused"),
    [("2025-10-01T04:00:00Z", False), ("2025-10-01T03:59:00Z", True), ("2025-10-01T11:59:00", True)],
    ids=["the same moment in UTC", "a minute before, in UTC", "a minute before, without a zone"],
)
def test_times_of_day_compare_as_moments_a_time_without_a_zone_being_china_standard_time(
    situation: str, refused: bool
) -> None:
    data = {"opinion_detected_at": "2025-10-01T12:00:00", "situation_at": situation}
    model = ACTIONS["public_opinion_response"]
    if refused:
        with pytest.raises(ValidationError, match="situation_at"):
            model.model_validate(data)
    else:
        model.model_validate(data)


def test_an_order_naming_no_date_fact_of_the_same_type_fails_when_the_model_is_defined() -> None:
    with pytest.raises(TypeError, match="recieved_on"):

        class Misspelt(ActionFacts):
            kind = "misspelt"
            received_on: dt.date | None = fact("收到之日")
            answered_on: dt.date | None = fact("答复之日", not_before=("recieved_on",))

    with pytest.raises(TypeError, match="received_at"):

        class Mistyped(ActionFacts):
            kind = "mistyped"
            received_at: dt.datetime | None = fact("收到之时")
            answered_on: dt.date | None = fact("答复之日", not_before=("received_at",))
