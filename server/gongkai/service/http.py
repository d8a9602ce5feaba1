"""JSON over HTTP beside gRPC: the same ``core.Service`` (rules, decision log, health, limits),
the same bearer tokens (each route is the RPC it mirrors), served by uvicorn in the gRPC
process (``serve --http-port``), with an OpenAPI 3.1 document built from the same pydantic
models and a docs page that needs nothing from the network.

Errors are RFC 9457 problem details (``application/problem+json``): ``type``, ``title``
(Chinese), ``status``, ``detail``, ``code`` (the gRPC status code name the same call would
get) and ``errors``, every violation with its field, Chinese message, English message and
kind. The check bodies are parsed here rather than by FastAPI, so that every error is ours.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import socket
import ssl
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any, Literal

import anyio.to_thread
import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from gongkai.check.applicability import Applicability
from gongkai.check.decision import Decision
from gongkai.check.violations import Violation, violations
from gongkai.config import Settings
from gongkai.facts import ACTIONS
from gongkai.journal.store import HEADER, OUTCOMES, Entry
from gongkai.packs.jurisdiction import Agency
from gongkai.reader.document import Reading
from gongkai.service import access, metrics
from gongkai.service.auth import Gatekeeper, bearer_token
from gongkai.service.core import Code, Problem, Refused, Service, refuse
from gongkai.service.describe import ActionView, RuleView
from gongkai.service.docs import docs_page

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PROBLEM_JSON = "application/problem+json"
HEALTH, METRICS = "/healthz", "/metrics"
OPEN = (HEALTH, METRICS, "/openapi.json", "/docs")  # no token needed, as gRPC health needs none
# Each route is the RPC it mirrors: a token's `rpcs` (service/auth.py) govern both.
ROUTES = {
    ("POST", "/v1/check"): "Check",
    ("POST", "/v1/check-batch"): "CheckBatch",
    ("GET", "/v1/rules"): "ListRules",
    ("GET", "/v1/rules/{rule_id}"): "GetRule",
    ("GET", "/v1/actions"): "DescribeActions",
    ("GET", "/v1/applicability"): "Applicability",
    ("POST", "/v1/read"): "ReadDocument",
    ("POST", "/v1/check-document"): "CheckDocument",
    ("GET", "/v1/decisions/{request_id}"): "GetDecision",
    ("GET", "/v1/decisions"): "ListDecisions",
}
STATUS = {
    Code.INVALID_ARGUMENT: 400,  # 422 for a check whose content is at fault (check_status)
    Code.UNAUTHENTICATED: 401,
    Code.PERMISSION_DENIED: 403,
    Code.NOT_FOUND: 404,
    Code.ALREADY_EXISTS: 409,
    Code.FAILED_PRECONDITION: 400,
    Code.RESOURCE_EXHAUSTED: 413,
    Code.INTERNAL: 500,
    Code.UNAVAILABLE: 503,
    Code.DEADLINE_EXCEEDED: 504,
    Code.UNIMPLEMENTED: 405,
}
TITLES = {
    Code.INVALID_ARGUMENT: "请求内容有误",
    Code.UNAUTHENTICATED: "需要有效的令牌",
    Code.PERMISSION_DENIED: "此令牌无权调用",
    Code.NOT_FOUND: "找不到",
    Code.ALREADY_EXISTS: "请求编号已经用过",
    Code.FAILED_PRECONDITION: "本服务不提供此项",
    Code.RESOURCE_EXHAUSTED: "超过上限",
    Code.INTERNAL: "内部错误,未作检查",
    Code.UNAVAILABLE: "暂时不能服务",
    Code.DEADLINE_EXCEEDED: "超过期限,未作检查",
    Code.UNIMPLEMENTED: "此路由不接受这种方法",
}
# Statuses by what they say, for the OpenAPI document.
MEANING = {
    400: "请求有误(请求体不是 JSON、查询参数无效、批次过大) / bad request",
    401: "缺少令牌或令牌无效(服务配置了 tokens_file 时) / no valid bearer token",
    403: "令牌无权调用此接口 / the token may not call this route's RPC",
    404: "找不到 / not found",
    409: "请求编号已经用过 / the request id was used before",
    413: "请求体或答复超过 max_message_bytes / body or reply over the message limit",
    422: "请求内容有误,列出每一处(已记录) / the request's content is at fault, every violation listed (logged)",
    500: "内部错误,未作检查 / internal error: not checked",
    503: "规则加载中、决定日志不可写或并发调用过多 / rules loading, decision log unwritable, too many calls",
    504: "超过期限,未作检查 / the deadline passed before the action was checked",
}


class FieldError(BaseModel):
    """一处错误 / one violation."""

    field: str = Field(title="字段", description="出错字段的路径,如 facts.received_on;空串指整个请求")
    message: str = Field(title="说明", description="中文说明,不重复所提交的值")
    message_en: str = Field(title="English", description="the same in English (pydantic's message)")
    kind: str = Field(title="类别", description="pydantic 的错误类型(missing、bool_parsing …)或 gongkai 的")


class ProblemDetails(BaseModel):
    """RFC 9457 问题详情 / problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(title="类型", description="urn:gongkai:problem:<code>")
    title: str = Field(title="标题", description="问题类型的中文名")
    status: int = Field(title="HTTP 状态码")
    detail: str = Field(title="详情", description="第一处错误及其数目")
    code: str = Field(title="gRPC 状态码", description="同一调用经 gRPC 得到的状态码名称")
    errors: list[FieldError] = Field(default=[], title="每一处错误")


