"""Fuzzing Check and CheckBatch over gRPC: no crash, no hang, no INTERNAL/UNKNOWN. Every
invalid request is INVALID_ARGUMENT naming the field; every valid one gets a decision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.checker import Checker
from gongkai.config import Settings
from gongkai.convert import check_request_to_proto
from gongkai.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.fuzzing import hostile_request

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
