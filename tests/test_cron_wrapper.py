"""jobs/newsbot-cron.sh: lock, log, exit code and what cron mails, with a stand-in newsbot."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "jobs" / "newsbot-cron.sh"

needs_flock = pytest.mark.skipif(shutil.which("flock") is None, reason="needs util-linux flock")


def fake_newsbot(tmp_path: Path, code: int, sleep: float = 0) -> Path:
    fake = tmp_path / "fake-newsbot"
    fake.write_text(
        f'#!/bin/sh\necho "args: $*"\necho "summary line" >&2\nsleep {sleep}\nexit {code}\n'
    )
    fake.chmod(0o755)
    return fake


def env_for(tmp_path: Path, fake: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSBOT_DIR": str(tmp_path),
        "NEWSBOT": str(fake),
        "NEWSBOT_LOG": str(tmp_path / "newsbot.log"),
        **extra,
    }


def start(tmp_path: Path, fake: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["bash", str(SCRIPT), *args],
        env=env_for(tmp_path, fake),
        stdout=subprocess.PIPE,
        text=True,
    )


@needs_flock
@pytest.mark.parametrize("code", [1, 2, 64, 75])
def test_a_failed_night_prints_the_summary_for_cron_to_mail(tmp_path: Path, code: int) -> None:
    proc = start(tmp_path, fake_newsbot(tmp_path, code), "--job", "krnews-it")
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == code
    assert f"exited {code}" in out and "summary line" in out and "args: run --job krnews-it" in out
    log = (tmp_path / "newsbot.log").read_text()
    assert "summary line" in log and f"exit {code}" in log


@needs_flock
def test_a_good_night_mails_nothing_and_adds_no_publish(tmp_path: Path) -> None:
    proc = start(tmp_path, fake_newsbot(tmp_path, 0), "--job", "krnews-it")
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and out == ""
    log = (tmp_path / "newsbot.log").read_text()
    assert "args: run --job krnews-it\n" in log  # no --publish unless asked for
    proc = start(tmp_path, fake_newsbot(tmp_path, 0), "--publish")
    proc.communicate(timeout=10)
    assert "args: run --publish\n" in (tmp_path / "newsbot.log").read_text()


@needs_flock
def test_second_run_exits_75_while_first_holds_the_wrappers_own_lock(tmp_path: Path) -> None:
    fake = fake_newsbot(tmp_path, 0, sleep=2)
    first = start(tmp_path, fake)
    lock = tmp_path / ".newsbot-cron.lock"  # not newsbot's own .newsbot.lock
    for _ in range(200):  # wait until the first run has the lock
        if (tmp_path / "newsbot.log").exists():
            break
        subprocess.run(["sleep", "0.02"], check=True)
    second = start(tmp_path, fake)
    out, _ = second.communicate(timeout=5)
    assert second.returncode == 75 and "another newsbot-cron run holds" in out
    first.communicate(timeout=10)
    assert first.returncode == 0
    assert lock.exists() and not (tmp_path / ".newsbot.lock").exists()


def test_without_flock_it_says_so_and_still_runs(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with what the script needs, but no flock
    bin_dir.mkdir()
    for tool in ("date", "mktemp", "cat", "rm", "dirname", "sleep", "sh"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = env_for(tmp_path, fake_newsbot(tmp_path, 0), PATH=str(bin_dir))
    bash = shutil.which("bash")
    assert bash
    done = subprocess.run([bash, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stdout + done.stderr
    log = (tmp_path / "newsbot.log").read_text()
    assert "flock not found; running without the wrapper's lock" in log
    assert "another" not in log and "args: run" in log


def test_crontab_example_runs_every_job_at_its_schedule() -> None:
    """One crontab line per job file, at the job's own schedule (Seoul time)."""
    lines = [
        line.split()
        for line in (ROOT / "jobs" / "crontab.example").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#") and "=" not in line
    ]
    entries = {words[-1]: " ".join(words[:5]) for words in lines}
    jobs = {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))["schedule"]
        for path in (ROOT / "jobs").glob("*.toml")
    }
    assert entries == jobs