class CheckErrorJson(BaseModel):
    """批次中一项请求未得到决定的原因 / why one request of a batch has no decision."""

    code: str
    field: str
    message: str
    errors: list[FieldError] = []


class DecisionResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Decision


class ErrorResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    error: CheckErrorJson


class BatchResponse(BaseModel):
    results: list[DecisionResult | ErrorResult] = Field(title="每项请求的结果,顺序同请求")


class RulesResponse(BaseModel):
    rules: list[RuleView]


class ActionsResponse(BaseModel):
    actions: list[ActionView]


class LoggedDecision(BaseModel):
    """决定日志中的一条 / one entry of the decision log (personal facts as keyed hashes)."""

    seq: int
    request_id: str
    recorded_at: str = Field(description="UTC, ISO 8601")
    agency: str
    division_code: str
    action: str
    outcome: str = Field(description=" | ".join(OUTCOMES))
    ruleset_version: str
    request: dict[str, Any] = Field(description="请求,个人信息以带密钥的散列代替")
    decision: dict[str, Any] | None = Field(description="所作的决定(Decision),被拒的请求为 null")
    error: dict[str, Any] | None = Field(description="被拒的原因 {code, field, message}")


class DecisionsResponse(BaseModel):
    decisions: list[LoggedDecision]
    next_page_token: str = Field(description="下一页的 page_token;空串表示没有下一页")


class Health(BaseModel):
    status: Literal["SERVING", "NOT_SERVING"]


# --- problems ------------------------------------------------------------------------


def problem_body(problem: Problem, status: int) -> dict[str, Any]:
    detail = problem.text
    if problem.violations:  # from the violations, which never repeat a value sent
        first, more = problem.violations[0], max(problem.total, len(problem.violations)) - 1
        said = first.message if first.message == first.message_en else f"{first.message} / {first.message_en}"
        detail = f"{first.field}: {said}" if first.field else said
        if more:
            detail += f"(另有 {more} 处 / {more} more)"
    return {
        "type": f"urn:gongkai:problem:{problem.code.value.lower().replace('_', '-')}",
        "title": TITLES.get(problem.code, problem.code.value),
        "status": status,
        "detail": detail,
        "code": problem.code.value,
        "errors": [_error(v) for v in problem.violations],
    }


def _error(v: Violation) -> dict[str, str]:
    return {"field": v.field, "message": v.message, "message_en": v.message_en, "kind": v.kind}


