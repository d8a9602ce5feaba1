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
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.check.decision import Decision
from gongkai.journal.postgres import PostgresStore
from gongkai.journal.privacy import protect
from gongkai.journal.sqlite import SqliteStore
from gongkai.journal.store import (
    GENESIS,
    REJECTED,
    Chained,
    Entry,
    Filters,
    LogError,
    Make,
    Record,
    Store,
    _compact,
    _content,
)


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

    def probe(self) -> None:
        """Write to the log without adding an entry; LogError if it cannot be written (the
        service's health asks this while a failure lasts)."""
        try:
            self._store.probe()
        except Exception as exc:
            raise LogError(f"the decision log cannot be written: {exc}") from exc

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

    @property
    def backend(self) -> str:
        """Where the log is, for the startup line: an SQLite file, or a PostgreSQL database
        (host, port, name and user; never the password)."""
        return str(getattr(self._store, "where", type(self._store).__name__))

    def close(self) -> None:
        self._store.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def open_log(directory: Path, database_url: str | None = None, durability: str = "full") -> DecisionLog:
    """The log in ``directory`` (SQLite, created on first use), or in PostgreSQL."""
    keys = Keys.load_or_create(directory / "log.key")
    if database_url:
        return DecisionLog(PostgresStore(database_url), keys)
    return DecisionLog(SqliteStore(directory / "decisions.sqlite3", durability), keys)


__all__ = ["REJECTED", "DecisionLog", "Entry", "Filters", "Keys", "LogError", "Record", "open_log"]
