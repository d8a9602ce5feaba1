"""Bytes on the wire that are no request message: INVALID_ARGUMENT, not grpcio's INTERNAL.

grpcio parses a request with the handler's deserializer (``CheckRequest.FromString``) before
any of our code runs, and answers INTERNAL "Exception deserializing request!" when that
fails, as if the server were at fault. ``RejectGarbage`` gives every handler that takes one
request (the Compliance RPCs, health) a deserializer that turns a parse failure into a
marker, and a behaviour that answers the marker with INVALID_ARGUMENT naming the message
expected. Streamed requests (reflection) are left to grpcio.

Not reachable from Python: a message whose compressed flag is set although the call has no
``grpc-encoding`` is refused by gRPC core itself, INTERNAL "Compression bit set but no
encoding configured", before any handler or interceptor sees it (tests/test_edges.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc


@dataclass(frozen=True)
class Garbled:
    """What the guarded deserializer returns for bytes it cannot parse."""

    expected: str  # the message type, e.g. gongkai.v1.CheckRequest


class RejectGarbage(grpc.ServerInterceptor):
    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        if handler is None or handler.request_streaming or handler.request_deserializer is None:
            return handler
        parse = _guarded(handler.request_deserializer)
        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(
                _refusing(handler.unary_stream), parse, handler.response_serializer
            )
        return grpc.unary_unary_rpc_method_handler(_refusing(handler.unary_unary), parse, handler.response_serializer)


def _guarded(deserialize: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    message = getattr(getattr(deserialize, "__self__", None), "DESCRIPTOR", None)
    expected = message.full_name if message is not None else "request"

    def parse(data: bytes) -> Any:
        try:
            return deserialize(data)
        except Exception:  # DecodeError, or whatever a deserializer raises on bad bytes
            return Garbled(expected)

    return parse


def _refusing(behaviour: Callable[[Any, grpc.ServicerContext], Any]) -> Callable[[Any, grpc.ServicerContext], Any]:
    def guarded(request: Any, context: grpc.ServicerContext) -> Any:
        if isinstance(request, Garbled):
            context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"请求不是有效的 {request.expected} 消息(protobuf 无法解析)"
                f" / the request is not a valid {request.expected} protobuf message",
            )
        return behaviour(request, context)

    return guarded
