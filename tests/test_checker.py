"""The checker end to end, in process: bad input, missing facts, warnings, decisions."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import CoverageStatus, Outcome
from tests.conftest import QL_AGENCY
from tests.examples import ANSWER_FACTS, HC_LATE_2018, HC_LATE_2019, ON_TIME, UNCOVERED

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
    facts = ANSWERED | {"received_on": "2008-03-03", "answered_on": "2008-04-30"}  # before the 2008 条例
    decision = check(checker, facts)
    assert decision.packs == []
    assert decision.findings == []
    assert decision.rules_applied == []
    assert decision.outcome is Outcome.not_covered  # nothing judged it: never COMPLIANT


# --- coverage: NOT_COVERED, and what COMPLIANT rests on -----------------------------------


def by_pack(decision: object) -> dict[str, object]:
    return {c.code: c for c in decision.coverage}


def test_a_2007_answer_no_rule_in_force_covers_is_not_covered_and_says_why_for_each_pack(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(UNCOVERED))
    assert decision.outcome is Outcome.not_covered
    assert (decision.rules_applied, decision.rules_satisfied, decision.findings) == ([], [], [])
    cn08, cn, hc = by_pack(decision)["CN08"], by_pack(decision)["CN"], by_pack(decision)["HC"]
    assert (cn08.status, cn08.effective_from, cn08.rules_in_force) == (
        CoverageStatus.pack_not_in_force,
        dt.date(2008, 5, 1),
        0,
    )
    assert "2008-05-01" in cn08.note and "尚未施行" in cn08.note
    assert (cn.status, cn.effective_from) == (CoverageStatus.pack_not_in_force, dt.date(2019, 5, 15))
    assert (hc.status, hc.effective_from) == (CoverageStatus.pack_not_in_force, dt.date(2017, 4, 25))
    (warning,) = [w for w in decision.warnings if "不在规则覆盖范围" in w]
    assert cn08.note in warning and hc.note in warning and "不表示合规" in warning


def test_a_pack_with_no_rule_for_the_action_does_not_cover_it(checker: Checker) -> None:
    """The issue's own example: 海城市发展和改革局 answering in 2018, three months late. HC binds
    it but has no rule for answering requests; the 2008 条例 judges it."""
    decision = checker.check(CheckRequest.model_validate(HC_LATE_2018))
    assert decision.outcome is Outcome.non_compliant
    assert "CN08-24-p2.answer-late" in decision.breached_rules
    assert by_pack(decision)["HC"].status is CoverageStatus.no_rule_for_action
    assert "答复政府信息公开申请" in by_pack(decision)["HC"].note


def test_the_same_request_in_2019_is_judged_by_the_national_regulation(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(HC_LATE_2019))
    assert decision.outcome is Outcome.non_compliant
    assert "CN-33-p2.answer-late" in decision.breached_rules
    cn = by_pack(decision)["CN"]
    assert cn.status is CoverageStatus.applied
    assert cn.rules_in_force == len(decision.rules_applied) > 0  # HC adds no rule
    assert by_pack(decision)["HC"].status is CoverageStatus.no_rule_for_action
    assert not any("不在规则覆盖范围" in w for w in decision.warnings)


def test_a_compliant_decision_lists_the_rules_it_rests_on(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(ON_TIME))
    assert decision.outcome is Outcome.compliant
    undecided = {u.rule_id for u in decision.undecided}
    assert "QL-5-10.answer-late" in decision.rules_satisfied
    assert decision.rules_satisfied == [
        r for r in decision.rules_applied if r not in decision.breached_rules and r not in undecided
    ]
    assert {c.code: c.status for c in decision.coverage} == {
        "CN08": CoverageStatus.pack_not_in_force,  # the 2008 text binds every agency too, until 2019-05-14
        "CN": CoverageStatus.applied,
        "FEE": CoverageStatus.applied,  # the fee measures (2021) judge answers too
        "QL": CoverageStatus.applied,
    }


def rules_moved(checker: Checker, pack: str, start: dt.date) -> Checker:
    """The same rules and engine, but every rule of ``pack`` in force only from ``start``."""
    lawbook = copy.copy(checker.lawbook)
    lawbook.by_action = {
        action: [dataclasses.replace(r, effective_from=start) if r.pack.code == pack else r for r in rules]
        for action, rules in checker.lawbook.by_action.items()
    }
    return Checker(lawbook, checker.engine)


def test_a_pack_in_force_whose_rules_for_the_action_are_not_yet_in_force_does_not_cover_it(checker: Checker) -> None:
    later = checker
    for pack in ("QL", "CN", "FEE"):
        later = rules_moved(later, pack, dt.date(2026, 1, 1))
    decision = later.check(CheckRequest.model_validate(ON_TIME))
    assert decision.outcome is Outcome.not_covered
    assert [p.code for p in decision.packs] == ["CN", "FEE", "QL"]  # the packs are in force; their rules are not
    assert {c.code: c.status for c in decision.coverage} == {
        "CN08": CoverageStatus.pack_not_in_force,
        "CN": CoverageStatus.rules_not_in_force,
        "FEE": CoverageStatus.rules_not_in_force,
        "QL": CoverageStatus.rules_not_in_force,
    }
    one_left = rules_moved(checker, "QL", dt.date(2026, 1, 1)).check(CheckRequest.model_validate(ON_TIME))
    assert one_left.outcome is Outcome.compliant  # CN still judges it
    assert all(r.startswith(("CN-", "FEE-")) for r in one_left.rules_satisfied) and one_left.rules_satisfied


HC_OFFICE = {"name": "海城市人民政府办公室", "division_code": "210381", "kind": "government_office"}


def test_rules_in_force_of_which_none_could_be_decided_make_the_decision_incomplete_not_compliant(
    checker: Checker,
) -> None:
    # 2018: only HC binds, and its accountability rules are all info (提示): none is a `must`
    request = CheckRequest(agency=HC_OFFICE, action="accountability", facts={"decided_on": "2018-03-20"})
    decision = checker.check(request)
    assert decision.rules_applied and decision.rules_satisfied == [] and decision.findings == []
    assert decision.outcome is Outcome.incomplete
    assert "failings" in decision.missing_facts
    decided = checker.check(request.model_copy(update={"facts": {"decided_on": "2018-03-20", "failings": []}}))
    assert decided.outcome is Outcome.compliant  # decided: no sanction applies
    assert decided.rules_satisfied


def test_an_act_is_judged_by_the_national_text_in_force_on_its_date(checker: Checker) -> None:
    """QL's agency in 2016: the 2008 条例 only (QL from 2017-06-01, the 2019 text from 2019-05-15)."""
    facts = ANSWERED | {"received_on": "2016-03-01", "answered_on": "2016-06-30"}
    decision = check(checker, facts)
    assert [p.code for p in decision.packs] == ["CN08"]
    assert {r.split("-")[0] for r in decision.rules_applied} == {"CN08"}
    assert "CN08-24-p2.answer-late" in {f.rule_id for f in decision.findings}
    for answered_on, codes in (("2019-05-14", ["CN08", "QL"]), ("2019-05-15", ["CN", "QL"])):
        decision = check(checker, ANSWERED | {"received_on": "2019-04-19", "answered_on": answered_on})
        assert [p.code for p in decision.packs] == codes


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
