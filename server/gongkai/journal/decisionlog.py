"""The decision log: every decision and every rejected request, durably, in a keyed chain.

Each entry carries an HMAC over its content (its header fields, canonical JSON, its request
digest, and its request, decision and error documents exactly as stored) and the previous
entry's HMAC, so editing, deleting or reordering an entry breaks the chain. The last entry
(the head) is kept in a table of its own with a MAC of its own, so a truncated tail shows,
and cutting the tail and rewriting the head needs the key. Restoring an older head (or an
older copy of the database) needs no key: ``gongkai log checkpoint`` writes the signed head
for a system outside the database to keep, and ``log verify --checkpoint`` proves that the
entries up to it are still there, unchanged. ``verify`` walks the chain.

Whoever holds the log key can recompute the chain, so the key is configured apart from the
data (``log_key_file`` with mode 0600, or ``log_key`` in the environment); it is created only
by ``serve`` on an empty log, or by ``gongkai log init-key``, never by a command that reads.

Request ids are idempotent: the first decision under a caller's id holds it. The same id
with the same request (``privacy.content_digest``) is answered with the decision logged,
and nothing new is logged; with a different request it is refused (ALREADY_EXISTS), and the
refusal is logged. A rejected request holds no id: a later valid request may use it.

SQLite (WAL, ``synchronous=FULL``) by default; PostgreSQL when a database URL is
configured. A check is answered only after its entry is committed. The decision is
serialised once, from its model, for the log (BENCHMARKS.md, change F).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.check.checker import BadInput
from gongkai.check.decision import Decision
from gongkai.config import Settings
from gongkai.journal.postgres import PostgresStore
from gongkai.journal.privacy import (
    MAX_MESSAGE,
    content_digest,
    protect,
    rejected,
    safe_path,
    safe_request_id,
)
from gongkai.journal.sqlite import SqliteStore
from gongkai.journal.store import (
    GENESIS,
    REJECTED,
    Chained,
    Entry,
    Filters,
    Head,
    Held,
    LogError,
    LogKeyError,
    Make,
    Placing,
    Record,
    Store,
    _canonical,
    _compact,
)

KEY_BYTES = 32
KEY_MISMATCH = (
    "日志密钥不匹配 / the key does not match: it made neither the head nor the first nor the last entry "
    "(the wrong key is configured, or the log was re-MACed with another key)"
)


@dataclass(frozen=True)
class KeySource:
    """Where the log key is: a file (mode 0600), or base64 text from the environment."""

    file: Path
    value: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> KeySource:
        value = settings.log_key.get_secret_value() if settings.log_key is not None else None
        return cls(settings.log_key_file or settings.data_dir / "log.key", value)

    @property
    def where(self) -> str:
        return "GONGKAI_LOG_KEY" if self.value is not None else str(self.file)

    def read(self) -> bytes | None:
        """The master key, or None if there is none. LogKeyError: it cannot be used."""
        if self.value is not None:
            return _decode(self.value, "GONGKAI_LOG_KEY")
        try:
            fd = os.open(self.file, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LogKeyError(f"日志密钥无法读取 / cannot read the log key {self.file}: {exc.strerror}") from exc
        with os.fdopen(fd) as key_file:
            mode = stat.S_IMODE(os.fstat(key_file.fileno()).st_mode)
            if mode & 0o077:
                raise LogKeyError(
                    f"日志密钥文件权限过宽 / the log key {self.file} is open to others (mode {mode:04o}): "
                    f"chmod 600 {self.file}"
                )
            return _decode(key_file.read(), str(self.file))

    def create(self) -> bytes:
        """A new key in the file, 0600, published whole (a temporary file linked into place),
        so processes starting together agree on one key. FileExistsError: there is one."""
        if self.value is not None:
            raise LogKeyError("GONGKAI_LOG_KEY is set: the key comes from the environment, there is no file to create")
        self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        master = secrets.token_bytes(KEY_BYTES)
        temporary = self.file.with_name(f".{self.file.name}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(new_key_text(master))
                out.flush()
                os.fsync(out.fileno())
            os.link(temporary, self.file)  # fails if another process published one first
        finally:
            temporary.unlink(missing_ok=True)
        return master


def new_key_text(master: bytes | None = None) -> str:
    return base64.b64encode(master or secrets.token_bytes(KEY_BYTES)).decode() + "\n"


def _decode(text: str, where: str) -> bytes:
    try:
        master = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LogKeyError(f"日志密钥不是 base64 / the log key in {where} is not base64") from exc
    if len(master) < KEY_BYTES:
        raise LogKeyError(f"日志密钥过短 / the log key in {where} has {len(master)} bytes, {KEY_BYTES} are needed")
    return master


@dataclass(frozen=True)
class Keys:
    chain: bytes
    personal: bytes

    @classmethod
    def derive(cls, master: bytes) -> Keys:
        derive = lambda label: hmac.new(master, label, hashlib.sha256).digest()  # noqa: E731
        return cls(chain=derive(b"gongkai log chain"), personal=derive(b"gongkai personal data"))


class RequestIdTaken(BadInput):
    """The request id is held by an earlier decision of a different request (ALREADY_EXISTS)."""

    def __init__(self, holder: int) -> None:
        super().__init__(
            "request_id",
            f"请求编号已被内容不同的另一请求使用(第 {holder} 条记录)/ "
            f"request_id is already used by a different request (entry {holder})",
            zh=f"请求编号已被内容不同的另一请求使用(第 {holder} 条记录)",
            kind="already_exists",
        )
        self.holder = holder


@dataclass(frozen=True)
class Replayed:
    """The same request again under its id: answered with the decision logged then; nothing new logged."""

    seq: int
    request_id: str
    decision: str  # the decision as stored

    def answer(self) -> Decision:
        return Decision.model_validate_json(self.decision)


@dataclass(frozen=True)
class Refused:
    """A different request under an id an earlier decision holds: refused, the refusal logged."""

    rejection: Chained
    error: RequestIdTaken

    @property
    def seq(self) -> int:
        return self.rejection.seq

    @property
    def request_id(self) -> str:
        return self.rejection.request_id


Logged = Chained | Replayed | Refused


@dataclass(frozen=True)
class Checkpoint:
    """The head at a moment, signed with the log key, to be kept outside the database."""

    seq: int
    mac: str
    time: str
    signature: str

    def to_json(self) -> str:
        return _compact({"seq": self.seq, "mac": self.mac, "time": self.time, "signature": self.signature})

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """ValueError: not a checkpoint."""
        try:
            data = json.loads(text)
            return cls(int(data["seq"]), str(data["mac"]), str(data["time"]), str(data["signature"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a checkpoint written by gongkai log checkpoint ({exc})") from exc


class DecisionLog:
    """Records decisions and rejections; ``verify`` checks the chain."""

    def __init__(self, store: Store, keys: Keys) -> None:
        self._store = store
        self._keys = keys

    # --- writing ---------------------------------------------------------------------

    def record_many(self, records: list[Record]) -> list[Logged]:
        """Record entries (from decision_record / rejection_record) in one transaction, in
        order; a decision on a request id already held is replayed or refused (module doc)."""
        try:
            placed = self._store.append_many([self._placing(r) for r in records], self._seal)
            clashes = [
                i
                for i, (r, p) in enumerate(zip(records, placed, strict=True))
                if isinstance(p, Held) and p.digest != r.request_digest
            ]
            refusals = [self._refusal(records[i], placed[i]) for i in clashes]  # type: ignore[arg-type]
            logged = self._store.append_many([self._placing(r) for r, _ in refusals], self._seal) if clashes else []
        except Exception as exc:
            raise LogError(f"the decision log could not record: {exc}") from exc
        results: list[Logged] = []
        for entry in placed:
            if isinstance(entry, Held):
                results.append(Replayed(entry.seq, entry.request_id, entry.decision or "null"))
            else:
                results.append(entry)
        for i, (_, error), rejection in zip(clashes, refusals, logged, strict=True):
            results[i] = Refused(rejection, error)  # type: ignore[arg-type]
        return results

    def probe(self) -> None:
        """Write to the log without adding an entry; LogError if it cannot be written (the
        service's health asks this while a failure lasts)."""
        try:
            self._store.probe()
        except Exception as exc:
            raise LogError(f"the decision log cannot be written: {exc}") from exc

    def _placing(self, record: Record) -> Placing:
        def make(seq: int, prev_mac: str) -> Chained:  # under the lock: the rest is encoded already
            mac = hmac.digest(self._keys.chain, record.content(seq, prev_mac), "sha256").hex()
            return Chained(seq, record.request_id, mac, record.row(seq, prev_mac, mac))

        digest = record.request_digest if record.holds_id else None
        return Placing(make, record.request_id, digest, record.decision)

    def _refusal(self, record: Record, holder: Held) -> tuple[Record, RequestIdTaken]:
        error = RequestIdTaken(holder.seq)
        request = record.source.model_dump(mode="json") if record.source is not None else {}
        refusal = self.rejection_record(request, record.ruleset_version, "ALREADY_EXISTS", "request_id", error.message)
        return _with_kind(refusal, error.kind), error

    def record_decision(self, request: Any, decision: Decision) -> Logged:
        return self.record_many([self.decision_record(request, decision)])[0]

    def decision_record(self, request: Any, decision: Decision) -> Record:
        data = request.model_dump(mode="json")
        decision_utf8 = decision.__pydantic_serializer__.to_json(decision)  # what model_dump_json decodes
        return Record(
            request_id=decision.request_id,
            recorded_at=_now(),
            agency=request.agency.name,
            division_code=request.agency.division_code,
            action=request.action,
            outcome=decision.outcome.value,
            ruleset_version=decision.ruleset_version,
            request=self._request_record(data),
            decision=decision_utf8.decode(),
            error=None,
            request_digest=content_digest(data, self._keys.personal),
            holds_id=request.request_id is not None,  # an id the server made up is never sent again
            source=request,
            decision_utf8=decision_utf8,
        )

    def record_rejection(
        self, raw: dict[str, Any], version: str, code: str, field: str, message: str, kind: str = ""
    ) -> Logged:
        return self.record_many([self.rejection_record(raw, version, code, field, message, kind)])[0]

    def rejection_record(
        self, raw: dict[str, Any], version: str, code: str, field: str, message: str, kind: str = ""
    ) -> Record:
        """A rejected request, bounded (privacy.rejected): whatever was sent, the entry stays
        small enough for GetDecision and ListDecisions to return."""
        key = self._keys.personal
        summary = rejected(raw, key)
        agency = summary.get("agency") if isinstance(summary.get("agency"), dict) else {}
        error = {"code": code, "field": safe_path(field, key), "message": message[:MAX_MESSAGE]}
        return _with_kind(
            Record(
                request_id=safe_request_id(raw.get("request_id")) or secrets.token_hex(16),
                recorded_at=_now(),
                agency=str(agency.get("name") or ""),
                division_code=str(agency.get("division_code") or ""),
                action=str(summary.get("action") or ""),
                outcome=REJECTED,
                ruleset_version=version,
                request=_compact(summary),
                decision=None,
                error=_compact(error),
                request_digest=content_digest(raw, key),
            ),
            kind,
        )

    def _request_record(self, data: dict[str, Any]) -> str:
        facts = data.get("facts") if isinstance(data.get("facts"), dict) else {}
        record = {k: v for k, v in data.items() if k != "facts"}
        record["facts"] = protect(str(data.get("action", "")), facts, self._keys.personal)
        return _compact(record)

    # --- the head --------------------------------------------------------------------

    def _seal(self, seq: int, mac: str) -> str:
        return hmac.new(self._keys.chain, f"gongkai log head\n{seq}\n{mac}".encode(), hashlib.sha256).hexdigest()

    def _sealed(self, head: Head) -> bool:
        return head.head_mac is not None and hmac.compare_digest(head.head_mac, self._seal(head.seq, head.mac))

    def _made_by_key(self, entry: Entry | None) -> bool:
        return entry is not None and hmac.compare_digest(entry.mac, self._mac(entry))

    def key_matches(self, head: Head | None = None) -> bool:
        """Whether this key made the log: the head's MAC, or the first or the last entry's,
        verifies (an edit cannot make all three fail; another key does). An empty log: True."""
        head = head or self._store.head()
        if self._store.empty() or self._sealed(head):
            return True
        return self._made_by_key(self._store.first()) or self._made_by_key(self._store.entry_at(head.seq))

    def check_head(self) -> None:
        """For a writer, before the first append: LogKeyError unless the head verifies with
        this key. A head from before head MACs is sealed here if its entry verifies."""
        head = self._store.head()
        if self._sealed(head) or (head.seq == 0 and self._store.empty()):
            return
        last = self._store.entry_at(head.seq)
        if head.head_mac is None and self._made_by_key(last) and last is not None and last.mac == head.mac:
            self._store.seal_head(head, self._seal(head.seq, head.mac))  # an older log: sealed once
            return
        if not self.key_matches(head):
            raise LogKeyError(KEY_MISMATCH)
        raise LogKeyError(
            f"日志头部校验失败 / the log's head (entry {head.seq}) does not verify: the log was truncated "
            "or its head altered; run gongkai log verify"
        )

    def checkpoint(self) -> Checkpoint:
        """The signed head, for a system outside the database to keep. LogError if the head
        does not verify (a checkpoint must not vouch for a log already cut)."""
        head = self._store.head()
        last = self._store.entry_at(head.seq)
        vouched = self._sealed(head) and last is not None and last.mac == head.mac and self._made_by_key(last)
        if head.seq and not vouched:
            raise LogError("日志头部校验失败 / the log's head does not verify: run gongkai log verify first")
        time = _now()
        return Checkpoint(head.seq, head.mac, time, self._sign(head.seq, head.mac, time))

    def _sign(self, seq: int, mac: str, time: str) -> str:
        content = _canonical({"checkpoint": {"seq": seq, "mac": mac, "time": time}})
        return hmac.new(self._keys.chain, content.encode(), hashlib.sha256).hexdigest()

    # --- reading ---------------------------------------------------------------------

    def _mac(self, entry: Entry) -> str:
        return hmac.new(self._keys.chain, entry.content(), hashlib.sha256).hexdigest()

    def get(self, request_id: str) -> Entry | None:
        """The decision holding the id, else the latest rejection under it."""
        return self._store.get(request_id)

    def page(self, filters: Filters, after: int = 0, limit: int = 100, offset: int = 0) -> list[Entry]:
        return self._store.page(filters, after, limit, offset)

    def count(self, filters: Filters) -> int:
        """How many entries the filters match."""
        return self._store.count(filters)

    def empty(self) -> bool:
        return self._store.empty()

    def verify(self, checkpoint: Checkpoint | None = None) -> list[str]:
        """Every break in the chain, as sentences; an empty list means the log is intact.
        With a checkpoint: also that its entry is still there, unchanged."""
        head = self._store.head()
        if not self.key_matches(head):
            return [KEY_MISMATCH]
        problems = []
        expected_seq, prev_mac, at_checkpoint = 1, GENESIS, None
        for entry in self._store.all():
            if entry.seq != expected_seq:
                problems.append(f"entry {expected_seq} is missing (found {entry.seq} next)")
            if entry.prev_mac != prev_mac:
                problems.append(f"entry {entry.seq} does not follow the entry before it (deleted, reordered or edited)")
            if not self._made_by_key(entry):
                problems.append(f"entry {entry.seq} was altered after it was recorded")
            if checkpoint is not None and entry.seq == checkpoint.seq:
                at_checkpoint = entry.mac
            expected_seq, prev_mac = entry.seq + 1, entry.mac
        last = expected_seq - 1
        if (head.seq, head.mac) != (last, prev_mac):
            problems.append(f"the log ends at entry {last} but its head says {head.seq}: truncated or altered")
        if last and head.head_mac is None:
            problems.append(
                "the head is not sealed (a log from before head MACs: serve seals it; or its MAC was removed)"
            )
        elif last and not self._sealed(head):
            problems.append("the head's MAC does not verify: the head was rewritten (entries cut or altered)")
        if checkpoint is not None:
            problems += self._against(checkpoint, last, at_checkpoint)
        return problems

    def _against(self, checkpoint: Checkpoint, last: int, mac: str | None) -> list[str]:
        problems = []
        if not hmac.compare_digest(checkpoint.signature, self._sign(checkpoint.seq, checkpoint.mac, checkpoint.time)):
            problems.append("the checkpoint does not verify with this key: edited, or not made with this log's key")
        if checkpoint.seq == 0:
            return problems
        if last < checkpoint.seq:
            problems.append(
                f"the log ends at entry {last}, before entry {checkpoint.seq} of the checkpoint of "
                f"{checkpoint.time}: truncated or wiped since"
            )
        elif mac is None or not hmac.compare_digest(mac, checkpoint.mac):
            problems.append(
                f"entry {checkpoint.seq} is not the one checkpointed at {checkpoint.time}: the log was rewritten"
            )
        return problems

    @property
    def backend(self) -> str:
        """Where the log is, for the startup line: an SQLite file, or a PostgreSQL database
        (host, port, name and user; never the password)."""
        return str(getattr(self._store, "where", type(self._store).__name__))

    def close(self) -> None:
        self._store.close()


def _with_kind(record: Record, kind: str) -> Record:
    """The record's error with the error kind (only when there is one)."""
    if not kind or record.error is None:
        return record
    return dataclasses.replace(record, error=_compact({**json.loads(record.error), "kind": kind[:64]}))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def open_log(
    directory: Path,
    database_url: str | None = None,
    durability: str = "full",
    *,
    key: KeySource | None = None,
    create_key: bool = True,
) -> DecisionLog:
    """The log in ``directory`` (SQLite, created on first use), or in PostgreSQL, with its key
    (default: ``directory``/log.key). A missing key is created only if ``create_key`` and the
    log is empty; otherwise LogKeyError. The head is not checked here: see ``open_for_writing``."""
    source = key or KeySource(directory / "log.key")
    store: Store = (
        PostgresStore(database_url) if database_url else SqliteStore(directory / "decisions.sqlite3", durability)
    )
    try:
        master = source.read()
        if master is None:
            if not (create_key and store.empty() and store.head().seq == 0):
                raise LogKeyError(
                    f"日志密钥缺失 / the log key is missing: no {source.where}"
                    + ("" if store.empty() else " and the log has entries: restore its key")
                )
            try:
                master = source.create()
            except FileExistsError:  # another process published it first
                master = source.read()
                assert master is not None
    except BaseException:
        store.close()
        raise
    return DecisionLog(store, Keys.derive(master))


def open_for_writing(settings: Settings) -> DecisionLog:
    """The log ``serve`` appends to: a key created only on an empty log, and a head that
    verifies with it (LogKeyError otherwise, one line)."""
    log = open_log(settings.data_dir, settings.database_url, settings.log_durability, key=KeySource.of(settings))
    try:
        log.check_head()
    except BaseException:
        log.close()
        raise
    return log


__all__ = [
    "REJECTED",
    "Checkpoint",
    "DecisionLog",
    "Entry",
    "Filters",
    "KeySource",
    "Keys",
    "LogError",
    "LogKeyError",
    "Logged",
    "Make",
    "Record",
    "Refused",
    "Replayed",
    "RequestIdTaken",
    "open_for_writing",
    "open_log",
]
