"""Chinese working days: statutory holidays and make-up working days (调休).

The calendar is the maintained ``chinesecalendar`` package (State Council notices, one
year at a time). Counting follows Chinese practice: the day of the triggering event is not
counted; holidays are not working days; make-up days are. For a year the package does not
cover yet, Monday to Friday is assumed and the caller is told (``uncovered_years``), so a
decision can carry the warning instead of failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)
Skip = Callable[[dt.date], bool]  # days that do not count (a suspension)


def covered_years() -> range:
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return range(min(years), max(years) + 1)


_COVERED = covered_years()


def calendar_version() -> str:
    """The calendar's package version and the years it covers, for the startup line."""
    try:
        version = metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"chinesecalendar {version} ({_COVERED.start}–{_COVERED.stop - 1})"


@lru_cache(maxsize=8192)
def _official_working_day(day: dt.date) -> bool:
    # chinesecalendar validates the range on every call (a scan of its tables): memoise.
    return chinese_calendar.is_workday(day)


class WorkingDayCalendar:
    """Answers "is this a working day" and records the years it had to guess."""

    def __init__(self) -> None:
        self.uncovered_years: set[int] = set()

    def is_working_day(self, day: dt.date) -> bool:
        if day.year in _COVERED:
            return _official_working_day(day)
        self.uncovered_years.add(day.year)
        return day.weekday() < 5

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
