"""Job and config files as editors save them: a UTF-8 BOM is read, other encodings named."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import newsbot

JOB = 'title = "{date:%Y.%m.%d} 목록"\nslug = "bom"\n[[sources]]\nname = "naver"\nsection = "105"\n'


def test_a_job_and_a_config_saved_with_a_byte_order_mark_load(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "bom.toml").write_bytes(b"\xef\xbb\xbf" + JOB.encode())
    (tmp_path / "newsbot.toml").write_bytes(b"\xef\xbb\xbf[fetch]\nhost_delay = 1.0\n")
    done = newsbot("jobs", "--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("bom\t")


def test_a_file_that_is_not_utf8_is_named_with_what_to_do(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "wide.toml").write_bytes(JOB.encode("utf-16"))
    done = newsbot("jobs", "--jobs-dir", str(jobs))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert f"{jobs / 'wide.toml'} is not UTF-8 text" in done.stderr
    assert "save it as UTF-8" in done.stderr
