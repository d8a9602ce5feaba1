"""The server: gRPC (Compliance, health and reflection) on one port and, with ``http_port``,
JSON over HTTP on another, both over one ``core.Service``; TLS and tokens if configured, a
bound on calls in progress, garbage on the wire refused, health that follows the decision
log, an access line per call, Prometheus metrics, hot reload (SIGHUP, file watch), graceful
shutdown."""

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

from gongkai.check.checker import Checker
from gongkai.check.runtime import RulesError, open_rules
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, open_for_writing
from gongkai.periods.workdays import calendar_version
from gongkai.service import metrics
from gongkai.service.access import AccessLog
from gongkai.service.auth import Gatekeeper, TokenAuth, TokensError, load_tokens
from gongkai.service.core import Service
from gongkai.service.http import HttpServer, create_app
from gongkai.service.logwatch import LogWatch
from gongkai.service.reload import Reloader
from gongkai.service.servicer import ComplianceService
from gongkai.service.tls import TlsError, read_tls, server_credentials
from gongkai.service.wire import RejectGarbage
from gongkai.service.workers import supervise
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)

SERVICE = pb.DESCRIPTOR.services_by_name["Compliance"].full_name  # gongkai.v1.Compliance
HEALTH = ("", SERVICE)  # "" is the server as a whole
EXIT_CANNOT_START = 2
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Endpoint:
    """One listening server and the parts that change while it runs."""

    server: grpc.Server
    port: int
    health: health.HealthServicer
    compliance: ComplianceService
    log_probe_seconds: float
    watch: LogWatch | None = None
    http: HttpServer | None = None  # JSON over HTTP, with http_port

    @property
    def service(self) -> Service:
        """What both transports serve from."""
        return self.compliance.service

    def record_in(self, journal: DecisionLog | None) -> None:
        """Log every decision in ``journal``; health then follows whether it can be written."""
        self.compliance.journal = journal
        if journal is not None:
            self.watch = LogWatch(self._serving, journal.probe, self.log_probe_seconds)
            self.compliance.log_written = self.watch.written

    def ready(self, checker: Checker) -> None:
        self.swap(checker)
        self._serving(self.watch is None or self.watch.writable)

    def _serving(self, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in HEALTH:
            self.health.set(name, status)
        self.service.serving = serving  # what GET /healthz says
        metrics.SERVING.set(1 if serving else 0)

    def shutting_down(self) -> None:
        """NOT_SERVING everywhere, for good."""
        self.health.enter_graceful_shutdown()
        self.service.serving = False
        metrics.SERVING.set(0)

    def current(self) -> Checker | None:
        return self.compliance.checker

    def swap(self, checker: Checker) -> None:
        """Serve other rules (a reload): one assignment; calls under way finish on the old."""
        self.compliance.checker = checker
        metrics.RULESET.info(
            {"version": checker.lawbook.version, "calendar": calendar_version(checker.lawbook.holidays)}
        )


def assemble(settings: Settings) -> Endpoint:
    """Bind (port 0: any free port) but do not start; health is NOT_SERVING until ready().
    TlsError or TokensError: the certificates or the tokens file cannot be used."""
    tls = read_tls(settings)
    tokens = load_tokens(settings.tokens_file) if settings.tokens_file is not None else None
    if tokens is not None and tls is None and settings.host not in LOOPBACK:
        log.warning("bearer tokens without TLS on %s: anyone on the network path can read them", settings.host)
    limit = settings.max_message_bytes
    gatekeeper = None
    # the access line wraps the refusal of bad bytes, so that refusal is logged too
    interceptors: list[grpc.ServerInterceptor] = [AccessLog(), RejectGarbage()]
    if tokens is not None:  # first: a caller without a token learns nothing, not even of bad bytes
        gatekeeper = Gatekeeper(tokens, settings.refusal_log_lines, settings.refusal_log_seconds)
        interceptors.insert(0, TokenAuth(gatekeeper))
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.thread_pool, thread_name_prefix="gongkai-rpc"),
        interceptors=interceptors,
        # beyond this many calls in progress (running or queued), RESOURCE_EXHAUSTED at once
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
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
    if settings.reflection:
        health_service = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
        reflection.enable_server_reflection((SERVICE, health_service, reflection.SERVICE_NAME), server)
    address = f"{settings.host}:{settings.port}"
    if tls is not None:  # either raises if it cannot bind
        port = server.add_secure_port(address, server_credentials(tls))
    else:
        port = server.add_insecure_port(address)
    endpoint = Endpoint(server, port, health_servicer, compliance, settings.log_probe_seconds)
    if settings.http_port is not None:  # OSError if it cannot listen
        endpoint.http = HttpServer(create_app(compliance.service, gatekeeper), settings, settings.http_port)
    return endpoint


