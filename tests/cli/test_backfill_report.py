"""``newsbot backfill --report PATH``: one report for the whole range, whatever stopped it.

The run report's schema, each job saying its day; the backfill's own exit code
(the worst day's, publishing included); a note per job skipped because its post
exists; and, stopped by a signal or an error, the days that ran with ``error`` on top.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import FAST_FETCH_TOML, ROOT, PageServer
from tests.servers.loopback import reply, serving
from tests.servers.pagegen import archive_page

ARCHIVE = "/breakingnews/section/105/230"
DAYS = [date(2025, 2, 1) + timedelta(days=n) for n in range(3)]


def command(origin: str, out: Path, report: Path | str, *args: str) -> list[str]:
    """``newsbot backfill`` of DAYS into ``out`` (no politeness delay: one local server)."""
    fast = out.parent / "fast.toml"
    fast.write_text(FAST_FETCH_TOML)
    return [sys.executable, "-m", "newsbot", "backfill", "--from", DAYS[0].isoformat(),
            "--to", DAYS[-1].isoformat(), "--job", "krnews-it", "--output", str(out),
            "--config", str(fast), "--host-map", f"news.naver.com={origin}",
            "--report", str(report), *args]  # fmt: skip


def backfill(
    origin: str, out: Path, report: Path | str, *args: str
) -> subprocess.CompletedProcess[str]:
    cmd = command(origin, out, report, *args)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def serve(server: PageServer, *, broken: date | None = None) -> None:
    for n, day in enumerate(DAYS):
        page = archive_page([n * 10 + i for i in range(1, 6)])
        server.add(f"{ARCHIVE}?date={day:%Y%m%d}", page, status=404 if day == broken else 200)


def test_one_report_for_the_range_each_job_with_its_day(
    page_server: PageServer, tmp_path: Path
) -> None:
    serve(page_server)
    out, report = tmp_path / "_posts", tmp_path / "backfill.json"
    first = backfill(page_server.origin, out, report, "--to", DAYS[0].isoformat())
    assert first.returncode == 0, first.stderr  # the first day's post exists from here on
    done = backfill(page_server.origin, out, report)
    assert done.returncode == 0, done.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert list(saved) == ["started_at", "exit_code", "notes", "jobs"] and saved["exit_code"] == 0
    assert [(j["job"], j["day"], j["status"]) for j in saved["jobs"]] == [
        ("krnews-it", DAYS[1].isoformat(), "written"),
        ("krnews-it", DAYS[2].isoformat(), "written"),
    ]
    assert saved["jobs"][0]["sources"][0]["items_new"] == 5
    assert f"{DAYS[0]} krnews-it: post exists, skipped" in saved["notes"]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".newsbot-report-")] == []


def test_the_report_has_the_backfills_exit_code_not_one_recomputed(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Day 2's only source fails (exit 1 for that day); days 1 and 3 are fine. Counted over
    the whole range a failed source beside healthy ones would say 2; the backfill says 1."""
    serve(page_server, broken=DAYS[1])
    report = tmp_path / "backfill.json"
    done = backfill(page_server.origin, tmp_path / "_posts", report)
    assert done.returncode == 1, done.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == 1 and "error" not in saved
    assert [j["status"] for j in saved["jobs"]] == ["written", "skipped", "written"]
    assert saved["jobs"][1]["sources"][0]["status"] == "http_4xx"


def test_a_report_path_that_cannot_be_written_is_refused_before_fetching(
    page_server: PageServer, tmp_path: Path
) -> None:
    serve(page_server)
    target = tmp_path / "nope" / "backfill.json"
    done = backfill(page_server.origin, tmp_path / "_posts", target)
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert f"--report {target} cannot be written: the folder" in done.stderr
    assert page_server.log == [] and not (tmp_path / "_posts").exists()


def test_the_report_on_stdout(page_server: PageServer, tmp_path: Path) -> None:
    serve(page_server)
    done = backfill(page_server.origin, tmp_path / "_posts", "-")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["jobs"]) == 3


def test_an_error_mid_way_keeps_the_days_that_ran(page_server: PageServer, tmp_path: Path) -> None:
    """Day 2's post on disk has broken front matter: the backfill stops there (exit 1), and
    its report has day 1's job and the error."""
    serve(page_server)
    out, report = tmp_path / "_posts", tmp_path / "backfill.json"
    out.mkdir()
    broken = out / f"{DAYS[1]}-krnews-it-{DAYS[1]:%Y%m%d}.md"
    broken.write_text("---\ntitle: [unclosed\n---\n")
    done = backfill(page_server.origin, out, report, "--force")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == 1 and "broken front matter" in saved["error"]
    assert [(j["day"], j["status"]) for j in saved["jobs"]] == [(DAYS[0].isoformat(), "written")]


@pytest.fixture
def hangs_on_day_2() -> Iterator[tuple[str, threading.Event]]:
    """Day 1's list answers; day 2's never does (until the test ends)."""
    asked, release = threading.Event(), threading.Event()
    day1 = f"{ARCHIVE}?date={DAYS[0]:%Y%m%d}"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == day1:
                reply(self, 200, archive_page(list(range(1, 6))), "text/html; charset=UTF-8")
            elif self.path.startswith(ARCHIVE):
                asked.set()
                release.wait(60)
            else:
                reply(self, 404, b"not found", "text/plain")

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as origin:
        try:
            yield origin, asked
        finally:
            release.set()


@pytest.mark.parametrize(
    ("signum", "code", "why"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "interrupted by SIGTERM")],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_mid_day_keeps_the_days_that_ran_and_marks_the_one_it_stopped(
    hangs_on_day_2: tuple[str, threading.Event],
    tmp_path: Path,
    signum: int,
    code: int,
    why: str,
) -> None:
    origin, asked = hangs_on_day_2
    out, report = tmp_path / "_posts", tmp_path / "backfill.json"
    proc = subprocess.Popen(
        command(origin, out, report), cwd=ROOT, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        assert asked.wait(30), "the backfill never asked for day 2's list"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert f"newsbot: backfill {why} on {DAYS[1]};" in err and "Traceback" not in err
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == code and saved["error"] == why
    first, second = saved["jobs"]
    assert (first["day"], first["status"]) == (DAYS[0].isoformat(), "written")
    assert (second["day"], second["status"]) == (DAYS[1].isoformat(), "interrupted")
    assert second["sources"][0]["status"] == "interrupted"
