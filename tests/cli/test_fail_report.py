"""A command stopped by an error still writes ``--report``: whole, over the old one.

README: "a run stopped by an error still writes it, with ``exit_code`` and
``error``". The report goes through a temp file renamed over PATH, so an old report
is replaced at once (a new inode, never the old file truncated), and a path that
cannot be written is said in words that name what to fix.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BAD_CONFIG = '[fetch]\nhost_delay = "slow"\n'


def newsbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "newsbot", "run", "--output", str(cwd / "_posts"), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_a_config_error_replaces_an_old_report_with_a_whole_new_one(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(BAD_CONFIG)
    report = tmp_path / "reports" / "run.json"
    report.parent.mkdir()
    old = {"exit_code": 0, "jobs": [{"job": "x", "message": "y" * 20000}]}
    report.write_text(json.dumps(old))
    linked = tmp_path / "reports" / "yesterday.json"  # a hard link keeps what was there
    linked.hardlink_to(report)
    done = newsbot(tmp_path, "--config", str(tmp_path / "bad.toml"), "--report", str(report))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert "fetch.host_delay" in done.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert list(saved) == ["started_at", "exit_code", "error", "notes", "jobs"]
    assert saved["exit_code"] == 64 and "fetch.host_delay" in saved["error"]
    assert saved["jobs"] == [] and saved["notes"] == []
    # renamed over it: the old file was never opened for writing
    assert json.loads(linked.read_text()) == old and report.stat().st_ino != linked.stat().st_ino
    assert sorted(p.name for p in report.parent.iterdir()) == ["run.json", "yesterday.json"]


def test_a_config_error_with_the_report_on_stdout(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(BAD_CONFIG)
    done = newsbot(tmp_path, "--config", str(tmp_path / "bad.toml"), "--report", "-")
    assert done.returncode == 64
    saved = json.loads(done.stdout)
    assert saved["exit_code"] == 64 and "fetch.host_delay" in saved["error"]


def test_a_report_in_a_missing_folder_is_refused_naming_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "run.json"
    done = newsbot(tmp_path, "--job", "krnews-it", "--report", str(target))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    folder = tmp_path / "nope"
    assert done.stderr == (
        f"newsbot: error: --report {target} cannot be written: "
        f"the folder {folder} does not exist (create it first)\n"
    )  # said once: not again as a report that could not be written
    assert not folder.exists() and not (tmp_path / "_posts").exists()


def test_a_report_under_a_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    target = tmp_path / "plain" / "run.json"
    done = newsbot(tmp_path, "--job", "krnews-it", "--report", str(target))
    assert done.returncode == 64
    assert f"{tmp_path / 'plain'} is a file, not a folder" in done.stderr


def test_a_config_error_and_a_report_in_a_missing_folder_say_both(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(BAD_CONFIG)
    target = tmp_path / "nope" / "run.json"
    done = newsbot(tmp_path, "--config", str(tmp_path / "bad.toml"), "--report", str(target))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("newsbot: error: invalid configuration in")
    assert lines[-1] == (
        f"newsbot: cannot write report to {target}: "
        f"the folder {tmp_path / 'nope'} does not exist (create it first)"
    )
    assert not (tmp_path / "nope").exists()
