"""What the decision log stores, whatever the database: entries and their chained content,
the filters, the SQL that reads entries back, and the placing of new entries in the chain
with the claims on request ids (the same for SQLite and PostgreSQL).

The stores (``sqlite``, ``postgres``) and the log (``decisionlog``) build on this module;
it knows neither.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import InitVar, dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, PrivateAttr, field_validator

from gongkai.check.decision import Outcome
from gongkai.journal.jsontext import encoder

REJECTED = "REJECTED"  # the outcome recorded for a request that got no decision
OUTCOMES = (*(o.value for o in Outcome), REJECTED)  # what an entry's outcome can be
GENESIS = "0" * 64


class LogError(RuntimeError):
    """The log cannot record or read: the check must fail, not go unrecorded."""


class LogKeyError(LogError):
    """The log key is missing, unusable, or does not verify the log's head: nothing may be
    appended (a new key would start a chain nobody can verify against the old one)."""


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
    error: dict[str, Any] | None  # {"code", "field", "message"} (and "kind") for a rejected request
    prev_mac: str
    mac: str
    # A keyed digest of the request's content (agency, action, facts, as_of): the same request
    # id with the same digest is the same request. None in entries from before it was kept.
    request_digest: str | None = None
    _stored: tuple[str | None, ...] | None = PrivateAttr(default=None)  # request, decision, error as stored

    def content(self) -> bytes:
        """What the MAC covers: the header fields and prev_mac, then the three documents
        exactly as stored (so verifying re-serialises nothing)."""
        header = {name: getattr(self, name) for name in HEADER}
        return _content(header, self.prev_mac, self.stored_documents(), self.request_digest)

    def stored_documents(self) -> tuple[str | None, ...]:
        """The request, decision and error as JSON text, as the log stored them."""
        documents = (self.request, self.decision, self.error)
        return self._stored or tuple(None if d is None else _compact(d) for d in documents)


_canonical = encoder(sort_keys=True)
_compact = encoder()


def _content(
    header: dict[str, Any], prev_mac: str, documents: tuple[str | None, ...], digest: str | None = None
) -> bytes:
    # Compact JSON never holds a raw newline, so the parts cannot run into each other. The
    # digest is covered when there is one: entries from before it was kept verify as they were.
    fields = {name: value for name, value in header.items() if name != "seq"}
    return _head(_head_parts(fields, digest), header["seq"], prev_mac).encode() + _tail(documents)


# The head of an entry's content is the canonical JSON of its header, prev_mac and digest.
# Only seq and prev_mac depend on the entry's place in the chain, so a record's head is
# written before the log's lock is taken, with these two empty, and filled in under it.
# The empty members cannot be confused with text in a value: there a quote is escaped.
_EMPTY_PREV, _EMPTY_SEQ = '"prev_mac":""', '"seq":0'


def _head_parts(fields: dict[str, Any], digest: str | None) -> tuple[str, str, str]:
    """The head's text before prev_mac's value, between it and seq's, and after seq's."""
    text = _canonical({**fields, **({"request_digest": digest} if digest else {}), "prev_mac": "", "seq": 0})
    before, _, rest = text.partition(_EMPTY_PREV)
    between, _, after = rest.partition(_EMPTY_SEQ)
    return before, between, after


def _head(parts: tuple[str, str, str], seq: int, prev_mac: str) -> str:
    before, between, after = parts
    return f'{before}"prev_mac":{_canonical(prev_mac)}{between}"seq":{int(seq)}{after}'


def _tail(documents: tuple[str | bytes | None, ...]) -> bytes:
    """What follows the head: each document on a line of its own (UTF-8)."""
    return b"".join([b"\n" + (b"null" if d is None else d if isinstance(d, bytes) else d.encode()) for d in documents])


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
    request_digest: str
    holds_id: bool = False  # a decision on a caller's request id: the first one holds the id
    source: Any = field(default=None, compare=False, repr=False)  # the request, for a refusal
    # Encoded here, outside the lock: the head's members but seq and prev_mac, and the tail.
    _parts: tuple[str, str, str] = field(init=False, compare=False, repr=False)
    _documents: bytes = field(init=False, compare=False, repr=False)
    # The decision as UTF-8 JSON, ``decision`` encoded, when the caller has it: not encoded again.
    decision_utf8: InitVar[bytes | None] = None

    def __post_init__(self, decision_utf8: bytes | None) -> None:
        fields = {name: getattr(self, name) for name in HEADER if name != "seq"}
        object.__setattr__(self, "_parts", _head_parts(fields, self.request_digest))
        documents: tuple[str | bytes | None, ...] = self.documents()
        if decision_utf8 is not None:
            documents = (self.request, decision_utf8, self.error)
        object.__setattr__(self, "_documents", _tail(documents))

    def header(self, seq: int) -> dict[str, Any]:
        return {name: seq if name == "seq" else getattr(self, name) for name in HEADER}

    def documents(self) -> tuple[str | None, ...]:
        return self.request, self.decision, self.error

    def content(self, seq: int, prev_mac: str) -> bytes:
        """What the MAC covers once the record is placed at seq after prev_mac (as _content)."""
        return _head(self._parts, seq, prev_mac).encode() + self._documents

    def row(self, seq: int, prev_mac: str, mac: str) -> tuple[Any, ...]:
        """The row to insert, in COLUMNS order."""
        return (
            seq,
            self.request_id,
            self.recorded_at,
            self.agency,
            self.division_code,
            self.action,
            self.outcome,
            self.ruleset_version,
            self.request,
            self.decision,
            self.error,
            prev_mac,
            mac,
            self.request_digest,
        )


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

    @field_validator("since", "until")
    @classmethod
    def _iso_time(cls, value: str | None) -> str | None:
        """Compared as text with the ISO times recorded: anything else would filter silently wrong."""
        if value is not None:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    "an ISO date or time is expected, e.g. 2025-10-01 or 2025-10-01T08:00:00+00:00"
                ) from None
        return value


Make = Callable[[int, str], Chained]  # (seq, previous MAC) → the record chained there
Seal = Callable[[int, str], str]  # (head seq, head MAC) → the head's own MAC


@dataclass(frozen=True)
class Placing:
    """A record waiting for its place in the chain."""

    make: Make
    request_id: str
    digest: str | None  # set: it claims its request id (the first decision on an id holds it)
    decision: str | None  # its decision as stored, for a later claim on the id in the same group


@dataclass(frozen=True)
class Held:
    """A claimed request id was held already, by this entry: nothing was appended for the claim."""

    seq: int
    request_id: str
    digest: str | None  # the holder's request digest (None: logged before digests were kept)
    decision: str | None  # the holder's decision, as stored


@dataclass(frozen=True)
class Head:
    seq: int
    mac: str
    head_mac: str | None  # None: sealed by no one yet (an empty log, or one from before head MACs)


class Store(Protocol):
    """Where entries live: append under a lock on the head, read back in order."""

    def append_many(self, placings: list[Placing], seal: Seal) -> list[Chained | Held]: ...  # one transaction
    def probe(self) -> None: ...  # a write that adds no entry; raises if the store cannot write
    def get(self, request_id: str) -> Entry | None: ...
    def entry_at(self, seq: int) -> Entry | None: ...
    def first(self) -> Entry | None: ...
    def page(self, filters: Filters, after: int, limit: int, offset: int = 0) -> list[Entry]: ...
    def count(self, filters: Filters) -> int: ...
    def all(self) -> Iterator[Entry]: ...
    def head(self) -> Head: ...
    def empty(self) -> bool: ...
    def seal_head(self, head: Head, head_mac: str) -> bool: ...  # only if the head is still ``head``
    def close(self) -> None: ...


COLUMNS = (
    "seq, request_id, recorded_at, agency, division_code, action, outcome, ruleset_version, "
    "request, decision, error, prev_mac, mac, request_digest"
)
N_COLUMNS = len(COLUMNS.split(","))
# Columns added since the first release, (table, column): ALTER TABLE adds them to an older log.
ADDED_COLUMNS = (("decisions", "request_digest"), ("log_head", "head_mac"))
Query = Callable[[str, "list[Any] | tuple[Any, ...]"], "list[tuple[Any, ...]]"]


def place(
    placings: list[Placing], seq: int, mac: str, query: Query, mark: str
) -> tuple[list[Chained | Held], int, str]:
    """Chain the placings after (seq, mac), in order, inside the caller's transaction (the head
    locked): a claim on a request id that an earlier decision holds — in the log, or earlier
    in this group — is not appended but answered with its holder. Returns the results and
    the new head."""
    held = _holders(query, mark, [p.request_id for p in placings if p.digest is not None])
    results: list[Chained | Held] = []
    for p in placings:
        holder = held.get(p.request_id) if p.digest is not None else None
        if holder is not None:
            results.append(holder)
            continue
        entry = p.make(seq + 1, mac)
        seq, mac = entry.seq, entry.mac
        if p.digest is not None:
            held[p.request_id] = Held(entry.seq, p.request_id, p.digest, p.decision)
        results.append(entry)
    return results, seq, mac


def _holders(query: Query, mark: str, ids: list[str]) -> dict[str, Held]:
    """The decision holding each id: the first non-rejected entry with it (request_id is indexed)."""
    found: dict[str, Held] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):  # SQLite allows a few hundred parameters safely
        chunk = unique[start : start + 500]
        sql = (
            "SELECT seq, request_id, request_digest, decision FROM decisions "
            f"WHERE outcome <> '{REJECTED}' AND request_id IN ({', '.join([mark] * len(chunk))}) ORDER BY seq"
        )
        for seq, request_id, digest, decision in query(sql, chunk):
            found.setdefault(request_id, Held(int(seq), request_id, digest, decision))
    return found


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
        """The decision holding the id (the first one answered under it), else the latest
        rejection under it: a later request reusing the id never hides a decision."""
        rejected = f"CASE WHEN outcome = '{REJECTED}' THEN 1 ELSE 0 END"
        rows = self._query(
            f"SELECT {COLUMNS} FROM decisions WHERE request_id = {self.MARK} "
            f"ORDER BY {rejected}, CASE WHEN outcome = '{REJECTED}' THEN -seq ELSE seq END LIMIT 1",
            (request_id,),
        )
        return _row_to_entry(rows[0]) if rows else None

    def entry_at(self, seq: int) -> Entry | None:
        rows = self._query(f"SELECT {COLUMNS} FROM decisions WHERE seq = {self.MARK}", (seq,))
        return _row_to_entry(rows[0]) if rows else None

    def first(self) -> Entry | None:
        rows = self._query(f"SELECT {COLUMNS} FROM decisions ORDER BY seq LIMIT 1")
        return _row_to_entry(rows[0]) if rows else None

    def empty(self) -> bool:
        return not self._query("SELECT 1 FROM decisions LIMIT 1")

    def page(self, filters: Filters, after: int, limit: int, offset: int = 0) -> list[Entry]:
        where, params = _where(filters, after, self.MARK)
        sql = f"SELECT {COLUMNS} FROM decisions WHERE {where} ORDER BY seq LIMIT {self.MARK} OFFSET {self.MARK}"
        return [_row_to_entry(r) for r in self._query(sql, [*params, limit, offset])]

    def count(self, filters: Filters) -> int:
        where, params = _where(filters, 0, self.MARK)
        return int(self._query(f"SELECT COUNT(*) FROM decisions WHERE {where}", params)[0][0])

    def all(self) -> Iterator[Entry]:
        after = 0
        while batch := self.page(Filters(), after, 500):
            yield from batch
            after = batch[-1].seq

    def head(self) -> Head:
        seq, mac, head_mac = self._query("SELECT seq, mac, head_mac FROM log_head WHERE id = 1")[0]
        return Head(int(seq), mac, head_mac)

    def seal_head(self, head: Head, head_mac: str) -> bool:
        m = self.MARK
        sql = f"UPDATE log_head SET head_mac = {m} WHERE id = 1 AND seq = {m} AND mac = {m} RETURNING seq"
        return bool(self._query(sql, (head_mac, head.seq, head.mac)))