def problem_response(problem: Problem, status: int | None = None, headers: dict[str, str] | None = None) -> Response:
    status = status or STATUS.get(problem.code, 500)
    headers = dict(headers or {})
    if problem.code is Code.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = "Bearer"
    elif problem.code is Code.UNAVAILABLE:
        headers["Retry-After"] = "1"
    access.status(problem.code.value)
    return JSONResponse(problem_body(problem, status), status, headers, media_type=PROBLEM_JSON)


def check_response(result: bytes | Problem) -> Response:
    """A check's answer: the Decision's JSON, or its problem (422 when its content is at fault)."""
    if isinstance(result, Problem):
        return problem_response(result, check_status(result))
    return Response(result, media_type="application/json")


def check_status(problem: Problem) -> int:
    """A check refused for its content is 422 (it was read, and logged); the rest as STATUS."""
    return 422 if problem.code is Code.INVALID_ARGUMENT else STATUS.get(problem.code, 500)


def invalid(message: str, zh: str, field: str = "", kind: str = "invalid") -> Refused:
    return Refused(Problem(Code.INVALID_ARGUMENT, field, message, (Violation(field, zh, message, kind),)))


# --- bodies --------------------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (RESOURCE_EXHAUSTED, 413) past ``limit`` bytes before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> None:
    refuse(
        Code.RESOURCE_EXHAUSTED,
        f"请求体超过 {limit} 字节(max_message_bytes) / the request body is over the {limit}-byte limit "
        "(max_message_bytes)",
    )


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError("a number too large for JSON")
    return number


