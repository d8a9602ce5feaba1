"""Personal data of applicants (姓名, 身份证明, 地址, 联系方式, and any fact a schema marks
``personal``) never reaches the decision log in clear: it is replaced by a keyed hash, so
entries about one applicant can still be linked by whoever holds the key, and by no one else.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from gongkai.facts import ACTIONS

PREFIX = "hmac-sha256:"


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


def pseudonym(value: Any, key: bytes) -> str:
    return PREFIX + hmac.new(key, repr(value).encode(), hashlib.sha256).hexdigest()


def protect(action: str, facts: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The facts with every value hashed except those of known, non-personal facts.

    A rejected request is logged too, and nothing says what an unknown field (a misspelt
    ``applicant_nme``, an unknown action kind's facts) holds: it is hashed as well.
    """
    model = ACTIONS.get(action)
    clear = set(model.model_fields) - personal_fields(action) if model else set()
    return {name: value if name in clear or value is None else pseudonym(value, key) for name, value in facts.items()}
