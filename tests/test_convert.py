"""Proto ⇄ pydantic: nothing lost on the way to the wire and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from google.protobuf import json_format
from pydantic import ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import CoverageStatus, Decision, ObligationStatus, Outcome
from gongkai.check.document import check_document
from gongkai.facts import ACTIONS
from gongkai.packs.jurisdiction import Agency
from gongkai.packs.pack import Severity
from gongkai.review import replay
from gongkai.review.scenarios import read_features
from gongkai.service.convert import (
    COVERAGE,
    OUTCOMES,
    SEVERITIES,
    STATUSES,
    check_request_from_proto,
    check_request_to_proto,
    decision_from_proto,
    decision_to_proto,
    struct_to_dict,
)
from gongkai.v1 import gongkai_pb2 as pb
from tests.conftest import ROOT
from tests.examples import LATE, ON_TIME, UNCOVERED, UNREGISTERED, answer_request


def test_every_outcome_severity_and_status_has_its_own_proto_value() -> None:
    assert set(OUTCOMES) == set(Outcome) and len(set(OUTCOMES.values())) == len(Outcome)
    assert set(SEVERITIES) == set(Severity) and len(set(SEVERITIES.values())) == len(Severity)
    assert set(STATUSES) == set(ObligationStatus) and len(set(STATUSES.values())) == len(ObligationStatus)
    assert set(COVERAGE) == set(CoverageStatus) and len(set(COVERAGE.values())) == len(CoverageStatus)
    assert pb.OUTCOME_UNSPECIFIED not in OUTCOMES.values()
    assert pb.COVERAGE_STATUS_UNSPECIFIED not in COVERAGE.values()
    # a value added to an enum goes at its end: the numbers clients already know stay
    assert [pb.Outcome.Value(o.value) for o in Outcome] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "request_data", [LATE, ON_TIME, UNREGISTERED, UNCOVERED], ids=["late", "on time", "unregistered", "not covered"]
)
def test_a_decision_survives_the_round_trip_through_proto(checker: Checker, request_data: dict[str, Any]) -> None:
    decision = checker.check(CheckRequest.model_validate(request_data))
    assert decision.coverage  # every case has packs binding the agency: their coverage crosses too
    msg = decision_to_proto(decision)
    assert pb.Decision.FromString(msg.SerializeToString()) == msg
    assert decision_from_proto(msg) == decision


def test_a_not_covered_decision_says_so_on_the_wire_with_each_pack_and_why(checker: Checker) -> None:
    msg = decision_to_proto(checker.check(CheckRequest.model_validate(UNCOVERED)))
    assert msg.outcome == pb.NOT_COVERED
    statuses = {c.code: (c.status, c.effective_from, c.effective_to) for c in msg.coverage}
    assert statuses == {  # the 2007 answer of tests/examples.py: before every pack binding the agency
        "CN08": (pb.PACK_NOT_IN_FORCE, "2008-05-01", "2019-05-14"),
        "CN": (pb.PACK_NOT_IN_FORCE, "2019-05-15", ""),
        "FEE": (pb.PACK_NOT_IN_FORCE, "2021-01-01", ""),
        "HC": (pb.PACK_NOT_IN_FORCE, "2017-04-25", ""),
    }
    assert list(msg.rules_satisfied) == []
    on_time = decision_to_proto(checker.check(CheckRequest.model_validate(ON_TIME)))
    assert on_time.outcome == pb.COMPLIANT and "QL-5-10.answer-late" in on_time.rules_satisfied


def test_a_finding_carries_its_fact_values_and_a_missing_document_number_stays_absent(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(LATE))
    (finding,) = decision_to_proto(decision).findings
    assert struct_to_dict(finding.facts) == decision.findings[0].facts
    assert finding.facts["answer_deadline_overdue"] == 1.0
    assert finding.facts["answered_on_the_spot"] is False
    assert decision.findings[0].document_number is None
    assert not finding.HasField("document_number")


def test_a_request_round_trips_and_empty_strings_mean_not_given() -> None:
    msg = check_request_to_proto(LATE)
    assert (msg.request_id, msg.as_of, msg.agency.kind) == ("", "", "department")
    request = check_request_from_proto(msg)
    assert (request.request_id, request.as_of, request.agency.kind) == (None, None, "department")
    assert request.agency.name == LATE["agency"]["name"]
    assert request.facts == LATE["facts"]


def test_struct_numbers_arrive_as_doubles_and_the_fact_model_takes_whole_ones_as_int() -> None:
    msg = check_request_to_proto({**LATE, "facts": {"extension_working_days": 3}})
    days = check_request_from_proto(msg).facts["extension_working_days"]
    assert isinstance(days, float)
    model = ACTIONS["answer_request"]
    assert model.model_validate({"extension_working_days": days}).extension_working_days == 3
    assert type(model.model_validate({"extension_working_days": days}).extension_working_days) is int
    with pytest.raises(ValidationError, match="fractional part"):
        model.model_validate({"extension_working_days": 3.5})


def test_a_request_without_an_agency_names_the_field() -> None:
    msg = check_request_to_proto(LATE)
    msg.ClearField("agency")
    with pytest.raises(BadInput) as info:
        check_request_from_proto(msg)
    assert (info.value.field, info.value.message) == ("agency", "缺少此项 / field required")


def test_an_overlong_request_id_names_the_field() -> None:
    msg = check_request_to_proto({**LATE, "request_id": "x" * 101})
    with pytest.raises(BadInput) as info:
        check_request_from_proto(msg)
    assert info.value.field == "request_id"


def test_a_suspended_obligation_has_no_due_date_on_the_wire_either(checker: Checker) -> None:
    suspended = answer_request(
        suspended_on="2025-10-10",
        suspension_ground="force_majeure",
        suspension_notified_in_writing=True,
        answered_on=None,
        answer_type=None,
    )
    decision = checker.check(CheckRequest.model_validate({**suspended, "as_of": "2025-11-20"}))
    (obligation,) = [o for o in decision_to_proto(decision).obligations if o.id == "QL.answer_deadline"]
    assert (obligation.status, obligation.due_on, obligation.done_on) == (pb.SUSPENDED, "", "")
    assert decision_from_proto(decision_to_proto(decision)) == decision


# --- every scenario's decision, field for field -----------------------------------------


def generic_proto(decision: Decision) -> pb.Decision:
    """The Decision through protobuf's own JSON mapping of the model's JSON: slow, but it knows
    nothing of decision_to_proto, so a field that one drops, renames or changes shows as a
    difference here, and a model field the proto lacks fails ParseDict."""
    data = decision.model_dump(mode="json")
    for part in (*data["findings"], *data["undecided"], *data["coverage"], *data["obligations"]):
        for enum in ("severity", "status"):  # the models' enum values are the proto names in lower case
            if enum in part:
                part[enum] = part[enum].upper()
    return json_format.ParseDict(data, pb.Decision())


@pytest.fixture(scope="module")
def every_decision(checker: Checker) -> list[Decision]:
    """The decision of every feature scenario, and of the documents CheckDocument reads (their
    findings carry text spans)."""
    decisions = []
    for scenario in read_features(ROOT / "features"):
        case = replay.prepare(scenario, checker.lawbook.vocabulary)
        if case.request is not None:
            try:
                decisions.append(checker.check(case.request))
            except BadInput:  # the scenarios of bad input
                continue
    office = Agency(name="海城市人民政府办公室", division_code="210381", kind="government_office")
    issued = {"issued_on": "2017-04-26", "disclosure_attribute": "proactive"}
    for path in sorted((ROOT / "tests" / "documents").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for body in (text, text.replace("(此件公开发布)", "")):  # without its label: a finding read from the text
            try:
                _, decision = check_document(checker, text=body, agency=office, action="draft_document", facts=issued)
            except BadInput:  # a document dated before the day given as issued_on
                continue
            decisions.append(decision)
    return decisions


def test_every_scenario_decision_reaches_the_wire_field_for_field(every_decision: list[Decision]) -> None:
    assert len(every_decision) > 500
    parts = {"findings", "obligations", "undecided", "questions", "coverage", "packs", "conflicts", "calendars"}
    parts |= {"from_text", "fact_terms", "missing_facts", "warnings"}
    seen: set[str] = set()
    for decision in every_decision:
        msg = decision_to_proto(decision)
        expected = generic_proto(decision)
        assert msg == expected, decision.request_id
        assert msg.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)
        seen |= {name for name in parts if getattr(decision, name)}
        seen |= {"text_spans"} if any(f.text_spans for f in decision.findings) else set()
        seen |= {"document_number"} if any(f.document_number for f in decision.findings) else set()
    # the corpus exercises every repeated part, so none of them is compared empty only
    assert seen == parts | {"text_spans", "document_number"}


def test_a_fact_value_json_has_no_form_for_is_given_as_pydantic_gives_it(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(LATE))
    odd = {"inf": float("inf"), "day": dt.date(2025, 1, 2), "days": [dt.date(2025, 1, 3)], "text": "x", "no": None}
    finding = decision.findings[0].model_copy(update={"facts": odd})
    msg = decision_to_proto(decision.model_copy(update={"findings": [finding]}))
    assert struct_to_dict(msg.findings[0].facts) == {
        "inf": None,
        "day": "2025-01-02",
        "days": ["2025-01-03"],
        "text": "x",
        "no": None,
    }
