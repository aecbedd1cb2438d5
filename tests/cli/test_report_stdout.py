"""``--report -`` puts the report on stdout, so it never shares stdout with printed posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import newsbot


@pytest.mark.parametrize("args", [["--dry-run"], ["--demo"], ["--demo", "--dry-run"]])
def test_printed_posts_and_the_report_on_stdout_are_refused(
    tmp_path: Path, args: list[str]
) -> None:
    """``--demo`` without ``--output`` prints its post too. Refused before any fetch."""
    done = newsbot("run", *args, "--report", "-", cwd=tmp_path)
    assert done.returncode == 64
    assert "give --report a file path" in done.stderr
    saved = json.loads(done.stdout)  # stdout holds the refusal's report alone
    assert saved["exit_code"] == 64 and "stdout" in saved["error"]
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_prints_nothing_may_put_its_report_on_stdout(tmp_path: Path) -> None:
    done = newsbot("run", "--demo", "--output", str(tmp_path / "_posts"), "--report", "-")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["jobs"][0]["status"] == "written"
    assert len(list((tmp_path / "_posts").glob("*.md"))) == 1
