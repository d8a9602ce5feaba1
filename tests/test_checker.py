"""The checker end to end, in process: bad input, missing facts, warnings, decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import Outcome
from tests.conftest import QL_AGENCY
from tests.examples import ANSWER_FACTS

ANSWERED = ANSWER_FACTS  # the late answer of tests/examples.py


def check(checker: Checker, facts: dict, **kw: object) -> object:
    return checker.check(CheckRequest(agency=QL_AGENCY, action="answer_request", facts=facts, **kw))


def test_a_late_answer_names_the_clause_quotes_it_and_shows_the_deciding_facts(checker: Checker) -> None:
    decision = check(checker, ANSWERED)
    assert decision.outcome is Outcome.non_compliant
    (finding,) = decision.findings
    assert finding.rule_id == "QL-5-10.answer-late"
    assert finding.clause_id == "QL-5-10"
    assert finding.clause_text.startswith("第十条 对要求公开政务信息的申请,可以当场答复或者提供的")
    assert finding.document == "清流县市场监督管理局政务公开制度"
    assert finding.facts["answer_deadline_overdue"] == 1
    assert finding.facts["received_on"] == "2025-09-26"
    assert finding.facts["answer_deadline_due"] == "2025-10-23"
    assert decision.as_of == dt.date(2025, 10, 24)  # the date of the action itself
    assert [p.code for p in decision.packs] == ["CN", "FEE", "QL"]  # the national law binds every agency
    assert decision.jurisdiction == "福建省三明市清流县"
    assert len(decision.ruleset_version) == 16


def test_a_missing_fact_makes_the_decision_incomplete_and_is_named(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "registered"} | {"answered_on": "2025-10-23"}
    decision = check(checker, facts)
    assert decision.outcome is Outcome.incomplete
    assert decision.missing_facts == ["registered"]


def test_a_derived_fact_that_is_missing_is_traced_to_the_callers_fact(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "received_on"}
    decision = check(checker, facts)
    assert "received_on" in decision.missing_facts
    assert "answer_deadline_overdue" not in decision.missing_facts


def test_a_breach_beats_a_missing_fact(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "extended"}
    decision = check(checker, facts)
    assert decision.outcome is Outcome.non_compliant
    assert "extended" in decision.missing_facts


def test_a_date_beyond_the_published_calendar_is_answered_with_a_warning(checker: Checker) -> None:
    facts = ANSWERED | {"received_on": "2099-12-10", "answered_on": "2099-12-30"}
    decision = check(checker, facts)
    assert decision.outcome is Outcome.compliant
    assert any("2099" in w and "尚未收录" in w for w in decision.warnings)


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        ({"received_on": "not a date"}, "facts.received_on", "valid date"),
        ({"registered": "perhaps"}, "facts.registered", "valid boolean"),
        ({"colour": "red"}, "facts.colour", "extra inputs are not permitted"),
        ({"answer_type": "lost"}, "facts.answer_type", "provided"),
        ({"exemptions": "state_secret"}, "facts.exemptions", "valid list"),
    ],
)
def test_bad_facts_are_rejected_naming_the_field(checker: Checker, facts: dict, field: str, words: str) -> None:
    with pytest.raises(BadInput) as error:
        check(checker, facts)
    assert error.value.field == field
    assert words in error.value.message


def test_an_unknown_action_kind_lists_the_known_ones(checker: Checker) -> None:
    with pytest.raises(BadInput) as error:
        checker.check(CheckRequest(agency=QL_AGENCY, action="answer", facts={}))
    assert error.value.field == "action"
    assert "answer_request" in error.value.message


def test_a_division_code_not_in_gb_t_2260_is_rejected(checker: Checker) -> None:
    agency = {"name": "某某县人民政府办公室", "division_code": "999999", "kind": "government_office"}
    with pytest.raises(BadInput) as error:
        checker.check(CheckRequest(agency=agency, action="answer_request", facts={}))
    assert error.value.field == "agency.division_code"
    assert "350423" in error.value.message


def test_an_unknown_agency_kind_is_rejected_naming_the_field(checker: Checker) -> None:
    with pytest.raises(ValueError, match="kind"):
        CheckRequest(agency=QL_AGENCY | {"kind": "ministry"}, action="answer_request", facts={})


def test_an_act_before_the_pack_took_effect_is_not_judged_by_it(checker: Checker) -> None:
    facts = ANSWERED | {"received_on": "2016-03-01", "answered_on": "2016-06-30"}
    decision = check(checker, facts)
    assert decision.packs == []
    assert decision.findings == []
    assert decision.rules_applied == []


# --- 条例第三十一条: the receipt date by channel, and timestamps dated in Beijing time ---------


def test_the_periods_run_from_the_signing_day_when_no_receipt_date_is_given(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "received_on"} | {"post_signed_for_on": "2025-09-26"}
    decision = check(checker, facts)
    due = {o.id: (o.starts_on, o.due_on) for o in decision.obligations}
    assert due["QL.answer_deadline"] == (dt.date(2025, 9, 26), dt.date(2025, 10, 23))
    assert due["CN.national_answer_deadline"] == (dt.date(2025, 9, 26), dt.date(2025, 10, 30))
    assert "received_on" not in decision.missing_facts
    assert [f.rule_id for f in decision.findings] == ["QL-5-10.answer-late"]


def test_a_receipt_date_against_article_31_is_a_finding_naming_both_dates(checker: Checker) -> None:
    """The day the parcel reached the office is not the receipt date: the periods run from the
    signature and the finding shows both dates."""
    facts = ANSWERED | {"post_signed_for_on": "2025-09-26", "received_on": "2025-10-09", "answered_on": "2025-10-23"}
    decision = check(checker, facts)
    findings = {f.rule_id: f for f in decision.findings}
    assert set(findings) == {"CN-31-2.receipt-not-signed-or-confirmed-day"}
    shown = findings["CN-31-2.receipt-not-signed-or-confirmed-day"].facts
    assert (shown["received_on"], shown["lawful_received_on"]) == ("2025-10-09", "2025-09-26")
    assert shown["post_signed_for_on"] == "2025-09-26"
    ql = next(o for o in decision.obligations if o.id == "QL.answer_deadline")
    assert (ql.starts_on, ql.due_on, ql.status.value) == (dt.date(2025, 9, 26), dt.date(2025, 10, 23), "met")


def test_a_late_answer_shows_the_receipt_date_it_was_counted_from(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "received_on"} | {"submitted_in_person_on": "2025-09-26"}
    (finding,) = check(checker, facts).findings
    assert finding.rule_id == "QL-5-10.answer-late"
    assert finding.facts["request_received_on"] == "2025-09-26"
    assert finding.facts["submitted_in_person_on"] == "2025-09-26"


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2025-01-26T18:10:00Z", "2025-01-27"),  # already the 27th in Beijing
        ("2025-01-26T15:59:59Z", "2025-01-26"),  # one second before midnight in Beijing
        ("2025-01-26T16:00:00+00:00", "2025-01-27"),
        ("2025-01-27T00:30:00+08:00", "2025-01-27"),
        ("2025-01-26T23:30:00-05:00", "2025-01-27"),
        ("2025-01-26T23:30:00", "2025-01-26"),  # no offset: a time on the agency's (Beijing) clock
        ("2025-01-26 08:00", "2025-01-26"),
        ("2025-01-26", "2025-01-26"),
    ],
)
def test_submission_and_confirmation_timestamps_are_dated_in_beijing_time(
    checker: Checker, stamp: str, day: str
) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "received_on"}
    facts |= {"online_or_fax_submitted_on": stamp, "confirmed_with_applicant_on": stamp}
    national = next(o for o in check(checker, facts).obligations if o.id == "CN.national_answer_deadline")
    assert national.starts_on == dt.date.fromisoformat(day)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2025-01-26T25:00:00Z", "valid date"),
        ("2025-02-30T10:00:00+08:00", "valid date"),
        ("0001-01-01T00:00:00+14:00", "a date between"),
        ("2199-12-31T23:00:00-12:00", "a date between"),
        ("2025-01-26Tnoon", "valid date"),
    ],
)
def test_a_bad_timestamp_is_refused_naming_the_field(checker: Checker, value: str, words: str) -> None:
    with pytest.raises(BadInput) as error:
        check(checker, {"confirmed_with_applicant_on": value})
    assert error.value.field == "facts.confirmed_with_applicant_on"
    assert words in error.value.message


def test_an_unconfirmed_online_request_asks_for_the_confirmation(checker: Checker) -> None:
    facts = {k: v for k, v in ANSWERED.items() if k != "received_on"} | {"online_or_fax_submitted_on": "2025-09-26"}
    decision = check(checker, facts)
    assert "confirmed_with_applicant_on" in decision.missing_facts
    assert "received_on" not in decision.missing_facts
    assert not any(o.id.endswith("answer_deadline") for o in decision.obligations)