def _not_json(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def parse_json(body: bytes) -> Any:
    """The body as JSON; NaN, Infinity and numbers that overflow are not JSON (RFC 8259)."""
    try:
        return json.loads(body, parse_float=_finite, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise invalid("the body is not valid JSON", "请求体不是有效的 JSON", kind="json_invalid") from exc


DOCUMENT_KEYS = ("text", "content_base64", "filename")
CHECK_DOCUMENT_KEYS = (*DOCUMENT_KEYS, "request_id", "agency", "action", "facts", "as_of", "continuing_valid")


def document_body(data: Any, keys: tuple[str, ...] = CHECK_DOCUMENT_KEYS) -> dict[str, Any]:
    """A document call's body: the text, or the file's bytes in base64 with its name; for
    /v1/check-document also the envelope (the caller's facts are checked by the core)."""
    if not isinstance(data, dict):
        raise invalid("the body should be a JSON object", "请求体应为对象")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise invalid("unknown field", "不认识此项", unknown[0][:60], "extra_forbidden")
    text, encoded, filename = (data.get(k) or "" for k in DOCUMENT_KEYS)
    if not all(isinstance(v, str) for v in (text, encoded, filename)):
        raise invalid("text, content_base64 and filename are strings", "text、content_base64、filename 应为文本")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid("not base64", "不是 base64 编码", "content_base64", "base64") from exc
    return {**data, "text": text, "content": content, "filename": filename}


def continuing_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 100 for v in value):
        raise invalid("a list of document numbers", "应为文号列表", "continuing_valid", "list_type")
    return value


def decision_json(decision: Decision) -> bytes:
    return decision.model_dump_json().encode()


def batch_body(results: Sequence[bytes | Problem]) -> bytes:
    parts = []
    for r in results:
        if isinstance(r, Problem):
            error = {"code": r.code.value, "field": r.field, "message": r.message}
            error["errors"] = [_error(v) for v in r.violations]  # type: ignore[assignment]
            parts.append(b'{"error":' + json.dumps(error, ensure_ascii=False).encode() + b"}")
        else:
            parts.append(b'{"decision":' + r + b"}")
    return b'{"results":[' + b",".join(parts) + b"]}"


def batch_size(results: Sequence[bytes | Problem]) -> int:
    return len(batch_body(results))


def logged_json(entry: Entry) -> bytes:
    """A log entry with its request, decision and error as the log stored them (the texts its
    MACs cover), not parsed and written again."""
    head = json.dumps({name: getattr(entry, name) for name in HEADER}, ensure_ascii=False)[:-1]
    request, decision, error = entry.stored_documents()
    return f'{head},"request":{request or "{}"},"decision":{decision or "null"},"error":{error or "null"}}}'.encode()


# --- the front: limits, tokens, access log -------------------------------------------


class Front:
    """ASGI middleware in front of the routes: the bound on calls in progress, the token a
    route's RPC needs, and the access line."""

    def __init__(self, app: Any, settings: Settings, gatekeeper: Gatekeeper | None) -> None:
        self.app = app
        self._max = settings.max_concurrent_rpcs
        self._gatekeeper = gatekeeper
        self._in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, template = scope["method"], self._template(scope)
        rpc = ROUTES.get((method, template), "")
        if self._in_progress >= self._max:  # beyond it, refused at once rather than queued
            problem = Problem(Code.UNAVAILABLE, "", f"more than {self._max} calls in progress: retry shortly")
            metrics.CALLS.labels("http", rpc, Code.UNAVAILABLE.value).inc()  # counted, not logged: it is a flood
            await problem_response(problem)(scope, receive, send)
            return
        # Fail closed: every path but the open ones needs a token that may call its RPC (a path
        # that is no route needs one that may call anything, and then gets its 404).
        if self._gatekeeper is not None and template not in OPEN:
            presented = bearer_token(_header(scope, b"authorization"))
            refused = self._gatekeeper.refusal("http", presented, rpc, f"{method} {template}")
            if refused is not None:
                await problem_response(refused)(scope, receive, send)
                return
        probe = template in (HEALTH, METRICS)
        call = None if probe else access.started("http", rpc, f"{method} {template or '?'}")
        status = [500]

        async def sent(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        self._in_progress += 1
        try:
            await self.app(scope, receive, sent)
        finally:
            self._in_progress -= 1
            if call is not None:
                access.finished(call, call.status or ("OK" if status[0] < 400 else str(status[0])), status[0])

    def _template(self, scope: Scope) -> str:
        """The route template the path matches (any method), or "" for none."""
        for route in scope["app"].router.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return str(route.path).replace(":path}", "}")
        return ""


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


# --- the application -----------------------------------------------------------------


def create_app(service: Service, gatekeeper: Gatekeeper | None = None) -> FastAPI:
    """The HTTP API over ``service`` (which the gRPC servicer may share); ``gatekeeper``:
    the bearer tokens, if the server has any."""
    settings = service.settings
    limit = settings.max_message_bytes

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # the checks run on these threads: as many as the gRPC server has (thread_pool)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.thread_pool
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="gongkai 政务公开合规检查",
        version=_version(),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        separate_input_output_schemas=False,
    )

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> Response:
        return problem_response(exc.problem)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(_: Request, exc: RequestValidationError) -> Response:
        # FastAPI's locations start with where the parameter was: "query", "path"
        listed, total = violations("", [{**e, "loc": tuple(e.get("loc", ()))[1:]} for e in exc.errors()])
        first = listed[0]
        return problem_response(Problem(Code.INVALID_ARGUMENT, first.field, first.message_en, tuple(listed), total))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's own: no route (404), a method the route does not take (405, with Allow)
        code = {404: Code.NOT_FOUND, 405: Code.UNIMPLEMENTED}.get(exc.status_code, Code.INVALID_ARGUMENT)
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return problem_response(Problem(code, "", message), exc.status_code, exc.headers)

    @app.exception_handler(Exception)
    async def failed(_: Request, exc: Exception) -> Response:  # a bug: logged, never a decision
        log.error("HTTP call failed", exc_info=exc)
        return problem_response(Problem(Code.INTERNAL, "", "internal error"))

    @app.post(
        "/v1/check",
        summary="检查一项行为 (Check)",
        description="一项行为的事实 → 决定(Decision)。请求体即 CheckRequest:机关、行为类型、事实;"
        "行为类型、事实名称和取值可用中文术语。内容有误为 422,列出每一处错误;决定与被拒的请求都先记入决定日志再答复。",
        responses={
            200: {"model": Decision, "description": "决定 / the Decision"},
            **problems(400, 409, 413, 422, 500, 503, 504),
        },
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ONE_OF}}}},
        tags=["检查"],
    )
    async def check(request: Request) -> Response:
        data = parse_json(await read_body(request, limit))
        if not isinstance(data, dict):
            raise invalid("the body should be a JSON object (a CheckRequest)", "请求体应为对象(CheckRequest)")
        (result,) = await run_in_threadpool(service.check, [data], decision_json, batch_size)
        return check_response(result)

    @app.post(
        "/v1/check-batch",
        summary="批量检查 (CheckBatch)",
        description=f"每项请求各得其决定或其错误,顺序同请求;至多 {settings.max_batch} 项(max_batch)。",
        response_model=BatchResponse,
        responses={200: {"description": "每项的结果 / each request's result"}, **problems(400, 413, 500, 503, 504)},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["requests"],
                            "properties": {
                                "requests": {"type": "array", "maxItems": settings.max_batch, "items": ONE_OF}
                            },
                        }
                    }
                },
            }
        },
        tags=["检查"],
    )
    async def check_batch(request: Request) -> Response:
        data = parse_json(await read_body(request, limit))
        requests = data.get("requests") if isinstance(data, dict) else None
        if not isinstance(requests, list) or set(data) != {"requests"}:
            raise invalid(
                'the body should be {"requests": [CheckRequest, …]}', '请求体应为 {"requests": [CheckRequest, …]}'
            )
        wrong = [i for i, item in enumerate(requests) if not isinstance(item, dict)]
        if wrong:
            listed = tuple(
                Violation(f"requests.{i}", "应为对象(CheckRequest)", "should be an object", "dict_type") for i in wrong
            )
            raise Refused(
                Problem(Code.INVALID_ARGUMENT, listed[0].field, "should be an object", listed[:50], len(wrong))
            )
        results = await run_in_threadpool(service.check, requests, decision_json, batch_size, None, True)
        return Response(batch_body(results), media_type="application/json")

    @app.get(
        "/v1/rules",
        summary="规则列表 (ListRules)",
        description="全部规则,可按规则包或行为类型筛选;未知的规则包或行为类型为 400。",
        response_model=RulesResponse,
        responses=problems(400, 503),
        tags=["规则"],
    )
    def list_rules(
        pack: str = Query("", max_length=100, description="规则包代码,如 QL"),
        action: str = Query("", max_length=100, description="行为类型,如 answer_request"),
    ) -> RulesResponse:
        return RulesResponse(rules=service.rules(pack, action))

    @app.get(
        "/v1/rules/{rule_id:path}",
        summary="一条规则 (GetRule)",
        description="一条规则及其所依据条款的原文。",
        response_model=RuleView,
        responses=problems(404, 503),
        tags=["规则"],
    )
    def get_rule(rule_id: str) -> RuleView:
        return service.rule(rule_id)

    @app.get(
        "/v1/actions",
        summary="行为类型及其事实的 JSON Schema (DescribeActions)",
        description="给出机关(agency_name、division_code,可加 kind)和日期(as_of,默认今天)时,"
        "只列出约束该机关的规则在该日适用的行为类型,事实只列这些规则读取的。",
        response_model=ActionsResponse,
        responses=problems(400, 503),
        tags=["规则"],
    )
    def describe_actions(
        agency_name: str | None = Query(None, max_length=200, description="机关名称"),
        division_code: str | None = Query(None, max_length=20, description="行政区划代码 (GB/T 2260)"),
        kind: str | None = Query(None, max_length=50, description="机关类型"),
        as_of: str = Query("", max_length=20, description="日期 YYYY-MM-DD,默认今天"),
    ) -> ActionsResponse:
        agency = None
        if agency_name is not None or division_code is not None or kind is not None:
            agency = (agency_name or "", division_code or "", kind)
        return ActionsResponse(actions=service.actions(agency, as_of))

    @app.post(
        "/v1/read",
        summary="读取公文 (ReadDocument)",
        description="公文正文 → 各要素(发文机关、发文字号、标题、主送机关、成文日期、公开属性附注、密级等),"
        "每项附其在正文中的位置;与 gongkai read 相同。",
        response_model=Reading,
        response_model_exclude_none=True,
        responses=problems(400, 413),
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": DOCUMENT}}}},
        tags=["公文"],
    )
    async def read_document(request: Request) -> Reading:
        data = document_body(parse_json(await read_body(request, limit)), DOCUMENT_KEYS)
        return await run_in_threadpool(service.read_document, data["text"], data["content"], data["filename"])

    @app.post(
        "/v1/check-document",
        summary="按公文正文检查 (CheckDocument)",
        description="公文正文中的成文日期、公开属性标注、标题、密级作为事实,与调用方的流程事实(facts,优先)一起,"
        "按拟制公文(draft_document)或公开信息(publish_information)检查;决定列出取自正文的事实及其位置。",
        responses={
            200: {"model": Decision, "description": "决定 / the Decision"},
            **problems(400, 409, 413, 422, 500, 503, 504),
        },
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": CHECK_DOCUMENT}}}},
        tags=["公文"],
    )
    async def check_document(request: Request) -> Response:
        data = document_body(parse_json(await read_body(request, limit)))
        envelope = {k: data[k] for k in ("request_id", "agency", "action", "facts", "as_of") if k in data}
        result = await run_in_threadpool(
            service.check_document,
            envelope,
            data["text"],
            data["content"],
            data["filename"],
            decision_json,
            batch_size,
            None,
            continuing_list(data.get("continuing_valid")),
        )
        return check_response(result)

    @app.get(
        "/v1/applicability",
        summary="适用范围 (Applicability)",
        description="某机关在某日受哪些规则包约束,每类行为适用哪些规则、读取哪些事实。",
        response_model=Applicability,
        responses=problems(400, 503),
        tags=["规则"],
    )
    def get_applicability(
        agency_name: str = Query(max_length=200, description="机关名称"),
        division_code: str = Query(max_length=20, description="行政区划代码 (GB/T 2260)"),
        kind: str | None = Query(None, max_length=50, description="机关类型"),
        as_of: str = Query("", max_length=20, description="日期 YYYY-MM-DD,默认今天"),
    ) -> Applicability:
        return service.applicability(agency_name, division_code, kind, as_of)

    @app.get(
        "/v1/decisions/{request_id:path}",
        summary="一条已记录的决定 (GetDecision)",
        description="按请求编号取决定日志中的一条(同一编号用过多次时取最后一条)。",
        response_model=LoggedDecision,
        responses=problems(400, 404),
        tags=["决定日志"],
    )
    def get_decision(request_id: str) -> Response:
        return Response(logged_json(service.decision(request_id)), media_type="application/json")

    @app.get(
        "/v1/decisions",
        summary="已记录的决定 (ListDecisions)",
        description="决定日志,按记录先后,可筛选,分页(page_token 为上一页的 next_page_token)。",
        response_model=DecisionsResponse,
        responses=problems(400),
        tags=["决定日志"],
    )
    def list_decisions(
        agency: str = Query("", max_length=200, description="机关名称"),
        outcome: Literal["", *OUTCOMES] = Query("", description="结论"),  # type: ignore[valid-type]
        action: str = Query("", max_length=100, description="行为类型"),
        since: str = Query("", max_length=40, description="记录时间不早于(ISO 8601,UTC)"),
        until: str = Query("", max_length=40, description="记录时间早于(ISO 8601,UTC)"),
        page_token: str = Query("", max_length=40),
        page_size: int = Query(100, ge=1, le=1000),
    ) -> Response:
        filters = {"agency": agency, "outcome": outcome, "action": action, "since": since, "until": until}
        entries, token = service.decisions(filters, page_token, page_size)
        body = b'{"decisions":[' + b",".join(logged_json(e) for e in entries) + b'],"next_page_token":'
        return Response(body + json.dumps(token).encode() + b"}", media_type="application/json")

    @app.get(
        HEALTH,
        summary="健康状态",
        description="规则已加载且决定日志可写时 200 SERVING,否则 503 NOT_SERVING(与 gRPC 健康检查相同)。无需令牌。",
        response_model=Health,
        responses={503: {"model": Health, "description": "NOT_SERVING"}},
        tags=["运维"],
    )
    def health() -> Response:
        serving = service.serving
        return JSONResponse({"status": "SERVING" if serving else "NOT_SERVING"}, 200 if serving else 503)

    @app.get(
        METRICS,
        summary="Prometheus 指标",
        description="Prometheus 文本格式的指标(本进程)。无需令牌。",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "指标"}},
        tags=["运维"],
    )
    def prometheus() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, gatekeeper is not None)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Front, settings=settings, gatekeeper=gatekeeper)
    return app


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of these statuses: problem details, each with what it means."""
    return {status: _problem_response(status) for status in statuses}


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": MEANING[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="ProblemDetails")}}},
    }


REF = "#/components/schemas/{model}"
DESCRIPTION = """gongkai 把政务公开的规定逐条编码为规则:起草系统提交一项行为(机关、行为类型、事实),
得到决定——违反了哪些条款(原文引用)、依据哪些事实、还缺哪些事实(以中文问题列出)、产生哪些期限。

