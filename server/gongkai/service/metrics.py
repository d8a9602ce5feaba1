"""Prometheus metrics (``prometheus-client``), served at ``GET /metrics`` on the HTTP port and,
with ``metrics_port``, on a port of their own (``serve``).

Every label is bounded: action kinds are the known ones (anything else is ``unknown``),
outcomes the Decision's four plus REJECTED (bad input), FAILED (not checked: an internal
error) and UNLOGGED (the decision log could not be written). No label holds a caller's text.
Each process keeps its own (with ``--workers N`` a scrape of the shared port reaches one
worker: scrape ``metrics_port + i`` for worker i, README).
"""

from __future__ import annotations

import threading
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.exposition import start_http_server

from gongkai.check.terms import action_kind
from gongkai.facts import ACTIONS

REJECTED, FAILED, UNLOGGED = "REJECTED", "FAILED", "UNLOGGED"
UNKNOWN_ACTION = "unknown"
# A check takes about a millisecond, a log write a few (a disk's flush): buckets around both.
FAST = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

CHECKS = Counter("gongkai_checks", "Checks answered, by action kind and outcome", ["action", "outcome"])
CHECK_SECONDS = Histogram(
    "gongkai_check_seconds", "Time to decide one check (validation to Decision)", ["action"], buckets=FAST
)
LOG_WRITE_SECONDS = Histogram(
    "gongkai_log_write_seconds", "Time to record one call's decisions in the decision log", buckets=FAST
)
LOG_FAILURES = Counter("gongkai_log_failures", "Writes to the decision log that failed (nothing was answered)")
RELOADS = Counter("gongkai_reloads", "Rule reloads, by result (loaded, unchanged, refused)", ["result"])
CALLS = Counter("gongkai_calls", "Calls answered, by transport, RPC and status", ["transport", "rpc", "status"])
CALL_SECONDS = Histogram("gongkai_call_seconds", "Time to answer a call", ["transport", "rpc"], buckets=FAST)
REFUSED = Counter(
    "gongkai_refused_calls", "Calls refused for their token, by transport and reason", ["transport", "reason"]
)
SERVING = Gauge("gongkai_serving", "1 while health is SERVING, else 0")
RULESET = Info("gongkai_ruleset", "The rules and working-day calendar served")

_exporters: list[Any] = []
_lock = threading.Lock()


def action_label(action: object) -> str:
    """A label for the action a request named: a known kind (named in English or Chinese), else unknown."""
    kind = action_kind(action) if isinstance(action, str) else ""
    return kind if kind in ACTIONS else UNKNOWN_ACTION


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_metrics(host: str, port: int) -> int:
    """Serve the metrics alone on ``host:port`` (a thread of prometheus-client's); the port bound.
    OSError if it cannot listen."""
    server, _thread = start_http_server(port, addr=host, registry=REGISTRY)
    with _lock:
        _exporters.append(server)
    return server.server_address[1]


def stop_metrics() -> None:
    with _lock:
        servers, _exporters[:] = list(_exporters), []
    for server in servers:
        server.shutdown()
        server.server_close()
