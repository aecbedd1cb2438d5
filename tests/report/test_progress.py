"""Backfill progress: a rich bar on a terminal, plain greppable lines elsewhere."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from newsbot.report.progress import DayProgress
from tests.conftest import ROOT


def drive(progress: DayProgress) -> None:
    with progress:
        for day in ("2025-02-01", "2025-02-02"):
            progress.start(day)
            progress.line(f"{day} krnews-it: written naver=ok")
            progress.advance()


def test_plain_lines_without_a_terminal() -> None:
    out = io.StringIO()
    drive(DayProgress(2, out))
    assert out.getvalue() == (
        "2025-02-01 krnews-it: written naver=ok\n2025-02-02 krnews-it: written naver=ok\n"
    )


def test_a_bar_on_a_terminal_keeps_the_lines() -> None:
    out = io.StringIO()
    drive(DayProgress(2, out, tty=True))
    text = out.getvalue()
    assert "\x1b[" in text  # drawn with terminal control codes
    assert "backfill 2025-02-0" in text and "━" in text
    assert "2025-02-01 krnews-it: written naver=ok" in text
    assert "2025-02-02 krnews-it: written naver=ok" in text


def test_backfill_draws_the_bar_only_on_a_tty(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        "backfill",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-02",
        "--job",
        "krnews-it",
        "--output",
        str(tmp_path),
    ]
    for day in ("20250201", "20250202"):  # both posts exist: nothing is fetched
        (tmp_path / f"2025-02-0{day[-1]}-krnews-it-{day}.md").write_text("x", encoding="utf-8")
    piped = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "\x1b[" not in piped.stderr
    assert piped.stderr.count("every post exists, skipped") == 2
    leader, follower = pty.openpty()
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in shown and shown.count("every post exists, skipped") == 2
