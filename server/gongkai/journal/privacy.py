"""What of a request the decision log may keep in clear.

Personal data of applicants (姓名, 身份证明, 地址, 联系方式, any fact a schema marks
``personal``) never reaches the log in clear: it is replaced by a keyed hash, so entries
about one applicant can still be linked by whoever holds the key, and by no one else. The
same goes for free text (a document's title may name a person) and for anything that did
not validate: a value is kept in clear only when it is a validated value of a known,
non-personal fact of a closed type (yes/no, number, date, one or more of an enum's values)
and is small.

Not personal, so kept in clear when valid: the agency's name, division code and kind (an
institution, not a person) and the request id (the caller's own reference, by which the
entry is fetched: callers must not put personal data in it, as the proto says).

A rejected request is kept only as a bounded summary (``rejected``): its validated
non-personal values, everything else as keyed hashes, at most ``MAX_EXTRA`` facts beyond its
action's own, and a keyed digest of the whole request. Its error keeps the field path (any
part that is not a name of ours hashed) and the error kind; messages never hold input
(``check.invalid``).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from gongkai.check.checker import CheckRequest
from gongkai.facts import ACTIONS
from gongkai.journal.jsontext import encoder
from gongkai.packs.jurisdiction import Agency
from gongkai.packs.vocabulary import FactType, model_vocabulary

PREFIX = "hmac-sha256:"
MAX_CLEAR = 256  # bytes of JSON: a longer value, even a valid one, is kept as its keyed hash
MAX_EXTRA = 16  # facts of a rejected request beyond its action's own: kept hashed, the rest counted
MAX_PATH = 8  # parts of a field path kept in an error
MAX_MESSAGE = 1000  # characters of an error message kept
PSEUDONYM = len(PREFIX) + 64

_json = encoder(sort_keys=True, default=str)


@cache
def personal_fields(action: str) -> frozenset[str]:
    model = ACTIONS.get(action)
    if model is None:
        return frozenset()
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("personal")
    )


@cache
def clear_fields(action: str) -> frozenset[str]:
    """The facts of the action whose valid values may be kept in clear: not personal, not free text."""
    model = ACTIONS.get(action)
    if model is None:
        return frozenset()
    closed = {name for name, info in model_vocabulary(model).items() if info.type is not FactType.text}
    return frozenset(closed - personal_fields(action))


@cache
def known_names() -> frozenset[str]:
    """Every name of ours a field path can hold: the request's fields, the agency's, every fact's."""
    names = set(CheckRequest.model_fields) | set(Agency.model_fields)
    for model in ACTIONS.values():
        names |= set(model.model_fields)
    return frozenset(names)


def pseudonym(value: Any, key: bytes) -> str:
    return PREFIX + hmac.digest(key, repr(value).encode(), "sha256").hex()


def content_digest(request: dict[str, Any], key: bytes) -> str:
    """A keyed digest of what a request asks (agency, action, facts, as_of; not its id): equal
    for the same request sent again. Keyed, because a plain digest of a request whose only
    unknown is a phone number could be reversed by trying every number."""
    facts = request.get("facts")
    if isinstance(facts, dict):  # a fact sent as null is a fact not sent
        facts = {name: _whole(value) for name, value in facts.items() if value is not None}
    else:
        facts = _whole(facts)
    content = {name: _whole(request.get(name)) for name in ("agency", "action", "as_of")}
    content["facts"] = facts
    return PREFIX + hmac.digest(key, _json(content).encode(), "sha256").hex()


_LEAVES = frozenset({str, bool, int, type(None)})  # most values: returned as they are, at once


def _whole(value: Any) -> Any:
    """Numbers as JSON clients mean them: Struct sends every number as a double (3 → 3.0)."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


def _small(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        return len(value) * 3 <= MAX_CLEAR or len(value.encode()) <= MAX_CLEAR
    return len(_json(value).encode()) <= MAX_CLEAR


def protect(action: str, facts: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The facts of a checked (so validated) request: each kept in clear only if the action's
    fact may be (``clear_fields``) and its value is small, else its keyed hash."""
    clear = clear_fields(action)
    return {
        name: value if value is None or (name in clear and _small(value)) else pseudonym(value, key)
        for name, value in facts.items()
    }


def rejected(raw: dict[str, Any], key: bytes) -> dict[str, Any]:
    """A rejected request as the log keeps it: bounded, and in clear only what validated and
    is not personal. ``raw`` is the request as received, before validation."""
    summary: dict[str, Any] = {}
    unknown = [name for name in raw if name not in CheckRequest.model_fields]
    for name in ("request_id", "action", "as_of"):
        if raw.get(name) is not None:
            summary[name] = _valid(CheckRequest, name, raw[name], key)
    agency = raw.get("agency")
    if isinstance(agency, dict):
        summary["agency"] = {n: _valid(Agency, n, v, key) for n, v in agency.items() if n in Agency.model_fields}
        unknown += [f"agency.{n}" for n in agency if n not in Agency.model_fields]
    elif agency is not None:
        summary["agency"] = pseudonym(agency, key)
    action = raw.get("action")
    model = ACTIONS.get(action) if isinstance(action, str) else None
    facts = raw.get("facts")
    if isinstance(facts, dict):
        summary["facts"], more = _facts(action if model else "", model, facts, key)
        if more:
            summary["more_facts"] = more
    elif facts is not None:
        summary["facts"] = pseudonym(facts, key)
    if unknown:
        summary["unknown_fields"] = len(unknown)  # only in process: the proto has no other fields
    return summary


