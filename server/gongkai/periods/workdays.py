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
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

import chinese_calendar

from gongkai.periods.holidays import NO_DATA, PACKAGE, HolidayData

ONE_DAY = dt.timedelta(days=1)
_LAST = dt.date.max.toordinal()


@dataclass(frozen=True, slots=True)
class Suspension:
    """Days that do not count (a suspension, 中止): those in (``after``, ``through``], or every
    day after ``after`` while it has not ended (``through`` None)."""

    after: dt.date
    through: dt.date | None = None


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


def _answer(holidays: HolidayData, day: dt.date) -> tuple[bool, str | None]:
    """(is a working day, the calendar that says so); None: no calendar covers the day's
    year, and Monday to Friday is assumed."""
    known = holidays.decide(day)
    if known is not None:
        return known
    if day.year in _COVERED:
        return _official_working_day(day), PACKAGE
    return day.weekday() < 5, None


@dataclass(frozen=True, slots=True)
class _Year:
    """One year's days as the calendars answer them, decided once per HolidayData."""

    first: int  # ordinal of 1 January
    last: int  # ordinal of 31 December
    working: list[int]  # ordinals of its working days, in order
    answered: tuple[str | None, ...]  # the calendars answering for some day (None: none)
    by_day: bytes  # per day of the year, the index of its calendar in ``answered``

    def calendars(self, lo: int, hi: int) -> tuple[str | None, ...]:
        """The calendars that answered for the days ``lo``..``hi`` (ordinals in the year)."""
        if len(self.answered) == 1:
            return self.answered
        start, stop = lo - self.first, hi - self.first + 1
        return tuple(a for i, a in enumerate(self.answered) if self.by_day.find(i, start, stop) >= 0)


def _build_year(holidays: HolidayData, year: int) -> _Year:
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    working: list[int] = []
    answered: list[str | None] = []
    by_day = bytearray()
    for ordinal in range(first, last + 1):
        is_working, source = _answer(holidays, dt.date.fromordinal(ordinal))
        if is_working:
            working.append(ordinal)
        if source not in answered:
            answered.append(source)
        by_day.append(answered.index(source))
    return _Year(first, last, working, tuple(answered), bytes(by_day))


def _weekdays(through: int) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday, ordinal 1) through the ordinal."""
    return through // 7 * 5 + min(through % 7, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the ``count``-th Monday to Friday from 1 January of year 1."""
    weeks, day = divmod(count - 1, 5)
    return weeks * 7 + day + 1


_IN_USE: ContextVar[WorkingDayCalendar | None] = ContextVar("gongkai_working_day_calendar", default=None)


