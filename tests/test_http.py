"""JSON over HTTP beside gRPC (issue 14, items 1 and 5): a real HTTP client (httpx) against a
running ``gongkai serve --http-port``, both transports over one service and one decision log;
the README's curl example run as written; tokens, limits and health over HTTP; the access
line and the metrics of each call; the startup line."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Filters, open_log
from gongkai.journal.sqlite import SqliteStore
from gongkai.service.auth import Gatekeeper, digest, load_tokens
from gongkai.service.convert import check_request_to_proto, decision_from_proto
from gongkai.service.core import Service
from gongkai.service.http import create_app, listen
from gongkai.service.server import SERVICE, assemble
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.conftest import QL_AGENCY, ROOT
from tests.examples import LATE, LATE_RULE, ON_TIME, answer_request
from tests.test_hardening import Pki
from tests.test_serve import Lines, free_port

PROBLEM = "application/problem+json"


# --- a live server -------------------------------------------------------------------


class Live:
    def __init__(self, process: subprocess.Popen[str], grpc_port: int, http_port: int, data_dir: Path) -> None:
        self.process = process
        self.grpc = f"127.0.0.1:{grpc_port}"
        self.url = f"http://127.0.0.1:{http_port}"
        self.http_port = http_port
        self.data_dir = data_dir
        self.stderr = Lines(process.stderr)
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def stub(self) -> tuple[grpc.Channel, pb_grpc.ComplianceStub]:
        channel = grpc.insecure_channel(self.grpc)
        return channel, pb_grpc.ComplianceStub(channel)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    data_dir = tmp_path_factory.mktemp("data")
    grpc_port, http_port = free_port(), free_port()
    process = subprocess.Popen(
        [str(command), "serve", "--host", "127.0.0.1", "--port", str(grpc_port), "--http-port", str(http_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GONGKAI_DATA_DIR": str(data_dir)},
    )
    server = Live(process, grpc_port, http_port, data_dir)
    try:
        give_up = time.monotonic() + 60  # a safety limit, not a timing assertion
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited {process.returncode}: {''.join(server.stderr.seen)}")
            try:
                if server.client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            if time.monotonic() > give_up:
                pytest.fail("serve never became SERVING over HTTP")
            time.sleep(0.1)
        yield server
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        server.stderr.wait_for("stopped")
        assert not [line for line in server.stderr.seen if "Traceback" in line]
    finally:
        server.client.close()
        if process.poll() is None:
            process.kill()
            process.wait()


def same(http: dict[str, Any], over_grpc: Decision) -> None:
    """The parts of two decisions of the same facts that do not depend on the call."""
    answer = Decision.model_validate(http)
    keep = {"outcome", "findings", "obligations", "undecided", "questions", "missing_facts", "rules_applied"}
    assert answer.model_dump(mode="json", include=keep) == over_grpc.model_dump(mode="json", include=keep)


def test_a_check_over_http_is_the_decision_grpc_gives_and_both_land_in_one_log(live: Live) -> None:
    reply = live.client.post("/v1/check", json={**LATE, "request_id": "http-late"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    decision = reply.json()
    assert (decision["request_id"], decision["outcome"]) == ("http-late", "NON_COMPLIANT")
    assert [f["rule_id"] for f in decision["findings"]] == [LATE_RULE]
    channel, stub = live.stub()
    with channel:
        over_grpc = stub.Check(check_request_to_proto({**LATE, "request_id": "grpc-late"}), timeout=30)
        same(decision, decision_from_proto(over_grpc))
        logged_http = stub.GetDecision(pb.GetDecisionRequest(request_id="http-late"), timeout=30)
    assert (logged_http.outcome, json.loads(logged_http.decision_json)["findings"][0]["rule_id"]) == (
        "NON_COMPLIANT",
        LATE_RULE,
    )
    logged_grpc = live.client.get("/v1/decisions/grpc-late").json()
    assert (logged_grpc["outcome"], logged_grpc["decision"]["request_id"]) == ("NON_COMPLIANT", "grpc-late")
    assert logged_grpc["request"]["agency"] == QL_AGENCY


def test_a_request_in_chinese_gets_the_decision_of_its_english_twin(live: Live) -> None:
    english = live.client.post("/v1/check", json=answer_request("en-1")).json()
    chinese = {
        "request_id": "zh-1",
        "agency": QL_AGENCY,
        "action": "答复政府信息公开申请",
        "facts": {"收到申请之日": "2025-09-26", "已及时登记": "是", "答复或者提供信息之日": "2025-10-24"},
    }
    facts = {"received_on": "2025-09-26", "registered": True, "answered_on": "2025-10-24"}
    twin = live.client.post(
        "/v1/check", json={**chinese, "request_id": "en-2", "action": "answer_request", "facts": facts}
    )
    answer = live.client.post("/v1/check", json=chinese)
    assert answer.status_code == twin.status_code == 200
    same(answer.json(), Decision.model_validate(twin.json()))
    assert english["outcome"] == "NON_COMPLIANT"


def test_bad_content_is_422_listing_every_violation_in_chinese_and_english_and_is_logged(live: Live) -> None:
    secret = "张三的住址:清流县某路12号"
    request = answer_request("bad-1", received_on="not a date", registered="maybe", extension_working_days=-2)
    request["facts"]["colour"] = secret
    request["as_of"] = "2025-02-30"
    reply = live.client.post("/v1/check", json=request)
    assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM
    problem = reply.json()
    assert (problem["status"], problem["code"], problem["title"]) == (422, "INVALID_ARGUMENT", "请求内容有误")
    assert problem["type"] == "urn:gongkai:problem:invalid-argument"
    errors = {e["field"]: e for e in problem["errors"]}
    assert set(errors) == {
        "as_of",
        "facts.received_on",
        "facts.registered",
        "facts.extension_working_days",
        "facts.colour",
    }
    assert errors["facts.registered"]["kind"] == "bool_parsing"
    assert errors["facts.extension_working_days"]["message"] == "不能小于 0"
    assert errors["facts.colour"]["kind"] == "extra_forbidden"
    for error in problem["errors"]:
        assert re.search(r"[\u4e00-\u9fff]", error["message"]) and error["message_en"]
    assert secret not in reply.text and "maybe" not in reply.text  # no value sent is repeated
    assert problem["detail"].startswith(problem["errors"][0]["field"])
    logged = live.client.get("/v1/decisions/bad-1").json()
    assert (logged["outcome"], logged["error"]["code"]) == ("REJECTED", "INVALID_ARGUMENT")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{", ""),
        (b'{"action": NaN}', ""),
        (b'{"action": 1e999}', ""),
        (b"[1, 2]", ""),
        (b"\xff\xfe\xfd", ""),
    ],
    ids=["truncated", "NaN", "overflow", "not an object", "not UTF-8"],
)
def test_a_body_that_is_no_json_object_is_400_and_not_logged(live: Live, body: bytes, field: str) -> None:
    before = live.client.get("/v1/decisions", params={"page_size": 1000}).json()["decisions"]
    reply = live.client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 400 and reply.headers["content-type"] == PROBLEM
    assert reply.json()["errors"][0]["field"] == field
    assert live.client.get("/v1/decisions", params={"page_size": 1000}).json()["decisions"] == before


def test_a_batch_answers_each_request_in_order_one_bad_item_failing_only_itself(live: Live) -> None:
    items = [{**LATE, "request_id": "b-0"}, answer_request("b-1", received_on="x"), {**ON_TIME, "request_id": "b-2"}]
    reply = live.client.post("/v1/check-batch", json={"requests": items})
    assert reply.status_code == 200
    results = reply.json()["results"]
    assert [next(iter(r)) for r in results] == ["decision", "error", "decision"]
    assert [results[0]["decision"]["outcome"], results[2]["decision"]["outcome"]] == ["NON_COMPLIANT", "COMPLIANT"]
    error = results[1]["error"]
    assert (error["code"], error["field"], error["errors"][0]["kind"]) == (
        "INVALID_ARGUMENT",
        "facts.received_on",
        "date_from_datetime_parsing",
    )
    too_many = live.client.post("/v1/check-batch", json={"requests": [LATE] * (Settings().max_batch + 1)})
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "requests"


def test_rules_actions_and_applicability_answer_as_their_rpcs(live: Live) -> None:
    channel, stub = live.stub()
    with channel:
        rules = live.client.get("/v1/rules", params={"pack": "QL", "action": "answer_request"}).json()["rules"]
        over_grpc = stub.ListRules(pb.ListRulesRequest(pack="QL", action="answer_request"), timeout=30).rules
        assert [r["id"] for r in rules] == [r.id for r in over_grpc] and LATE_RULE in {r["id"] for r in rules}
        rule = live.client.get(f"/v1/rules/{LATE_RULE}").json()
        assert [c["id"] for c in rule["clauses"]] == ["QL-5-10", "QL-5-10-p2", "QL-5-10-p3"]
        missing = live.client.get("/v1/rules/QL-5-10.answer-lat")
        assert missing.status_code == 404 and "did you mean QL-5-10.answer-late" in missing.json()["detail"]
        scope = {
            "agency_name": QL_AGENCY["name"],
            "division_code": "350423",
            "kind": "department",
            "as_of": "2025-10-24",
        }
        actions = live.client.get("/v1/actions", params=scope).json()["actions"]
        agency = pb.Agency(name=QL_AGENCY["name"], division_code="350423", kind="department")
        narrowed = stub.DescribeActions(pb.DescribeActionsRequest(agency=agency, as_of="2025-10-24"), timeout=30)
        assert {a["kind"]: a["facts"] for a in actions} == {a.kind: list(a.facts) for a in narrowed.actions}
        answer = next(a for a in actions if a["kind"] == "answer_request")
        assert set(answer["facts_schema"]["properties"]) == set(answer["facts"])  # a schema, not a string
        everything = live.client.get("/v1/actions").json()["actions"]
        assert len(everything) >= len(actions)
        applies = live.client.get("/v1/applicability", params=scope).json()
        over = stub.Applicability(pb.ApplicabilityRequest(agency=agency, as_of="2025-10-24"), timeout=30)
        assert applies["binding"] == list(over.binding)
        assert {a["kind"]: a["rules"] for a in applies["actions"]} == {a.kind: list(a.rules) for a in over.actions}
    unknown = live.client.get("/v1/applicability", params={**scope, "division_code": "999999"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["kind"] == "unknown_division"
    assert live.client.get("/v1/applicability").status_code == 400  # the agency is required


def test_decisions_are_listed_filtered_and_paged(live: Live) -> None:
    for n in range(3):
        assert live.client.post("/v1/check", json={**ON_TIME, "request_id": f"page-{n}"}).status_code == 200
    seen, token = [], ""
    while True:
        page = live.client.get("/v1/decisions", params={"outcome": "COMPLIANT", "page_size": 2, "page_token": token})
        assert page.status_code == 200
        body = page.json()
        seen += [d["request_id"] for d in body["decisions"]]
        assert all(d["outcome"] == "COMPLIANT" for d in body["decisions"])
        token = body["next_page_token"]
        if not token:
            break
    assert [s for s in seen if s.startswith("page-")] == ["page-0", "page-1", "page-2"]
    bad = live.client.get("/v1/decisions", params={"outcome": "GREEN"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "outcome"
    assert live.client.get("/v1/decisions", params={"page_token": "²"}).status_code == 400
    assert live.client.get("/v1/decisions/never-used").status_code == 404


def test_the_readme_curl_example_runs_as_written(live: Live) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^curl .*$", readme, re.MULTILINE)
    argv = [a.replace("127.0.0.1:8080", f"127.0.0.1:{live.http_port}") for a in shlex.split(command)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    decision = json.loads(done.stdout)
    expected = json.loads((ROOT / "examples" / "answer-late.json").read_text(encoding="utf-8"))
    assert (decision["request_id"], decision["outcome"]) == (expected["request_id"], "NON_COMPLIANT")
    assert [f["rule_id"] for f in decision["findings"]] == [LATE_RULE]


def test_each_call_writes_one_access_line_without_facts_and_is_counted(live: Live) -> None:
    live.client.post("/v1/check", json={**LATE, "request_id": "seen-over-http"})
    channel, stub = live.stub()
    with channel:
        stub.Check(check_request_to_proto({**LATE, "request_id": "seen-over-grpc"}), timeout=30)
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=30)
    live.client.get("/healthz")
    lines = [json.loads(line) for line in live.stderr.wait_for('"request_id":"seen-over-grpc"')]
    http_line = json.loads(live.stderr.wait_for('"request_id":"seen-over-http"')[0])
    assert {k: http_line[k] for k in ("transport", "rpc", "route", "status", "http_status", "outcome")} == {
        "transport": "http",
        "rpc": "Check",
        "route": "POST /v1/check",
        "status": "OK",
        "http_status": 200,
        "outcome": "NON_COMPLIANT",
    }
    assert {k: lines[0][k] for k in ("transport", "rpc", "status", "outcome")} == {
        "transport": "grpc",
        "rpc": "Check",
        "status": "OK",
        "outcome": "NON_COMPLIANT",
    }
    assert http_line["duration_ms"] >= 0 and http_line["pid"] == live.process.pid
    access = [line for line in live.stderr.seen if line.startswith("{")]
    assert all(json.loads(line).keys() <= ACCESS_KEYS for line in access)
    assert not [line for line in access if "2025-09-26" in line or "清流县" in line]  # no fact, no agency
    assert not [line for line in access if "health" in line.lower()]  # probes are not logged

    metrics = live.client.get("/metrics").text
    assert sample(metrics, "gongkai_checks_total", action="answer_request", outcome="NON_COMPLIANT") >= 2
    assert sample(metrics, "gongkai_checks_total", action="answer_request", outcome="REJECTED") >= 1
    assert sample(metrics, "gongkai_calls_total", transport="grpc", rpc="Check", status="OK") >= 1
    assert sample(metrics, "gongkai_log_write_seconds_count") >= 2
    assert sample(metrics, "gongkai_check_seconds_count", action="answer_request") >= 2
    assert sample(metrics, "gongkai_serving") == 1


ACCESS_KEYS = {
    "time",
    "pid",
    "transport",
    "rpc",
    "route",
    "status",
    "http_status",
    "duration_ms",
    "request_id",
    "outcome",
    "requests",
    "request_ids",
    "outcomes",
}


def sample(text: str, name: str, **labels: str) -> float:
    """A sample's value in Prometheus' text format (0 if absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        metric, _, value = line.rpartition(" ")
        key, _, rest = metric.partition("{")
        if key == name and ",".join(sorted(rest.rstrip("}").split(","))) == wanted:
            return float(value)
    return 0.0


def test_the_startup_line_names_the_rules_the_calendar_and_the_log(live: Live) -> None:
    (line,) = live.stderr.wait_for("serving ruleset")
    assert re.search(r"serving ruleset [0-9a-f]{16}, working days from .*chinesecalendar [\d.]+ \(\d{4}–\d{4}\)", line)
    assert f"decision log in SQLite {(live.data_dir / 'decisions.sqlite3').resolve()}" in line
    (listening,) = live.stderr.wait_for("listening on")
    assert f"http://127.0.0.1:{live.http_port} (HTTP)" in listening


# --- in process: tokens, limits, health ----------------------------------------------


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[DecisionLog]:
    log = open_log(tmp_path / "log", durability="normal")
    yield log
    log.close()


def entries(journal: DecisionLog) -> int:
    return len(journal.page(Filters(), 0, 100_000))


def test_tokens_govern_each_route_as_the_rpc_it_mirrors(checker: Checker, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        f"tokens:\n  - {{name: drafting, sha256: {digest('t-check')}, rpcs: [Check]}}\n", encoding="utf-8"
    )
    service = Service(Settings(), checker, serving=True)
    app = create_app(service, Gatekeeper(load_tokens(tokens)))
    allowed = {"authorization": "Bearer t-check"}
    assert call(app, "POST", "/v1/check", json=LATE, headers=allowed).status_code == 200
    refused = call(app, "GET", "/v1/rules", headers=allowed)
    assert refused.status_code == 403 and refused.json()["code"] == "PERMISSION_DENIED"
    assert refused.json()["detail"] == "this token may not call ListRules"
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic dDpjaGVjaw=="}):
        anonymous = call(app, "POST", "/v1/check", json=LATE, headers=headers)
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
        assert anonymous.headers["content-type"] == PROBLEM
    for path in (f"/v1/rules/{LATE_RULE}", "/v1/decisions/x", "/v1/decisions", "/v1/actions", "/no/such/route"):
        assert call(app, "GET", path, headers=allowed).status_code == 403, path
        assert call(app, "GET", path).status_code == 401, path
    for open_route in ("/healthz", "/metrics", "/openapi.json", "/docs"):
        assert call(app, "GET", open_route).status_code == 200


def test_a_body_over_the_message_limit_is_413_before_it_is_read_and_nothing_is_logged(
    checker: Checker, journal: DecisionLog
) -> None:
    app = create_app(Service(Settings(max_message_bytes=2048), checker, journal, serving=True))
    big = answer_request(applicant_address="地" * 3000)
    declared = call(app, "POST", "/v1/check", json=big)

    async def chunks() -> Any:  # no content-length: counted as it comes
        yield json.dumps(big).encode()

    streamed = call(app, "POST", "/v1/check", content=chunks())
    for reply in (declared, streamed):
        assert reply.status_code == 413 and reply.json()["code"] == "RESOURCE_EXHAUSTED"
        assert "max_message_bytes" in reply.json()["detail"]
    assert entries(journal) == 0


def test_a_reply_over_the_message_limit_is_413_and_nothing_is_logged(checker: Checker, journal: DecisionLog) -> None:
    one = len(checker.check(CheckRequest.model_validate(LATE)).model_dump_json())
    app = create_app(Service(Settings(max_message_bytes=one * 3, max_batch=100), checker, journal, serving=True))
    reply = call(app, "POST", "/v1/check-batch", json={"requests": [LATE] * 4})
    assert reply.status_code == 413 and "未记录" in reply.json()["detail"]
    assert entries(journal) == 0
    assert call(app, "POST", "/v1/check-batch", json={"requests": [LATE] * 2}).status_code == 200
    assert entries(journal) == 2


class Held:
    """A checker whose checks wait until released."""

    def __init__(self, checker: Checker) -> None:
        self.lawbook = checker.lawbook
        self._checker = checker
        self.entered = threading.Event()
        self.release = threading.Event()

    def check(self, request: CheckRequest) -> Decision:
        self.entered.set()
        self.release.wait(60)
        return self._checker.check(request)


def test_beyond_max_concurrent_rpcs_a_call_is_refused_at_once_with_503(checker: Checker) -> None:
    held = Held(checker)
    app = create_app(Service(Settings(max_concurrent_rpcs=1), held, serving=True))  # type: ignore[arg-type]

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            first = asyncio.create_task(client.post("/v1/check", json=LATE))
            while not held.entered.is_set():
                await asyncio.sleep(0.01)
            second = await client.get("/v1/rules")
            held.release.set()
            return await first, second

    first, second = asyncio.run(go())
    assert first.status_code == 200
    assert second.status_code == 503 and second.headers["retry-after"] == "1"
    assert second.json()["code"] == "UNAVAILABLE" and "calls in progress" in second.json()["detail"]


def test_while_the_rules_load_a_check_is_503(journal: DecisionLog) -> None:
    app = create_app(Service(Settings(), None, journal))
    reply = call(app, "POST", "/v1/check", json=LATE)
    assert reply.status_code == 503 and "loading" in reply.json()["detail"]
    health = call(app, "GET", "/healthz")
    assert (health.status_code, health.json()) == (503, {"status": "NOT_SERVING"})


def test_http_health_follows_the_decision_log_as_grpc_health_does(
    checker: Checker, journal: DecisionLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = assemble(Settings(host="127.0.0.1", port=0, http_port=0, log_probe_seconds=3600))
    assert endpoint.http is not None
    endpoint.server.start()
    endpoint.http.start()
    try:
        with (
            httpx.Client(base_url=f"http://127.0.0.1:{endpoint.http.port}", timeout=30) as client,
            grpc.insecure_channel(f"127.0.0.1:{endpoint.port}") as channel,
        ):
            health = health_pb2_grpc.HealthStub(channel)

            def both() -> tuple[int, int]:
                grpc_status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=30).status
                return client.get("/healthz").status_code, grpc_status

            assert both() == (503, health_pb2.HealthCheckResponse.NOT_SERVING)  # the rules load
            endpoint.record_in(journal)
            endpoint.ready(checker)
            assert both() == (200, health_pb2.HealthCheckResponse.SERVING)

            def no_space(*_: Any) -> None:
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(SqliteStore, "append_many", no_space)
            unlogged = client.post("/v1/check", json=ON_TIME)
            assert unlogged.status_code == 503 and unlogged.json()["code"] == "UNAVAILABLE"
            assert both() == (503, health_pb2.HealthCheckResponse.NOT_SERVING)
            monkeypatch.undo()
            assert client.post("/v1/check", json=ON_TIME).json()["outcome"] == "COMPLIANT"
            assert both() == (200, health_pb2.HealthCheckResponse.SERVING)
            endpoint.shutting_down()
            assert client.get("/healthz").status_code == 503
    finally:
        if endpoint.watch is not None:
            endpoint.watch.stop()
        endpoint.http.stop()
        endpoint.server.stop(None)
        endpoint.http.join()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


def test_with_tls_configured_http_speaks_tls_with_the_same_certificate_and_client_ca(
    pki: Pki, checker: Checker
) -> None:
    mutual = Settings(
        host="127.0.0.1",
        port=0,
        http_port=0,
        tls_cert_file=pki.server_cert,
        tls_key_file=pki.server_key,
        tls_client_ca_file=pki.ca_pem,
    )
    endpoint = assemble(mutual)
    assert endpoint.http is not None and endpoint.http.scheme == "https"
    endpoint.ready(checker)
    endpoint.http.start()
    url = f"https://127.0.0.1:{endpoint.http.port}/v1/check"
    try:
        trusted = ssl.create_default_context(cafile=pki.ca_pem)
        trusted.load_cert_chain(pki.client_cert, pki.client_key)
        assert httpx.post(url, json=LATE, verify=trusted, timeout=30).json()["outcome"] == "NON_COMPLIANT"
        anonymous = ssl.create_default_context(cafile=pki.ca_pem)  # no client certificate
        with pytest.raises(httpx.TransportError):
            httpx.post(url, json=LATE, verify=anonymous, timeout=30)
        with pytest.raises(httpx.TransportError):  # plaintext
            httpx.post(url.replace("https", "http"), json=LATE, timeout=30)
    finally:
        endpoint.http.stop()
        endpoint.server.stop(None)
        endpoint.http.join()


def test_connections_the_http_port_accepts_have_nagle_off() -> None:
    """uvicorn writes a reply's headers and body apart: with Nagle on, the body waits for the
    client's delayed ACK (40 ms a call on a keep-alive connection). asyncio turns it off on the
    connections of a socket that says it is TCP, as uvicorn serves ours (create_server(sock=))."""

    async def nodelay_of_accepted() -> int:
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[int] = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        sock = listen("127.0.0.1", 0)
        server = await loop.create_server(Probe, sock=sock)
        try:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            result = await asyncio.wait_for(seen, 30)
            writer.close()
            return result
        finally:
            server.close()

    assert asyncio.run(nodelay_of_accepted()) != 0