与 gRPC 接口是同一服务:同样的规则、同样的决定日志(每个决定先记录再答复)、同样的令牌
(`Authorization: Bearer <令牌>`,每个路由对应一个 RPC 的权限)和同样的上限。
行为类型、事实名称和枚举取值可用英文名或中文术语;缺少的事实即未知,从不当作否。

错误一律为 RFC 9457 问题详情(`application/problem+json`):`code` 是同一调用经 gRPC 得到的状态码名称,
`errors` 列出每一处错误(字段、中文说明、英文说明、类别)。"""


def request_schemas() -> dict[str, Any]:
    """The components a check's body is described by, from the same pydantic models that
    validate it: each action kind's facts (titled with its Chinese term), the agency, and per
    action kind a CheckRequest naming it (``Check.<kind>``)."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (m, "validation") for m in ACTIONS.values()
    ]
    models += [(Agency, "validation"), (ProblemDetails, "serialization")]
    _, top = models_json_schema(models, ref_template=REF)
    defs: dict[str, Any] = top["$defs"]
    nullable = lambda schema: {"anyOf": [schema, {"type": "null"}]}  # noqa: E731
    for kind, model in ACTIONS.items():
        facts = defs[model.__name__]
        doc = (model.__doc__ or "").strip().split("\n")[0]
        facts["title"] = model.term
        facts["description"] = f"「{model.term}」({kind})的事实。{doc} 每项都可缺:缺少即未知,从不当作否。"
        defs[f"Check.{kind}"] = {
            "title": f"检查「{model.term}」",
            "type": "object",
            "additionalProperties": False,
            "required": ["agency", "action"],
            "properties": {
                "request_id": nullable({"type": "string", "maxLength": 100})
                | {"title": "请求编号", "description": "调用方的编号,用于查询决定日志;缺省时由服务生成"},
                "agency": {"$ref": REF.format(model="Agency")},
                "action": {"enum": [kind, model.term], "title": "行为类型", "description": model.term},
                "facts": {"$ref": REF.format(model=model.__name__)},
                "as_of": nullable({"type": "string", "format": "date"})
                | {"title": "判断日期", "description": "缺省为行为之日,否则今天"},
            },
        }
    return defs


