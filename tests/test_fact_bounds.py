"""Numbers a fact schema bounds, each tested on both sides of its bound, and numbers the engine
must read however Python writes them (found by the fuzzing, tests/fuzzing.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import Decision, Outcome
from gongkai.engine.durable import fact_json

HC_OFFICE = {"name": "海城市人民政府办公室", "division_code": "210381", "kind": "government_office"}
NINGHUA_BUREAU = {"name": "宁化县市场监督管理局", "division_code": "350424", "kind": "department"}


def check(checker: Checker, agency: dict[str, str], action: str, facts: dict[str, Any]) -> Decision:
    request = {"agency": agency, "action": action, "as_of": "2025-10-30", "facts": facts}
    return checker.check(CheckRequest.model_validate(request))


def refused_field(checker: Checker, agency: dict[str, str], action: str, facts: dict[str, Any]) -> str:
    with pytest.raises(BadInput) as refused:
        check(checker, agency, action, facts)
    return refused.value.field


def extension(days: int) -> dict[str, Any]:
    return {"received_on": "2025-09-26", "extended": True, "extension_approved_by_head": True,
            "extension_working_days": days}  # fmt: skip


def test_an_extension_of_3650_working_days_is_judged_a_breach_and_3651_is_refused(checker: Checker) -> None:
    decision = check(checker, NINGHUA_BUREAU, "answer_request", extension(3650))
    assert "CN-33-p2.extension-too-long" in {f.rule_id for f in decision.findings}
    assert refused_field(checker, NINGHUA_BUREAU, "answer_request", extension(3651)) == "facts.extension_working_days"
    # ten million working days ran the due date past the calendar (INTERNAL) and took 0.6 s
    assert refused_field(checker, NINGHUA_BUREAU, "answer_request", extension(10_000_000)) == (
        "facts.extension_working_days"
    )


def test_an_extension_is_never_negative(checker: Checker) -> None:
    findings = {f.rule_id for f in check(checker, NINGHUA_BUREAU, "answer_request", extension(0)).findings}
    assert "CN-33-p2.extension-too-long" not in findings
    assert refused_field(checker, NINGHUA_BUREAU, "answer_request", extension(-1)) == "facts.extension_working_days"


@pytest.mark.parametrize(("weight", "allowed"), [(0, True), (-0.01, False), (100, True), (100.01, False)])
def test_a_percentage_lies_between_0_and_100(checker: Checker, weight: float, allowed: bool) -> None:
    facts = {"year": 2025, "disclosure_weight_percent": weight}
    if allowed:  # judged: below HC's 4 % or not
        findings = {f.rule_id for f in check(checker, HC_OFFICE, "annual_programme", facts).findings}
        assert ("HC-1-3-s2.weight-too-low" in findings) is (weight < 4)
    else:
        assert refused_field(checker, HC_OFFICE, "annual_programme", facts) == "facts.disclosure_weight_percent"


@pytest.mark.parametrize(("count", "allowed"), [(0, True), (-1, False)])
def test_a_count_is_never_negative(checker: Checker, count: int, allowed: bool) -> None:
    facts = {"year": 2025, "principal_briefings": count}
    if allowed:  # none at all is judged too few
        findings = {f.rule_id for f in check(checker, HC_OFFICE, "annual_programme", facts).findings}
        assert "HC-1-1-s2.too-few-briefings" in findings
    else:
        assert refused_field(checker, HC_OFFICE, "annual_programme", facts) == "facts.principal_briefings"


@pytest.mark.parametrize(("year", "allowed"), [(1949, True), (1948, False), (2199, True), (2200, False)])
def test_a_year_lies_in_the_range_of_dates(checker: Checker, year: int, allowed: bool) -> None:
    if allowed:  # decided by the rules, not refused
        assert check(checker, HC_OFFICE, "annual_programme", {"year": year}).rules_applied
    else:
        assert refused_field(checker, HC_OFFICE, "annual_programme", {"year": year}) == "facts.year"


@pytest.mark.parametrize("weight", [1e-05, 5e-324, 2.5e-07])
def test_the_engine_reads_a_number_python_writes_with_an_exponent(checker: Checker, weight: float) -> None:
    # durable-rules refused "1e-05" (no decimal point): the check was INTERNAL
    decision = check(checker, HC_OFFICE, "annual_programme", {"year": 2025, "disclosure_weight_percent": weight})
    assert "HC-1-3-s2.weight-too-low" in {f.rule_id for f in decision.findings}
    assert decision.outcome is Outcome.non_compliant


def test_fact_json_writes_every_exponent_with_a_decimal_point_and_keeps_the_values() -> None:
    fact = {"a": 1e-05, "b": 1e16, "c": 1.5, "d": 5e-324, "e": "1e5", "f": 3, "g": True}
    text = fact_json(fact)
    assert json.loads(text) == fact
    assert '"a":1.0e-05' in text.replace(" ", "") and '"b":1.0e+16' in text.replace(" ", "")
    assert fact_json({"c": 1.5, "f": 3}) == json.dumps({"c": 1.5, "f": 3})  # the usual case untouched


def fee(**facts: Any) -> dict[str, Any]:
    return {"received_on": "2025-09-26", "answered_on": "2025-10-20", "fee_charged_on": "2025-10-20"} | facts


@pytest.mark.parametrize(("ordinal", "allowed"), [(1, True), (0, False), (100_000, True), (100_001, False)])
def test_a_requests_ordinal_in_the_month_lies_between_1_and_100000(
    checker: Checker, ordinal: int, allowed: bool
) -> None:
    facts = fee(fee_method="by_piece", monthly_request_ordinal=ordinal, fee_amount=200)
    if allowed:  # the 1st is free; the 100000th may cost 100元 + 100元 for each band of 10 from the 31st
        findings = {f.rule_id for f in check(checker, NINGHUA_BUREAU, "answer_request", facts).findings}
        assert ("FEE-4-1.charged-within-free-allowance" in findings) is (ordinal == 1)
        assert "FEE-4-3.above-progressive-rate" not in findings
    else:
        assert refused_field(checker, NINGHUA_BUREAU, "answer_request", facts) == "facts.monthly_request_ordinal"


@pytest.mark.parametrize(("pages", "allowed"), [(0, True), (-1, False), (10_000_000, True), (10_000_001, False)])
def test_the_pages_provided_lie_between_0_and_ten_million(checker: Checker, pages: int, allowed: bool) -> None:
    facts = fee(fee_method="by_volume", copies_requested=True, pages_provided=pages, fee_amount=10)
    if allowed:  # no page is free of charge only up to 30
        findings = {f.rule_id for f in check(checker, NINGHUA_BUREAU, "answer_request", facts).findings}
        assert ("FEE-5-1.charged-within-free-pages" in findings) is (pages == 0)
    else:
        assert refused_field(checker, NINGHUA_BUREAU, "answer_request", facts) == "facts.pages_provided"


@pytest.mark.parametrize(("amount", "allowed"), [(0, True), (-0.01, False), (1e9, True), (1e9 + 1, False)])
def test_a_fee_lies_between_0_and_a_billion_yuan(checker: Checker, amount: float, allowed: bool) -> None:
    facts = fee(fee_method="by_piece", monthly_request_ordinal=12, fee_amount=amount)
    if allowed:  # 0: nothing charged; a billion: far above the 12th request's 100元
        findings = {f.rule_id for f in check(checker, NINGHUA_BUREAU, "answer_request", facts).findings}
        assert ("FEE-4-2.above-first-band-rate" in findings) is (amount > 0)
    else:
        assert refused_field(checker, NINGHUA_BUREAU, "answer_request", facts) == "facts.fee_amount"
