"""JSON text for the decision log, from encoders made once.

``json.dumps`` with options builds a JSONEncoder per call, and ``JSONEncoder.encode`` builds
its C encoder anew on every call too (about a quarter of the time for an entry's small
documents). Here the C encoder is made once and kept. It writes exactly what
``JSONEncoder(ensure_ascii=False, separators=(",", ":"), ...).encode`` writes; it does not
look for circular references, which JSON-shaped data (a parsed request, a model's dump)
cannot have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any


def encoder(*, sort_keys: bool = False, default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """Compact JSON text (no spaces, non-ASCII kept as it is), keys sorted if ``sort_keys``."""
    if c_make_encoder is None:  # a Python without the C accelerator: the plain encoder
        return json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"), default=default).encode
    fail = default or json.JSONEncoder().default  # raises TypeError, as json does
    make = c_make_encoder(None, fail, encode_basestring, None, ":", ",", sort_keys, False, True)

    def encode(value: Any) -> str:
        if isinstance(value, str):  # the C encoder only takes containers and scalars inside them
            return encode_basestring(value)
        return "".join(make(value, 0))

    return encode
