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

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


def covered_years() -> range:
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return range(min(years), max(years) + 1)


_COVERED = covered_years()


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

    def count(self, after: dt.date, through: dt.date, skip: Callable[[dt.date], bool] | None = None) -> int:
        """Working days in (after, through]: the day of the event itself is not counted."""
        days = 0
        day = after + ONE_DAY
        while day <= through:
            if self.is_working_day(day) and not (skip and skip(day)):
                days += 1
            day += ONE_DAY
        return days

    def add(self, start: dt.date, working_days: int, skip: Callable[[dt.date], bool] | None = None) -> dt.date:
        """The date on which the n-th working day after ``start`` falls (n ≥ 0)."""
        day = start
        remaining = working_days
        while remaining > 0:
            day += ONE_DAY
            if self.is_working_day(day) and not (skip and skip(day)):
                remaining -= 1
        return day
