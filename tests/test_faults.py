"""Fault injection: whatever fails, no decision is COMPLIANT by accident. Here the working-day
calendar; elsewhere the engine (test_service.py, test_engine.py), the decision log
(test_service.py), a corrupted pack at start-up (test_serve.py) and at reload
(test_reload.py), a freed engine (test_reload.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Outcome
from gongkai.check.runtime import open_rules
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, open_log
from gongkai.periods.workdays import WorkingDayCalendar
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import ON_TIME, broken_calendar
from tests.packcopy import copy_ql

NOT_CHECKED = "internal error: the action was not checked"


@pytest.fixture(scope="module")
def ql(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    """QL alone: ON_TIME is COMPLIANT there, so a fault that let it through would show."""
    return open_rules(copy_ql(tmp_path_factory.mktemp("rules")))


@pytest.fixture
def served(ql: Checker, tmp_path: Path) -> Iterator[tuple[pb_grpc.ComplianceStub, DecisionLog]]:
    journal = open_log(tmp_path)
    server, port = create_server(Settings(host="127.0.0.1", port=0), ql, journal)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield pb_grpc.ComplianceStub(channel), journal
    server.stop(None)
    journal.close()


def test_the_request_is_compliant_when_nothing_fails(ql: Checker) -> None:
    assert ql.check(CheckRequest.model_validate(ON_TIME)).outcome is Outcome.compliant


def test_a_failing_calendar_is_internal_never_a_decision(
    served: tuple[pb_grpc.ComplianceStub, DecisionLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    stub, journal = served
    monkeypatch.setattr(WorkingDayCalendar, "add", broken_calendar)
    with pytest.raises(grpc.RpcError) as info:
        stub.Check(check_request_to_proto({**ON_TIME, "request_id": "calendar-1"}), timeout=30)
    assert (info.value.code(), info.value.details()) == (grpc.StatusCode.INTERNAL, NOT_CHECKED)

    batch = pb.CheckBatchRequest(requests=[check_request_to_proto({**ON_TIME, "request_id": "calendar-2"})])
    (result,) = stub.CheckBatch(batch, timeout=30).results
    assert result.WhichOneof("result") == "error"
    assert (result.error.code, result.error.message) == ("INTERNAL", NOT_CHECKED)

    for request_id in ("calendar-1", "calendar-2"):  # recorded as refused, with the reason
        entry = journal.get(request_id)
        assert entry is not None and entry.outcome == "REJECTED" and entry.decision is None
        assert entry.error == {"code": "INTERNAL", "field": "", "message": NOT_CHECKED}

    monkeypatch.undo()  # and once the calendar works again, so does the service
    assert stub.Check(check_request_to_proto(ON_TIME), timeout=30).outcome == pb.COMPLIANT
