"""The access log: one JSON line per call, gRPC and HTTP alike, on the ``gongkai.access`` logger.

    {"time": "2025-10-24T08:00:00.123456+00:00", "pid": 4242, "transport": "http", "rpc": "Check",
     "route": "POST /v1/check", "status": "OK", "http_status": 200, "duration_ms": 1.84,
     "request_id": "oa-2025-000123", "outcome": "NON_COMPLIANT"}

A batch names ``requests`` (how many), ``request_ids`` and ``outcomes`` (how many of each).
No fact, no agency, no token, no address: only what the service decided and how long it took
(the decision log holds the rest, personal facts hashed). Health probes and metrics scrapes
are not logged (they would drown the rest), nor are calls refused for their token (logged as
throttled WARNINGs by ``auth``, counted in ``gongkai_refused_calls_total``).

The transport opens a ``Call`` for the call (``started``), the service notes what the checks
answered (``answered``, through a context variable: the check runs on another thread), and
the transport closes it (``finished``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections import Counter as Tally
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import grpc

from gongkai.check.violations import cut
from gongkai.service import metrics

log = logging.getLogger("gongkai.access")
HEALTH = "/grpc.health.v1.Health/"


@dataclass
class Call:
    transport: str  # grpc | http
    rpc: str  # the RPC (an HTTP route names the RPC it mirrors)
    route: str = ""  # HTTP: method and route template
    started: float = field(default_factory=time.perf_counter)
    answers: list[tuple[str | None, str]] = field(default_factory=list)  # (request_id, outcome) per check
    status: str = ""  # HTTP: the code of the problem answered, if any


_current: ContextVar[Call | None] = ContextVar("gongkai_call", default=None)


def started(transport: str, rpc: str, route: str = "") -> Call:
    call = Call(transport, rpc, route)
    _current.set(call)
    return call


def answered(answers: Sequence[tuple[str | None, str]]) -> None:
    """What the checks of the current call answered (a no-op outside a call)."""
    call = _current.get()
    if call is not None:
        call.answers.extend(answers)


def status(code: str) -> None:
    """The status code name the current call answers with (HTTP: its problem's)."""
    call = _current.get()
    if call is not None:
        call.status = code


def finished(call: Call, status: str, http_status: int | None = None) -> None:
    seconds = time.perf_counter() - call.started
    _current.set(None)
    metrics.CALLS.labels(call.transport, call.rpc, status).inc()
    metrics.CALL_SECONDS.labels(call.transport, call.rpc).observe(seconds)
    if not log.isEnabledFor(logging.INFO):
        return
    line: dict[str, object] = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "pid": os.getpid(),  # which worker, with --workers N
        "transport": call.transport,
        "rpc": call.rpc,
    }
    if call.route:
        line["route"] = call.route
    line["status"] = status
    if http_status is not None:
        line["http_status"] = http_status
    line["duration_ms"] = round(seconds * 1000, 3)
    if call.rpc == "Check" and len(call.answers) == 1:
        request_id, outcome = call.answers[0]
        line["request_id"] = cut(request_id) if request_id else None
        line["outcome"] = outcome
    elif call.answers:
        line["requests"] = len(call.answers)
        line["request_ids"] = [cut(r) if r else None for r, _ in call.answers]
        line["outcomes"] = dict(Tally(o for _, o in call.answers))
    log.info("%s", json.dumps(line, ensure_ascii=False, separators=(",", ":")))


class AccessLog(grpc.ServerInterceptor):
    """The access line of every unary gRPC call but health (status: the gRPC code name)."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        method: str = details.method
        if handler is None or handler.request_streaming or handler.response_streaming or method.startswith(HEALTH):
            return handler
        rpc = cut(method.rsplit("/", 1)[-1])
        behaviour = handler.unary_unary

        def logged(request: Any, context: grpc.ServicerContext) -> Any:
            call = started("grpc", rpc)
            status = "UNKNOWN"  # an exception that is no abort: grpc answers UNKNOWN
            try:
                response = behaviour(request, context)
                status = "OK"
                return response
            except Exception:
                code = context.code()  # set by abort and abort_with_status
                status = code.name if isinstance(code, grpc.StatusCode) else status
                raise
            finally:
                finished(call, status)

        return grpc.unary_unary_rpc_method_handler(logged, handler.request_deserializer, handler.response_serializer)
