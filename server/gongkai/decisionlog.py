"""The decision log: every decision and every rejected request, durably, in a keyed chain.

Each entry carries an HMAC over its content and the previous entry's HMAC, so editing,
deleting or reordering an entry breaks the chain; the last entry (the head) is also kept in
a table of its own, which catches a truncated tail. ``verify`` walks the chain. Whoever
holds the log key can recompute the chain, so keep the key (``log.key``, created with mode
0600 beside the database) away from those who may write the database.

SQLite (WAL, ``synchronous=FULL``) by default; PostgreSQL when a database URL is
configured. A check is answered only after its entry is committed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
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


class Entry(BaseModel):
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
        """What the MAC covers: every field but the MAC itself, canonically."""
        fields = self.model_dump(exclude={"mac"})
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


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


class Store(Protocol):
    """Where entries live: append under a lock on the head, read back in order."""

    def append(self, make: Any) -> Entry: ...
    def append_many(self, makes: list[Any]) -> list[Entry]: ...  # one transaction
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
    for name in ("request", "decision", "error"):
        data[name] = json.loads(data[name]) if data[name] is not None else None
    return Entry.model_validate(data)


def _stored_json(entry: Entry) -> tuple[str | None, ...]:
    dump = lambda v: None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)  # noqa: E731
    return dump(entry.request), dump(entry.decision), dump(entry.error)


def _entry_params(entry: Entry) -> tuple[Any, ...]:
    request, decision, error = entry._stored or _stored_json(entry)  # made before the lock, usually
    return (
        entry.seq, entry.request_id, entry.recorded_at, entry.agency, entry.division_code, entry.action,
        entry.outcome, entry.ruleset_version, request, decision, error, entry.prev_mac, entry.mac,
    )  # fmt: skip


class _Prepared:
    """An entry made ready outside the log's lock: validated, and every part of its content
    serialised but the two the chain decides (seq, prev_mac), so that under the lock — which
    all writers, in every process, queue for — little more than the MAC is computed
    (BENCHMARKS.md). The JSON stored is the canonical one (``json.loads`` reads either)."""

    CHAINED = ("prev_mac", "seq")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.template = Entry(seq=0, prev_mac=GENESIS, mac="", **fields)
        dumped = self.template.model_dump(exclude={"mac", *self.CHAINED})
        parts = {name: _canonical(value) for name, value in dumped.items()}
        self.template._stored = tuple(None if dumped[n] is None else parts[n] for n in ("request", "decision", "error"))
        names = sorted([*parts, *self.CHAINED])  # json.dumps(sort_keys=True) order
        text = "{" + ",".join(f"{_canonical(n)}:{parts.get(n, chr(0))}" for n in names) + "}"
        self.segments = text.split(chr(0))  # canonical JSON never holds a raw NUL: the slots
        self.slots = [n for n in names if n in self.CHAINED]

    def content(self, seq: int, prev_mac: str) -> bytes:
        """Byte for byte ``Entry.content()`` of the entry with this seq and prev_mac (verify checks)."""
        values = {"seq": _canonical(seq), "prev_mac": _canonical(prev_mac)}
        out = [self.segments[0]]
        for slot, segment in zip(self.slots, self.segments[1:], strict=True):
            out += [values[slot], segment]
        return "".join(out).encode()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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

    make: Any
    entry: Entry | None = None
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
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}")
        self._db.executescript(SCHEMA)

    def append(self, make: Any) -> Entry:
        return self.append_many([make])[0]

    def append_many(self, makes: list[Any]) -> list[Entry]:
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
            self._db.execute("BEGIN IMMEDIATE")  # locks out other writers, other processes too
            try:
                seq, mac = self._db.execute("SELECT seq, mac FROM log_head WHERE id = 1").fetchone()
                for pending in group:
                    pending.entry = pending.make(seq + 1, mac)
                    seq, mac = pending.entry.seq, pending.entry.mac
                self._db.executemany(
                    f"INSERT INTO decisions ({COLUMNS}) VALUES ({', '.join('?' * 13)})",
                    [_entry_params(p.entry) for p in group if p.entry is not None],
                )
                self._db.execute("UPDATE log_head SET seq = ?, mac = ? WHERE id = 1", (seq, mac))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except BaseException as exc:
            for pending in group:
                pending.entry, pending.error = None, exc

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class DecisionLog:
    """Records decisions and rejections; ``verify`` checks the chain."""

    def __init__(self, store: Store, keys: Keys) -> None:
        self._store = store
        self._keys = keys

    def _append(self, fields: dict[str, Any]) -> Entry:
        return self.record_many([fields])[0]

    def record_many(self, records: list[dict[str, Any]]) -> list[Entry]:
        """Record entries (from decision_fields / rejection_fields) in one transaction, in order."""

        def maker(prepared: _Prepared) -> Any:
            def make(seq: int, prev_mac: str) -> Entry:
                mac = hmac.new(self._keys.chain, prepared.content(seq, prev_mac), hashlib.sha256).hexdigest()
                return prepared.template.model_copy(update={"seq": seq, "prev_mac": prev_mac, "mac": mac})

            return make

        try:
            return self._store.append_many([maker(_Prepared(fields)) for fields in records])
        except Exception as exc:
            raise LogError(f"the decision log could not record: {exc}") from exc

    def _mac(self, entry: Entry) -> str:
        return hmac.new(self._keys.chain, entry.content(), hashlib.sha256).hexdigest()

    def record_decision(self, request: Any, decision: Decision) -> Entry:
        return self._append(self.decision_fields(request, decision))

    def decision_fields(self, request: Any, decision: Decision) -> dict[str, Any]:
        return {
            "request_id": decision.request_id,
            "recorded_at": _now(),
            "agency": request.agency.name,
            "division_code": request.agency.division_code,
            "action": request.action,
            "outcome": decision.outcome.value,
            "ruleset_version": decision.ruleset_version,
            "request": self._request_record(request.model_dump(mode="json")),
            "decision": decision.model_dump(mode="json"),
            "error": None,
        }

    def record_rejection(self, raw: dict[str, Any], ruleset_version: str, code: str, field: str, message: str) -> Entry:
        return self._append(self.rejection_fields(raw, ruleset_version, code, field, message))

    def rejection_fields(
        self, raw: dict[str, Any], ruleset_version: str, code: str, field: str, message: str
    ) -> dict[str, Any]:
        agency = raw.get("agency") if isinstance(raw.get("agency"), dict) else {}
        return {
            "request_id": str(raw.get("request_id") or secrets.token_hex(16)),
            "recorded_at": _now(),
            "agency": str(agency.get("name", "")),
            "division_code": str(agency.get("division_code", "")),
            "action": str(raw.get("action", "")),
            "outcome": REJECTED,
            "ruleset_version": ruleset_version,
            "request": self._request_record(raw),
            "decision": None,
            "error": {"code": code, "field": field, "message": message},
        }

    def _request_record(self, raw: dict[str, Any]) -> dict[str, Any]:
        facts = raw.get("facts") if isinstance(raw.get("facts"), dict) else {}
        record = {k: v for k, v in raw.items() if k != "facts"}
        record["facts"] = protect(str(raw.get("action", "")), facts, self._keys.personal)
        return record

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
