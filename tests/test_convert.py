"""Proto ⇄ pydantic: nothing lost on the way to the wire and back."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import CoverageStatus, ObligationStatus, Outcome
from gongkai.facts import ACTIONS
from gongkai.packs.pack import Severity
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