class WorkingDayCalendar:
    """Answers "is this a working day" and records which calendar answered for each year,
    and the years it had to guess. Without ``holidays``, the data of the calendar in use
    (a check under way) or none.

    ``count`` and ``add`` record the same as asking ``is_working_day`` for every day they pass
    (unless ``every_day``), but look the days up in tables built once per year and calendar
    data: working days are counted by bisection, not day by day. A year no calendar covers
    has no table: Monday to Friday are counted by arithmetic."""

    def __init__(self, holidays: HolidayData | None = None) -> None:
        if holidays is None:
            in_use = _IN_USE.get()
            holidays = in_use.holidays if in_use is not None else NO_DATA
        self.holidays = holidays
        self.uncovered_years: set[int] = set()
        self.sources: dict[int, set[str]] = {}  # year → the calendars that answered for it
        self._tables = holidays.tables

    def is_working_day(self, day: dt.date) -> bool:
        working, source = _answer(self.holidays, day)
        if source is None:
            self.uncovered_years.add(day.year)
        else:
            self.sources.setdefault(day.year, set()).add(source)
        return working

    def count(
        self, after: dt.date, through: dt.date, skip: Suspension | None = None, *, every_day: bool = False
    ) -> int:
        """Working days (or, ``every_day``, days) in (after, through]: the event's day is not counted."""
        if after == dt.date.max:
            raise OverflowError("date value out of range")  # as stepping past the last date does
        a, b = after.toordinal(), through.toordinal()
        if b <= a:
            return 0
        days = self._days(a, b, every_day)
        if skip is not None:
            lo = max(a, skip.after.toordinal())
            hi = b if skip.through is None else min(b, skip.through.toordinal())
            if hi > lo:
                days -= self._days(lo, hi, every_day)
        if not every_day:
            self._note(a, b)
        if through == dt.date.max:
            raise OverflowError("date value out of range")
        return days

    def add(self, start: dt.date, n: int, skip: Suspension | None = None, *, every_day: bool = False) -> dt.date:
        """The date of the n-th working day (or, ``every_day``, day) after ``start`` (n ≥ 0)."""
        if n <= 0:
            return start
        s = start.toordinal()
        found: int | None
        if skip is None or (skip.through is not None and skip.through <= skip.after):
            found = self._nth(s, n, every_day)
        else:
            # The days up to the suspension count; then counting resumes after it ends.
            begin = skip.after.toordinal()
            before = self._days(s, begin, every_day) if begin > s else 0
            if n <= before:
                found = self._nth(s, n, every_day)
            elif skip.through is None:
                found = None  # suspended for ever: stepping on runs past the last date
            else:
                found = self._nth(max(s, skip.through.toordinal()), n - before, every_day)
        if found is None or found > _LAST:
            if not every_day and s < _LAST:
                self._note(s, _LAST)
            raise OverflowError("date value out of range")
        if not every_day:
            self._note(s, found)
        return dt.date.fromordinal(found)

    def _table(self, year: int) -> _Year | None:
        """The year's table; None for a year no calendar covers (no notice names a day of it)."""
        try:
            return self._tables[year]
        except KeyError:
            pass
        holidays = self.holidays
        covered = year in _COVERED or year in holidays.years or year in holidays.listed_years
        table = self._tables[year] = _build_year(holidays, year) if covered else None
        return table

    def _days(self, after: int, through: int, every_day: bool) -> int:
        """Working days (or days) in (after, through], ordinals, after < through."""
        if every_day:
            return through - after
        days = 0
        year = dt.date.fromordinal(after + 1).year
        while True:
            table = self._table(year)
            if table is not None:
                last = table.last
                days += bisect_right(table.working, through) - bisect_right(table.working, after)
            else:
                last = dt.date(year, 12, 31).toordinal()
                days += _weekdays(min(through, last)) - _weekdays(after)
            if through <= last:
                return days
            after = last
            year += 1

    def _nth(self, after: int, n: int, every_day: bool) -> int | None:
        """The ordinal of the n-th working day (or day) after ``after`` (n ≥ 1); None past the
        last date."""
        if every_day:
            return after + n
        year = dt.date.fromordinal(after + 1).year if after < _LAST else dt.MAXYEAR + 1
        while year <= dt.MAXYEAR:
            table = self._table(year)
            if table is not None:
                passed = bisect_right(table.working, after)
                if passed + n <= len(table.working):
                    return table.working[passed + n - 1]
                n -= len(table.working) - passed
                after = table.last
            else:
                last = dt.date(year, 12, 31).toordinal()
                found = _nth_weekday(_weekdays(after) + n)
                if found <= last:
                    return found
                n -= _weekdays(last) - _weekdays(after)
                after = last
            year += 1
        return None

    def _note(self, after: int, through: int) -> None:
        """Record the calendars that answered for the days in (after, through] (ordinals)."""
        year = dt.date.fromordinal(after + 1).year
        while year <= dt.MAXYEAR:
            table = self._table(year)
            if table is None:
                self.uncovered_years.add(year)
                last = dt.date(year, 12, 31).toordinal()
            else:
                last = table.last
                for source in table.calendars(max(after + 1, table.first), min(through, last)):
                    if source is None:
                        self.uncovered_years.add(year)
                    else:
                        self.sources.setdefault(year, set()).add(source)
            if through <= last:
                return
            year += 1

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
