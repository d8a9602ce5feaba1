"""The working-day tables (periods/workdays.py ``count``/``add``) against the plain walk they
replace: day by day, asking the public ``is_working_day``, written here as the reference.

Random (seeded) periods of 0–60 days across 2007–2028 — years the package covers, years the
notices kept as data cover, years no calendar covers (Monday to Friday assumed), year
boundaries and make-up working days (调休) — in working days and in days, with and without a
suspension; the answer and what the calendar records (``sources``, ``uncovered_years``) must
be the same.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest

from gongkai.config import default_rules_dir
from gongkai.periods.holidays import NO_DATA, FestivalDays, HolidayData, NoticeSource, YearFile, load_holidays
from gongkai.periods.workdays import Suspension, WorkingDayCalendar

D = dt.date
ONE_DAY = dt.timedelta(days=1)
FIRST, LAST = D(2007, 1, 1), D(2028, 12, 31)


def _skipped(skip: Suspension | None) -> Callable[[dt.date], bool]:
    if skip is None:
        return lambda day: False
    return lambda day: skip.after < day and (skip.through is None or day <= skip.through)


def reference_count(
    cal: WorkingDayCalendar, after: dt.date, through: dt.date, skip: Suspension | None, every_day: bool
) -> int:
    skipped, days, day = _skipped(skip), 0, after + ONE_DAY
    while day <= through:
        if (every_day or cal.is_working_day(day)) and not skipped(day):
            days += 1
        day += ONE_DAY
    return days


def reference_add(
    cal: WorkingDayCalendar, start: dt.date, n: int, skip: Suspension | None, every_day: bool
) -> dt.date | None:
    """None: the period never ends (a suspension not lifted swallows the rest)."""
    skipped, day, remaining = _skipped(skip), start, n
    while remaining > 0:
        if skip is not None and skip.through is None and day > skip.after:
            return None
        day += ONE_DAY
        if (every_day or cal.is_working_day(day)) and not skipped(day):
            remaining -= 1
    return day


def _invented() -> HolidayData:
    """Data for a year the package lacks (2027), naming days of 2026 and of 2028 (a year
    nothing else covers), and a day of 2010 (a year the package covers): years where two
    calendars answer, or a calendar and the Monday-to-Friday guess."""
    label_2027 = "《测试用通知 2027》"
    listed = {
        D(2026, 12, 31): (False, label_2027),
        D(2027, 1, 1): (False, label_2027),
        D(2027, 2, 6): (True, label_2027),  # a Saturday, made a working day
        D(2027, 2, 8): (False, label_2027),
        D(2027, 2, 9): (False, label_2027),
        D(2028, 1, 3): (False, label_2027),
        D(2028, 1, 8): (True, label_2027),  # a Saturday
        D(2010, 6, 12): (False, label_2027),  # a Saturday the package makes a working day
    }
    year = YearFile(
        year=2027,
        notices=[NoticeSource(title="测试用通知 2027", text="2027.txt")],
        festivals=[
            FestivalDays(
                name="春节", holidays=[d for d, (w, _) in listed.items() if not w], working_days=[D(2027, 2, 6)]
            )
        ],
    )
    assert year.label == label_2027
    return HolidayData({2027: year}, "invented", listed)


CALENDARS = {
    "package only": NO_DATA,
    "notices kept as data": load_holidays(default_rules_dir()),
    "invented notice": _invented(),
}


def _a_day(rng: random.Random) -> dt.date:
    if rng.random() < 0.4:  # near a year's end: periods across the new year and its holidays
        return D(rng.randint(FIRST.year, LAST.year), 12, 31) + dt.timedelta(days=rng.randint(-40, 40))
    return FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days))


def _a_suspension(rng: random.Random, start: dt.date) -> Suspension | None:
    kind = rng.random()
    if kind < 0.4:
        return None
    begin = start + dt.timedelta(days=rng.randint(-30, 60))
    if kind < 0.55:
        return Suspension(begin)
    return Suspension(begin, begin + dt.timedelta(days=rng.randint(-5, 60)))  # sometimes empty


def _same(fast: WorkingDayCalendar, slow: WorkingDayCalendar, what: str) -> None:
    assert fast.sources == slow.sources, what
    assert fast.uncovered_years == slow.uncovered_years, what


@pytest.mark.parametrize("name", CALENDARS)
def test_count_is_the_walk_day_by_day(name: str) -> None:
    rng = random.Random(f"count {name}")
    for _ in range(1500):
        after = _a_day(rng)
        through = after + dt.timedelta(days=rng.randint(-3, 60))
        skip, every_day = _a_suspension(rng, after), rng.random() < 0.3
        fast, slow = WorkingDayCalendar(CALENDARS[name]), WorkingDayCalendar(CALENDARS[name])
        what = f"count({after}, {through}, {skip}, every_day={every_day})"
        assert fast.count(after, through, skip, every_day=every_day) == reference_count(
            slow, after, through, skip, every_day
        ), what
        _same(fast, slow, what)


@pytest.mark.parametrize("name", CALENDARS)
def test_add_is_the_walk_day_by_day(name: str) -> None:
    rng = random.Random(f"add {name}")
    for _ in range(1500):
        start, n = _a_day(rng), rng.randint(0, 60)
        skip, every_day = _a_suspension(rng, start), rng.random() < 0.3
        fast, slow = WorkingDayCalendar(CALENDARS[name]), WorkingDayCalendar(CALENDARS[name])
        what = f"add({start}, {n}, {skip}, every_day={every_day})"
        expected = reference_add(slow, start, n, skip, every_day)
        if expected is None:  # the walk would step on to the last date and fail there
            with pytest.raises(OverflowError):
                fast.add(start, n, skip, every_day=every_day)
            continue
        assert fast.add(start, n, skip, every_day=every_day) == expected, what
        _same(fast, slow, what)


def test_one_calendar_records_every_period_it_counted() -> None:
    # As a check does: several deadlines on one calendar, its records the union of them all.
    rng = random.Random("one calendar")
    data = CALENDARS["invented notice"]
    fast, slow = WorkingDayCalendar(data), WorkingDayCalendar(data)
    for _ in range(200):
        start, n = _a_day(rng), rng.randint(0, 60)
        assert fast.add(start, n) == reference_add(slow, start, n, None, False)
        through = start + dt.timedelta(days=rng.randint(0, 60))
        assert fast.count(start, through) == reference_count(slow, start, through, None, False)
    _same(fast, slow, "after 400 periods")
    assert {2010, 2026, 2027, 2028} <= fast.sources.keys()  # the invented notice answered there
    assert 2028 in fast.uncovered_years


@pytest.mark.parametrize(
    ("after", "through"),
    [
        (D(1990, 3, 1), D(2031, 2, 1)),  # uncovered years on both sides of the tables
        (D(2099, 12, 20), D(2100, 1, 20)),
        (D(1, 1, 1), D(1, 3, 1)),  # the first dates
        (D(2026, 12, 25), D(2027, 1, 10)),  # from the package's last year into no calendar's
    ],
)
def test_long_and_far_periods_are_the_walk(after: dt.date, through: dt.date) -> None:
    for data in CALENDARS.values():
        for every_day in (False, True):
            fast, slow = WorkingDayCalendar(data), WorkingDayCalendar(data)
            n = reference_count(slow, after, through, None, every_day)
            assert fast.count(after, through, every_day=every_day) == n
            assert fast.add(after, n, every_day=every_day) == reference_add(slow, after, n, None, every_day)
            _same(fast, slow, f"{after}–{through}")


def test_the_last_date_fails_as_the_walk_does() -> None:
    # Stepping past 9999-12-31 raises; what was counted before is recorded all the same.
    for every_day in (False, True):
        fast, slow = WorkingDayCalendar(), WorkingDayCalendar()
        with pytest.raises(OverflowError):
            reference_count(slow, dt.date.max - 3 * ONE_DAY, dt.date.max, None, every_day)
        with pytest.raises(OverflowError):
            fast.count(dt.date.max - 3 * ONE_DAY, dt.date.max, every_day=every_day)
        with pytest.raises(OverflowError):
            fast.add(dt.date.max - 10 * ONE_DAY, 30, every_day=every_day)
        _same(fast, slow, "the last date")
        assert fast.add(dt.date.max - 10 * ONE_DAY, 2, every_day=every_day) <= dt.date.max
    with pytest.raises(OverflowError):
        WorkingDayCalendar().count(dt.date.max, dt.date.max)
