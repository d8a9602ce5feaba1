"""Lateness is counted from the due date: a day after it is late even when it is no working day."""

from __future__ import annotations

import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import ObligationStatus, Outcome
from tests.examples import LATE_RULE, answer_request

CASES = {
    # received 09-10: the 15th working day is Tuesday 09-30; 10-01..10-08 is the National Day holiday
    "on the last working day": ("2025-09-10", "2025-09-30", Outcome.compliant, 0),
    "on the holiday right after it": ("2025-09-10", "2025-10-01", Outcome.non_compliant, 1),
    "on the first working day after the holiday": ("2025-09-10", "2025-10-09", Outcome.non_compliant, 1),
    # received Friday 11-07: the 15th working day is Friday 11-28
    "on the Saturday after a Friday due date": ("2025-11-07", "2025-11-29", Outcome.non_compliant, 1),
    "on the Monday after it": ("2025-11-07", "2025-12-01", Outcome.non_compliant, 1),
}


@pytest.mark.parametrize(("received", "answered", "outcome", "overdue"), CASES.values(), ids=CASES.keys())
def test_an_answer_after_the_due_date_is_late_even_on_a_day_off(
    checker: Checker, received: str, answered: str, outcome: Outcome, overdue: int
) -> None:
    request = answer_request(received_on=received, answered_on=answered)
    decision = checker.check(CheckRequest.model_validate(request))
    assert decision.outcome is outcome
    # the QL period (15 working days); the 条例's 20 (CN) is not yet due on any of these days
    (obligation,) = [o for o in decision.obligations if o.id == "QL.answer_deadline"]
    assert (obligation.status is ObligationStatus.missed) == (overdue > 0)
    if overdue:
        (finding,) = decision.findings
        assert (finding.rule_id, finding.facts["answer_deadline_overdue"]) == (LATE_RULE, overdue)
