"""The CLI wiring: run/backfill --publish, --dry-run, and the schedule daemon as a process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from newsbot import cli, pipeline
from newsbot.models import JobResult, Post, RunReport, SourceResult
from tests.conftest import ROOT, PageServer
from tests.servers.gitremote import git, make_origin
from tests.servers.naversection import Naver
from tests.servers.pagegen import archive_page

NAME = "2025-02-04-krnews-it-20250204.md"


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    repo = tmp_path / "blog"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    return repo


def fake_run(status: str = "written", source_status: str = "ok") -> Any:
    def run(jobs: Any, day: date, **kw: Any) -> tuple[RunReport, list[Post]]:
        src = SourceResult(source="naver", section="105", status=source_status)
        result = JobResult(
            job="krnews-it", day=date(2025, 2, 4), status=status, items=3, sources=(src,)
        )
        report = RunReport(started_at=kw["now"], jobs=(result,))
        post = Post("krnews-it", date(2025, 2, 4), NAME, NAME, "post\n", ("a", "b", "c"), status, 3)
        return report, [post]

    return run


def test_run_publish_commits_locally(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run())
    (blog.parent / "newsbot.toml").write_text("[publish]\npush = false\n")
    args = ["run", "--jobs-dir", str(ROOT / "jobs"), "--date", "2025-02-04", "--publish"]
    assert cli.main([*args, "--publish-repo", str(blog)]) == 0
    err = capsys.readouterr().err
    assert "publish: committed" in err and "  newsbot: 2025-02-04, 1 post (+3 articles)\n" in err
    assert "  2025-02-04 krnews-it (+3)" in err
    assert git(blog, "log", "--format=%s") == "newsbot: 2025-02-04, 1 post (+3 articles)"


def test_dry_run_shows_the_commit_and_makes_none(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run())
    args = ["run", "--jobs-dir", str(ROOT / "jobs"), "--dry-run", "--publish"]
    assert cli.main([*args, "--publish-repo", str(blog)]) == 0
    assert "publish: would commit (_posts/" in capsys.readouterr().err
    assert not (blog / "_posts").exists()


def test_failed_run_is_not_published(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run(status="failed"))
    args = ["run", "--jobs-dir", str(ROOT / "jobs"), "--publish", "--publish-repo", str(blog)]
    assert cli.main(args) == 1
    assert "publish: skipped" in capsys.readouterr().err


def test_publish_error_exits_1_before_the_run(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[object] = []
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: ran.append(a))
    git(blog, "checkout", "-q", "-b", "drafts")
    args = ["run", "--jobs-dir", str(ROOT / "jobs"), "--publish", "--publish-repo", str(blog)]
    assert cli.main(args) == 1
    assert "not main" in capsys.readouterr().err and ran == []


def test_run_publish_to_a_url_clones_before_the_run(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = make_origin(blog.parent)
    seen: list[bool] = []
    run = fake_run()

    def checked_run(jobs: Any, day: date, **kw: Any) -> Any:
        # the checkout exists when the run starts, so memory can read its posts
        seen.append((blog.parent / "work" / "README.md").is_file())
        return run(jobs, day, **kw)

    monkeypatch.setattr(pipeline, "run", checked_run)
    (blog.parent / "newsbot.toml").write_text(
        f'[publish]\nurl = "file://{bare}"\nworkdir = "work"\n'
    )
    code = cli.main(["run", "--jobs-dir", str(ROOT / "jobs"), "--date", "2025-02-04", "--publish"])
    assert code == 0 and seen == [True]
    assert "publish: pushed" in capsys.readouterr().err
    log = git(bare, "log", "--format=%s", "main")
    assert log.splitlines() == ["newsbot: 2025-02-04, 1 post (+3 articles)", "init"]


def test_backfill_publishes_each_day_through_the_same_path(
    page_server: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = make_origin(tmp_path)
    for i, day in enumerate(("20250204", "20250205")):
        page = archive_page(list(range(10 * i + 1, 10 * i + 11)))
        page_server.add(f"/breakingnews/section/105/230?date={day}", page)
    (tmp_path / "newsbot.toml").write_text(
        f'[fetch]\nhost_delay = 0.0\nhost_map = {{ "news.naver.com" = "{page_server.origin}" }}\n'
        f'[publish]\nurl = "file://{bare}"\nworkdir = "blog"\n'
    )
    args = ["backfill", "--from", "2025-02-04", "--to", "2025-02-05", "--job", "krnews-it"]
    code = cli.main(
        [*args, "--jobs-dir", str(ROOT / "jobs"), "--output", "blog/_posts", "--publish"]
    )
    assert code == 0
    assert git(bare, "log", "--format=%s", "main").splitlines() == [
        "newsbot: 2025-02-05, 1 post (+10 articles)",
        "newsbot: 2025-02-04, 1 post (+10 articles)",
        "init",
    ]
    assert "2025-02-05 publish: pushed" in capsys.readouterr().err


def _refusing_origin(tmp_path: Path) -> Path:
    """A bare origin whose pre-receive hook refuses every push (fetches still work)."""
    bare = make_origin(tmp_path)
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho refused by the test >&2\nexit 1\n")
    hook.chmod(0o755)
    return bare


@pytest.mark.parametrize("command", ["run", "backfill"])
def test_a_failed_push_is_exit_1_in_the_report_too(
    page_server: PageServer, tmp_path: Path, command: str
) -> None:
    """The posts are written and kept; the push is refused: the command exits 1, and the
    report says 1 with why (``run``: ``error``; ``backfill``: a note for the day)."""
    bare = _refusing_origin(tmp_path)
    page_server.add("/breakingnews/section/105/230?date=20250204", archive_page(list(range(1, 11))))
    (tmp_path / "newsbot.toml").write_text(
        f'[fetch]\nhost_delay = 0.0\nhost_map = {{ "news.naver.com" = "{page_server.origin}" }}\n'
        f'[publish]\nurl = "file://{bare}"\nworkdir = "blog"\nattempts = 1\n'
    )
    days = (
        ["--date", "2025-02-04"]
        if command == "run"
        else ["--from", "2025-02-04", "--to", "2025-02-04"]
    )
    report = tmp_path / "report.json"
    code = cli.main([command, *days, "--job", "krnews-it", "--jobs-dir", str(ROOT / "jobs"),
                     "--output", "blog/_posts", "--publish", "--report", str(report)])  # fmt: skip
    assert code == 1
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["exit_code"] == 1 and saved["jobs"][0]["status"] == "written"
    if command == "run":
        assert (
            saved["error"].startswith("publish failed: ")
            and "refused by the test" in saved["error"]
        )
    else:
        (note,) = [n for n in saved["notes"] if "publish: failed" in n]
        assert note.startswith("2025-02-04 publish: failed, ") and "refused by the test" in note
    assert (tmp_path / "blog" / "_posts" / NAME).is_file()


class Daemon:
    """``newsbot schedule`` as a process, its output read line by line."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TZ": "UTC"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsbot", "schedule", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.seen = ""

    def wait_for(self, text: str, timeout: float = 30) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while text not in self.seen and time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.seen += line
        assert text in self.seen, self.seen
        return self.seen

    def stop(self, *signals: int) -> int:
        for sig in signals:
            self.proc.send_signal(sig)
            time.sleep(0.3)
        code = self.proc.wait(timeout=30)
        assert self.proc.stdout is not None
        self.seen += self.proc.stdout.read()
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def test_schedule_shuts_down_cleanly_on_sigterm_and_logs_kst(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path, "--jobs-dir", str(ROOT / "jobs"))
    try:
        seen = daemon.wait_for("job sina-tech: 40 12 * * *, next ")
        assert "+09:00 INFO newsbot schedule: 5 jobs, times in Asia/Seoul" in seen  # TZ=UTC host
        assert daemon.stop(signal.SIGTERM) == 0
        assert "signal 15: stopping" in daemon.seen and "newsbot schedule stopped" in daemon.seen
    finally:
        daemon.close()


