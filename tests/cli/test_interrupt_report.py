"""Ctrl-C still writes ``--report``: a real ``newsbot run`` in a subprocess, a real SIGINT.

README: "Whatever stops a run, stderr says why … and ``--report PATH`` is still
written." Two jobs: ``one`` reads a feed that answers at once, then hangs on its
article's page (a thumbnail), so that request shows its list was read; ``two``
hangs on its feed. The signal comes once both requests are in, and the report says
the run was interrupted (exit 130): the feed that had answered keeps its own result,
and the jobs and the source the run had not finished are marked ``interrupted``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsbot.store import default_path, read_history
from tests.conftest import FAST_FETCH_TOML, ROOT
from tests.servers.loopback import reply, serving

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>G</title>'
    b"<item><title>A good item</title><link>https://good.example.com/g0</link>"
    b"<pubDate>Wed, 02 Dec 2026 03:00:00 +0000</pubDate></item></channel></rss>"
)


@dataclass
class Hanging:
    """A server whose ``/hang`` and ``/g0`` (the good feed's article) never answer (until
    the test ends); ``asked`` and ``thumbnail`` are set once the run's request is in."""

    origin: str
    asked: threading.Event
    thumbnail: threading.Event
    release: threading.Event


@pytest.fixture
def hanging() -> Iterator[Hanging]:
    asked, thumbnail, release = threading.Event(), threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in ("/hang", "/g0"):
                (asked if self.path == "/hang" else thumbnail).set()
                release.wait(60)
                return
            if self.path == "/good.xml":
                reply(self, 200, FEED, "application/rss+xml")
                return
            reply(self, 404, b"not found", "text/plain")

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as origin:
        try:
            yield Hanging(origin, asked, thumbnail, release)
        finally:
            release.set()


def _setup(tmp_path: Path, origin: str) -> Path:
    """A blog folder: newsbot.toml mapping both feed hosts to the server; job ``one`` of
    the feed that answers (with thumbnails, whose page hangs), job ``two`` of the feed
    that hangs."""
    blog = tmp_path / "blog"
    (blog / "jobs").mkdir(parents=True)
    (blog / "newsbot.toml").write_text(
        FAST_FETCH_TOML + "deadline = 60.0\nretries = 0\n"
        f'host_map = {{ "good.example.com" = "{origin}", "slow.example.com" = "{origin}" }}\n'
    )
    (blog / "jobs" / "one.toml").write_text(
        'title = "{date} one"\nslug = "one"\nthumbnails = true\n'
        '[[sources]]\nname = "feed"\nsection = "good"\n'
        'options = { url = "https://good.example.com/good.xml", tz = "UTC" }\n'
    )
    (blog / "jobs" / "two.toml").write_text(
        'title = "{date} two"\nslug = "two"\n'
        '[[sources]]\nname = "feed"\nsection = "slow"\n'
        'options = { url = "https://slow.example.com/hang", tz = "UTC" }\n'
    )
    return blog


def _default_sigint() -> None:
    # a shell starting the suite in the background ignores SIGINT for its children
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ignore_sigint() -> None:
    # as a script's ``newsbot run … &`` starts it: SIGTERM must not lean on SIGINT
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupted_run(
    hanging: Hanging, tmp_path: Path, *args: str, signum: int = signal.SIGINT
) -> tuple[subprocess.CompletedProcess[str], Path]:
    blog = _setup(tmp_path, hanging.origin)
    report = tmp_path / "reports" / "run.json"
    report.parent.mkdir()
    cmd = [sys.executable, "-m", "newsbot", "run", "--date", "2026-12-02",
           "--config", str(blog / "newsbot.toml"), "--output", str(blog / "_posts"),
           "--report", str(report), *args]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_default_sigint if signum == signal.SIGINT else _ignore_sigint,
    )  # fmt: skip
    try:
        assert hanging.asked.wait(30), "the run never asked for the hanging feed"
        assert hanging.thumbnail.wait(30), "the run never asked for the good item's page"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), report


def test_ctrl_c_writes_the_report_with_what_had_not_finished(
    hanging: Hanging, tmp_path: Path
) -> None:
    done, report = _interrupted_run(hanging, tmp_path)
    assert done.returncode == 130, done.stderr
    assert "newsbot: interrupted\n" in done.stderr and "Traceback" not in done.stderr
    _check_report(report, 130, "interrupted")


