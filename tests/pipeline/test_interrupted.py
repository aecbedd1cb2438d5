"""A run stopped part-way reports what had finished as it was, the rest ``interrupted``.

The Ctrl-C that lands while a list hangs is tested for real in
``tests/cli/test_interrupt_report.py``; here the stop lands between two posts being
written (a Ctrl-C there takes a keystroke at just that moment, so the writer raises
the KeyboardInterrupt itself), and a job with one source read and one not.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot import pipeline
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.pipeline.lists import Listing
from newsbot.pipeline.stopped import Finished
from newsbot.posts import files
from newsbot.sources.settings import resolve
from tests.conftest import PageServer
from tests.pipeline.days import Story, config, list_job, run, serve

DAY = date(2026, 3, 2)


def test_a_stop_between_two_posts_keeps_the_written_one(
    page_server: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(page_server, DAY, naver=[Story(1, "하나")], etnews=[Story(2, "둘")])
    out = tmp_path / "_posts"
    cfg = config(page_server, out)
    jobs = [list_job("naver", slug="first"), list_job("etnews", slug="second")]
    real = files.PostWriter.write

    def write(self: files.PostWriter, name: str, text: str) -> Path:
        if "second" in name:
            raise KeyboardInterrupt  # Ctrl-C once the first post is written
        return real(self, name, text)

    monkeypatch.setattr(files.PostWriter, "write", write)
    with pytest.raises(pipeline.RunInterrupted) as stopped:
        run(jobs, DAY, cfg)
    first, second = stopped.value.report.jobs
    assert first.status == "written" and first.items == 1 and first.message == ""
    assert Path(first.path).is_file() and first.sources[0].items_new == 1
    assert second.status == "interrupted" and second.path == ""
    assert second.message == "the run was interrupted before this job finished"
    (etnews,) = second.sources  # its list was read: that stays
    assert (etnews.source, etnews.status, etnews.items_found) == ("etnews", "ok", 1)
    assert sorted(p.name for p in out.glob("*.md")) == [Path(first.path).name]

    monkeypatch.undo()  # the next run: lock and store were let go, nothing is lost
    report, _ = run(jobs, DAY, cfg)
    assert [j.status for j in report.jobs] == ["unchanged", "written"]


def _listing(job: Job, index: int) -> Listing:
    ref = job.sources[index]
    listing = Listing(ref, resolve(Config())[ref.name], 0.0, status="http_5xx")
    listing.message, listing.items_found, listing.urls = "503 from the server", 3, ["u"]
    return listing


def test_a_job_with_one_source_read_keeps_it_and_marks_the_other() -> None:
    job = list_job("naver", "etnews", slug="both")
    finished = Finished()
    finished.listing(job, 1, _listing(job, 1))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=KST)
    report = finished.report([job], DAY, now)
    (result,) = report.jobs
    assert result.status == "interrupted" and report.started_at == now
    naver, etnews = result.sources
    assert (naver.source, naver.status, naver.message) == (
        "naver",
        "interrupted",
        "interrupted before it finished",
    )
    assert (etnews.source, etnews.status, etnews.items_found, etnews.urls) == (
        "etnews",
        "http_5xx",
        3,
        ("u",),
    )
    assert etnews.message == "503 from the server"
