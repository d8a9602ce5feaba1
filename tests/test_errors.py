"""Errors as data (issue 14, item 3): every violation of a request, not just the first, each
with its field path, a Chinese message and the English one and its kind; in gRPC as
google.rpc.BadRequest field violations in the status details, in a batch as the item's
violations; never the value sent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from pydantic import BaseModel, Field, ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest, parse_request
from gongkai.check.violations import CHINESE, INVALID, MAX_VIOLATIONS, violations
from gongkai.config import Settings
from gongkai.facts import ACTIONS
from gongkai.service.convert import STATUS_DETAILS_BYTES, check_request_to_proto
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.conftest import QL_AGENCY
from tests.examples import LATE, answer_request

SECRET = "李四,身份证号 350423199001011234"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def stub(checker: Checker) -> Iterator[pb_grpc.ComplianceStub]:
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield pb_grpc.ComplianceStub(channel)
    server.stop(None)


def refused(call: Any, request: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=30)
    return info.value


def bad_request(error: grpc.RpcError) -> error_details_pb2.BadRequest:
    status = rpc_status.from_call(error)
    assert status is not None, "no status details"
    (detail,) = status.details
    found = error_details_pb2.BadRequest()
    assert detail.Unpack(found)
    return found


def test_check_lists_every_violation_as_bad_request_field_violations(stub: pb_grpc.ComplianceStub) -> None:
    request = answer_request(received_on="someday", registered="perhaps", extension_working_days=2.5)
    request["facts"]["favourite_colour"] = SECRET
    request["agency"] = {**QL_AGENCY, "kind": "ministry"}
    error = refused(stub.Check, check_request_to_proto(request))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = bad_request(error).field_violations
    assert [(v.field, v.reason) for v in violations] == [
        ("agency.kind", "enum"),
        ("facts.received_on", "date_from_datetime_parsing"),
        ("facts.registered", "bool_parsing"),
        ("facts.extension_working_days", "int_from_float"),
        ("facts.favourite_colour", "extra_forbidden"),
    ]
    for v in violations:
        assert v.localized_message.locale == "zh-CN" and CJK.search(v.localized_message.message)
        assert v.description and not CJK.search(v.description)  # English
    assert violations[2].localized_message.message == "应为是或否(true/false、是/否)"
    assert error.details().startswith("agency.kind: ") and "另有 4 处" in error.details()
    shown = b"".join(v.SerializeToString() for v in violations)
    for value in (SECRET, "someday", "perhaps"):
        assert value.encode() not in shown


def test_a_single_fault_is_one_violation_and_the_message_is_as_before(stub: pb_grpc.ComplianceStub) -> None:
    error = refused(stub.Check, check_request_to_proto({**LATE, "action": "answer_requests"}))
    # the action sent is not repeated (it may hold anything: issue 12's privacy)
    assert error.details().startswith("action: 未知的行为类型") and "answer_requests" not in error.details()
    (violation,) = bad_request(error).field_violations
    assert (violation.field, violation.reason) == ("action", "unknown_action")
    assert violation.localized_message.message.startswith("未知的行为类型")


def test_the_facts_and_an_unknown_division_are_reported_together(checker: Checker) -> None:
    request = answer_request(registered="perhaps")
    request["agency"] = {**QL_AGENCY, "division_code": "999999"}
    with pytest.raises(BadInput) as info:
        checker.check(CheckRequest.model_validate(request))
    assert [(v.field, v.kind) for v in info.value.violations] == [
        ("facts.registered", "bool_parsing"),
        ("agency.division_code", "unknown_division"),
    ]


def test_violations_past_what_a_status_may_carry_are_cut_and_the_message_says_so(
    stub: pb_grpc.ComplianceStub,
) -> None:
    facts = {f"unknown_fact_{n:03}_{'x' * 40}": True for n in range(200)}
    error = refused(stub.Check, check_request_to_proto(answer_request(**facts)))
    violations = bad_request(error).field_violations
    assert 0 < len(violations) < MAX_VIOLATIONS  # the budget cut it
    assert bad_request(error).ByteSize() <= STATUS_DETAILS_BYTES
    assert "另有 199 处" in error.details()
    assert f"状态详情列出前 {len(violations)} 处" in error.details()


def test_at_most_fifty_violations_are_listed_and_all_are_counted() -> None:
    request = answer_request(**{f"unknown_{n}": 1 for n in range(80)})
    with pytest.raises(BadInput) as info:
        parse_request({**request, "as_of": "x"})
    assert len(info.value.violations) == MAX_VIOLATIONS
    assert info.value.total == 81  # as_of and the 80 unknown facts


def test_a_batch_item_carries_its_violations(stub: pb_grpc.ComplianceStub) -> None:
    bad = answer_request("v-1", received_on="x", answered_on="y")
    reply = stub.CheckBatch(pb.CheckBatchRequest(requests=[check_request_to_proto(bad)]), timeout=30)
    error = reply.results[0].error
    assert (error.code, error.field) == ("INVALID_ARGUMENT", "facts.received_on")
    assert [(v.field, v.kind) for v in error.violations] == [
        ("facts.received_on", "date_from_datetime_parsing"),
        ("facts.answered_on", "date_from_datetime_parsing"),
    ]
    assert all(CJK.search(v.message) and v.message_en for v in error.violations)


def test_an_envelope_fault_and_the_facts_faults_come_together() -> None:
    with pytest.raises(BadInput) as info:
        parse_request({"action": "答复政府信息公开申请", "facts": {"已及时登记": "也许"}, "as_of": "2025-02-30"})
    assert [(v.field, v.kind) for v in info.value.violations] == [
        ("agency", "missing"),
        ("as_of", "date_from_datetime_parsing"),
        ("facts.registered", "bool_parsing"),
    ]
    assert (info.value.field, info.value.message) == ("agency", "缺少此项 / field required")  # the first, as before


def test_dates_out_of_range_and_out_of_order_say_so_without_the_dates_sent(checker: Checker) -> None:
    request = answer_request(received_on="2025-10-09", answered_on="2025-10-08")
    with pytest.raises(BadInput) as order:
        checker.check(parse_request(request))
    (v,) = order.value.violations
    assert (v.field, v.kind, v.message, v.message_en) == (
        "facts.answered_on",
        "date_order",
        "answered_on(答复或者提供信息之日)不能早于 received_on(收到申请之日)",
        "cannot be before received_on",
    )
    with pytest.raises(BadInput) as early:
        checker.check(parse_request(answer_request(received_on="1900-01-01")))
    assert early.value.violations[0].message == "应为 1949-10-01 至 2199-12-31 之间的日期"


class Sample(BaseModel):
    model_config = {"extra": "forbid"}
    flag: bool
    count: int = Field(ge=0, le=10)
    ratio: float
    day: Any = None
    name: str = Field(max_length=3)
    items: list[int] = Field(max_length=2)


def test_each_common_pydantic_error_has_its_chinese_message_and_none_repeats_the_value() -> None:
    sent = {"flag": SECRET, "count": 11, "ratio": SECRET, "name": SECRET, "items": [1, 2, 3], "x": SECRET}
    with pytest.raises(ValidationError) as info:
        Sample.model_validate(sent)
    found, total = violations("facts", info.value.errors())
    assert total == len(found) == 6
    kinds = {v.field: v.kind for v in found}
    assert kinds == {
        "facts.flag": "bool_parsing",
        "facts.count": "less_than_equal",
        "facts.ratio": "float_parsing",
        "facts.name": "string_too_long",
        "facts.items": "too_long",
        "facts.x": "extra_forbidden",
    }
    assert {v.kind: v.message for v in found}["less_than_equal"] == "不能大于 10"
    for v in found:
        assert v.message != INVALID and CJK.search(v.message), v
        assert SECRET not in v.message and SECRET not in v.message_en


def test_every_fact_type_of_every_action_refuses_a_wrong_value_with_a_listed_chinese_message() -> None:
    unlisted = set()
    for model in ACTIONS.values():
        wrong = {name: {"a": "b"} for name in model.model_fields}  # an object is no fact's value
        with pytest.raises(ValidationError) as info:
            model.model_validate(wrong)
        found, _ = violations("facts", info.value.errors())
        unlisted |= {v.kind for v in found if v.kind not in CHINESE}
    assert not unlisted, f"give these pydantic error types a Chinese message in check/violations.py: {unlisted}"
