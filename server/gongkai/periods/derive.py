"""Derived facts: computed in plain Python before the engine, from a registry.

Two sources: named derivations registered by the fact modules (counts, flags), and the
deadlines declared in rule packs (due date and how late, in the period's unit). Each
derived fact records its inputs, so a rule that cannot be decided names the facts the
caller must supply, not our internal names.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gongkai.packs.pack import UNIT_TERMS, Deadline, Parameter, Unit
from gongkai.periods.workdays import Suspension, WorkingDayCalendar

Facts = dict[str, Any]
# The check's as-of date as an ordinal, among the facts: effective dates are engine tests, and a
# derivation may read it (how a date stands to the day of the check).
AS_OF_DAY = "as_of_day"


@dataclass(frozen=True)
class Derivation:
    name: str
    term: str  # Chinese term
    actions: tuple[str, ...]
    inputs: tuple[str, ...]
    type: type  # int, bool or dt.date
    compute: Callable[..., Any]
    partial: bool  # called even when inputs are absent (and may return None: unknown)
    # When the fact cannot be derived, the facts to ask the caller for, given the facts known
    # (None: every absent input). For a fact that any one of several inputs settles.
    asks: Callable[[Facts], tuple[str, ...]] | None = None


REGISTRY: dict[str, Derivation] = {}


def derivation(
    name: str,
    term: str,
    actions: tuple[str, ...],
    inputs: tuple[str, ...],
    type_: type,
    *,
    partial: bool = False,
    asks: Callable[[Facts], tuple[str, ...]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a derived fact; unless ``partial``, it is absent when any input is absent."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"derived fact {name!r} registered twice")
        REGISTRY[name] = Derivation(name, term, actions, inputs, type_, fn, partial, asks)
        return fn

    return register


_BY_ACTION: dict[str, tuple[int, list[Derivation]]] = {}  # action → (registry size, derivations)
# What apply_derivations reads of each: name, inputs, the inputs as a set, compute, partial.
_Step = tuple[str, tuple[str, ...], frozenset[str], Callable[..., Any], bool]
_PLANS: dict[str, tuple[int, list[_Step]]] = {}  # action → (registry size, steps)


def derivations_for(action: str) -> list[Derivation]:
    # Called on every check: a scan of the registry is cached until a derivation is registered.
    cached = _BY_ACTION.get(action)
    if cached is None or cached[0] != len(REGISTRY):
        cached = _BY_ACTION[action] = (len(REGISTRY), [d for d in REGISTRY.values() if action in d.actions])
    return cached[1]


def _plan(action: str) -> list[_Step]:
    cached = _PLANS.get(action)
    if cached is None or cached[0] != len(REGISTRY):
        steps = [(d.name, d.inputs, frozenset(d.inputs), d.compute, d.partial) for d in derivations_for(action)]
        cached = _PLANS[action] = (len(REGISTRY), steps)
    return cached[1]


def apply_derivations(action: str, facts: Facts) -> None:
    """Add the action's derived facts, in the order registered (a derivation may read an
    earlier one's fact). Unless partial, a derivation needs every input present and not None."""
    present = facts.keys()  # a live view: it sees the facts derived so far
    for name, inputs, needed, compute, partial in _plan(action):
        if partial:
            value = compute(*map(facts.get, inputs))
        elif present >= needed:  # the usual case, an input absent, costs one set comparison
            values = tuple(map(facts.__getitem__, inputs))
            if None in values:  # facts hold dates, numbers, text, enums, lists, models: none equals None
                continue
            value = compute(*values)
        else:
            continue
        if value is not None:
            facts[name] = value


def asked_for(name: str, facts: Facts) -> tuple[str, ...] | None:
    """The facts to ask for in place of a derived fact that could not be derived, when its
    derivation says (None: trace every absent input)."""
    d = REGISTRY.get(name)
    if d is None or d.asks is None:
        return None
    return d.asks(facts)


