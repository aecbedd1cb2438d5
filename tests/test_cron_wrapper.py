"""jobs/newsbot-cron.sh: lock, log file and exit code, with a stand-in newsbot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "jobs" / "newsbot-cron.sh"

pytestmark = pytest.mark.skipif(shutil.which("flock") is None, reason="needs util-linux flock")


def fake_newsbot(tmp_path: Path, code: int, sleep: float = 0) -> Path:
    fake = tmp_path / "fake-newsbot"
    fake.write_text(f'#!/bin/sh\necho "args: $*"\nsleep {sleep}\nexit {code}\n')
    fake.chmod(0o755)
    return fake


def run(tmp_path: Path, fake: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEWSBOT_DIR": str(tmp_path),
        "NEWSBOT": str(fake),
        "NEWSBOT_LOG": str(tmp_path / "newsbot.log"),
        "NEWSBOT_LOCK": str(tmp_path / "lock"),
    }
    return subprocess.Popen(["bash", str(SCRIPT), *args], env=env)


def test_exit_code_and_log(tmp_path: Path) -> None:
    proc = run(tmp_path, fake_newsbot(tmp_path, 2), "--job", "krnews-it")
    assert proc.wait(timeout=10) == 2
    log = (tmp_path / "newsbot.log").read_text()
    assert "args: run --publish --job krnews-it" in log
    assert "exit 2" in log


def test_second_run_exits_75_while_first_holds_lock(tmp_path: Path) -> None:
    fake = fake_newsbot(tmp_path, 0, sleep=2)
    first = run(tmp_path, fake)
    for _ in range(100):  # wait until the first run has the lock
        if (tmp_path / "newsbot.log").exists():
            break
        subprocess.run(["sleep", "0.02"], check=True)
    second = run(tmp_path, fake)
    assert second.wait(timeout=5) == 75
    assert first.wait(timeout=10) == 0
    assert "another run holds" in (tmp_path / "newsbot.log").read_text()


def test_crontab_example_runs_every_job_at_its_schedule() -> None:
    """One crontab line per job file, at the job's own schedule (Seoul time)."""
    import tomllib

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
