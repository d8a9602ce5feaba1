"""Hot reload of the rule packs and the holiday calendar beside them (``rules/calendar``), on
SIGHUP and (``reload_seconds`` > 0) when their files change.

A reload builds a whole new Checker (``runtime.open_rules``: check the seal, load, validate,
compile, start the engine) on the reloader's thread, off the serving path, and installs it
with one assignment: a call takes the checker once and keeps it to the end, so every decision
is made by one ruleset, old or new, never a mix. Rules that fail to load or do not match their
seal (a file emptied, cut short, deleted, added or altered; a bad signature) are refused with
the reason logged, and the last good ones keep serving; health is not touched. The replaced engine is
freed in the C engine once the last call using it has finished (``DurableEngine.__del__``).

The watch compares, every ``reload_seconds``, each file's name, size, mtime and inode under
the rules directory with the last look (dot files and ``__pycache__`` aside). An edited file is
refused until ``gongkai pack seal`` has written the new manifests; the look that sees them
loads it. A half-written file never matches its seal.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from gongkai.check.checker import Checker
from gongkai.check.runtime import RulesError, open_rules
from gongkai.service import metrics

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int, int], ...]


def fingerprint(rules_dir: Path) -> Fingerprint:
    """What the watch compares: (path, size, mtime ns, inode) of every file, in order."""
    seen = []
    for top, dirs, files in os.walk(rules_dir, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(top, name)
            try:
                st = os.stat(path)
            except OSError:  # removed between the listing and the look: the next look sees it
                continue
            seen.append((os.path.relpath(path, rules_dir), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(seen)


class Reloader:
    """Reloads ``rules_dir`` into ``install`` on request (SIGHUP) or when its files change."""

    def __init__(
        self,
        rules_dir: Path,
        current: Callable[[], Checker | None],
        install: Callable[[Checker], None],
        interval: float = 0.0,
        load: Callable[[Path], Checker] = open_rules,
    ) -> None:
        self.rules_dir = rules_dir
        self.interval = interval
        self._current = current
        self._install = install
        self._load = load
        self._seen = fingerprint(rules_dir)  # what the serving rules were loaded from, near enough
        self._lock = threading.Lock()  # one reload at a time
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Reload soon, changed or not (SIGHUP). Safe to call from a signal handler."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gongkai-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            requested = self._wake.wait(self.interval or None)
            if self._stopping:
                return
            self._wake.clear()
            try:
                self.reload(force=requested)
            except Exception:  # the reloader must outlive any surprise; the old rules serve on
                log.exception("rules not reloaded: unexpected error")

    def reload(self, force: bool = True) -> bool | None:
        """Load the rules again; True if they serve now (or were the same), False if refused,
        None if nothing changed (``force`` False: the watch's look)."""
        with self._lock:
            seen = fingerprint(self.rules_dir)
            if not force and seen == self._seen:
                return None
            self._seen = seen
            serving = self._current()
            was = serving.lawbook.version if serving is not None else "none"
            del serving  # not held while loading: a reload under way must not keep old rules alive
            try:
                checker = self._load(self.rules_dir)
            except RulesError as exc:
                reason = str(exc)  # the text only: the exception's frames would hold the rules
            else:
                reason = None
            if reason is not None:
                metrics.RELOADS.labels("refused").inc()
                log.error("rules not reloaded, still serving ruleset %s: %s", was, reason)
                return False
            if checker.lawbook.version == was:
                metrics.RELOADS.labels("unchanged").inc()
                log.info("rules reloaded: unchanged, still serving ruleset %s", was)
                return True
            self._install(checker)
            metrics.RELOADS.labels("loaded").inc()
            log.info("rules reloaded: now serving ruleset %s (was %s)", checker.lawbook.version, was)
            return True
