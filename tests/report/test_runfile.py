"""``runfile``: the report of a stopped run, and the atomic write of any report."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.models import JobResult, RunReport
from newsbot.report import runfile

SECRET = "https://bot:s3cret@git.example.com/blog.git?token=abc123"


def test_a_stopped_run_has_its_exit_code_and_error_on_top_redacted() -> None:
    started = datetime(2026, 3, 2, 9, 0, tzinfo=KST)
    report = RunReport(started, jobs=(JobResult("j", date(2026, 3, 2), "written"),))
    saved = json.loads(runfile.stopped(report, exit_code=143, error=f"push to {SECRET}"))
    assert list(saved)[:3] == ["started_at", "exit_code", "error"]
    assert saved["started_at"] == started.isoformat() and saved["exit_code"] == 143
    assert saved["jobs"][0]["status"] == "written"
    bare = json.loads(runfile.stopped(None, exit_code=1, error=f"cannot reach {SECRET}"))
    assert bare["jobs"] == [] and bare["notes"] == [] and bare["exit_code"] == 1
    for error in (saved["error"], bare["error"]):
        assert "s3cret" not in error and "abc123" not in error and "git.example.com" in error


def test_a_failed_write_leaves_the_old_report_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    target.write_text('{"old": true}\n')
    with pytest.raises(UnicodeEncodeError):  # fails mid-write, after the temp file is made
        runfile.write(str(target), "{\n" + "x" * 100000 + "\ud800}")  # a lone surrogate
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
