"""The CLI wiring: run --publish / --dry-run, and schedule's clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from newsbot import cli, pipeline
from newsbot.models import JobResult, Post, RunReport, SourceResult
from tests.conftest import ROOT

NAME = "2025-02-04-krnews-it-20250204.md"


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
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
        post = Post("krnews-it", date(2025, 2, 4), NAME, NAME, "post\n", ("a", "b", "c"), status)
        return report, [post]

    return run


def test_run_publish_commits_locally(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run())
    (blog.parent / "newsbot.toml").write_text("[publish]\npush = false\n")
    code = cli.main(
        [
            "run",
            "--jobs-dir",
            str(ROOT / "jobs"),
            "--date",
            "2025-02-04",
            "--publish",
            "--publish-repo",
            str(blog),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "publish: committed" in err and "newsbot: 2025-02-04 krnews-it (+3)" in err
    log = subprocess.run(
        ["git", "-C", str(blog), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout
    assert log.strip() == "newsbot: 2025-02-04 krnews-it (+3)"


def test_dry_run_shows_the_commit_and_makes_none(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run())
    code = cli.main(
        [
            "run",
            "--jobs-dir",
            str(ROOT / "jobs"),
            "--dry-run",
            "--publish",
            "--publish-repo",
            str(blog),
        ]
    )
    assert code == 0
    assert "publish: would commit (_posts/" in capsys.readouterr().err
    assert not (blog / "_posts").exists()


def test_failed_run_is_not_published(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run(status="failed"))
    code = cli.main(
        ["run", "--jobs-dir", str(ROOT / "jobs"), "--publish", "--publish-repo", str(blog)]
    )
    assert code == 1
    assert "publish: skipped" in capsys.readouterr().err


def test_publish_error_exits_1(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pipeline, "run", fake_run())
    subprocess.run(["git", "-C", str(blog), "checkout", "-q", "-b", "drafts"], check=True)
    code = cli.main(
        ["run", "--jobs-dir", str(ROOT / "jobs"), "--publish", "--publish-repo", str(blog)]
    )
    assert code == 1
    assert "not main" in capsys.readouterr().err


def test_schedule_shuts_down_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "schedule", "--jobs-dir", str(ROOT / "jobs")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        seen = ""
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen += line
            if "Scheduler started" in line:
                break
        assert "krnews-it" in seen and "Asia/Seoul" in seen, seen
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        seen += proc.stdout.read()
        assert "shutting down" in seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_run_publish_to_a_url_clones_before_the_run(
    blog: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = blog.parent / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x.invalid",
    }
    (blog / "_posts").mkdir()
    (blog / "_posts" / "2025-02-03-krnews-it-20250203.md").write_text("old\n")
    for args in (["add", "."], ["commit", "-q", "-m", "init"], ["push", "-q", str(bare), "main"]):
        subprocess.run(["git", "-C", str(blog), *args], check=True, env=env)
    seen: list[bool] = []
    run = fake_run()

    def checked_run(jobs: Any, day: date, **kw: Any) -> Any:
        # the checkout exists when the run starts, so memory can read its posts
        seen.append(
            (blog.parent / "work" / "_posts" / "2025-02-03-krnews-it-20250203.md").is_file()
        )
        return run(jobs, day, **kw)

    monkeypatch.setattr(pipeline, "run", checked_run)
    (blog.parent / "newsbot.toml").write_text(
        f'[publish]\nurl = "file://{bare}"\nworkdir = "work"\n'
    )
    code = cli.main(["run", "--jobs-dir", str(ROOT / "jobs"), "--date", "2025-02-04", "--publish"])
    assert code == 0 and seen == [True]
    assert "publish: pushed" in capsys.readouterr().err
    log = subprocess.run(
        ["git", "-C", str(bare), "log", "--format=%s", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.splitlines() == ["newsbot: 2025-02-04 krnews-it (+3)", "init"]
