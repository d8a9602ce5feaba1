"""Fuzzing Check and CheckBatch over gRPC: no crash, no hang, no INTERNAL/UNKNOWN. Every
invalid request is INVALID_ARGUMENT naming the field; every valid one gets a decision.

Two strategies (tests/fuzzing.py): hostile requests, malformed anywhere, and plausible ones,
valid but for a few facts of their action kind's schema, which reach the fact validation,
the derivations, the deadlines and the engine; a plausible case knows its answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai.check.checker import Checker
from gongkai.config import Settings
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.conftest import QL_AGENCY
from tests.fuzzing import Case, complaint, hostile_request, plausible_case

FIELDS = ("facts", "agency", "action", "as_of", "request_id", "requests")


@pytest.fixture(scope="module")
def stub(checker: Checker) -> Iterator[pb_grpc.ComplianceStub]:
    server, port = create_server(Settings(host="127.0.0.1", port=0, max_batch=20), checker)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield pb_grpc.ComplianceStub(channel)
    server.stop(None)


def to_proto(request: dict[str, Any]) -> pb.CheckRequest | None:
    try:
        return check_request_to_proto(request)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None  # not representable on the wire at all (e.g. a non-string key): nothing to send


def assert_answer_or_field_error(call: Any, message: Any) -> None:
    try:
        call(message, timeout=30)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
        assert error.details().split(".")[0].split(":")[0].split("[")[0] in FIELDS, error.details()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(request=hostile_request())
def test_check_answers_every_input_with_a_decision_or_a_named_field(
    stub: pb_grpc.ComplianceStub, request: dict
) -> None:
    message = to_proto(request)
    if message is not None:
        assert_answer_or_field_error(stub.Check, message)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(requests=st.lists(hostile_request(), max_size=6))
def test_a_batch_answers_each_item_with_a_decision_or_its_own_error(
    stub: pb_grpc.ComplianceStub, requests: list
) -> None:
    messages = [m for m in map(to_proto, requests) if m is not None]
    reply = stub.CheckBatch(pb.CheckBatchRequest(requests=messages), timeout=60)
    assert len(reply.results) == len(messages)
    for result in reply.results:
        if result.HasField("error"):
            assert result.error.code == "INVALID_ARGUMENT", result.error
            assert result.error.field.split(".")[0].split("[")[0] in (*FIELDS, ""), result.error


def to_proto_plausible(case: Case) -> pb.CheckRequest:
    message = to_proto(case.request)
    assert message is not None, f"a plausible request that protobuf cannot carry: {case!r:.2000}"
    return message


def not_a_number(value: float) -> Case:
    """NaN and ±inf travel as "nan"/"inf" and were taken as a percentage (found by the fuzzing)."""
    facts = {"year": 2025, "disclosure_weight_percent": value}
    request = {"agency": QL_AGENCY, "action": "annual_programme", "as_of": "2025-10-30", "facts": facts}
    return Case(request, broken=frozenset({"disclosure_weight_percent"}))


def answered_before_received() -> Case:
    """An answer dated the day before the request was received: refused, naming the answer."""
    facts = {"received_on": "2025-09-26", "answered_on": "2025-09-25"}
    request = {"agency": QL_AGENCY, "action": "answer_request", "facts": facts}
    return Case(request, broken=frozenset({"answered_on"}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=plausible_case())
@example(case=answered_before_received())
@example(case=not_a_number(float("nan")))
@example(case=not_a_number(float("inf")))
@example(case=not_a_number(-float("inf")))
def test_check_decides_a_plausible_request_or_names_the_fact_it_refuses(
    stub: pb_grpc.ComplianceStub, case: Case
) -> None:
    try:
        stub.Check(to_proto_plausible(case), timeout=30)
    except grpc.RpcError as error:
        wrong = complaint(case, error.code().name, error.details())
    else:
        wrong = complaint(case, None)
    assert wrong is None, f"{wrong}\n{case!r:.3000}"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases=st.lists(plausible_case(), min_size=1, max_size=6))
def test_a_batch_decides_each_plausible_request_or_names_the_fact_it_refuses(
    stub: pb_grpc.ComplianceStub, cases: list[Case]
) -> None:
    batch = pb.CheckBatchRequest(requests=[to_proto_plausible(c) for c in cases])
    reply = stub.CheckBatch(batch, timeout=60)
    assert len(reply.results) == len(cases)
    for case, result in zip(cases, reply.results, strict=True):
        if result.HasField("error"):
            wrong = complaint(case, result.error.code, result.error.field)
        else:
            wrong = complaint(case, None)
        assert wrong is None, f"{wrong}\n{case!r:.3000}"