def test_a_stopped_run_is_in_the_history_and_status_says_what_did_not_finish(
    hanging: Hanging, tmp_path: Path
) -> None:
    """The morning after a run a scheduler killed, ``newsbot status`` says so: the feed that
    had answered ran, the one the run never finished did not run for that day."""
    done, _ = _interrupted_run(hanging, tmp_path, signum=signal.SIGTERM)
    assert done.returncode == 143, done.stderr
    blog = tmp_path / "blog"
    rows = read_history(default_path(blog / "_posts"), date(2026, 12, 1))
    got = {(r["job"], r["section"]): (r["job_status"], r["status"]) for r in rows}
    assert got == {
        ("one", "good"): ("interrupted", "ok"),
        ("two", "slow"): ("interrupted", "interrupted"),
    }
    status = subprocess.run(
        [sys.executable, "-m", "newsbot", "status", "--days", "3660",
         "--config", str(blog / "newsbot.toml"), "--output", str(blog / "_posts")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert status.returncode == 2, status.stderr
    said = status.stdout + status.stderr
    assert "two feed/slow: did not run for 2026-12-02 (interrupted: interrupted before it" in said
    assert "one feed/good: did not run" not in said and "one feed/good: failing" not in said


def test_sigterm_is_a_ctrl_c_with_exit_143_and_the_next_run_goes_ahead(
    hanging: Hanging, tmp_path: Path
) -> None:
    """What cron, systemd and CI send on a timeout or a cancel: the report is written, the
    lock and the store are let go (the next run on the same folder runs and writes)."""
    done, report = _interrupted_run(hanging, tmp_path, signum=signal.SIGTERM)
    assert done.returncode == 143, done.stderr
    assert "newsbot: interrupted by SIGTERM\n" in done.stderr
    assert "Traceback" not in done.stderr
    _check_report(report, 143, "interrupted by SIGTERM")
    hanging.release.set()  # now /hang and /g0 end without an answer: slow fails, one posts
    blog = tmp_path / "blog"
    again = subprocess.run(
        [sys.executable, "-m", "newsbot", "run", "--date", "2026-12-02",
         "--config", str(blog / "newsbot.toml"), "--output", str(blog / "_posts"),
         "--report", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert again.returncode == 2, again.stderr
    one, two = json.loads(report.read_text(encoding="utf-8"))["jobs"]
    assert one["status"] == "written" and two["status"] == "skipped", again.stderr


def _check_report(report: Path, code: int, error: str) -> None:
    """``report`` says the run stopped (``code``, ``error``); the feed that answered keeps
    its result, the rest is ``interrupted``; no post was written."""
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == code and saved["error"] == error
    one, two = saved["jobs"]
    for job in (one, two):
        assert job["day"] == "2026-12-02" and job["status"] == "interrupted", job
        assert job["message"] == "the run was interrupted before this job finished"
    (good,) = one["sources"]
    (slow,) = two["sources"]
    assert slow["section"] == "slow" and slow["status"] == "interrupted"
    assert slow["message"] == "interrupted before it finished" and slow["items_found"] == 0
    # the feed that answered before the signal keeps what it did (robots.txt: 404)
    assert good["section"] == "good" and good["status"] == "ok" and good["message"] == ""
    assert good["items_found"] == 1 and good["http_codes"] == [404, 200] and good["bytes"] > 0
    assert good["urls"] == ["https://good.example.com/good.xml"] and good["items_new"] == 0
    # written whole, through a temp file that is gone
    assert [p.name for p in report.parent.iterdir()] == ["run.json"]
    posts = report.parent.parent / "blog" / "_posts"
    assert not posts.is_dir() or not any(posts.glob("*.md"))


def test_ctrl_c_with_json_logs_is_an_error_event_and_the_report_is_written(
    hanging: Hanging, tmp_path: Path
) -> None:
    done, report = _interrupted_run(hanging, tmp_path, "--log-format", "json")
    assert done.returncode == 130, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert {"event": "error", "level": "error", "message": "interrupted", "exit_code": 130} in (
        events
    )
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == 130
