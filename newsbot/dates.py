"""Dates as news sites print them, turned into aware datetimes in Seoul time.

Sites print local times: Korean sites KST, Sina Beijing time (+08:00). Every
parsed time is returned aware and converted to KST, the zone posts are shown in.
What a page prints is a stranger's text: a time that cannot be read, or that lies
outside what a datetime holds (``9999999일 전``, year 1 at +14:00), or outside
1970–9998 (no news time; Seoul's offset before 1908 is not even +09:00), is None.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
CST = ZoneInfo("Asia/Shanghai")

# "2017.01.01. 오후 10:20", "2024.01.02 오전 9:10", "2026.09.18."
KO_ABSOLUTE = re.compile(
    r"(\d{4})[.\-/]\s*(\d{1,2})[.\-/]\s*(\d{1,2})\.?(?:\s*(오전|오후)?\s*(\d{1,2}):(\d{2}))?"
)
# "3시간 전" (Nate, Naver) and "1小时前" (Sina): the same four units
RELATIVE = re.compile(r"(\d+)\s*(초|분|시간|일|秒|秒钟|分钟|小时|个小时|天)\s*(?:전|前)")
RELATIVE_UNIT = {
    "초": "seconds",
    "분": "minutes",
    "시간": "hours",
    "일": "days",
    "秒": "seconds",
    "秒钟": "seconds",
    "分钟": "minutes",
    "小时": "hours",
    "个小时": "hours",
    "天": "days",
}
JUST_NOW = ("방금", "刚刚")
# "2019-09-11T01:53:41+08:00", "2026-08-10 13:13": tried before KO_ABSOLUTE,
# which would read the date and drop the time and offset
ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# a clock time with no date: "오후 12:05", "오전 9:10", "23:40"
CLOCK = re.compile(r"^(오전|오후)?\s*(\d{1,2}):(\d{2})$")
CLOCK_SLACK = timedelta(minutes=10)  # a list may run a little ahead of our clock
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
# a month-day and clock with no year: "01-15 15:24" (Nate's lists)
MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$")


def today_kst(now: datetime) -> date:
    """The calendar day in Seoul at ``now``."""
    return now.astimezone(KST).date()


def parse_korean(text: str, *, now: datetime, tz: ZoneInfo = KST) -> datetime | None:
    """A time as Korean (or ISO) lists print it, aware and in KST; None if unreadable.

    Absolute ("2017.01.01. 오후 10:20"), ISO with or without offset, relative
    ("3시간 전", "1小时前", "방금", "刚刚") or a bare clock time ("오후 12:05", taken as today's, or
    yesterday's if that would lie in the future). ``tz`` is the zone of times
    printed without an offset.
    """
    try:
        value = _parse(text.strip(), now, tz)
    except (ValueError, OverflowError):  # out of range, or digits past int's limit
        return None
    return value if value is None or EARLIEST <= value < LATEST else None


def _parse(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    if text.startswith(JUST_NOW):
        return now.astimezone(KST).replace(microsecond=0)
    rel = RELATIVE.search(text)
    if rel:
        delta = timedelta(**{RELATIVE_UNIT[rel.group(2)]: int(rel.group(1))})
        return (now - delta).astimezone(KST).replace(microsecond=0)
    if ISO.match(text):
        return _iso(text, tz)
    if CLOCK.match(text):
        return parse_clock(text, day=now.astimezone(tz).date(), now=now, tz=tz)
    m = KO_ABSOLUTE.search(text)
    if not m:
        return _iso(text, tz)
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hour = _hour24(m.group(4), int(m.group(5) or 0))
    return datetime(year, month, day, hour, int(m.group(6) or 0), tzinfo=tz).astimezone(KST)


def parse_clock(text: str, *, day: date, now: datetime, tz: ZoneInfo = KST) -> datetime | None:
    """A bare clock time on a list for ``day``; on today's list a future time is yesterday's."""
    m = CLOCK.match(text.strip())
    if not m:
        return None
    if m.group(1) and int(m.group(2)) > 12:
        return None  # "오후 13:05" is no time
    hour, minute = _hour24(m.group(1), int(m.group(2))), int(m.group(3))
    if hour > 23 or minute > 59:
        return None
    try:
        value = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        if value > now + CLOCK_SLACK:
            value -= timedelta(days=1)
        return value.astimezone(KST)
    except OverflowError:  # a day at the very edge of the calendar
        return None


def parse_month_day(text: str, *, day: date, now: datetime) -> datetime | None:
    """``01-15 15:24`` on a list for ``day``: the year nearest that day (a list of
    2026-01-01 that still shows ``12-31 23:50`` means 2025), never in the future."""
    m = MONTH_DAY.match(text.strip())
    if not m:
        return None
    month, mday, hour, minute = (int(g) for g in m.groups())
    found = []
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            found.append(datetime(year, month, mday, hour, minute, tzinfo=KST))
        except ValueError:
            continue  # no such day that year (02-29), or no such time
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=KST)
    possible = [v for v in found if v <= now + CLOCK_SLACK]
    return min(possible, key=lambda v: abs(v - noon), default=None)


def _hour24(meridiem: str | None, hour: int) -> int:
    """12-hour Korean clock to 24-hour: 오전 12:05 is 00:05, 오후 12:05 is 12:05."""
    if meridiem == "오후" and hour < 12:
        return hour + 12
    if meridiem == "오전" and hour == 12:
        return 0
    return hour


def _iso(text: str, tz: ZoneInfo) -> datetime | None:
    value = datetime.fromisoformat(text)  # ValueError and OverflowError: parse_korean's
    return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(KST)
