"""The network service: the gRPC server and its thin servicer, proto ⇄ model conversion,
tokens, TLS, worker processes, hot reload, and the views of rules and actions it serves.

The only layer that imports grpc (besides the generated ``gongkai.v1``).
"""
