"""What the daemon does with one batch of due jobs: ``app.run_day``, then one log entry.

A run that went well logs one line; one that did not logs a warning with its
summary, once. When another process holds the lock the batch is handed back to
be tried again, until its firing is older than ``[schedule] catch_up``; then it
is given up and recorded as missed in the run history, like a firing the daemon
slept through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

from newsbot import app
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import Busy, NewsbotError
from newsbot.fetch.hosts import HostMemory
from newsbot.pipeline import memory
from newsbot.report import runlog
from newsbot.schedule.queue import Due

log = logging.getLogger("newsbot.schedule")


class DaemonRunner:
    """Runs batches as ``newsbot run --job … [--publish]`` would, in this process."""

    def __init__(self, cfg: Config, *, publish: bool) -> None:
        self.cfg = cfg
        self.publishing = publish or cfg.publish.enabled
        self.hosts = HostMemory()  # politeness carries over from one run to the next

    def __call__(self, batch: list[Due]) -> list[Due]:
        """Run ``batch`` (one day's jobs); returns the dues to try again later."""
        for due in batch:
            if due.why:
                log.info("job %s: %s", due.job.name, due.why)
        names = ", ".join(d.job.name for d in batch)
        day = batch[0].day
        started = time.monotonic()
        try:
            result = app.run_day(
                [d.job for d in batch],
                day,
                net=app.network(self.cfg),
                publishing=self.publishing,
                hosts=self.hosts,
            )
        except Busy as exc:
            return self._busy(batch, exc)
        except NewsbotError as exc:
            log.error("run of %s for %s did not start: %s", names, day, exc)
            return []
        _log_result(result, names, time.monotonic() - started)
        return []

    def _busy(self, batch: list[Due], exc: Busy) -> list[Due]:
        now = datetime.now(KST)
        grace = self.cfg.schedule.catch_up
        again = [d for d in batch if (now - d.fire).total_seconds() < grace]
        for due in batch:
            if due not in again:
                missed(self.cfg, due, f"{exc}; gave up {grace:g} s after its time")
        if again:
            log.warning(
                "%s: %s; trying again in %g s",
                ", ".join(d.job.name for d in again),
                exc,
                self.cfg.schedule.busy_retry,
            )
        return again


def missed(cfg: Config, due: Due, why: str) -> None:
    """A firing that will not run: said in the log and put in the run history, where
    ``newsbot status`` shows it as ``missed``."""
    log.warning("job %s missed its %s run for %s: %s", due.job.name, _at(due.fire), due.day, why)
    note = memory.record_not_run(cfg, [due.job], due.day, status="missed", message=why)
    if note:
        log.warning("job %s: %s", due.job.name, note)


def _log_result(result: app.DayResult, names: str, elapsed: float) -> None:
    report = result.report
    day = report.jobs[0].day if report.jobs else "?"
    jobs = ", ".join(f"{j.job} {j.status} ({j.items} items)" for j in report.jobs)
    head = f"ran {names} for {day} in {elapsed:.1f} s: {jobs}{_publish_part(result)}"
    if result.exit_code == 0:
        log.info("%s", head)
        return
    lines = [text for text, _ in runlog.text_lines(report)]
    lines += [f"publish: note: {n}" for n in result.publish_notes]
    log.warning("%s; exit %d\n%s", head, result.exit_code, "\n".join(f"  {t}" for t in lines))


def _publish_part(result: app.DayResult) -> str:
    if result.publish_error:
        return f"; publish failed: {result.publish_error}"
    if result.publish_skipped:
        return f"; publish skipped: {result.publish_skipped}"
    done = result.published
    if done is None:
        return ""
    return f"; publish {done.status} {done.commit[:12]}".rstrip()


def _at(when: datetime) -> str:
    return when.astimezone(KST).strftime("%Y-%m-%d %H:%M %Z")


def describe(batch: Sequence[Due]) -> str:
    """``krnews-it (2026-12-01), ai-news (2026-12-01)``."""
    return ", ".join(f"{d.job.name} ({d.day})" for d in batch)
