"""The decision log in SQLite (WAL, group commit), the default store."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.journal.store import (
    ADDED_COLUMNS,
    COLUMNS,
    GENESIS,
    N_COLUMNS,
    Chained,
    Held,
    Placing,
    Reader,
    Seal,
    place,
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
    agency TEXT NOT NULL, division_code TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
    ruleset_version TEXT NOT NULL, request TEXT NOT NULL, decision TEXT, error TEXT,
    prev_mac TEXT NOT NULL, mac TEXT NOT NULL, request_digest TEXT);
CREATE INDEX IF NOT EXISTS decisions_request_id ON decisions (request_id);
CREATE INDEX IF NOT EXISTS decisions_recorded_at ON decisions (recorded_at);
CREATE TABLE IF NOT EXISTS log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, mac TEXT NOT NULL, head_mac TEXT);
INSERT INTO log_head (id, seq, mac) SELECT 1, 0, '{GENESIS}' WHERE NOT EXISTS (SELECT 1 FROM log_head);
"""


@dataclass
class _Pending:
    """An entry waiting for a commit: made, and committed or failed, by whoever commits next."""

    placing: Placing
    seal: Seal  # the head's MAC, once the group is placed
    entry: Chained | Held | None = None
    error: BaseException | None = None


class SqliteStore(Reader):
    """SQLite with group commit: with synchronous=FULL a commit waits for the disk (~4 ms
    here, BENCHMARKS.md), so entries that arrive while one commits are committed together in
    the next transaction, each caller still returning only once its own entry is on disk."""

    def __init__(self, path: Path, durability: str = "full") -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the
        # database's own mode, so applicants' hashed data and the chain stay the owner's.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        self.where = f"SQLite {path.resolve()}"
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._lock = threading.Lock()  # one connection, many threads
        self._waiting: list[_Pending] = []
        self._waiting_lock = threading.Lock()
        # Writers in other processes (``serve --workers N``) queue on this file's kernel lock:
        # SQLite's own busy handler sleeps 1–100 ms between tries, which held two workers to
        # the throughput of one (BENCHMARKS.md). flock wakes the next writer at once.
        self._writer_lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}")
        self._db.executescript(SCHEMA)
        self._migrate()

    def _missing(self) -> list[tuple[str, str]]:
        columns = {t: {row[1] for row in self._db.execute(f"PRAGMA table_info({t})")} for t, _ in ADDED_COLUMNS}
        return [(table, column) for table, column in ADDED_COLUMNS if column not in columns[table]]

    def _migrate(self) -> None:
        """Add the columns an older log lacks (every process may try: the first one does it)."""
        if not self._missing():  # a log read from a read-only copy is never written
            return
        fcntl.flock(self._writer_lock, fcntl.LOCK_EX)
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for table, column in self._missing():
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        finally:
            fcntl.flock(self._writer_lock, fcntl.LOCK_UN)

    def append_many(self, placings: list[Placing], seal: Seal) -> list[Chained | Held]:
        mine = [_Pending(placing, seal) for placing in placings]
        with self._waiting_lock:
            self._waiting.extend(mine)
        with self._lock:
            with self._waiting_lock:  # whoever holds the connection commits all that wait
                group, self._waiting = self._waiting, []
            if group:  # empty: another caller committed ours while we waited for the lock
                self._commit(group)
        for pending in mine:
            if pending.error is not None:
                raise pending.error
        return [pending.entry for pending in mine]  # type: ignore[misc]

    def _commit(self, group: list[_Pending]) -> None:
        """One transaction for the group, in order; on failure every entry in it fails."""
        try:
            fcntl.flock(self._writer_lock, fcntl.LOCK_EX)
            self._db.execute("BEGIN IMMEDIATE")  # locks out other writers, other processes too
            try:
                seq, mac = self._db.execute("SELECT seq, mac FROM log_head WHERE id = 1").fetchone()
                query = lambda sql, params: self._db.execute(sql, params).fetchall()  # noqa: E731
                results, seq, mac = place([p.placing for p in group], seq, mac, query, self.MARK)
                for pending, result in zip(group, results, strict=True):
                    pending.entry = result
                self._db.executemany(
                    f"INSERT INTO decisions ({COLUMNS}) VALUES ({', '.join('?' * N_COLUMNS)})",
                    [r.params for r in results if isinstance(r, Chained)],
                )
                self._db.execute(
                    "UPDATE log_head SET seq = ?, mac = ?, head_mac = ? WHERE id = 1",
                    (seq, mac, group[-1].seal(seq, mac)),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except BaseException as exc:
            for pending in group:
                pending.entry, pending.error = None, exc
        finally:
            fcntl.flock(self._writer_lock, fcntl.LOCK_UN)

    def probe(self) -> None:
        """Rewrite the head row as it is, committed as an entry is (the same locks, WAL and
        sync): REPLACE writes the row even unchanged, where an UPDATE to the same values
        writes nothing at all."""
        with self._lock:
            fcntl.flock(self._writer_lock, fcntl.LOCK_EX)
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("INSERT OR REPLACE INTO log_head SELECT * FROM log_head")
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            finally:
                fcntl.flock(self._writer_lock, fcntl.LOCK_UN)

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
            os.close(self._writer_lock)
