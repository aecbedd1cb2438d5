"""``--log-format json``: every stderr line is one JSON event; text stays the default."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from pathlib import Path

from newsbot.dates import KST
from newsbot.models import JobResult, RunReport, SourceResult
from newsbot.report import runlog
from tests.conftest import PAGES, PageServer, krnews


def test_json_lines_on_stderr(page_server: PageServer, tmp_path: Path) -> None:
    page_server.add(
        "/breakingnews/section/105/230",
        (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes(),
        Content_Type="text/html; charset=UTF-8",
    )
    done = krnews(page_server, tmp_path / "_posts", "--date", "2025-02-04", "--log-format", "json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events][-3:] == ["job", "source", "run"]
    assert any(e["event"] == "note" and "robots.txt" in e["message"] for e in events)
    job, src, end = events[-3:]
    assert (job["status"], job["day"], job["level"]) == ("written", "2025-02-04", "info")
    assert (src["source"], src["status"], src["items_new"], src["job"]) == (
        "naver",
        "ok",
        13,
        "krnews-it",
    )
    assert end["exit_code"] == 0


def test_failures_are_warnings_and_errors_are_json_too(
    page_server: PageServer, tmp_path: Path
) -> None:
    failed = krnews(
        page_server, tmp_path / "_posts", "--date", "2025-02-04", "--log-format", "json"
    )
    events = [json.loads(line) for line in failed.stderr.splitlines()]
    src = next(e for e in events if e["event"] == "source")
    assert failed.returncode == 1 and src["level"] == "warning" and src["status"] == "http_4xx"
    future = krnews(
        page_server, tmp_path / "_posts", "--date", "2999-01-01", "--log-format", "json"
    )
    [error] = [json.loads(line) for line in future.stderr.splitlines()]
    assert future.returncode == 64 and error["event"] == "error" and error["exit_code"] == 64
    text = krnews(page_server, tmp_path / "_posts", "--date", "2999-01-01")
    assert text.stderr.startswith("newsbot: error:")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_summary_is_coloured_only_on_a_terminal() -> None:
    ok = SourceResult(source="naver", section="105", status="ok")
    bad = SourceResult(source="sina", section="2515", status="timeout", message="slow [x]")
    job = JobResult(
        job="krnews-it",
        day=date(2025, 2, 4),
        status="skipped",
        message="not written",
        sources=(ok, bad),
    )
    report = RunReport(datetime(2025, 2, 4, 12, 30, tzinfo=KST), jobs=(job,), notes=("hello",))
    plain, term = io.StringIO(), Terminal()
    runlog.write_text(report, plain)
    runlog.write_text(report, term)
    assert plain.getvalue() == (
        "note: hello\nkrnews-it 2025-02-04: skipped not written\n"
        "  naver 105: ok (0 items)\n  sina 2515: timeout (slow [x])\n"
    )
    coloured = term.getvalue()
    assert "\x1b[" in coloured and "slow [x]" in coloured  # markup-like text kept as is
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain.getvalue()