@dataclass(frozen=True)
class DeadlineResult:
    due_on: dt.date | None  # None while a suspension that began in time has not ended
    overdue: int  # units past the due date (0 when in time or not yet due)
    done_on: dt.date | None

    @property
    def closed_on(self) -> dt.date | None:
        """The day the period closed or will close: when done, or when due if that is earlier."""
        days = [d for d in (self.done_on, self.due_on) if d is not None]
        return min(days) if days else None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month ``months`` later, clamped to the month's end (1月31日 → 2月28日)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def compute_deadline(
    deadline: Deadline,
    parameter: Parameter | None,
    facts: Facts,
    as_of: dt.date,
    cal: WorkingDayCalendar,
    closed: dict[str, dt.date] | None = None,
) -> DeadlineResult | None:
    """Due date and lateness, or None when the start date is unknown.

    A suspension that has not ended stops the clock: when it began before the period ran
    out, there is no due date yet (``due_on`` None) and nothing is late. A suspension bounded
    by another deadline (``suspension_until``) ends at the latest when that one closes
    (``closed``: deadline id → the day it closed, for the deadlines computed before). A fixed
    due date (a milestone) is late by the calendar days after it.
    """
    done = facts.get(deadline.end)
    done = done if isinstance(done, dt.date) else None
    if deadline.due_date is not None:
        return DeadlineResult(deadline.due_date, max(((done or as_of) - deadline.due_date).days, 0), done)
    assert parameter is not None and deadline.start is not None  # the schema requires both
    start = facts.get(deadline.start)
    if not isinstance(start, dt.date):
        return None
    start = start.date() if isinstance(start, dt.datetime) else start
    period = int(parameter.value) + extension_of(deadline, facts)
    until = done or as_of
    if parameter.unit is Unit.months:
        due = add_months(start, period)
        return DeadlineResult(due, max((until - due).days, 0), done)
    if parameter.unit not in (Unit.working_days, Unit.days):
        raise ValueError(f"deadline {deadline.id!r}: unit {parameter.unit} is not a date period")
    every_day = parameter.unit is Unit.days
    bound = (closed or {}).get(deadline.suspension_until) if deadline.suspension_until else None
    skip, still_suspended = _suspension(deadline, facts, bound)
    if still_suspended is not None and cal.add(start, period, every_day=every_day) > still_suspended:
        return DeadlineResult(None, 0, done)
    due = cal.add(start, period, skip, every_day=every_day)
    # Any day after the due date is late, a holiday too: at least 1 (the count of working
    # days alone made an answer on the holiday after the last working day "in time").
    overdue = max(cal.count(due, until, skip, every_day=every_day), 1) if until > due else 0
    return DeadlineResult(due, overdue, done)


def extension_of(deadline: Deadline, facts: Facts) -> int:
    return int(facts.get(deadline.extension) or 0) if deadline.extension else 0


def period_text(parameter: Parameter | None, extra: int = 0, due_date: dt.date | None = None) -> str:
    if parameter is None:
        return f"{due_date}前" if due_date else ""
    value = int(parameter.value) + extra
    return f"{value} {UNIT_TERMS[parameter.unit]}".strip()


def _suspension(
    deadline: Deadline, facts: Facts, bound: dt.date | None = None
) -> tuple[Suspension | None, dt.date | None]:
    """Days after the suspension (中止) up to and including resumption do not count.

    The day the period is suspended was already running; like the day of any event, the
    day counting resumes is not counted. ``bound`` is the latest day the suspension may end.
    Returns the days skipped and, when the suspension has not ended, the day it began.
    """
    if not deadline.suspension:
        return None, None
    begin, end = (facts.get(name) for name in deadline.suspension)
    if not isinstance(begin, dt.date):
        return None, None
    if bound is not None and (not isinstance(end, dt.date) or bound < end):
        end = max(bound, begin)
    if not isinstance(end, dt.date):
        return Suspension(begin), begin
    return Suspension(begin, end), None
