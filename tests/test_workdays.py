"""Working days by the Chinese calendar: holidays skipped, make-up days (调休) counted."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.periods.derive import add_months
from gongkai.periods.workdays import WorkingDayCalendar

D = dt.date


def test_national_day_2025_fifteen_working_days_after_26_september_is_23_october() -> None:
    # 10月1日–8日 放假; 9月28日(周日)、10月11日(周六)上班.
    assert WorkingDayCalendar().add(D(2025, 9, 26), 15) == D(2025, 10, 23)


def test_a_make_up_sunday_counts_and_a_holiday_weekday_does_not() -> None:
    cal = WorkingDayCalendar()
    assert cal.is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
    assert not cal.is_working_day(D(2025, 10, 8))  # Wednesday, 国庆假期
    assert cal.count(D(2025, 9, 27), D(2025, 9, 28)) == 1


def test_the_day_of_the_event_is_not_counted() -> None:
    cal = WorkingDayCalendar()
    assert cal.count(D(2025, 10, 13), D(2025, 10, 13)) == 0
    assert cal.count(D(2025, 10, 13), D(2025, 10, 14)) == 1
    assert cal.add(D(2025, 10, 13), 1) == D(2025, 10, 14)


def test_count_and_add_are_inverse() -> None:
    cal = WorkingDayCalendar()
    start = D(2025, 1, 20)  # across the 2025 Spring Festival (1月28日–2月4日; 1月26日、2月8日上班)
    for n in range(0, 40):
        assert cal.count(start, cal.add(start, n)) == n


def test_a_year_the_calendar_does_not_cover_is_answered_and_flagged() -> None:
    cal = WorkingDayCalendar()
    due = cal.add(D(2099, 12, 31), 1)
    assert due == D(2100, 1, 1)  # a Friday: weekdays assumed
    assert cal.uncovered_years == {2100}


def test_a_covered_year_is_not_flagged() -> None:
    cal = WorkingDayCalendar()
    cal.add(D(2025, 9, 26), 15)
    assert cal.uncovered_years == set()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(D(2025, 1, 31), 1, D(2025, 2, 28)), (D(2024, 1, 31), 1, D(2024, 2, 29)), (D(2025, 12, 15), 1, D(2026, 1, 15))],
)
def test_a_month_later_is_clamped_to_the_end_of_a_short_month(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected
