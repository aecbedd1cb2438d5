"""Nate list times shown as ``01-15 15:24`` (month-day, no year) take the list day's year."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.dates import KST, parse_month_day
from newsbot.sources import nate
from newsbot.sources.base import ListRequest


@pytest.mark.parametrize(
    ("shown", "day", "now", "expected"),
    [
        ("01-15 15:24", date(2025, 1, 15), datetime(2025, 1, 15, 18, 0, tzinfo=KST),
         datetime(2025, 1, 15, 15, 24, tzinfo=KST)),
        # New Year: the list of 2026-01-01 still shows last night's items
        ("12-31 23:50", date(2026, 1, 1), datetime(2026, 1, 1, 9, 0, tzinfo=KST),
         datetime(2025, 12, 31, 23, 50, tzinfo=KST)),
        # a past day's list read a year later keeps its own year
        ("12-31 08:00", date(2024, 12, 31), datetime(2026, 3, 1, 9, 0, tzinfo=KST),
         datetime(2024, 12, 31, 8, 0, tzinfo=KST)),
        # the list of 12-31 read on 01-01 with an item just after midnight
        ("01-01 00:05", date(2025, 12, 31), datetime(2026, 1, 1, 0, 30, tzinfo=KST),
         datetime(2026, 1, 1, 0, 5, tzinfo=KST)),
        ("02-29 10:00", date(2024, 2, 29), datetime(2024, 3, 1, tzinfo=KST),
         datetime(2024, 2, 29, 10, 0, tzinfo=KST)),
    ],
)  # fmt: skip
def test_a_month_day_takes_the_year_nearest_the_list_day(
    shown: str, day: date, now: datetime, expected: datetime
) -> None:
    assert parse_month_day(shown, day=day, now=now) == expected
    req = ListRequest(day=day, section="n0105", now=now)
    assert nate._absolute(shown, req) == expected.isoformat()


@pytest.mark.parametrize("shown", ["02-30 10:00", "13-01 10:00", "01-15 24:00", "01-15 12:60"])
def test_impossible_month_days_are_no_time(shown: str) -> None:
    now = datetime(2025, 1, 20, tzinfo=KST)
    assert parse_month_day(shown, day=date(2025, 1, 20), now=now) is None


@given(st.text(max_size=20), st.dates(min_value=date(1900, 1, 2), max_value=date(2100, 12, 30)))
def test_any_text_is_a_time_or_none_never_an_error(text: str, day: date) -> None:
    now = datetime(day.year, day.month, day.day, 12, tzinfo=KST)
    value = parse_month_day(text, day=day, now=now)
    assert value is None or value.tzinfo is not None
