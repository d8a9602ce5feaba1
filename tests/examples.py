"""Example requests shared by the service and CLI tests (QL: 答复政府信息公开申请)."""

from __future__ import annotations

from typing import Any

from tests.conftest import QL_AGENCY

# Received 2025-09-26 (a Friday); 15 working days, skipping the National Day holiday
# (10-01..10-08) and counting the 调休 Saturday 10-11, end on 2025-10-23.
ANSWER_FACTS: dict[str, Any] = {
    "received_on": "2025-09-26",
    "registered": True,
    "answerable_on_the_spot": False,
    "answered_on_the_spot": False,
    "extended": False,
    "exemptions": [],
    "request_circumstances": [],  # 条例: none of 第二十九条、第三十五条、第三十七条、第三十九条、第四十三条
    "requested_form_followed": True,  # 条例第四十条
    "information_status": "on_request",
    "answer_type": "provided",
    "answered_on": "2025-10-24",
}
DUE_ON = "2025-10-23"
LATE_RULE = "QL-5-10.answer-late"


def answer_request(request_id: str | None = None, **facts: Any) -> dict[str, Any]:
    """The late answer, with facts replaced (a value of None drops the fact)."""
    merged = {k: v for k, v in {**ANSWER_FACTS, **facts}.items() if v is not None}
    request: dict[str, Any] = {"agency": dict(QL_AGENCY), "action": "answer_request", "facts": merged}
    if request_id is not None:
        request["request_id"] = request_id
    return request


LATE = answer_request()  # NON_COMPLIANT: QL-5-10.answer-late
ON_TIME = answer_request(answered_on=DUE_ON)  # COMPLIANT
UNREGISTERED = answer_request(answered_on=DUE_ON, registered=None)  # INCOMPLETE: registered missing


# 海城市发展和改革局: bound by HC (from 2017-04-25; no rule for answering a request) and by the
# 条例 (CN08 2008-05-01 to 2019-05-14, CN from 2019-05-15). Answered three months after receipt:
# in 2007 no rule in force covers it; in 2018 the 2008 text judges it, in 2019 the 2019 text.
HC_AGENCY = {"name": "海城市发展和改革局", "division_code": "210381", "kind": "department"}


def hc_answer(received_on: str, answered_on: str) -> dict[str, Any]:
    facts = {k: v for k, v in ANSWER_FACTS.items() if k != "registered"}  # a QL fact: CN has no such rule
    facts |= {"received_on": received_on, "answered_on": answered_on}
    return {"agency": dict(HC_AGENCY), "action": "answer_request", "facts": facts}


UNCOVERED = hc_answer("2007-09-20", "2007-12-24")  # NOT_COVERED: before the 2008 条例 and HC
HC_LATE_2018 = hc_answer("2018-09-20", "2018-12-24")  # NON_COMPLIANT: CN08-24-p2 (HC has no rule for it)
HC_LATE_2019 = hc_answer("2019-06-20", "2019-09-24")  # NON_COMPLIANT: CN-33-p2.answer-late


def broken_calendar(*_args: object, **_kwargs: object) -> None:
    """Put in place of ``WorkingDayCalendar.add``, which every working-day deadline counts with."""
    raise RuntimeError("the working-day calendar failed on purpose")
