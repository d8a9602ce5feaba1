"""Request ids are idempotent (issue 12, item 6): the first decision under an id holds it; the
same request again gets that decision and logs nothing new; a different request under it is
ALREADY_EXISTS (and logged as refused); a rejection holds no id; GetDecision is never hidden
by a later request reusing an id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Filters, Refused, Replayed, open_log
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, ON_TIME, answer_request


@pytest.fixture
def served(checker: Checker, tmp_path: Path) -> Iterator[tuple[str, DecisionLog]]:
    journal = open_log(tmp_path)
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker, journal)
    server.start()
    yield f"127.0.0.1:{port}", journal
    server.stop(None)
    journal.close()


@pytest.fixture
def stub(served: tuple[str, DecisionLog]) -> Iterator[pb_grpc.ComplianceStub]:
    with grpc.insecure_channel(served[0]) as channel:
        yield pb_grpc.ComplianceStub(channel)


def check(stub: pb_grpc.ComplianceStub, request: dict[str, Any]) -> pb.Decision:
    return stub.Check(check_request_to_proto(request), timeout=30)


def entries(journal: DecisionLog, request_id: str) -> list[tuple[str, str]]:
    """(outcome, error code) of every entry under the id, in order."""
    return [(e.outcome, (e.error or {}).get("code", "")) for e in journal.page(Filters()) if e.request_id == request_id]


def test_the_same_request_again_gets_the_logged_decision_and_logs_nothing(
    stub: pb_grpc.ComplianceStub, served: tuple[str, DecisionLog]
) -> None:
    first = check(stub, {**LATE, "request_id": "same-1"})
    again = check(stub, {**LATE, "request_id": "same-1"})
    assert again == first  # the decision as logged, timings included: not a new check
    assert entries(served[1], "same-1") == [("NON_COMPLIANT", "")]


def test_a_different_request_under_a_held_id_is_already_exists(
    stub: pb_grpc.ComplianceStub, served: tuple[str, DecisionLog]
) -> None:
    check(stub, {**LATE, "request_id": "held-1"})
    with pytest.raises(grpc.RpcError) as refused:
        check(stub, {**ON_TIME, "request_id": "held-1"})
    assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert refused.value.details().startswith("request_id: 请求编号已被内容不同的另一请求使用(第 1 条记录)")
    logged = stub.GetDecision(pb.GetDecisionRequest(request_id="held-1"), timeout=30)
    assert (logged.seq, logged.outcome) == (1, "NON_COMPLIANT")  # not hidden by the refused one
    assert entries(served[1], "held-1") == [("NON_COMPLIANT", ""), ("REJECTED", "ALREADY_EXISTS")]
    assert served[1].page(Filters())[-1].error["kind"] == "already_exists"
    assert served[1].verify() == []


def test_a_batch_replays_and_refuses_item_by_item(
    stub: pb_grpc.ComplianceStub, served: tuple[str, DecisionLog]
) -> None:
    items = [{**LATE, "request_id": "b-1"}, {**LATE, "request_id": "b-1"}, {**ON_TIME, "request_id": "b-1"}]
    items.append({**ON_TIME, "request_id": "b-2"})
    reply = stub.CheckBatch(pb.CheckBatchRequest(requests=[check_request_to_proto(i) for i in items]), timeout=30)
    first, same, different, other = reply.results
    assert same.decision == first.decision and first.decision.outcome == pb.NON_COMPLIANT
    assert (different.error.code, different.error.field) == ("ALREADY_EXISTS", "request_id")
    assert other.decision.outcome == pb.COMPLIANT
    assert entries(served[1], "b-1") == [("NON_COMPLIANT", ""), ("REJECTED", "ALREADY_EXISTS")]


def test_a_rejected_request_holds_no_id(stub: pb_grpc.ComplianceStub, served: tuple[str, DecisionLog]) -> None:
    with pytest.raises(grpc.RpcError) as bad:
        check(stub, answer_request("fixed-1", received_on="not a date"))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    rejected = stub.GetDecision(pb.GetDecisionRequest(request_id="fixed-1"), timeout=30)
    assert rejected.outcome == "REJECTED"  # until a decision is made under the id, the rejection shows
    fixed = check(stub, {**LATE, "request_id": "fixed-1"})  # corrected and sent again under its id
    assert fixed.outcome == pb.NON_COMPLIANT
    with pytest.raises(grpc.RpcError) as again:  # a bad request under the id now: rejected, the decision stays
        check(stub, answer_request("fixed-1", received_on="still not a date"))
    assert again.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    logged = stub.GetDecision(pb.GetDecisionRequest(request_id="fixed-1"), timeout=30)
    assert (logged.outcome, json.loads(logged.decision_json)["request_id"]) == ("NON_COMPLIANT", "fixed-1")
    assert entries(served[1], "fixed-1") == [
        ("REJECTED", "INVALID_ARGUMENT"),
        ("NON_COMPLIANT", ""),
        ("REJECTED", "INVALID_ARGUMENT"),
    ]


def test_the_same_request_sent_at_once_from_many_clients_is_logged_once(
    served: tuple[str, DecisionLog],
) -> None:
    def send(_: int) -> pb.Decision:
        with grpc.insecure_channel(served[0]) as channel:
            return check(pb_grpc.ComplianceStub(channel), {**LATE, "request_id": "race-1"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(send, range(32)))
    assert all(reply == replies[0] for reply in replies)
    assert entries(served[1], "race-1") == [("NON_COMPLIANT", "")]


def test_sameness_is_what_the_request_asks_not_how_it_is_written(tmp_path: Path, checker: Checker) -> None:
    """A whole number as a double (what Struct sends), facts in another order, a fact sent as
    null: the same request. Another value, or another as-of date: a different one."""
    log = open_log(tmp_path)

    def record(request: dict[str, Any]) -> object:
        model = CheckRequest.model_validate(request)
        return log.record_decision(model, checker.check(model))

    assert record(answer_request("w-1", extended=True, extension_working_days=3)).seq == 1
    rewritten = answer_request("w-1", extended=True, extension_working_days=3.0)
    rewritten["facts"] = dict(reversed(list(rewritten["facts"].items()))) | {"extension_approved_by_head": None}
    replayed = record(rewritten)
    assert isinstance(replayed, Replayed) and replayed.seq == 1
    assert isinstance(record(answer_request("w-1", extended=True, extension_working_days=4)), Refused)
    as_of = {**answer_request("w-1", extended=True, extension_working_days=3), "as_of": "2025-12-01"}
    assert isinstance(record(as_of), Refused)
    assert [e.outcome for e in log.page(Filters())][1:] == ["REJECTED", "REJECTED"]  # the refusals only


def test_ids_the_server_makes_hold_nothing(stub: pb_grpc.ComplianceStub, served: tuple[str, DecisionLog]) -> None:
    first, second = check(stub, LATE), check(stub, LATE)
    assert first.request_id != second.request_id
    assert len(served[1].page(Filters(outcome="NON_COMPLIANT"))) == 2
