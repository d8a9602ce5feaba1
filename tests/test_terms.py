"""Chinese in: a request named in the Chinese terms of the schemas gets the decision of its English twin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.check.checker import BadInput, Checker, CheckRequest

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = json.loads((ROOT / "examples" / "answer-late.json").read_text())
CHINESE = {
    "request_id": "oa-2025-000123",
    "agency": {"name": "清流县市场监督管理局", "division_code": "350423", "kind": "政府工作部门"},
    "action": "答复政府信息公开申请",
    "facts": {
        "收到申请之日": "2025-09-26",
        "已及时登记": "是",
        "所申请信息的情形": "属于依申请公开范围的",
        "答复方式": "提供所需政务信息",
        "答复或者提供信息之日": "2025-10-24",
        "可以当场答复或者提供": "否",
        "已当场答复或者提供": "否",
        "延长了答复期限": "否",
        "不予公开情形": [],
    },
}


def decided(checker: Checker, data: dict) -> dict:
    decision = checker.check(CheckRequest.model_validate(data)).model_dump(mode="json")
    decision.pop("engine_micros"), decision.pop("total_micros")
    return decision


def test_a_chinese_request_gets_the_decision_of_its_english_twin(checker: Checker) -> None:
    english, chinese = decided(checker, ENGLISH), decided(checker, CHINESE)
    assert english["outcome"] == "NON_COMPLIANT"
    assert chinese == english


def test_mixed_names_and_chinese_numerals(checker: Checker) -> None:
    extended = {
        **ENGLISH["facts"],
        "extended": True,
        "extension_approved_by_head": True,
        "extension_notified_in_writing": True,
    }
    arabic = {**ENGLISH, "facts": {**extended, "extension_working_days": 15}}
    chinese = {**ENGLISH, "facts": {**extended, "延长的工作日数": "十五"}}
    assert decided(checker, chinese) == decided(checker, arabic)
    # the extension moved the deadline: with 15 more working days the answer is in time
    assert decided(checker, arabic)["outcome"] != decided(checker, ENGLISH)["outcome"]


@pytest.mark.parametrize(
    ("spelling", "value"), [("是", True), ("否", False), ("true", True), ("no", False), (True, True)]
)
def test_booleans_coerce_alike_in_both_languages(checker: Checker, spelling: object, value: bool) -> None:
    a = {**ENGLISH, "facts": {**ENGLISH["facts"], "registered": spelling}}
    b = {**ENGLISH, "facts": {**ENGLISH["facts"], "registered": value}}
    assert decided(checker, a) == decided(checker, b)


def test_a_word_that_is_no_boolean_is_refused_naming_the_fact(checker: Checker) -> None:
    bad = {**CHINESE, "facts": {**CHINESE["facts"], "已及时登记": "也许"}}
    with pytest.raises(BadInput) as refused:
        checker.check(CheckRequest.model_validate(bad))
    assert "registered" in refused.value.field


def test_an_unknown_chinese_value_is_refused(checker: Checker) -> None:
    bad = {**CHINESE, "facts": {**CHINESE["facts"], "答复方式": "口头敷衍"}}
    with pytest.raises(BadInput) as refused:
        checker.check(CheckRequest.model_validate(bad))
    assert "answer_type" in refused.value.field
