"""``newsbot sources`` prints each declared feed and list URL as reports and logs do: with
userinfo and secret-shaped query parameters replaced by ``***``."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import newsbot

JOB = """title = "{date}"
slug = "secret"
[[sources]]
name = "feed"
section = "s"
options = { url = "https://user:hunter2@feeds.example.com/rss?token=abc123&api_key=xyz789&x=1" }
[[sources]]
name = "html"
section = "h"
[sources.options]
url = "https://news.example.org/list?access_token=tok456&lang=en"
label = "News password=label-secret"
selectors = { item = "li" }
"""
SECRETS = ("user", "hunter2", "abc123", "xyz789", "tok456", "label-secret")


def test_sources_redacts_credentials_in_urls_and_labels(tmp_path: Path) -> None:
    (tmp_path / "secret.toml").write_text(JOB)
    done = newsbot("sources", "--jobs-dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = {line.split("\t")[0]: line for line in done.stdout.splitlines()}
    assert lines["feed/s"].split("\t")[2] == (
        "https://***@feeds.example.com/rss?token=***&api_key=***&x=1"
    )
    assert (
        lines["html/h"].split("\t")[2] == "https://news.example.org/list?access_token=***&lang=en"
    )
    assert lines["html/h"].split("\t")[1] == "News password=***"
    for secret in SECRETS:
        assert secret not in done.stdout + done.stderr, secret
    assert "job=secret" in lines["feed/s"] and "max_items=50" in lines["feed/s"]  # the rest kept
