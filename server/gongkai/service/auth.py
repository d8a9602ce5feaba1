"""Bearer-token authentication: ``authorization: Bearer <token>`` in the call's metadata.

The tokens file (``tokens_file``) holds no token, only each one's SHA-256 and the RPCs it
may call::

    tokens:
      - name: oa-drafting            # shown in the log, never the token
        sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
        rpcs: [Check, CheckBatch, DescribeActions]
      - name: auditor
        sha256: …
        rpcs: ["*"]                  # every RPC

(``printf %s "$TOKEN" | sha256sum`` gives the digest.) No token, or one not in the file:
UNAUTHENTICATED. A known token calling an RPC it is not given: PERMISSION_DENIED. Health is
open to all (load balancers probe it without credentials); reflection is an RPC like the
others (``ServerReflectionInfo``). Send tokens over TLS only.

Each refusal is a WARNING, but at most ``refusal_log_lines`` of them per
``refusal_log_seconds``: anyone can call without a token, and the log must not be theirs to
fill. The refusals beyond are counted, and the count is logged with the next refusal after
the interval ("… and 1234 more refused calls …").
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import grpc
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gongkai.check.invalid import cut
from gongkai.service import metrics
from gongkai.service.core import Code, Problem
from gongkai.v1 import gongkai_pb2 as pb

log = logging.getLogger(__name__)

ALL = "*"
OPEN_SERVICES = ("/grpc.health.v1.Health/",)
REFLECTION_RPC = "ServerReflectionInfo"
KNOWN_RPCS = (*pb.DESCRIPTOR.services_by_name["Compliance"].methods_by_name, REFLECTION_RPC)


class TokensError(ValueError):
    """A tokens file that cannot be used; the message is one line and names the file."""


class Token(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rpcs: tuple[str, ...] = Field(min_length=1)

    def may_call(self, rpc: str) -> bool:
        return ALL in self.rpcs or rpc in self.rpcs


class TokensFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: list[Token]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, tokens: Iterable[Token]) -> None:
        self._by_digest = {t.sha256: t for t in tokens}

    def find(self, token: str) -> Token | None:
        return self._by_digest.get(digest(token))


def load_tokens(path: Path) -> Tokens:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = TokensFile.model_validate(data)
    except OSError as exc:
        raise TokensError(f"cannot read the tokens file {str(path)!r}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise TokensError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        problem = err["msg"].lower()  # never the input: it may be a token
        if err["loc"][-1:] == ("sha256",):
            problem = "should be the token's SHA-256, 64 lower-case hex digits (never the token itself)"
        raise TokensError(f"{path}: {where}: {problem}") from exc
    for token in parsed.tokens:
        unknown = [r for r in token.rpcs if r != ALL and r not in KNOWN_RPCS]
        if unknown:
            known = ", ".join(KNOWN_RPCS)
            raise TokensError(f"{path}: token {token.name!r}: unknown RPC {unknown[0]!r}; known: {known}")
    digests = [t.sha256 for t in parsed.tokens]
    if len(set(digests)) != len(digests):
        raise TokensError(f"{path}: the same token is listed twice")
    return Tokens(parsed.tokens)


def bearer(metadata: Iterable[tuple[str, Any]] | None) -> str | None:
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str):
            return bearer_token(value)
    return None


def bearer_token(authorization: str) -> str | None:
    """The token of an ``authorization`` value (gRPC metadata or HTTP header), if Bearer."""
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Throttle:
    """At most ``lines`` warnings per ``seconds``; the rest are counted, and the count is
    logged before the first warning of the next interval."""

    def __init__(
        self, logger: logging.Logger, lines: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._log = logger
        self._lines = lines
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._started = float("-inf")  # when the current interval began
        self._logged = 0
        self._dropped = 0

    def warning(self, message: str, *args: object) -> None:
        with self._lock:
            now = self._clock()
            if now - self._started >= self._seconds:
                if self._dropped:
                    self._log.warning(
                        "… and %d more refused calls in the %g s after the first of them, not logged one by one",
                        self._dropped,
                        self._seconds,
                    )
                self._started, self._logged, self._dropped = now, 0, 0
            if self._logged >= self._lines:
                self._dropped += 1
                return
            self._logged += 1
        self._log.warning(message, *args)


class Gatekeeper:
    """Decides whether a call may go on, for gRPC (``TokenAuth``) and HTTP alike: one
    throttle of refusal WARNINGs for both."""

    def __init__(self, tokens: Tokens, log_lines: int = 10, log_seconds: float = 60.0) -> None:
        self._tokens = tokens
        self._refusals = Throttle(log, log_lines, log_seconds)  # at most log_lines WARNINGs per log_seconds

    def refusal(self, transport: str, presented: str | None, rpc: str, what: str) -> Problem | None:
        """Why a call of ``rpc`` (``what``: the method or route, for the log) with the token
        ``presented`` is refused, or None if it may go on."""
        token = self._tokens.find(presented) if presented else None
        if token is None:
            reason = "an unknown" if presented else "no"
            self._refusals.warning("refused %s: %s bearer token", cut(what), reason)
            metrics.REFUSED.labels(transport, "unauthenticated").inc()
            return Problem(Code.UNAUTHENTICATED, "", "a valid bearer token is required (authorization: Bearer <token>)")
        if not token.may_call(rpc):
            self._refusals.warning("refused %s: token %r may not call it", cut(what), token.name)
            metrics.REFUSED.labels(transport, "permission_denied").inc()
            return Problem(Code.PERMISSION_DENIED, "", f"this token may not call {cut(rpc)}")
        return None


class TokenAuth(grpc.ServerInterceptor):
    """Lets a call through only with a token that may call its RPC."""

    def __init__(self, gatekeeper: Gatekeeper) -> None:
        self._gatekeeper = gatekeeper

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method: str = details.method
        if method.startswith(OPEN_SERVICES):
            return continuation(details)
        presented = bearer(details.invocation_metadata)
        refused = self._gatekeeper.refusal("grpc", presented, method.rsplit("/", 1)[-1], method)
        if refused is not None:
            return _refusal(continuation(details), grpc.StatusCode[refused.code.value], refused.message)
        return continuation(details)


def _refusal(handler: grpc.RpcMethodHandler | None, code: grpc.StatusCode, message: str) -> grpc.RpcMethodHandler:
    """A handler of the same shape as the one refused, that aborts with ``code``."""

    def refuse(_request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    if handler is None or not (handler.request_streaming or handler.response_streaming):
        return grpc.unary_unary_rpc_method_handler(refuse)
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(refuse)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(refuse)
    return grpc.unary_stream_rpc_method_handler(refuse)