ONE_OF = {
    "oneOf": [{"$ref": REF.format(model=f"Check.{kind}")} for kind in ACTIONS],
    "discriminator": {
        "propertyName": "action",
        "mapping": {
            name: REF.format(model=f"Check.{kind}") for kind, model in ACTIONS.items() for name in (kind, model.term)
        },
    },
}


DOCUMENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "title": "公文正文", "description": "正文,或用 content_base64 给出文件"},
        "content_base64": {
            "type": "string",
            "contentEncoding": "base64",
            "title": "文件内容",
            "description": "UTF-8、GB18030/GBK 文本或 .docx 文件的字节,base64 编码",
        },
        "filename": {"type": "string", "maxLength": 200, "title": "文件名", "description": "区分 .docx"},
    },
}
CHECK_DOCUMENT = {
    **DOCUMENT,
    "required": ["agency"],
    "properties": {
        **DOCUMENT["properties"],
        "request_id": {"type": "string", "maxLength": 100, "title": "请求编号"},
        "agency": {"$ref": REF.format(model="Agency")},
        "action": {
            "enum": [
                "draft_document",
                "publish_information",
                ACTIONS["draft_document"].term,
                ACTIONS["publish_information"].term,
            ],
            "title": "行为类型",
            "description": "缺省为拟制公文(draft_document)",
        },
        "facts": {
            "type": "object",
            "title": "流程事实",
            "description": "正文给不出的事实(印发之日、签发的公开属性……);优先于正文",
        },
        "as_of": {"type": "string", "format": "date", "title": "判断日期"},
        "continuing_valid": {
            "type": "array",
            "items": {"type": "string", "maxLength": 100},
            "title": "继续有效的规范性文件目录(文号)",
            "description": "给出时,正文引用的同一机关代字的文件不在目录中的,报告为以未列入继续有效目录的文件为依据",
        },
    },
}


