"""The decision log: every decision and every rejected request, durably, in a keyed chain.

Each entry carries an HMAC over its content (its header fields, canonical JSON, and its
request, decision and error documents exactly as stored) and the previous entry's HMAC, so
editing, deleting or reordering an entry breaks the chain; the last entry (the head) is also kept in
a table of its own, which catches a truncated tail. ``verify`` walks the chain. Whoever
holds the log key can recompute the chain, so keep the key (``log.key``, created with mode
0600 beside the database) away from those who may write the database.

SQLite (WAL, ``synchronous=FULL``) by default; PostgreSQL when a database URL is
configured. A check is answered only after its entry is committed. The decision is
serialised once, from its model, for the log (BENCHMARKS.md, change F).
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, PrivateAttr

from gongkai.decision import Decision
from gongkai.privacy import protect

REJECTED = "REJECTED"  # the outcome recorded for a request that got no decision
GENESIS = "0" * 64


class LogError(RuntimeError):
    """The log cannot record or read: the check must fail, not go unrecorded."""


HEADER = ("seq", "request_id", "recorded_at", "agency", "division_code", "action", "outcome", "ruleset_version")
DOCUMENTS = ("request", "decision", "error")


class Entry(BaseModel):
    """An entry as read back from the log."""

    seq: int
    request_id: str
    recorded_at: str  # UTC, ISO 8601
    agency: str
    division_code: str
    action: str
    outcome: str  # COMPLIANT, NON_COMPLIANT, INCOMPLETE, or REJECTED
    ruleset_version: str
    request: dict[str, Any]  # personal facts replaced by keyed hashes
    decision: dict[str, Any] | None
    error: dict[str, Any] | None  # {"code", "field", "message"} for a rejected request
    prev_mac: str
    mac: str
    _stored: tuple[str | None, ...] | None = PrivateAttr(default=None)  # request, decision, error as stored

    def content(self) -> bytes:
        """What the MAC covers: the header fields and prev_mac, then the three documents
        exactly as stored (so verifying re-serialises nothing)."""
        header = {name: getattr(self, name) for name in HEADER}
        return _content(header, self.prev_mac, self.stored_documents())

    def stored_documents(self) -> tuple[str | None, ...]:
        """The request, decision and error as JSON text, as the log stored them."""
        documents = (self.request, self.decision, self.error)
        return self._stored or tuple(None if d is None else _compact(d) for d in documents)


# Encoders made once: json.dumps with options builds a new encoder on every call.
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _content(header: dict[str, Any], prev_mac: str, documents: tuple[str | None, ...]) -> bytes:
    # Compact JSON never holds a raw newline, so the parts cannot run into each other.
    head = _canonical({**header, "prev_mac": prev_mac})
    return "\n".join([head, *(d if d is not None else "null" for d in documents)]).encode()


@dataclass(frozen=True)
class Record:
    """An entry before the chain places it: its fields, the three documents already
    serialised once (the decision straight from its model), so that under the log's lock —
    which all writers, in every process, queue for — only the header and the MAC are computed."""

    request_id: str
    recorded_at: str
    agency: str
    division_code: str
    action: str
    outcome: str
    ruleset_version: str
    request: str
    decision: str | None
    error: str | None

    def header(self, seq: int) -> dict[str, Any]:
        return {name: seq if name == "seq" else getattr(self, name) for name in HEADER}

    def documents(self) -> tuple[str | None, ...]:
        return self.request, self.decision, self.error


@dataclass(frozen=True)
class Chained:
    """A record placed in the chain: what the store inserts, and what the caller learns."""

    seq: int
    request_id: str
    mac: str
    params: tuple[Any, ...]  # the row, in COLUMNS order


@dataclass(frozen=True)
class Keys:
    chain: bytes
    personal: bytes

    @classmethod
    def load_or_create(cls, path: Path) -> Keys:
        """Read the log key, creating it (0600) on first start."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        master = base64.b64decode(path.read_text().strip())
        derive = lambda label: hmac.new(master, label, hashlib.sha256).digest()  # noqa: E731
        return cls(chain=derive(b"gongkai log chain"), personal=derive(b"gongkai personal data"))


class Filters(BaseModel):
    agency: str | None = None
    outcome: str | None = None
    action: str | None = None
    since: str | None = None  # recorded_at >= since (ISO)
    until: str | None = None  # recorded_at < until (ISO)


Make = Callable[[int, str], Chained]  # (seq, previous MAC) → the record chained there


