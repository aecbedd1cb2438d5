"""The ``--report PATH`` file: written whole or not at all, however the run stopped.

A run's own report comes from ``RunReport.to_json``; a run stopped by an error or
a signal adds ``error`` (redacted: it may quote a URL) and its exit code to what it
knew by then (nothing but the time when it stopped before any job ran). A backfill's
report is its days' gathered into one (``Days``), with the backfill's exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from newsbot.dates import KST
from newsbot.models import JobResult, RunReport
from newsbot.redact import redact


def stopped(report: RunReport | None, *, exit_code: int, error: str) -> str:
    """The JSON of a run that stopped with ``exit_code`` for ``error``: ``report``'s
    jobs and notes (none when it had none yet), ``exit_code`` and ``error`` on top."""
    if report is None:
        data = {"started_at": datetime.now(KST).isoformat(), "notes": [], "jobs": []}
    else:
        data = json.loads(report.to_json())
    head = {"started_at": data.pop("started_at"), "exit_code": exit_code, "error": redact(error)}
    data.pop("exit_code", None)
    return json.dumps(head | data, ensure_ascii=False, indent=2)


def ended(report: RunReport, exit_code: int) -> str:
    """The JSON of a command that ran to its end with ``exit_code``, ``report`` its work."""
    data = json.loads(report.to_json())
    return json.dumps(data | {"exit_code": exit_code}, ensure_ascii=False, indent=2)


def of_day(report: RunReport, exit_code: int, publish_error: str = "") -> str:
    """A ``run``'s report: its exit code the command's, publishing included (a failed
    publish is exit 1 with ``error`` saying why, the posts' results kept)."""
    if publish_error:
        return stopped(report, exit_code=exit_code, error=f"publish failed: {publish_error}")
    return ended(report, exit_code)


class Days:
    """A backfill's days, gathered into one report as they end: each job of each day
    that ran (a job says its day), and a note for each job skipped, its post on disk."""

    def __init__(self, started_at: datetime) -> None:
        self.started_at = started_at
        self.jobs: list[JobResult] = []
        self.notes: list[str] = []

    def add(
        self, day: date, report: RunReport | None, skipped: Sequence[str], publish_error: str = ""
    ) -> None:
        """``day`` ended: its run's ``report`` (None: nothing ran), the jobs it skipped,
        why publishing it failed."""
        self.notes.extend(f"{day} {name}: post exists, skipped" for name in skipped)
        if report is not None:
            self.jobs.extend(report.jobs)
            self.notes.extend(report.notes)
        if publish_error:
            self.notes.append(f"{day} publish: failed, {publish_error}")

    def report(self, partial: RunReport | None = None) -> RunReport:
        """Every day so far, and ``partial``: the day a signal stopped part-way."""
        jobs, notes = [*self.jobs], [*self.notes]
        if partial is not None:
            jobs.extend(partial.jobs)
            notes.extend(partial.notes)
        return RunReport(self.started_at, tuple(jobs), tuple(dict.fromkeys(notes)))


def write(target: str, text: str) -> None:
    """``text`` to ``target`` (``-``: stdout) through a temp file renamed over it, so a
    reader never sees half a report; OSError when the path cannot be written."""
    if target == "-":
        print(text)
        return
    path = Path(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".newsbot-report-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:  # a second Ctrl-C too: leave no temp file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