def openapi_document(app: FastAPI, tokens: bool) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        separate_input_output_schemas=False,
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in request_schemas().items():
        if name in schemas and schemas[name] != schema:
            raise ValueError(f"two schemas named {name}")  # two models of one name: rename one
        schemas[name] = schema
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, which we never answer
        schemas.pop(name, None)
    if tokens:
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                del responses["422"]
            # any call may meet the bound on calls in progress
            responses.setdefault("503", {"description": MEANING[503]}).setdefault("content", {}).update(
                _problem_response(503)["content"]
            )
            if tokens and (method.upper(), path) in ROUTES:
                operation["security"] = [{"bearer": []}]
                responses.update({str(status): response for status, response in problems(401, 403).items()})
    return document


def _version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        return "0"


# --- the server ----------------------------------------------------------------------


class HttpServer:
    """uvicorn serving the app on a thread of the gRPC process. The socket is bound and
    listening from construction (OSError if it cannot be), so a connection made before the
    thread runs waits in the backlog rather than being refused."""

    def __init__(self, app: Any, settings: Settings, port: int) -> None:
        self.socket = listen(settings.host, port, reuse_port=settings.workers > 1)
        self.port: int = self.socket.getsockname()[1]
        tls: dict[str, Any] = {}
        if settings.tls_cert_file is not None:  # the same certificate as gRPC, mutual TLS too
            tls = {"ssl_certfile": str(settings.tls_cert_file), "ssl_keyfile": str(settings.tls_key_file)}
            if settings.tls_client_ca_file is not None:
                tls |= {"ssl_ca_certs": str(settings.tls_client_ca_file), "ssl_cert_reqs": ssl.CERT_REQUIRED}
        config = uvicorn.Config(
            app,
            log_config=None,  # the process's logging as `serve` set it up
            log_level="warning",
            access_log=False,  # ours is service/access.py
            server_header=False,
            timeout_graceful_shutdown=math.ceil(settings.grace_seconds),
            **tls,
        )
        self.scheme = "https" if tls else "http"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="gongkai-http", daemon=True)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self.socket])
        except BaseException:  # uvicorn exits through SystemExit when its startup fails
            log.exception("the HTTP server stopped")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting; calls under way finish (up to grace_seconds). Returns at once: join() waits."""
        self._server.should_exit = True

    def join(self) -> None:
        self._thread.join()


def listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket; ``reuse_port``: shared with the other workers (SO_REUSEPORT)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on connections whose
    # socket says TCP, and with Nagle on a reply's body waits for the ACK of its headers: the
    # client's delayed ACK, 40 ms, on every call after the first few of a keep-alive connection.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
