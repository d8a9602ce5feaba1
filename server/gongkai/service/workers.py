"""``gongkai serve --workers N``: N processes answering on one port, each with its own engine.

durable-rules never releases the GIL, so threads add no throughput: processes do. The
supervisor checks what it can once (the port is free, the rules load, the decision log
opens), then forks the workers before any gRPC object exists (gRPC must not cross a fork).
Each worker binds the port with SO_REUSEPORT, so the kernel spreads connections over them,
and serves the rules loaded before the fork (its copy of the engine is its own). The
supervisor forwards SIGTERM/SIGINT to every worker and exits when they have all exited: 0
after a clean drain. It forwards SIGHUP too: each worker reloads the rules itself (and, with
``reload_seconds``, watches the files itself). If a worker exits on its own, the others are
stopped and the supervisor exits non-zero, for the service manager to restart the whole.

Workers die with their supervisor: each asks the kernel (Linux ``PR_SET_PDEATHSIG``) for a
SIGTERM when the supervisor dies, even by SIGKILL, which no handler sees. They drain as on
any SIGTERM and exit, so a restart binds the port rather than finding orphans holding it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Callable

from gongkai.check.checker import Checker
from gongkai.check.runtime import RulesError, open_rules
from gongkai.config import Settings
from gongkai.journal.decisionlog import open_for_writing
from gongkai.service.auth import TokensError, load_tokens
from gongkai.service.tls import TlsError, read_tls

log = logging.getLogger(__name__)

EXIT_CANNOT_START = 2
PR_SET_PDEATHSIG = 1  # linux/prctl.h
SIGNALS = (signal.SIGTERM, signal.SIGINT)
FORWARDED = (*SIGNALS, signal.SIGHUP)
Worker = Callable[[Settings, Checker], int]


def supervise(settings: Settings, worker: Worker) -> int:
    """Fork ``settings.workers`` processes running ``worker``; return the exit code."""
    problem = _preflight(settings)
    if problem:
        print(f"gongkai: {problem}", file=sys.stderr)
        return EXIT_CANNOT_START
    try:
        checker = open_rules(settings.rules_dir, settings.pack_public_key)
    except RulesError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return EXIT_CANNOT_START
    try:  # creates the log (and its key) once, so workers do not race to
        open_for_writing(settings).close()
    except Exception as exc:
        print(f"gongkai: cannot open the decision log: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_CANNOT_START
    return _Supervisor(settings, checker, worker).run()


def _preflight(settings: Settings) -> str | None:
    """Why the workers could not share the port, or None. SO_REUSEPORT would let them join
    a port another server holds: check that none does (only a plain bind can tell)."""
    for option, port in (
        ("--port", settings.port),
        ("--http-port", settings.http_port),
        ("--metrics-port", settings.metrics_port),
    ):
        if port == 0:
            return f"--workers needs a fixed {option}: each worker would get a different free port"
    try:  # read here, once, rather than failing in every worker
        read_tls(settings)
        if settings.tokens_file is not None:
            load_tokens(settings.tokens_file)
    except (TlsError, TokensError) as exc:
        return str(exc)
    ports = [(settings.port, "")]
    if settings.http_port is not None:  # shared by the workers as the gRPC port is
        ports.append((settings.http_port, " (HTTP)"))
    if settings.metrics_port is not None:  # one each: worker i on metrics_port + i
        ports += [(settings.metrics_port + i, " (metrics)") for i in range(settings.workers)]
    for port, what in ports:
        try:
            family = socket.getaddrinfo(settings.host, port, type=socket.SOCK_STREAM)[0][0]
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gRPC does
                probe.bind((settings.host, port))
        except (OSError, OverflowError) as exc:
            return f"cannot listen on {settings.host}:{port}{what}: {getattr(exc, 'strerror', None) or exc}"
    return None


def worker_settings(settings: Settings, index: int) -> Settings:
    """Worker ``index``'s settings: its own metrics port, the rest shared."""
    if settings.metrics_port is None:
        return settings
    return settings.model_copy(update={"metrics_port": settings.metrics_port + index})


def _die_with(supervisor: int) -> None:
    """In a worker: SIGTERM when the supervisor dies (Linux). If it died before this call,
    the kernel will never send it: stop now."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            log.warning(
                "worker %d will outlive its supervisor: prctl failed (errno %d)", os.getpid(), ctypes.get_errno()
            )
    if os.getppid() != supervisor:
        os._exit(1)


class _Supervisor:
    def __init__(self, settings: Settings, checker: Checker, worker: Worker) -> None:
        self.settings = settings
        self.checker = checker
        self.worker = worker
        self.children: dict[int, int] = {}  # pid → worker index
        self.stopping = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._stop) for sig in SIGNALS}
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, self._reload)
        try:
            for index in range(self.settings.workers):
                if self.stopping:
                    break
                self._fork(index)
            log.info("supervising %d workers on %s:%d", len(self.children), self.settings.host, self.settings.port)
            return self._wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _fork(self, index: int) -> None:
        # Signals wait until the child has its own handlers (and the parent knows the pid).
        signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:
            _die_with(supervisor)
            for sig in SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the worker reloads once it serves
            signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
            code = 1
            try:
                code = self.worker(worker_settings(self.settings, index), self._hand_over())
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = index
        signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
        log.info("worker %d is pid %d", index, pid)

    def _hand_over(self) -> Checker:
        """The rules, for the worker alone to hold: a reload there can then free them."""
        checker, self.checker = self.checker, None  # type: ignore[assignment]
        return checker

    def _stop(self, *_: object) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):  # exited already
                os.kill(pid, signal.SIGTERM)

    def _reload(self, *_: object) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGHUP)

    def _wait(self) -> int:
        code = 0
        while self.children:
            pid, status = os.wait()
            index = self.children.pop(pid, None)
            if index is None:
                continue
            exited = os.waitstatus_to_exitcode(status)
            if not self.stopping:
                log.error("worker %d (pid %d) exited on its own (%d): stopping the others", index, pid, exited)
                self._stop()
                code = exited or 1
            elif exited != 0:
                log.error("worker %d (pid %d) exited with %d while stopping", index, pid, exited)
                code = code or exited
        log.info("all workers stopped")
        return code
