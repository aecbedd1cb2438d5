"""Dates as news sites print them, turned into aware datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
CST = ZoneInfo("Asia/Shanghai")

# "2017.01.01. 오후 10:20", "2024.01.02 오전 9:10", "2026.09.18."
KO_ABSOLUTE = re.compile(
    r"(\d{4})[.\-/]\s*(\d{1,2})[.\-/]\s*(\d{1,2})\.?(?:\s*(오전|오후)?\s*(\d{1,2}):(\d{2}))?"
)
KO_RELATIVE = re.compile(r"(\d+)\s*(초|분|시간|일)\s*전")
RELATIVE_UNIT = {"초": "seconds", "분": "minutes", "시간": "hours", "일": "days"}


def today_kst(now: datetime) -> date:
    """The calendar day in Seoul at ``now``."""
    return now.astimezone(KST).date()


def parse_korean(text: str, *, now: datetime, tz: ZoneInfo = KST) -> datetime | None:
    """Absolute ("2017.01.01. 오후 10:20") or relative ("3시간 전") Korean time, or None."""
    text = text.strip()
    rel = KO_RELATIVE.search(text)
    if rel:
        delta = timedelta(**{RELATIVE_UNIT[rel.group(2)]: int(rel.group(1))})
        return (now - delta).astimezone(tz).replace(microsecond=0)
    m = KO_ABSOLUTE.search(text)
    if not m:
        return _iso(text, tz)
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hour, minute = int(m.group(5) or 0), int(m.group(6) or 0)
    if m.group(4) == "오후" and hour < 12:
        hour += 12
    elif m.group(4) == "오전" and hour == 12:  # 오전 12:05 is five past midnight
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        return None


def _iso(text: str, tz: ZoneInfo) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=tz)
