"""Hypothesis strategies for hostile requests: random and malformed facts, wrong types,
huge strings, deep nesting, odd unicode, dates out of range. Shared by tests/test_fuzz.py
and bench/fuzz.py (the long run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from gongkai.facts import ACTIONS

ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(categories=["Cs", "Co", "Cn", "Zl", "Zp", "Cf"]), max_size=10).filter(
        lambda s: all(not 0xD800 <= ord(c) <= 0xDFFF for c in s)  # protobuf strings are UTF-8
    ),
    st.just("𠀀" * 1000),
    st.just("x" * 200_000),
    st.sampled_from(["", " ", "\u0000", "null", "true", "1e309", "NaN", "2025-02-30", "9999-12-31", "0001-01-01"]),
)
DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2025-13-01", "2025-00-10", "25-10-01", "2025/10/01", "2025-10-01T25:00:00"]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    ODD_TEXT,
    DATES,
)


def nested(depth: int) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=depth,
    )


FACT_NAMES = sorted({name for model in ACTIONS.values() for name in model.model_fields})
ACTION = st.one_of(st.sampled_from(sorted(ACTIONS)), ODD_TEXT)
AGENCY = st.one_of(
    st.fixed_dictionaries(
        {
            "name": st.one_of(st.just("清流县市场监督管理局"), ODD_TEXT),
            "division_code": st.one_of(st.sampled_from(["350423", "210381", "999999", "1", ""]), ODD_TEXT),
            "kind": st.one_of(st.sampled_from(["department", "township", "ministry", ""]), ODD_TEXT),
        }
    ),
    nested(5),
)


@st.composite
def hostile_request(draw: st.DrawFn) -> dict[str, Any]:
    facts = draw(
        st.dictionaries(
            st.one_of(st.sampled_from(FACT_NAMES), st.text(max_size=12)), st.one_of(SCALARS, nested(30)), max_size=12
        )
    )
    request: dict[str, Any] = {"agency": draw(AGENCY), "action": draw(ACTION), "facts": facts}
    if draw(st.booleans()):
        request["as_of"] = draw(DATES)
    if draw(st.booleans()):
        request["request_id"] = draw(ODD_TEXT)
    return request
