"""Health follows the decision log: NOT_SERVING while it cannot be written, SERVING again once it can.

Every Check is answered only once its decision is logged, so a log that cannot be written
(a full disk, a lost database) makes every Check UNAVAILABLE: health says so, and load
balancers send the calls elsewhere. It turns NOT_SERVING at the first write that fails. It
turns SERVING again at the first write that succeeds: a call's (health is advice, calls may
still come) or a probe's, a write that adds no entry (``DecisionLog.probe``), tried every
``log_probe_seconds`` while the failure lasts, since a balancer that heeds health sends no
call that could show the log is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class LogWatch:
    def __init__(self, set_serving: Callable[[bool], None], probe: Callable[[], None], interval: float) -> None:
        self._set_serving = set_serving
        self._probe = probe  # raises while the log cannot be written
        self._interval = interval
        self._lock = threading.Lock()
        self._writable = True
        self._prober: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def writable(self) -> bool:
        return self._writable

    def written(self, ok: bool) -> None:
        """What the last write to the log did: succeeded (True) or failed (False)."""
        with self._lock:
            self._turn(ok)

    def stop(self) -> None:
        self._stopped.set()

    def _turn(self, ok: bool) -> None:
        """Under the lock: health changes with the log's state, so two calls at once cannot
        leave it showing the older one."""
        if ok == self._writable or self._stopped.is_set():
            return
        self._writable = ok
        self._set_serving(ok)
        if ok:
            log.warning("the decision log can be written again: health is SERVING")
            return
        log.error("the decision log cannot be written: health is NOT_SERVING until it can")
        if self._prober is None:
            self._prober = threading.Thread(target=self._watch, name="gongkai-log-probe", daemon=True)
            self._prober.start()

    def _watch(self) -> None:
        while not self._stopped.wait(self._interval):
            with self._lock:
                if self._writable:  # a call's write succeeded meanwhile
                    self._prober = None
                    return
            try:
                self._probe()
            except Exception as exc:
                log.debug("the decision log still cannot be written: %s", exc)
                continue
            with self._lock:
                self._prober = None  # from here on a failure starts a new prober
                self._turn(True)
            return
        with self._lock:
            self._prober = None
