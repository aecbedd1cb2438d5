"""The text summary says what each job status means; a failed job always says why."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from newsbot.dates import KST
from newsbot.models import JobResult, RunReport
from newsbot.report import runlog

DAY = date(2025, 2, 4)
PATH = "out/_posts/2025-02-04-krnews-it-20250204.md"


@pytest.mark.parametrize(
    ("status", "path", "message", "line", "code"),
    [
        ("written", PATH, "", f"written {PATH}", 0),
        ("would_write", PATH, "", f"would write {PATH}", 0),
        ("unchanged", PATH, "", f"unchanged {PATH}", 0),
        ("nothing_new", "", "nothing new: every article was already posted",
         "nothing new: every article was already posted", 0),
        ("failed", PATH, "disk full", f"failed {PATH}: disk full", 1),
        ("failed", PATH, "", f"failed {PATH}: no reason recorded", 1),
        ("skipped", "", "not written: nate (http_4xx) failed", "skipped not written: nate", 2),
    ],
)  # fmt: skip
def test_each_job_status_reads_as_what_it_means(
    status: str, path: str, message: str, line: str, code: int
) -> None:
    job = JobResult("krnews-it", DAY, status, path=path, message=message)
    report = RunReport(datetime(2025, 2, 4, 12, 30, tzinfo=KST), jobs=(job,))
    ((text, _),) = runlog.text_lines(report)
    assert text.startswith(f"krnews-it 2025-02-04: {line}")
    assert report.exit_code == code
