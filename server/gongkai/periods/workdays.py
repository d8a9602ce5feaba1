"""Chinese working days: statutory holidays and make-up working days (调休).

Two calendars, in order: the notices kept as data beside the rule packs (``holidays``:
``<rules>/calendar/YYYY.yaml``, added the day a notice is published), then the maintained
``chinesecalendar`` package for the years the data lacks. Counting follows Chinese practice:
the day of the triggering event is not counted; holidays are not working days; make-up days
are. For a year neither covers, Monday to Friday is assumed and the caller is told
(``uncovered_years``), so a decision can carry the warning instead of failing; ``sources``
names the calendar that answered for each year, so a decision can cite it.

A check puts its calendar ``in_use`` while it derives facts and deadlines: derivations that
count working days (``current_calendar()``) then use the check's calendar data and report the
years they touch, without every derivation taking the calendar as an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import metadata

import chinese_calendar

from gongkai.periods.holidays import NO_DATA, PACKAGE, HolidayData

ONE_DAY = dt.timedelta(days=1)
Skip = Callable[[dt.date], bool]  # days that do not count (a suspension)


def covered_years() -> range:
    """The years the ``chinesecalendar`` package covers."""
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return range(min(years), max(years) + 1)


_COVERED = covered_years()


def calendar_version(data: HolidayData | None = None) -> str:
    """The calendars in use, for the startup line: the notices kept as data (their years and
    digest), then the package and the years it covers."""
    try:
        version = metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:
        version = "?"
    package = f"chinesecalendar {version} ({_COVERED.start}–{_COVERED.stop - 1})"
    if data is None or not data.years:
        return package
    years = ", ".join(str(y) for y in sorted(data.years))
    return f"the State Council's notices for {years} (rules/calendar, {data.digest}), then {package}"


@lru_cache(maxsize=8192)
def _official_working_day(day: dt.date) -> bool:
    # chinesecalendar validates the range on every call (a scan of its tables): memoise.
    return chinese_calendar.is_workday(day)


_IN_USE: ContextVar[WorkingDayCalendar | None] = ContextVar("gongkai_working_day_calendar", default=None)


class WorkingDayCalendar:
    """Answers "is this a working day" and records which calendar answered for each year,
    and the years it had to guess. Without ``holidays``, the data of the calendar in use
    (a check under way) or none."""

    def __init__(self, holidays: HolidayData | None = None) -> None:
        if holidays is None:
            in_use = _IN_USE.get()
            holidays = in_use.holidays if in_use is not None else NO_DATA
        self.holidays = holidays
        self.uncovered_years: set[int] = set()
        self.sources: dict[int, set[str]] = {}  # year → the calendars that answered for it

    def is_working_day(self, day: dt.date) -> bool:
        known = self.holidays.decide(day)
        if known is None:
            if day.year not in _COVERED:
                self.uncovered_years.add(day.year)
                return day.weekday() < 5
            known = (_official_working_day(day), PACKAGE)
        self.sources.setdefault(day.year, set()).add(known[1])
        return known[0]

    def count(self, after: dt.date, through: dt.date, skip: Skip | None = None, *, every_day: bool = False) -> int:
        """Working days (or, ``every_day``, days) in (after, through]: the event's day is not counted."""
        days = 0
        day = after + ONE_DAY
        while day <= through:
            if (every_day or self.is_working_day(day)) and not (skip and skip(day)):
                days += 1
            day += ONE_DAY
        return days

    def add(self, start: dt.date, n: int, skip: Skip | None = None, *, every_day: bool = False) -> dt.date:
        """The date of the n-th working day (or, ``every_day``, day) after ``start`` (n ≥ 0)."""
        day = start
        remaining = n
        while remaining > 0:
            day += ONE_DAY
            if (every_day or self.is_working_day(day)) and not (skip and skip(day)):
                remaining -= 1
        return day

    @contextmanager
    def in_use(self) -> Iterator[WorkingDayCalendar]:
        """Make this the calendar ``current_calendar()`` returns, in this thread, until the end."""
        token = _IN_USE.set(self)
        try:
            yield self
        finally:
            _IN_USE.reset(token)


def current_calendar() -> WorkingDayCalendar:
    """The calendar of the check under way, else one with no data beyond the package's."""
    return _IN_USE.get() or WorkingDayCalendar()


_PACKAGE_NAMES = {  # chinesecalendar's holiday names, in Chinese
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_festivals(year: int) -> list[tuple[str, list[dt.date], list[dt.date]]] | None:
    """The package's holidays and make-up days in ``year``, by festival (None: not covered)."""
    if year not in _COVERED:
        return None
    festivals: dict[str, tuple[list[dt.date], list[dt.date]]] = {}
    for table, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in sorted(table.items()):
            if day.year == year and name:
                entry = festivals.setdefault(_PACKAGE_NAMES.get(name, name), ([], []))
                entry[working].append(day)
    ordered = sorted(festivals.items(), key=lambda item: min(item[1][0] or item[1][1]))
    return [(name, h, w) for name, (h, w) in ordered]
