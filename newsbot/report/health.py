"""``newsbot status``: each source's recent runs, items per day, and what looks wrong.

Pure: it reads rows from ``store.read_history`` and returns a ``StatusReport``.
Per (job, source, section) the run kept for a day is the last one for that day.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from newsbot.dates import KST
from newsbot.store import read_history

BLOCKS = "▁▂▃▄▅▆▇█"
NO_RUN = "·"
DROP_RATIO = 0.5  # latest count under half the baseline median is a warning
BASELINE_RUNS = 7  # the baseline: this many earlier days' successful counts
MIN_BASELINE = 3  # fewer earlier successes than this: too little to judge a drop
LOOKBACK_DAYS = 30  # history read before the window, for the baseline and last success


class DayCount(BaseModel):
    """One day of a source: items found by its last run that day (None: no run)."""

    day: date
    items_found: int | None = None
    status: str | None = None


class SourceStatus(BaseModel):
    """One source of one job over the window."""

    job: str
    source: str
    section: str
    last_run: AwareDatetime = Field(description="start of the latest run of this source")
    last_day: date = Field(description="the latest day this source ran for")
    last_success: AwareDatetime | None = Field(description="start of its latest ok run")
    status: str = Field(description="status of the run for last_day")
    message: str = ""
    latest_items: int = Field(description="items found on last_day")
    baseline_median: float | None = Field(
        description=f"median items of up to {BASELINE_RUNS} earlier ok days (None: too few)"
    )
    baseline_days: int = Field(description="how many earlier ok days the median is of")
    days: list[DayCount]
    sparkline: str
    warnings: list[str] = Field(default_factory=list)


class StatusReport(BaseModel):
    """What ``newsbot status --json`` prints."""

    generated_at: AwareDatetime
    store: str
    first_day: date
    last_day: date
    sources: list[SourceStatus]
    warnings: list[str] = Field(default_factory=list, description="every source's warnings")


def load(store_path: Path, days: int, now: datetime) -> StatusReport:
    """The status of every source that ran in the ``days`` days up to today (Seoul)."""
    today = now.astimezone(KST).date()
    first = today - timedelta(days=days - 1)
    rows = read_history(store_path, first - timedelta(days=LOOKBACK_DAYS))
    return build(rows, first=first, last=today, store=str(store_path), now=now)


def build(
    rows: Iterable[dict[str, Any]], *, first: date, last: date, store: str, now: datetime
) -> StatusReport:
    """A StatusReport from history rows (oldest run first)."""
    by_source: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_source.setdefault((row["job"], row["source"], row["section"]), []).append(row)
    sources = [
        _source(key, runs, first, last)
        for key, runs in sorted(by_source.items())
        if any(date.fromisoformat(r["day"]) >= first for r in runs)
    ]
    warnings = [w for s in sources for w in s.warnings]
    return StatusReport(
        generated_at=now,
        store=store,
        first_day=first,
        last_day=last,
        sources=sources,
        warnings=warnings,
    )


def _source(
    key: tuple[str, str, str], runs: list[dict[str, Any]], first: date, last: date
) -> SourceStatus:
    job, source, section = key
    per_day = {date.fromisoformat(r["day"]): r for r in runs}  # later runs win
    ordered = sorted(per_day.items())
    latest_day, latest = ordered[-1]
    earlier_ok = [r["items_found"] for d, r in ordered[:-1] if r["status"] == "ok"]
    baseline = earlier_ok[-BASELINE_RUNS:]
    median = statistics.median(baseline) if len(baseline) >= MIN_BASELINE else None
    window = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    counts = [
        DayCount(day=d, items_found=per_day[d]["items_found"], status=per_day[d]["status"])
        if d in per_day
        else DayCount(day=d)
        for d in window
    ]
    successes = [r["started_at"] for r in runs if r["status"] == "ok"]
    status = SourceStatus(
        job=job,
        source=source,
        section=section,
        last_run=max(r["started_at"] for r in runs),
        last_day=latest_day,
        last_success=max(successes) if successes else None,
        status=latest["status"],
        message=latest["message"],
        latest_items=latest["items_found"],
        baseline_median=median,
        baseline_days=len(baseline),
        days=counts,
        sparkline=sparkline(c.items_found for c in counts),
    )
    status.warnings = _warnings(status, ordered, last)
    return status


def _warnings(
    s: SourceStatus, ordered: list[tuple[date, dict[str, Any]]], today: date
) -> list[str]:
    name = f"{s.job} {s.source}/{s.section}" if s.section else f"{s.job} {s.source}"
    found: list[str] = []
    if s.status != "ok":
        since = s.last_day
        for day, row in reversed(ordered):
            if row["status"] == "ok":
                break
            since = day
        found.append(f"{name}: failing since {since} ({s.status}: {s.message})")
    if s.baseline_median is not None and s.latest_items < DROP_RATIO * s.baseline_median:
        found.append(
            f"{name}: {s.latest_items} items on {s.last_day}, under half the median "
            f"{s.baseline_median:g} of the {s.baseline_days} days before: "
            "is the parser half-broken?"
        )
    if s.last_day < today - timedelta(days=1):
        found.append(f"{name}: no run since the one for {s.last_day}")
    return found


def sparkline(values: Iterable[int | None]) -> str:
    """``▁``…``█`` scaled to the largest value; ``·`` for a day without a run."""
    items = list(values)
    top = max((v for v in items if v is not None), default=0)
    return "".join(
        NO_RUN if v is None else BLOCKS[round(v / top * (len(BLOCKS) - 1)) if top else 0]
        for v in items
    )


def render_text(report: StatusReport) -> str:
    """The table ``newsbot status`` prints, then one ``warning:`` line per problem."""
    span = (report.last_day - report.first_day).days + 1
    lines = [
        f"run history in {report.store}: {report.first_day} to {report.last_day} "
        f"({span} days, Asia/Seoul)"
    ]
    if not report.sources:
        return "\n".join([*lines, "no runs recorded in these days"]) + "\n"
    header = (
        "job",
        "source",
        "last run",
        "last success",
        "status",
        "items/day",
        "latest",
        "median",
    )
    rows = [header] + [_row(s) for s in report.sources]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    lines.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(lines) + "\n"


def _row(s: SourceStatus) -> tuple[str, ...]:
    median = "-" if s.baseline_median is None else f"{s.baseline_median:g}"
    return (
        s.job,
        f"{s.source}/{s.section}" if s.section else s.source,
        _when(s.last_run),
        _when(s.last_success),
        s.status,
        s.sparkline,
        str(s.latest_items),
        median,
    )


def _when(moment: datetime | None) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M") if moment else "never"
