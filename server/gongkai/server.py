"""The gRPC server: Compliance, health and reflection on one port, and graceful shutdown."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from gongkai.checker import Checker
from gongkai.config import Settings
from gongkai.decisionlog import DecisionLog, open_log
from gongkai.runtime import RulesError, open_rules
from gongkai.service import ComplianceService
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)

SERVICE = pb.DESCRIPTOR.services_by_name["Compliance"].full_name  # gongkai.v1.Compliance
HEALTH = ("", SERVICE)  # "" is the server as a whole
EXIT_CANNOT_START = 2


@dataclass
class Endpoint:
    """One listening server and the parts that change while it runs."""

    server: grpc.Server
    port: int
    health: health.HealthServicer
    compliance: ComplianceService

    def ready(self, checker: Checker) -> None:
        self.compliance.checker = checker
        for name in HEALTH:
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)


def assemble(settings: Settings) -> Endpoint:
    """Bind (port 0: any free port) but do not start; health is NOT_SERVING until ready()."""
    limit = settings.max_message_bytes
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.thread_pool, thread_name_prefix="gongkai-rpc"),
        options=[
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", limit),
            # One process: a port already taken is an error rather than silently shared.
            # Worker processes share theirs (SO_REUSEPORT); the supervisor checked it was free.
            ("grpc.so_reuseport", 1 if settings.workers > 1 else 0),
        ],
    )
    compliance = ComplianceService(settings)
    pb_grpc.add_ComplianceServicer_to_server(compliance, server)
    health_servicer = health.HealthServicer()
    for name in HEALTH:
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    health_service = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
    reflection.enable_server_reflection((SERVICE, health_service, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(f"{settings.host}:{settings.port}")  # raises if it cannot bind
    return Endpoint(server, port, health_servicer, compliance)


def create_server(
    settings: Settings, checker: Checker | None = None, journal: DecisionLog | None = None
) -> tuple[grpc.Server, int]:
    """A server ready to start, serving ``checker`` (default: the rules of settings.rules_dir)
    and recording in ``journal`` (default: none; ``serve`` always opens the decision log)."""
    endpoint = assemble(settings)
    endpoint.compliance.journal = journal
    endpoint.ready(checker or open_rules(settings.rules_dir))
    return endpoint.server, endpoint.port


def serve(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT, drain; return the exit code. With ``workers`` > 1, that
    many processes serve the one port, each with its own engine (gongkai/workers.py)."""
    if settings.workers > 1:
        from gongkai.workers import supervise

        return supervise(settings, serve_process)
    return serve_process(settings)


def serve_process(settings: Settings, checker: Checker | None = None) -> int:
    """Listen, load the rules (unless given), serve until SIGTERM/SIGINT, drain; the exit code."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            endpoint = assemble(settings)
        except RuntimeError as exc:
            return _cannot_start(f"cannot listen on {settings.host}:{settings.port}: {exc}")
        endpoint.server.start()  # health answers NOT_SERVING while the rules load
        log.info("listening on %s:%d, loading rules from %s", settings.host, endpoint.port, settings.rules_dir)
        try:
            checker = checker or open_rules(settings.rules_dir)
            journal = open_log(settings.data_dir, settings.database_url, settings.log_durability)
        except RulesError as exc:
            endpoint.server.stop(None)
            return _cannot_start(str(exc))
        except Exception as exc:  # the log's file or database
            endpoint.server.stop(None)
            return _cannot_start(f"cannot open the decision log: {' '.join(str(exc).split())}")
        endpoint.compliance.journal = journal
        endpoint.ready(checker)
        log.info("serving ruleset %s", checker.lawbook.version)
        while not stop.wait(0.5):  # a short wait keeps the main thread responsive to signals
            pass
        log.info("shutting down: in-flight calls get up to %ss", settings.grace_seconds)
        endpoint.health.enter_graceful_shutdown()  # NOT_SERVING everywhere, for good
        endpoint.server.stop(settings.grace_seconds).wait()
        journal.close()  # every in-flight call has been answered, and so logged
        log.info("stopped")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _cannot_start(message: str) -> int:
    print(f"gongkai: {message}", file=sys.stderr)
    return EXIT_CANNOT_START