def _facts(action: str, model: type[BaseModel] | None, facts: dict[str, Any], key: bytes) -> tuple[dict[str, Any], int]:
    """The action's own facts (clear when valid, small and not personal, else hashed), then at
    most MAX_EXTRA others (value hashed; name too unless it is one of ours); how many more."""
    kept: dict[str, Any] = {}
    extra = 0
    clear = clear_fields(action)
    for name, value in facts.items():
        if model is not None and name in model.model_fields:
            kept[name] = _fact(model, name, value, key) if name in clear else _hashed(value, key)
        else:
            if extra < MAX_EXTRA:
                kept[name if name in known_names() else pseudonym(name, key)] = _hashed(value, key)
            extra += 1
    return kept, max(0, extra - MAX_EXTRA)


def _fact(model: type[BaseModel], name: str, value: Any, key: bytes) -> Any:
    if value is None:
        return None
    if _small(value):
        try:  # alone: the fact's own type, bounds and validators
            valid = model.model_validate({name: value}).model_dump(mode="json", include={name})[name]
        except ValidationError:
            pass
        else:
            if _small(valid):
                return valid
    return pseudonym(value, key)


def _valid(model: type[BaseModel], name: str, value: Any, key: bytes) -> Any:
    """A field of the request or its agency: in clear if it validates on its own (none is
    personal, and each is bounded by its schema), else its keyed hash."""
    valid = _validated(model, name, value)
    if valid is None or (name == "action" and value not in ACTIONS):  # any short text validates as an action
        return pseudonym(value, key)
    return valid


def _validated(model: type[BaseModel], name: str, value: Any) -> Any:
    """The field's value validated alone, as JSON, or None if it does not validate."""
    try:
        instance = model.model_construct()
        model.__pydantic_validator__.validate_assignment(instance, name, value)
    except ValidationError:
        return None
    return instance.model_dump(mode="json", include={name}).get(name)


def _hashed(value: Any, key: bytes) -> Any:
    return None if value is None else pseudonym(value, key)


def rejection_bound() -> int:
    """The most bytes of text a rejected entry holds, whatever was sent: its request summary,
    its error, and the header fields taken from the request (the id, agency, division code and
    action). Every part is a value its schema bounds, or a keyed hash, or a count, so this is
    a hard bound; the fixed-size fields (time, outcome, ruleset version, MACs, digest) add
    about 300 bytes. tests/test_decisionlog.py sends the worst cases it can against it."""
    char = 6  # bytes one character can take in JSON: \u0001
    hashed = PSEUDONYM + 2

    def item(name: str, value: int) -> int:  # "name":value,
        return len(name) + 4 + value

    longest = max(len(n) for n in known_names())
    facts = max(sum(item(n, max(MAX_CLEAR + 2, hashed)) for n in model.model_fields) for model in ACTIONS.values())
    facts += MAX_EXTRA * item("", max(longest + 2, hashed) + hashed)
    kinds = max(len(k.value) for k in Agency.model_fields["kind"].annotation)  # type: ignore[union-attr]
    agency = (
        item("name", max(200 * char + 2, hashed))
        + item("division_code", max(8, hashed))
        + item("kind", max(kinds + 2, hashed))
    )
    action = max(max(len(a) for a in ACTIONS) + 2, hashed)
    request_id = max(100 * char + 2, hashed)
    request = 2 + item("request_id", request_id) + item("action", action) + item("as_of", max(12, hashed))
    request += item("agency", 2 + agency) + item("facts", 2 + facts) + 2 * item("unknown_fields", 20)
    error = 2 + item("code", 40) + item("field", MAX_PATH * (PSEUDONYM + 1) + 3) + item("kind", 66)
    error += item("message", MAX_MESSAGE * char + 2)
    header = request_id + 200 * 4 + max(6, PSEUDONYM) + action  # id, agency, division code, action
    return request + error + header


def safe_path(field: str, key: bytes) -> str:
    """A field path for the log: names of ours and list indices as they are, any other part
    (a misspelt fact's name, a key that is itself a phone number) hashed; at most MAX_PATH parts."""
    parts = field.split(".") if field else []
    kept = [p if p in known_names() or (p.isdigit() and len(p) <= 6) else pseudonym(p, key) for p in parts]
    return ".".join(kept[:MAX_PATH] + (["…"] if len(kept) > MAX_PATH else []))


def safe_request_id(value: Any) -> str | None:
    """A request id as an entry's key: as given when valid (at most 100 characters), else the
    SHA-256 of it (an over-long id is not personal data, but must not make the entry large)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and _validated(CheckRequest, "request_id", value) == value:
        return value
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()


__all__ = ["PREFIX", "content_digest", "protect", "pseudonym", "rejected", "safe_path", "safe_request_id"]
