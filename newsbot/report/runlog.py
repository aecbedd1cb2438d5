"""The run summary on stderr: human lines by default, JSON lines with ``--log-format json``.

Human form: notes, one line per job, one per source; coloured (rich) on a terminal,
plain text in a log file. JSON form, one event a line:

``note`` (message), ``source`` (job, day and the report's source fields),
``job`` (the report's job fields without sources), ``run`` (started_at, exit_code)
and ``error`` (message, exit_code) when the run stops on an error. Every line has
``event`` and ``level`` (info, warning or error). Both forms pass every text
through the redactor: a note may quote a URL with a token or userinfo in it.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from newsbot.models import DigestStats, JobResult, RunReport
from newsbot.redact import redact, redact_all


def events(report: RunReport) -> list[dict[str, Any]]:
    """The run as events, in the order the text summary prints them."""
    out: list[dict[str, Any]] = [
        {"event": "note", "level": "info", "message": n} for n in report.notes
    ]
    for job in report.jobs:
        fields = {k: v for k, v in job.to_dict().items() if k != "sources"}
        level = (
            "error"
            if job.status == "failed"
            else ("warning" if job.status == "skipped" else "info")
        )
        out.append({"event": "job", "level": level, **fields})
        for src in job.sources:
            out.append(
                {
                    "event": "source",
                    "level": "info" if src.ok else "warning",
                    "job": job.job,
                    "day": job.day.isoformat(),
                    **src.to_dict(),
                }
            )
    level = "info" if report.exit_code == 0 else "warning" if report.exit_code == 2 else "error"
    out.append(
        {
            "event": "run",
            "level": level,
            "started_at": report.started_at.isoformat(),
            "exit_code": report.exit_code,
        }
    )
    return out


def write(report: RunReport, stream: TextIO) -> None:
    """Write the run's events to ``stream``, one JSON object a line."""
    for event in events(report):
        print(line(event), file=stream)


def error(message: str, exit_code: int) -> str:
    """The line for a run stopped by an error."""
    return line({"event": "error", "level": "error", "message": message, "exit_code": exit_code})


def line(event: dict[str, Any]) -> str:
    """One event as a JSON line, every string in it redacted."""
    return json.dumps(redact_all(event), ensure_ascii=False, separators=(",", ":"))


STYLE = {
    "ok": "green",
    "written": "green",
    "would_write": "green",
    "unchanged": "cyan",
    "nothing_new": "cyan",
    "skipped": "yellow",
    "failed": "bold red",
}


def text_lines(report: RunReport) -> list[tuple[str, str]]:
    """The human summary as (line, status) pairs; status picks the colour."""
    out = [(f"note: {note}", "note") for note in report.notes]
    for job in report.jobs:
        out.append((f"{job.job} {job.day}: {_job_text(job)}".rstrip(), job.status))
        for src in job.sources:
            detail = f"{len(src.articles)} items" if src.ok else src.message
            out.append(
                (
                    f"  {src.source} {src.section}: {src.status} ({detail})",
                    "ok" if src.ok else "failed",
                )
            )
        if job.digest is not None:
            out.append((f"  {digest_line(job.digest)}", "ok"))
    return out


def _job_text(job: JobResult) -> str:
    """``written PATH``, ``would write PATH``, ``nothing new: why``, ``failed PATH: why``."""
    if job.status == "nothing_new":
        return job.message
    words = job.status.replace("_", " ")
    if job.status == "failed":
        return f"{words} {job.path}: {job.message or 'no reason recorded'}".replace("  ", " ")
    return f"{words} {job.path or job.message}"


def digest_line(stats: DigestStats) -> str:
    """``digest: 4 candidates, 3 summarized (extractive 3), skipped http_4xx 1, …``."""
    used = ", ".join(f"{k} {v}" for k, v in stats.summaries.items()) or "none"
    parts = [f"digest: {stats.candidates} candidates, {stats.fetched} summarized ({used})"]
    if stats.failed:
        parts.append("skipped " + ", ".join(f"{k} {v}" for k, v in stats.failed.items()))
    if stats.llm_calls or stats.summarizer == "llm":
        parts.append(
            f"llm calls {stats.llm_calls}, tokens {stats.tokens}, "
            f"bullets dropped {stats.bullets_dropped}, invalid {stats.llm_invalid}"
        )
    return ", ".join(parts)


def write_text(report: RunReport, stream: TextIO) -> None:
    """Write the human summary; colours only when ``stream`` is a terminal."""
    lines = [(redact(text), status) for text, status in text_lines(report)]
    if not stream.isatty():
        for text, _ in lines:
            print(text, file=stream)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    for text, status in lines:
        console.print(Text(text, style=STYLE.get(status, "")), soft_wrap=True)
