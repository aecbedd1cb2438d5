"""``newsbot status``: each source's recent runs, items per day, and what looks wrong.

It reads rows from ``store.read_history`` (never writing) and returns a
``StatusReport``. Per (job, source, section) the run kept for a day is the last
real one for that day; a run that did not happen (``locked``, ``missed``,
``skipped``) or a source a stopped run never finished (``interrupted``) counts only
for a day with no real run. Every source that ever ran is listed, so one that
stopped long before the window still warns.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from newsbot.dates import KST
from newsbot.errors import StoreError, UsageError
from newsbot.store import read_history

BLOCKS = "▁▂▃▄▅▆▇█"
NO_RUN = "·"
FAILED = "✗"  # a day whose run failed, or did not happen
# history statuses of runs not made, or not finished (a Ctrl-C, a scheduler's SIGTERM)
NOT_RUN = frozenset({"locked", "missed", "skipped", "interrupted"})
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
    """The status of every source, over the ``days`` days up to today (Seoul).

    StoreError when there is no store at ``store_path``: nothing ever ran there.
    """
    if not store_path.is_file():
        raise StoreError(
            f"no state store at {store_path}: no run was recorded there "
            "(give the --output or --config of the runs to check)"
        )
    today = now.astimezone(KST).date()
    try:
        first = today - timedelta(days=days - 1)
        since = first - timedelta(days=LOOKBACK_DAYS)
    except OverflowError:
        raise UsageError(f"--days {days} reaches back before the year 1") from None
    rows = read_history(store_path, since)
    return build(rows, first=first, last=today, store=str(store_path), now=now)


def build(
    rows: Iterable[dict[str, Any]], *, first: date, last: date, store: str, now: datetime
) -> StatusReport:
    """A StatusReport from history rows (oldest run first)."""
    by_source: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_source.setdefault((row["job"], row["source"], row["section"]), []).append(row)
    sources = [_source(key, runs, first, last) for key, runs in sorted(by_source.items())]
    warnings = [w for s in sources for w in s.warnings]
    if not sources:
        warnings.append(f"no run recorded in {store}")
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
    per_day = _per_day(runs)
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
        sparkline=sparkline(
            (c.items_found for c in counts), (c.status not in (None, "ok") for c in counts)
        ),
    )
    status.warnings = _warnings(status, ordered, last)
    return status


def _per_day(runs: list[dict[str, Any]]) -> dict[date, dict[str, Any]]:
    """The run kept for each day: the last real one, else the last that did not happen."""
    kept: dict[date, dict[str, Any]] = {}
    for row in runs:  # oldest first
        day = date.fromisoformat(row["day"])
        if row["status"] in NOT_RUN and day in kept and kept[day]["status"] not in NOT_RUN:
            continue
        kept[day] = row
    return kept


def _warnings(
    s: SourceStatus, ordered: list[tuple[date, dict[str, Any]]], today: date
) -> list[str]:
    name = f"{s.job} {s.source}/{s.section}" if s.section else f"{s.job} {s.source}"
    found: list[str] = []
    if s.status in NOT_RUN:
        found.append(f"{name}: did not run for {s.last_day} ({s.status}: {s.message})")
    elif s.status != "ok":
        since = s.last_day
        for day, row in reversed(ordered):
            if row["status"] == "ok":
                break
            since = day
        found.append(f"{name}: failing since {since} ({s.status}: {s.message})")
    median = s.baseline_median
    if median is not None and s.latest_items < DROP_RATIO * median and s.status not in NOT_RUN:
        found.append(
            f"{name}: {s.latest_items} items on {s.last_day}, under half the median "
            f"{median:g} of the {s.baseline_days} days before: "
            "is the parser half-broken?"
        )
    if s.last_day < today - timedelta(days=1):
        found.append(f"{name}: no run since the one for {s.last_day}")
    return found


def sparkline(values: Iterable[int | None], failed: Iterable[bool] = ()) -> str:
    """``▁``…``█`` scaled to the largest value of the days that did not fail; ``·`` for a
    day without a run, ``✗`` for a day whose run failed or did not happen."""
    items = list(values)
    bad = [*failed, *([False] * len(items))][: len(items)]
    top = max((v for v, f in zip(items, bad, strict=True) if v is not None and not f), default=0)
    return "".join(_mark(v, f, top) for v, f in zip(items, bad, strict=True))


def _mark(value: int | None, failed: bool, top: int) -> str:
    if value is None:
        return NO_RUN
    if failed:
        return FAILED
    return BLOCKS[round(value / top * (len(BLOCKS) - 1))] if top else BLOCKS[0]


def render_text(report: StatusReport) -> str:
    """The table ``newsbot status`` prints, then one ``warning:`` line per problem."""
    span = (report.last_day - report.first_day).days + 1
    lines = [
        f"run history in {report.store}: {report.first_day} to {report.last_day} "
        f"({span} days, Asia/Seoul)"
    ]
    if not report.sources:
        lines += ["no runs recorded"]
        return "\n".join([*lines, *(f"warning: {w}" for w in report.warnings)]) + "\n"
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
