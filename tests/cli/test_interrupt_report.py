"""Ctrl-C still writes ``--report``: a real ``newsbot run`` in a subprocess, a real SIGINT.

README: "Whatever stops a run, stderr says why … and ``--report PATH`` is still
written." The run hangs on a feed whose server never answers; the signal comes
once that request is in, and the report says the run was interrupted (exit 130),
with every job and source the run had not finished marked ``interrupted``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import FAST_FETCH_TOML, ROOT
from tests.servers.loopback import reply, serving

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>G</title>'
    b"<item><title>A good item</title><link>https://good.example.com/g0</link>"
    b"<pubDate>Wed, 02 Dec 2026 03:00:00 +0000</pubDate></item></channel></rss>"
)


@dataclass
class Hanging:
    """A server whose ``/hang`` never answers (until the test ends); ``asked`` is set
    once the run's request for it is in."""

    origin: str
    asked: threading.Event
    release: threading.Event


@pytest.fixture
def hanging() -> Iterator[Hanging]:
    asked, release = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/hang":
                asked.set()
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
            yield Hanging(origin, asked, release)
        finally:
            release.set()


def _setup(tmp_path: Path, origin: str) -> Path:
    """A blog folder: newsbot.toml mapping both feed hosts to the server, one job of two
    feeds (one answers, one hangs)."""
    blog = tmp_path / "blog"
    (blog / "jobs").mkdir(parents=True)
    (blog / "newsbot.toml").write_text(
        FAST_FETCH_TOML + "deadline = 60.0\nretries = 0\n"
        f'host_map = {{ "good.example.com" = "{origin}", "slow.example.com" = "{origin}" }}\n'
    )
    (blog / "jobs" / "two.toml").write_text(
        'title = "{date} two"\nslug = "two"\n'
        '[[sources]]\nname = "feed"\nsection = "good"\n'
        'options = { url = "https://good.example.com/good.xml", tz = "UTC" }\n'
        '[[sources]]\nname = "feed"\nsection = "slow"\n'
        'options = { url = "https://slow.example.com/hang", tz = "UTC" }\n'
    )
    return blog


def _default_sigint() -> None:
    # a shell starting the suite in the background ignores SIGINT for its children
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupted_run(
    hanging: Hanging, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    blog = _setup(tmp_path, hanging.origin)
    report = tmp_path / "reports" / "run.json"
    report.parent.mkdir()
    cmd = [sys.executable, "-m", "newsbot", "run", "--date", "2026-12-02",
           "--config", str(blog / "newsbot.toml"), "--output", str(blog / "_posts"),
           "--report", str(report), *args]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_default_sigint,
    )  # fmt: skip
    try:
        assert hanging.asked.wait(30), "the run never asked for the hanging feed"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), report


def test_ctrl_c_writes_the_report_with_what_had_not_finished(
    hanging: Hanging, tmp_path: Path
) -> None:
    done, report = _interrupted_run(hanging, tmp_path)
    assert done.returncode == 130, done.stderr
    assert "newsbot: interrupted" in done.stderr and "Traceback" not in done.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == 130 and saved["error"] == "interrupted"
    (job,) = saved["jobs"]
    assert job["job"] == "two" and job["day"] == "2026-12-02" and job["status"] == "interrupted"
    good, slow = job["sources"]
    assert slow["section"] == "slow" and slow["status"] == "interrupted"
    # the feed that answered: ok once the pipeline reports finished sources, else interrupted
    assert good["section"] == "good" and good["status"] in ("ok", "interrupted")
    # written whole, through a temp file that is gone
    assert [p.name for p in report.parent.iterdir()] == ["run.json"]
    assert not (tmp_path / "blog" / "_posts").is_dir() or not any(
        (tmp_path / "blog" / "_posts").glob("*.md")
    )


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