def create_server(
    settings: Settings, checker: Checker | None = None, journal: DecisionLog | None = None
) -> tuple[grpc.Server, int]:
    """A server ready to start, serving ``checker`` (default: the rules of settings.rules_dir)
    and recording in ``journal`` (default: none; ``serve`` always opens the decision log)."""
    endpoint = assemble(settings)
    endpoint.record_in(journal)
    endpoint.ready(checker or open_rules(settings.rules_dir, settings.pack_public_key))
    return endpoint.server, endpoint.port


def serve(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT, drain; return the exit code. With ``workers`` > 1, that
    many processes serve the one port, each with its own engine (gongkai/service/workers.py)."""
    if settings.workers > 1:
        return supervise(settings, serve_process)
    return serve_process(settings)


def serve_process(settings: Settings, checker: Checker | None = None) -> int:
    """Listen, load the rules (unless given), serve until SIGTERM/SIGINT, drain; the exit code.
    SIGHUP (and, with ``reload_seconds``, a change to the rules' files) reloads the rules."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # until the reloader exists
    try:
        try:
            endpoint = assemble(settings)
        except (TlsError, TokensError) as exc:
            return _cannot_start(str(exc))
        except RuntimeError as exc:
            return _cannot_start(f"cannot listen on {settings.host}:{settings.port}: {exc}")
        except OSError as exc:
            return _cannot_start(f"cannot listen on {settings.host}:{settings.http_port} (HTTP): {_reason(exc)}")
        try:
            metrics_port = (
                metrics.serve_metrics(settings.host, settings.metrics_port) if settings.metrics_port else None
            )
        except OSError as exc:
            endpoint.server.stop(None)
            return _cannot_start(f"cannot listen on {settings.host}:{settings.metrics_port} (metrics): {_reason(exc)}")
        reloader = Reloader(
            settings.rules_dir,
            endpoint.current,
            endpoint.swap,
            settings.reload_seconds,
            load=lambda rules_dir: open_rules(rules_dir, settings.pack_public_key),
        )
        signal.signal(signal.SIGHUP, lambda *_: reloader.request())  # one during the load: reloads after it
        endpoint.server.start()  # health answers NOT_SERVING while the rules load
        if endpoint.http is not None:
            endpoint.http.start()
        log.info(
            "listening on %s, loading rules from %s", _listeners(settings, endpoint, metrics_port), settings.rules_dir
        )
        try:
            checker = checker or open_rules(settings.rules_dir, settings.pack_public_key)
            journal = open_for_writing(settings)  # exits 2 on a log whose key is missing or wrong
        except RulesError as exc:
            _stop_now(endpoint)
            return _cannot_start(str(exc))
        except Exception as exc:  # the log's file or database
            _stop_now(endpoint)
            return _cannot_start(f"cannot open the decision log: {' '.join(str(exc).split())}")
        endpoint.record_in(journal)
        endpoint.ready(checker)
        del checker  # the endpoint holds the rules served: a reload can free the old ones
        reloader.start()
        log.info(
            "serving ruleset %s, working days from %s, decision log in %s",
            endpoint.current().lawbook.version,  # type: ignore[union-attr]
            calendar_version(endpoint.current().lawbook.holidays),  # type: ignore[union-attr]
            journal.backend,
        )
        while not stop.wait(0.5):  # a short wait keeps the main thread responsive to signals
            pass
        log.info("shutting down: in-flight calls get up to %ss", settings.grace_seconds)
        reloader.stop()
        if endpoint.watch is not None:
            endpoint.watch.stop()
        endpoint.shutting_down()
        if endpoint.http is not None:
            endpoint.http.stop()  # both transports drain at once
        drained = endpoint.server.stop(settings.grace_seconds)
        log.info("draining: new calls are refused")
        drained.wait()
        if endpoint.http is not None:
            endpoint.http.join()
        metrics.stop_metrics()
        journal.close()  # every in-flight call has been answered, and so logged
        log.info("stopped")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _listeners(settings: Settings, endpoint: Endpoint, metrics_port: int | None) -> str:
    where = [f"{settings.host}:{endpoint.port} (gRPC)"]
    if endpoint.http is not None:
        where.append(f"{endpoint.http.scheme}://{settings.host}:{endpoint.http.port} (HTTP)")
    if metrics_port is not None:
        where.append(f"{settings.host}:{metrics_port} (metrics)")
    return ", ".join(where)


def _stop_now(endpoint: Endpoint) -> None:
    endpoint.server.stop(None)
    if endpoint.http is not None:
        endpoint.http.stop()
        endpoint.http.join()
    metrics.stop_metrics()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _cannot_start(message: str) -> int:
    print(f"gongkai: {message}", file=sys.stderr)
    return EXIT_CANNOT_START