class Store(Protocol):
    """Where entries live: append under a lock on the head, read back in order."""

    def append(self, make: Make) -> Chained: ...
    def append_many(self, makes: list[Make]) -> list[Chained]: ...  # one transaction
    def get(self, request_id: str) -> Entry | None: ...
    def page(self, filters: Filters, after: int, limit: int) -> list[Entry]: ...
    def all(self) -> Iterator[Entry]: ...
    def head(self) -> tuple[int, str]: ...
    def close(self) -> None: ...


COLUMNS = (
    "seq, request_id, recorded_at, agency, division_code, action, outcome, ruleset_version, "
    "request, decision, error, prev_mac, mac"
)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY, request_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
    agency TEXT NOT NULL, division_code TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
    ruleset_version TEXT NOT NULL, request TEXT NOT NULL, decision TEXT, error TEXT,
    prev_mac TEXT NOT NULL, mac TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_request_id ON decisions (request_id);
CREATE INDEX IF NOT EXISTS decisions_recorded_at ON decisions (recorded_at);
CREATE TABLE IF NOT EXISTS log_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, mac TEXT NOT NULL);
INSERT INTO log_head (id, seq, mac) SELECT 1, 0, '{GENESIS}' WHERE NOT EXISTS (SELECT 1 FROM log_head);
"""


def _row_to_entry(row: tuple[Any, ...]) -> Entry:
    names = [c.strip() for c in COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    stored = tuple(data[name] for name in DOCUMENTS)
    for name in DOCUMENTS:
        data[name] = json.loads(data[name]) if data[name] is not None else None
    entry = Entry.model_validate(data)
    entry._stored = stored  # the MAC covers these texts as they are
    return entry


def _where(filters: Filters, after: int, mark: str) -> tuple[str, list[Any]]:
    clauses, params = [f"seq > {mark}"], [after]
    for column, value in (("agency", filters.agency), ("outcome", filters.outcome), ("action", filters.action)):
        if value:
            clauses.append(f"{column} = {mark}")
            params.append(value)
    if filters.since:
        clauses.append(f"recorded_at >= {mark}")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"recorded_at < {mark}")
        params.append(filters.until)
    return " AND ".join(clauses), params


class Reader:
    """Reading entries back, the same SQL for SQLite and PostgreSQL but for the parameter mark."""

    MARK = "?"

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def get(self, request_id: str) -> Entry | None:
        m = self.MARK
        rows = self._query(
            f"SELECT {COLUMNS} FROM decisions WHERE request_id = {m} ORDER BY seq DESC LIMIT 1", (request_id,)
        )
        return _row_to_entry(rows[0]) if rows else None

    def page(self, filters: Filters, after: int, limit: int) -> list[Entry]:
        where, params = _where(filters, after, self.MARK)
        sql = f"SELECT {COLUMNS} FROM decisions WHERE {where} ORDER BY seq LIMIT {self.MARK}"
        return [_row_to_entry(r) for r in self._query(sql, [*params, limit])]

    def all(self) -> Iterator[Entry]:
        after = 0
        while batch := self.page(Filters(), after, 500):
            yield from batch
            after = batch[-1].seq

    def head(self) -> tuple[int, str]:
        seq, mac = self._query("SELECT seq, mac FROM log_head WHERE id = 1")[0]
        return int(seq), mac


@dataclass
class _Pending:
    """An entry waiting for a commit: made, and committed or failed, by whoever commits next."""

    make: Make
    entry: Chained | None = None
    error: BaseException | None = None


class SqliteStore(Reader):
    """SQLite with group commit: with synchronous=FULL a commit waits for the disk (~4 ms
    here, BENCHMARKS.md), so entries that arrive while one commits are committed together in
    the next transaction, each caller still returning only once its own entry is on disk."""

    def __init__(self, path: Path, durability: str = "full") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
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

    def append(self, make: Make) -> Chained:
        return self.append_many([make])[0]

    def append_many(self, makes: list[Make]) -> list[Chained]:
        mine = [_Pending(make) for make in makes]
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
                for pending in group:
                    pending.entry = pending.make(seq + 1, mac)
                    seq, mac = pending.entry.seq, pending.entry.mac
                self._db.executemany(
                    f"INSERT INTO decisions ({COLUMNS}) VALUES ({', '.join('?' * 13)})",
                    [p.entry.params for p in group if p.entry is not None],
                )
                self._db.execute("UPDATE log_head SET seq = ?, mac = ? WHERE id = 1", (seq, mac))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except BaseException as exc:
            for pending in group:
                pending.entry, pending.error = None, exc
        finally:
            fcntl.flock(self._writer_lock, fcntl.LOCK_UN)

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
            os.close(self._writer_lock)


class DecisionLog:
    """Records decisions and rejections; ``verify`` checks the chain."""

    def __init__(self, store: Store, keys: Keys) -> None:
        self._store = store
        self._keys = keys

    def record_many(self, records: list[Record]) -> list[Chained]:
        """Record entries (from decision_record / rejection_record) in one transaction, in order."""

        def maker(record: Record) -> Make:
            def make(seq: int, prev_mac: str) -> Chained:
                header, documents = record.header(seq), record.documents()
                mac = hmac.new(self._keys.chain, _content(header, prev_mac, documents), hashlib.sha256).hexdigest()
                return Chained(seq, record.request_id, mac, (*header.values(), *documents, prev_mac, mac))

            return make

        try:
            return self._store.append_many([maker(record) for record in records])
        except Exception as exc:
            raise LogError(f"the decision log could not record: {exc}") from exc

    def _mac(self, entry: Entry) -> str:
        return hmac.new(self._keys.chain, entry.content(), hashlib.sha256).hexdigest()

    def record_decision(self, request: Any, decision: Decision) -> Chained:
        return self.record_many([self.decision_record(request, decision)])[0]

    def decision_record(self, request: Any, decision: Decision) -> Record:
        return Record(
            request_id=decision.request_id,
            recorded_at=_now(),
            agency=request.agency.name,
            division_code=request.agency.division_code,
            action=request.action,
            outcome=decision.outcome.value,
            ruleset_version=decision.ruleset_version,
            request=self._request_record(request.model_dump(mode="json")),
            decision=decision.model_dump_json(),
            error=None,
        )

    def record_rejection(self, raw: dict[str, Any], version: str, code: str, field: str, message: str) -> Chained:
        return self.record_many([self.rejection_record(raw, version, code, field, message)])[0]

    def rejection_record(self, raw: dict[str, Any], version: str, code: str, field: str, message: str) -> Record:
        agency = raw.get("agency") if isinstance(raw.get("agency"), dict) else {}
        return Record(
            request_id=str(raw.get("request_id") or secrets.token_hex(16)),
            recorded_at=_now(),
            agency=str(agency.get("name", "")),
            division_code=str(agency.get("division_code", "")),
            action=str(raw.get("action", "")),
            outcome=REJECTED,
            ruleset_version=version,
            request=self._request_record(raw),
            decision=None,
            error=_compact({"code": code, "field": field, "message": message}),
        )

    def _request_record(self, raw: dict[str, Any]) -> str:
        facts = raw.get("facts") if isinstance(raw.get("facts"), dict) else {}
        record = {k: v for k, v in raw.items() if k != "facts"}
        record["facts"] = protect(str(raw.get("action", "")), facts, self._keys.personal)
        return _compact(record)

    def get(self, request_id: str) -> Entry | None:
        return self._store.get(request_id)

    def page(self, filters: Filters, after: int = 0, limit: int = 100) -> list[Entry]:
        return self._store.page(filters, after, limit)

    def verify(self) -> list[str]:
        """Every break in the chain, as sentences; an empty list means the log is intact."""
        problems = []
        expected_seq, prev_mac = 1, GENESIS
        for entry in self._store.all():
            if entry.seq != expected_seq:
                problems.append(f"entry {expected_seq} is missing (found {entry.seq} next)")
            if entry.prev_mac != prev_mac:
                problems.append(f"entry {entry.seq} does not follow the entry before it (deleted, reordered or edited)")
            if not hmac.compare_digest(entry.mac, self._mac(entry)):
                problems.append(f"entry {entry.seq} was altered after it was recorded")
            expected_seq, prev_mac = entry.seq + 1, entry.mac
        head_seq, head_mac = self._store.head()
        if (head_seq, head_mac) != (expected_seq - 1, prev_mac):
            problems.append(
                f"the log ends at entry {expected_seq - 1} but its head says {head_seq}: truncated or altered"
            )
        return problems

    def close(self) -> None:
        self._store.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def open_log(directory: Path, database_url: str | None = None, durability: str = "full") -> DecisionLog:
    """The log in ``directory`` (SQLite, created on first use), or in PostgreSQL."""
    keys = Keys.load_or_create(directory / "log.key")
    if database_url:
        from gongkai.decisionlog_pg import PostgresStore  # psycopg is needed only then

        return DecisionLog(PostgresStore(database_url), keys)
    return DecisionLog(SqliteStore(directory / "decisions.sqlite3", durability), keys)
