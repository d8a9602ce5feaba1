"""The gRPC service, end to end: a real server on a free port, real clients."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Outcome
from gongkai.config import Settings, default_rules_dir
from gongkai.engine.durable import EngineError
from gongkai.facts import ACTIONS
from gongkai.journal.decisionlog import DecisionLog, open_log
from gongkai.service.convert import check_request_to_proto, decision_from_proto
from gongkai.service.server import SERVICE, assemble, create_server
from gongkai.service.servicer import ComplianceService
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import DUE_ON, LATE, LATE_RULE, ON_TIME, UNCOVERED, UNREGISTERED, answer_request

MAX_MESSAGE = 1024 * 1024  # ListRules with every clause quoted must fit
MAX_BATCH = 5


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "max_message_bytes": MAX_MESSAGE}
    return Settings(**{**values, "max_batch": MAX_BATCH, **overrides})


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DecisionLog]:
    log = open_log(tmp_path_factory.mktemp("log"))
    yield log
    log.close()


@pytest.fixture(scope="module")
def address(checker: Checker, journal: DecisionLog) -> Iterator[str]:
    server, port = create_server(settings(), checker, journal)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(None)


@pytest.fixture(scope="module")
def channel(address: str) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(address) as channel:
        yield channel


@pytest.fixture
def stub(channel: grpc.Channel) -> pb_grpc.ComplianceStub:
    return pb_grpc.ComplianceStub(channel)


def health_of(channel: grpc.Channel, service: str) -> int:
    request = health_pb2.HealthCheckRequest(service=service)
    return health_pb2_grpc.HealthStub(channel).Check(request, timeout=10).status


def rpc_error(call: Any, request: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=30)
    return info.value


def without_timing(decision: Any) -> dict[str, Any]:
    return decision.model_dump(mode="json", exclude={"engine_micros", "total_micros"})


# --- health and reflection -----------------------------------------------------------


@pytest.mark.parametrize("service", ["", SERVICE])
def test_health_is_serving_once_started_with_compiled_rules(channel: grpc.Channel, service: str) -> None:
    assert health_of(channel, service) == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_compliance_and_health_services(channel: grpc.Channel) -> None:
    database = ProtoReflectionDescriptorDatabase(channel)
    services = set(database.get_services())
    assert {"gongkai.v1.Compliance", "grpc.health.v1.Health"} <= services
    compliance = descriptor_pool.DescriptorPool(database).FindServiceByName("gongkai.v1.Compliance")
    assert {m.name for m in compliance.methods} == {
        "Check",
        "CheckBatch",
        "ListRules",
        "GetRule",
        "DescribeActions",
        "Applicability",
        "ReadDocument",
        "CheckDocument",
        "GetDecision",
        "ListDecisions",
    }


def test_health_is_not_serving_and_checks_unavailable_until_the_rules_are_loaded(checker: Checker) -> None:
    endpoint = assemble(settings())
    endpoint.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{endpoint.port}") as channel:
            assert health_of(channel, SERVICE) == health_pb2.HealthCheckResponse.NOT_SERVING
            assert health_of(channel, "") == health_pb2.HealthCheckResponse.NOT_SERVING
            stub = pb_grpc.ComplianceStub(channel)
            error = rpc_error(stub.Check, check_request_to_proto(LATE))
            assert error.code() == grpc.StatusCode.UNAVAILABLE

            endpoint.ready(checker)
            assert health_of(channel, SERVICE) == health_pb2.HealthCheckResponse.SERVING
            assert stub.Check(check_request_to_proto(LATE), timeout=30).outcome == pb.NON_COMPLIANT
    finally:
        endpoint.server.stop(None)


# --- Check ---------------------------------------------------------------------------


def test_check_answers_what_the_checker_answers_in_process(stub: pb_grpc.ComplianceStub, checker: Checker) -> None:
    request = {**LATE, "request_id": "late-1"}
    reply = stub.Check(check_request_to_proto(request), timeout=30)
    expected = checker.check(CheckRequest.model_validate(request))
    assert reply.outcome == pb.NON_COMPLIANT
    assert [f.rule_id for f in reply.findings] == [LATE_RULE]
    assert reply.findings[0].clause_text == expected.findings[0].clause_text
    assert without_timing(decision_from_proto(reply)) == without_timing(expected)


def test_an_answer_on_the_last_day_is_compliant_and_the_obligation_met(stub: pb_grpc.ComplianceStub) -> None:
    reply = stub.Check(check_request_to_proto(ON_TIME), timeout=30)
    assert reply.outcome == pb.COMPLIANT
    assert not reply.findings
    (obligation,) = [o for o in reply.obligations if o.id == "QL.answer_deadline"]
    assert (obligation.due_on, obligation.done_on, obligation.status) == (DUE_ON, DUE_ON, pb.MET)
    assert reply.request_id  # made by the server when the caller gives none


def test_a_missing_must_fact_makes_the_decision_incomplete_and_names_it(stub: pb_grpc.ComplianceStub) -> None:
    reply = stub.Check(check_request_to_proto(UNREGISTERED), timeout=30)
    assert reply.outcome == pb.INCOMPLETE
    assert list(reply.missing_facts) == ["registered"]
    assert [u.rule_id for u in reply.undecided if u.severity == pb.MUST] == ["QL-5-9.not-registered"]


def test_a_whole_number_sent_through_struct_as_a_double_is_accepted_as_an_int(stub: pb_grpc.ComplianceStub) -> None:
    extended = answer_request(
        extended=True,
        extension_reason_given=True,
        extension_approved_by_head=True,
        extension_notified_in_writing=True,
        extension_working_days=3,
    )
    msg = check_request_to_proto(extended)
    assert msg.facts["extension_working_days"] == 3.0  # what the wire carries
    reply = stub.Check(msg, timeout=30)
    due = {o.id: o.due_on for o in reply.obligations}
    assert due["QL.answer_deadline"] == "2025-10-28"  # 3 working days after 10-23
    assert reply.outcome == pb.COMPLIANT


BAD_INPUT = {
    "a bad date": (
        answer_request(received_on="x"),
        "facts.received_on: 应为日期(YYYY-MM-DD) / input should be a valid date",
    ),
    "a fraction for a whole number": (answer_request(extension_working_days=3.5), "facts.extension_working_days: "),
    "a wrong type": (
        answer_request(registered="maybe"),
        "facts.registered: 应为是或否(true/false、是/否) / input should be a valid boolean",
    ),
    "an unknown fact": (
        answer_request(colour="red"),
        "facts.colour: 不认识此项:名称不在允许的字段之中 / extra inputs are not permitted",
    ),
    "an unknown enum value": (
        answer_request(answer_type="ignored"),
        "facts.answer_type: 应为以下取值之一:",
    ),
    "an unknown action kind": (
        {**LATE, "action": "answer_requests"},
        "action: 未知的行为类型(可用的见 DescribeActions) / unknown action kind; known: ",
    ),
    "an unknown agency": (
        {**LATE, "agency": {"name": "某某局", "division_code": "999999", "kind": "department"}},
        "agency.division_code: 不是 GB/T 2260 行政区划代码(县级及以上,例如清流县为 350423) / not a "
        "GB/T 2260 division code",
    ),
    "a malformed division code": (
        {**LATE, "agency": {"name": "清流县市场监督管理局", "division_code": "35042", "kind": "department"}},
        "agency.division_code: ",
    ),
    "a bad as-of date": (
        {**LATE, "as_of": "2025-13-01"},
        "as_of: 应为日期(YYYY-MM-DD) / input should be a valid date",
    ),
}


@pytest.mark.parametrize(("request_data", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_invalid_argument_naming_the_field(
    stub: pb_grpc.ComplianceStub, request_data: dict[str, Any], message: str
) -> None:
    error = rpc_error(stub.Check, check_request_to_proto(request_data))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(message), error.details()


def test_a_request_without_an_agency_is_invalid_argument(stub: pb_grpc.ComplianceStub) -> None:
    msg = check_request_to_proto(LATE)
    msg.ClearField("agency")
    error = rpc_error(stub.Check, msg)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "agency: 缺少此项 / field required"


def test_a_request_over_the_message_size_limit_is_resource_exhausted(stub: pb_grpc.ComplianceStub) -> None:
    # Far beyond the fact models' own 10,000-character limit: the transport must refuse it first.
    huge = answer_request(applicant_address="地" * MAX_MESSAGE)
    error = rpc_error(stub.Check, check_request_to_proto(huge))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


# --- CheckBatch ----------------------------------------------------------------------


def test_a_batch_answers_each_request_in_order_and_one_bad_item_fails_only_itself(
    stub: pb_grpc.ComplianceStub,
) -> None:
    items = [
        {**LATE, "request_id": "b-0"},
        answer_request("b-1", received_on="x"),
        {**ON_TIME, "request_id": "b-2"},
        {**LATE, "request_id": "b-3", "action": "answer_requests"},
        {**UNREGISTERED, "request_id": "b-4"},
    ]
    reply = stub.CheckBatch(pb.CheckBatchRequest(requests=[check_request_to_proto(i) for i in items]), timeout=30)
    kinds = [r.WhichOneof("result") for r in reply.results]
    assert kinds == ["decision", "error", "decision", "error", "decision"]
    ok = [reply.results[i].decision for i in (0, 2, 4)]
    assert [(d.request_id, d.outcome) for d in ok] == [
        ("b-0", pb.NON_COMPLIANT),
        ("b-2", pb.COMPLIANT),
        ("b-4", pb.INCOMPLETE),
    ]
    errors = [reply.results[i].error for i in (1, 3)]
    assert [(e.code, e.field) for e in errors] == [
        ("INVALID_ARGUMENT", "facts.received_on"),
        ("INVALID_ARGUMENT", "action"),
    ]
    assert errors[0].message.startswith("应为日期(YYYY-MM-DD) / input should be a valid date")


def test_a_batch_over_the_limit_is_refused_whole(stub: pb_grpc.ComplianceStub) -> None:
    batch = pb.CheckBatchRequest(requests=[check_request_to_proto(LATE)] * (MAX_BATCH + 1))
    error = rpc_error(stub.CheckBatch, batch)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"requests: at most {MAX_BATCH} actions per batch (got {MAX_BATCH + 1})"


def test_an_empty_batch_has_no_results(stub: pb_grpc.ComplianceStub) -> None:
    assert list(stub.CheckBatch(pb.CheckBatchRequest(), timeout=30).results) == []


# --- rules and actions ---------------------------------------------------------------


def test_list_rules_lists_every_rule_and_filters_by_pack_and_action(
    stub: pb_grpc.ComplianceStub, checker: Checker
) -> None:
    everything = stub.ListRules(pb.ListRulesRequest(), timeout=30).rules
    assert [r.id for r in everything] == [r.id for r in checker.lawbook.rules.values()]  # a version each
    for_answers = stub.ListRules(pb.ListRulesRequest(pack="QL", action="answer_request"), timeout=30).rules
    assert LATE_RULE in {r.id for r in for_answers}
    assert all(r.pack == "QL" and "answer_request" in r.actions for r in for_answers)
    assert len(for_answers) == len([r for r in checker.lawbook.by_action["answer_request"] if r.pack.code == "QL"])
    versions = stub.ListRules(pb.ListRulesRequest(pack="CN"), timeout=30).rules
    dated = [(r.effective_from, r.effective_to) for r in versions if r.id == "CN-42.fee-charged"]
    assert dated == [("2019-05-15", "2020-12-31"), ("2021-01-01", "")]  # a rule with dated versions: both
    latest = stub.GetRule(pb.GetRuleRequest(id="CN-42.fee-charged"), timeout=30)
    assert latest.effective_from == "2021-01-01"  # by its id, the latest version


@pytest.mark.parametrize(("query", "field"), [({"pack": "XX"}, "pack"), ({"action": "answer"}, "action")])
def test_list_rules_with_an_unknown_filter_is_invalid_argument(
    stub: pb_grpc.ComplianceStub, query: dict[str, str], field: str
) -> None:
    error = rpc_error(stub.ListRules, pb.ListRulesRequest(**query))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"{field}: ") and f"/ unknown {field}" in error.details().replace(
        "action kind", "action"
    )


def test_get_rule_quotes_its_clauses_verbatim_from_the_source(stub: pb_grpc.ComplianceStub, checker: Checker) -> None:
    rule = stub.GetRule(pb.GetRuleRequest(id=LATE_RULE), timeout=30)
    pack, _ = checker.lawbook.clause("QL-5-10")
    source = default_rules_dir() / "sources" / pack.catalogue.document.source
    source_text = source.read_text(encoding="utf-8")
    assert [c.id for c in rule.clauses] == ["QL-5-10", "QL-5-10-p2", "QL-5-10-p3"]
    assert rule.clauses[0].text.startswith("第十条 对要求公开政务信息的申请")
    assert all(c.text in source_text for c in rule.clauses)
    assert rule.clauses[0].document == pack.catalogue.document.title
    assert rule.clauses[0].section.endswith("第十条")
    assert rule.severity == pb.MUST
    assert rule.condition == "not answered_on_the_spot and answer_deadline_overdue > 0"
    assert set(rule.reads) == {"answered_on_the_spot", "answer_deadline_overdue"}
    assert rule.message.startswith("未在收到申请之日起15个工作日内")
    assert rule.remedy
    assert rule.effective_from == pack.meta.effective_from.isoformat()
    assert rule.effective_to == ""


def test_get_rule_shows_a_condition_with_its_parameters_resolved(stub: pb_grpc.ComplianceStub) -> None:
    rule = stub.GetRule(pb.GetRuleRequest(id="QL-5-10-p2.extension-too-long"), timeout=30)
    assert rule.condition == "extended and extension_working_days > extension_max"
    assert rule.resolved_condition == "extended and extension_working_days > 15"


def test_get_rule_names_the_rules_it_reads_through_breached_and_their_facts(
    stub: pb_grpc.ComplianceStub, checker: Checker
) -> None:
    compiled = next(r for r in checker.lawbook.rules.values() if r.refs)
    rule = stub.GetRule(pb.GetRuleRequest(id=compiled.id), timeout=30)
    assert list(rule.depends_on) == list(compiled.refs)
    assert "breached(" in rule.condition
    for dependency in compiled.refs:  # the facts that decide a dependency decide this rule too
        assert set(checker.lawbook.rules[dependency].reads) <= set(rule.reads)


def test_get_rule_with_an_unknown_id_is_not_found_and_suggests_the_near_one(stub: pb_grpc.ComplianceStub) -> None:
    error = rpc_error(stub.GetRule, pb.GetRuleRequest(id="QL-5-10.answer-lat"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "id: no rule 'QL-5-10.answer-lat'; did you mean QL-5-10.answer-late?"


def test_describe_actions_serves_every_action_kind_with_its_json_schema(stub: pb_grpc.ComplianceStub) -> None:
    actions = {a.kind: a for a in stub.DescribeActions(pb.DescribeActionsRequest(), timeout=30).actions}
    assert set(actions) == set(ACTIONS)
    answer = actions["answer_request"]
    assert answer.term == "答复政府信息公开申请"
    assert answer.rule_count > 0
    schema = json.loads(answer.facts_schema)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["received_on"]["title"] == "收到申请之日"
    assert set(schema["properties"]) == set(ACTIONS["answer_request"].model_fields)


# --- failing closed and deadlines ----------------------------------------------------


class BrokenEngine:
    def fire(self, action: str, facts: dict[str, Any], packs: Any = ()) -> set[str]:
        raise EngineError("durable-rules failed on purpose")


def test_an_engine_failure_is_internal_never_a_decision(checker: Checker) -> None:
    broken = Checker(checker.lawbook, BrokenEngine())
    server, port = create_server(settings(), broken)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            error = rpc_error(stub.Check, check_request_to_proto(ON_TIME))
            assert error.code() == grpc.StatusCode.INTERNAL
            assert "durable-rules" not in error.details()  # logged, not told
            batch = pb.CheckBatchRequest(requests=[check_request_to_proto(ON_TIME)])
            (result,) = stub.CheckBatch(batch, timeout=30).results
            assert result.WhichOneof("result") == "error"
            assert result.error.code == "INTERNAL"
    finally:
        server.stop(None)


class Aborted(Exception):
    pass


class ExpiredContext:
    """A call whose deadline passed before the handler ran."""

    def time_remaining(self) -> float:
        return 0.0

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise Aborted(code, details)


class CountingChecker:
    def __init__(self, checker: Checker) -> None:
        self.lawbook = checker.lawbook
        self.calls = 0

    def check(self, request: CheckRequest) -> Any:
        self.calls += 1
        raise AssertionError("must not be called")


@pytest.mark.parametrize("method", ["Check", "CheckBatch"])
def test_an_expired_deadline_is_deadline_exceeded_without_checking(checker: Checker, method: str) -> None:
    counting = CountingChecker(checker)
    servicer = ComplianceService(settings(), counting)  # type: ignore[arg-type]
    request = check_request_to_proto(LATE)
    message = request if method == "Check" else pb.CheckBatchRequest(requests=[request])
    with pytest.raises(Aborted) as info:
        getattr(servicer, method)(message, ExpiredContext())
    assert info.value.args[0] == grpc.StatusCode.DEADLINE_EXCEEDED
    assert counting.calls == 0


# --- concurrency ---------------------------------------------------------------------


def distinct_inputs(n: int) -> list[dict[str, Any]]:
    """n requests with distinct facts: 25 receipt days x 40 answer delays, each its own id."""
    start = dt.date(2025, 9, 10)  # the periods cross the National Day holiday and its 调休
    requests = []
    for i in range(n):
        received = start + dt.timedelta(days=i % 25)
        answered = received + dt.timedelta(days=i // 25)
        requests.append(
            answer_request(f"c-{i:04d}", received_on=received.isoformat(), answered_on=answered.isoformat())
        )
    return requests


def test_a_thousand_concurrent_checks_each_get_the_decision_for_their_own_input(address: str, checker: Checker) -> None:
    inputs = distinct_inputs(1000)
    expected = {}
    for request in inputs:  # one at a time, in process: the oracle
        d = checker.check(CheckRequest.model_validate(request))
        (ql,) = [o for o in d.obligations if o.id == "QL.answer_deadline"]  # the stricter period decides
        expected[d.request_id] = (d.outcome, ql.due_on.isoformat(), request["facts"]["answered_on"])
    # the inputs really differ in what they should yield
    assert {o for o, _, _ in expected.values()} == {Outcome.compliant, Outcome.non_compliant}
    assert len({due for _, due, _ in expected.values()}) >= 10
    for outcome, due, answered in expected.values():  # and the oracle is the law: late iff after the due date
        assert (outcome is Outcome.non_compliant) == (answered > due)

    def run(share: list[dict[str, Any]]) -> list[tuple[str, int, str, str]]:
        with grpc.insecure_channel(address) as channel:  # each client thread its own connection
            stub = pb_grpc.ComplianceStub(channel)
            out = []
            for request in share:
                reply = stub.Check(check_request_to_proto(request), timeout=60)
                due = next(o.due_on for o in reply.obligations if o.id == "QL.answer_deadline")
                out.append((request["request_id"], reply.request_id, reply.outcome, due))
            return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        shares = [inputs[k::8] for k in range(8)]
        replies = [r for part in pool.map(run, shares) for r in part]

    assert len(replies) == 1000
    wire = {Outcome.compliant: pb.COMPLIANT, Outcome.non_compliant: pb.NON_COMPLIANT}
    for sent_id, got_id, outcome, due in replies:
        assert got_id == sent_id
        assert (outcome, due) == (wire[expected[sent_id][0]], expected[sent_id][1]), sent_id


def test_every_decision_and_rejection_is_logged_and_can_be_fetched(
    stub: pb_grpc.ComplianceStub, journal: DecisionLog
) -> None:
    decision = stub.Check(check_request_to_proto({**LATE, "request_id": "logged-1"}), timeout=30)
    with pytest.raises(grpc.RpcError):
        stub.Check(check_request_to_proto({**LATE, "request_id": "logged-2", "action": "nope"}), timeout=30)
    logged = stub.GetDecision(pb.GetDecisionRequest(request_id="logged-1"), timeout=30)
    assert (logged.outcome, json.loads(logged.decision_json)["findings"][0]["rule_id"]) == ("NON_COMPLIANT", LATE_RULE)
    assert logged.ruleset_version == decision.ruleset_version
    rejected = stub.GetDecision(pb.GetDecisionRequest(request_id="logged-2"), timeout=30)
    assert (rejected.outcome, rejected.error.code, rejected.error.field) == ("REJECTED", "INVALID_ARGUMENT", "action")
    assert journal.verify() == []


def test_list_decisions_filters_and_pages(stub: pb_grpc.ComplianceStub) -> None:
    for n in range(3):
        stub.Check(
            check_request_to_proto({**ON_TIME, "request_id": f"page-{n}", "action": "answer_request"}), timeout=30
        )
    seen: list[str] = []
    token = ""
    while True:
        page = stub.ListDecisions(
            pb.ListDecisionsRequest(outcome="COMPLIANT", page_size=2, page_token=token), timeout=30
        )
        seen += [d.request_id for d in page.decisions]
        assert all(d.outcome == "COMPLIANT" for d in page.decisions)
        token = page.next_page_token
        if not token:
            break
    assert {"page-0", "page-1", "page-2"} <= set(seen)
    assert len(seen) == len(set(seen))


def test_list_decisions_refuses_an_outcome_that_does_not_exist(stub: pb_grpc.ComplianceStub) -> None:
    stub.Check(check_request_to_proto({**UNCOVERED, "request_id": "uncovered-1"}), timeout=30)
    page = stub.ListDecisions(pb.ListDecisionsRequest(outcome="NOT_COVERED", page_size=1000), timeout=30)
    assert "uncovered-1" in [d.request_id for d in page.decisions]
    assert {d.outcome for d in page.decisions} == {"NOT_COVERED"}
    error = rpc_error(stub.ListDecisions, pb.ListDecisionsRequest(outcome="compliant"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith("outcome: ") and "NOT_COVERED" in error.details()


def test_an_unknown_request_id_is_not_found(stub: pb_grpc.ComplianceStub) -> None:
    error = rpc_error(stub.GetDecision, pb.GetDecisionRequest(request_id="never-seen"))
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_a_decision_that_cannot_be_logged_is_not_given(checker: Checker, tmp_path: Any) -> None:
    broken = open_log(tmp_path)
    broken.close()  # every write now fails
    server, port = create_server(settings(), checker, broken)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            error = rpc_error(pb_grpc.ComplianceStub(channel).Check, check_request_to_proto(ON_TIME))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert "decision log" in error.details()
    finally:
        server.stop(None)


QL_AGENCY = pb.Agency(name="清流县市场监督管理局", division_code="350423", kind="department")


def test_describe_actions_narrows_to_an_agency_on_a_date(stub: pb_grpc.ComplianceStub) -> None:
    everything = {a.kind: a for a in stub.DescribeActions(pb.DescribeActionsRequest(), timeout=30).actions}
    scoped = stub.DescribeActions(pb.DescribeActionsRequest(agency=QL_AGENCY, as_of="2025-10-01"), timeout=30)
    narrowed = {a.kind: a for a in scoped.actions}
    assert set(narrowed) < set(everything)  # milestone, major_decision … bind no QL agency
    answer = narrowed["answer_request"]
    schema = json.loads(answer.facts_schema)
    assert (
        set(schema["properties"])
        == set(answer.facts)
        < set(json.loads(everything["answer_request"].facts_schema)["properties"])
    )
    assert "received_on" in answer.facts


def test_applicability_names_packs_actions_and_rules(stub: pb_grpc.ComplianceStub) -> None:
    now = stub.Applicability(pb.ApplicabilityRequest(agency=QL_AGENCY, as_of="2025-10-01"), timeout=30)
    assert list(now.binding) == ["CN", "CN08", "FEE", "QL"] and [p.code for p in now.packs] == ["CN", "FEE", "QL"]
    answer = next(a for a in now.actions if a.kind == "answer_request")
    assert "QL-5-10.answer-late" in answer.rules and answer.term == "答复政府信息公开申请"
    before = stub.Applicability(pb.ApplicabilityRequest(agency=QL_AGENCY, as_of="2007-01-01"), timeout=30)
    assert (
        list(before.binding) == ["CN", "CN08", "FEE", "QL"] and list(before.packs) == [] and list(before.actions) == []
    )
    in_2016 = stub.Applicability(pb.ApplicabilityRequest(agency=QL_AGENCY, as_of="2016-01-01"), timeout=30)
    assert [p.code for p in in_2016.packs] == ["CN08"]


def test_applicability_refuses_a_bad_date_or_agency(stub: pb_grpc.ComplianceStub) -> None:
    error = rpc_error(stub.Applicability, pb.ApplicabilityRequest(agency=QL_AGENCY, as_of="2025-13-01"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "as_of" in error.details()
    unknown = pb.Agency(name="某局", division_code="999999", kind="department")
    error = rpc_error(stub.Applicability, pb.ApplicabilityRequest(agency=unknown, as_of="2025-01-01"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
