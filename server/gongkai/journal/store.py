"""What the decision log stores, whatever the database: entries and their chained content,
the filters, and the SQL that reads entries back (the same for SQLite and PostgreSQL).

The stores (``sqlite``, ``postgres``) and the log (``decisionlog``) build on this module;
it knows neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, PrivateAttr, field_validator

from gongkai.check.decision import Outcome

REJECTED = "REJECTED"  # the outcome recorded for a request that got no decision
OUTCOMES = (*(o.value for o in Outcome), REJECTED)  # what an entry's outcome can be
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
    outcome: str  # one of OUTCOMES: COMPLIANT, NON_COMPLIANT, INCOMPLETE, NOT_COVERED, or REJECTED
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


class Filters(BaseModel):
    agency: str | None = None
    outcome: str | None = None
    action: str | None = None
    since: str | None = None  # recorded_at >= since (ISO)
    until: str | None = None  # recorded_at < until (ISO)

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str | None) -> str | None:
        """A misspelt outcome would match nothing and look like an empty log."""
        if value is not None and value not in OUTCOMES:
            raise ValueError(f"one of {', '.join(OUTCOMES)} is expected")
        return value


Make = Callable[[int, str], Chained]  # (seq, previous MAC) → the record chained there


class Store(Protocol):
    """Where entries live: append under a lock on the head, read back in order."""

    def append(self, make: Make) -> Chained: ...
    def append_many(self, makes: list[Make]) -> list[Chained]: ...  # one transaction
    def probe(self) -> None: ...  # a write that adds no entry; raises if the store cannot write
    def get(self, request_id: str) -> Entry | None: ...
    def page(self, filters: Filters, after: int, limit: int) -> list[Entry]: ...
    def all(self) -> Iterator[Entry]: ...
    def head(self) -> tuple[int, str]: ...
    def close(self) -> None: ...


COLUMNS = (
    "seq, request_id, recorded_at, agency, division_code, action, outcome, ruleset_version, "
    "request, decision, error, prev_mac, mac"
)


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