@pytest.fixture
def naver() -> Iterator[Naver]:
    site = Naver()
    yield site
    site.loop.close()


def every_minute(naver: Naver, tmp_path: Path, publish: str = "") -> Path:
    """A jobs folder with one every-minute job (so the daemon catches it up at once) and a
    config pointing Naver at ``naver``."""
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "minute.toml").write_text(
        'title = "{date:%Y.%m.%d} news"\nslug = "minute"\nschedule = "* * * * *"\n'
        '[[sources]]\nname = "naver"\nsection = "105"\n'
    )
    (tmp_path / "newsbot.toml").write_text(
        f'[fetch]\nhost_delay = 0.0\nhost_map = {{ "news.naver.com" = "{naver.loop.origin}" }}\n'
        + publish
    )
    return jobs


def test_a_second_sigint_during_a_run_prints_no_traceback(naver: Naver, tmp_path: Path) -> None:
    """The run in progress finishes (its post is written), the daemon exits 0, and the
    second signal only says what it is waiting for."""
    jobs = every_minute(naver, tmp_path)
    naver.delay = 2.0
    daemon = Daemon(tmp_path, "--jobs-dir", str(jobs), "--output", "posts")
    try:
        daemon.wait_for("catching up")
        wait_until(lambda: naver.requests > 0)
        code = daemon.stop(signal.SIGINT, signal.SIGINT)
    finally:
        daemon.close()
    assert code == 0, daemon.seen
    assert "Traceback" not in daemon.seen and "Exception in thread" not in daemon.seen
    assert "signal 2: stopping once the running job ends (running: minute)" in daemon.seen
    assert "signal 2 again: still waiting for minute" in daemon.seen
    assert "ran minute for " in daemon.seen
    assert len(list((tmp_path / "posts").glob("*-minute-*.md"))) == 1


def wait_until(cond: Any, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        time.sleep(0.02)


def test_schedule_publishes_to_a_url(naver: Naver, tmp_path: Path) -> None:
    """``[publish] url`` in the daemon: cloned first, then each run's post is pushed."""
    bare = make_origin(tmp_path)
    publish = f'[publish]\nurl = "file://{bare}"\nworkdir = "b"\n'
    jobs = every_minute(naver, tmp_path, publish)
    daemon = Daemon(tmp_path, "--jobs-dir", str(jobs), "--output", "b/_posts", "--publish")
    try:
        seen = daemon.wait_for("; publish ")
        assert daemon.stop(signal.SIGTERM) == 0
    finally:
        daemon.close()
    assert "publish pushed" in seen, seen
    subject = git(bare, "log", "-1", "--format=%s", "main")
    assert subject.startswith("newsbot: ") and " 1 post (+" in subject
    assert git(bare, "ls-tree", "--name-only", "main", "_posts/").count("-minute-") == 1
