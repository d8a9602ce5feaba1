"""The network service: what a call does whatever the transport (``core``), the gRPC server
and its thin servicer, JSON over HTTP (``http``), proto ⇄ model conversion, tokens, TLS, the
access log and metrics, worker processes, hot reload, and the views of rules and actions it
serves.

The only layer that imports grpc (besides the generated ``gongkai.v1``), the web stack
(fastapi, starlette, uvicorn) and prometheus_client.
"""
