"""``--log-format json``: the run summary as JSON lines on stderr, one event a line.

Events: ``note`` (message), ``source`` (job, day and the report's source fields),
``job`` (the report's job fields without sources), ``run`` (started_at, exit_code)
and ``error`` (message, exit_code) when the run stops on an error. Every line has
``event`` and ``level`` (info, warning or error).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from newsbot.models import RunReport


def events(report: RunReport) -> list[dict[str, Any]]:
    """The run as events, in the order the text summary prints them."""
    out: list[dict[str, Any]] = [{"event": "note", "level": "info", "message": n}
                                 for n in report.notes]
    for job in report.jobs:
        fields = {k: v for k, v in job.to_dict().items() if k != "sources"}
        level = "error" if job.status == "failed" else (
            "warning" if job.status == "skipped" else "info")
        out.append({"event": "job", "level": level, **fields})
        for src in job.sources:
            out.append({"event": "source", "level": "info" if src.ok else "warning",
                        "job": job.job, "day": job.day.isoformat(), **src.to_dict()})
    level = "info" if report.exit_code == 0 else "warning" if report.exit_code == 2 else "error"
    out.append({"event": "run", "level": level, "started_at": report.started_at.isoformat(),
                "exit_code": report.exit_code})
    return out


def write(report: RunReport, stream: TextIO) -> None:
    """Write the run's events to ``stream``, one JSON object a line."""
    for event in events(report):
        print(line(event), file=stream)


def error(message: str, exit_code: int) -> str:
    """The line for a run stopped by an error."""
    return line({"event": "error", "level": "error", "message": message, "exit_code": exit_code})


def line(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))
