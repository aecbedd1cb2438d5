"""Secrets in URLs and keys: never in a note, a log line, a report or a recording.

Catalogue: S08.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from newsbot.models import JobResult, RunReport, SourceResult
from newsbot.report import runlog
from tests.conftest import ROOT, PageServer
from tests.servers.listpages import NOW, headline, sina_html

CANARY = "CANARY5e2f"
SECRETS = [
    f"http://bot:{CANARY}@llm.internal/v1",
    f"https://news.sina.cn/tech/?access_token={CANARY}&x=1",
    f"https://x.kr/?apikey={CANARY}",
]


def test_S08_report_level_notes_and_messages_are_redacted() -> None:
    src = SourceResult("sina", "2515", "http_4xx", message=f"sina: HTTP 404 ({SECRETS[1]})")
    job = JobResult(
        "j", date(2025, 2, 4), "skipped", message=f"skipped: {SECRETS[2]}", sources=(src,)
    )
    report = RunReport(started_at=NOW, jobs=(job,), notes=tuple(f"note: {s}" for s in SECRETS))
    text, lines = io.StringIO(), io.StringIO()
    runlog.write_text(report, text)
    runlog.write(report, lines)
    everything = report.to_json() + text.getvalue() + lines.getvalue()
    assert CANARY not in everything
    assert "http://***@llm.internal/v1" in everything and "access_token=***" in everything
    assert json.loads(report.to_json())["notes"][0] == "note: http://***@llm.internal/v1"
    for line in lines.getvalue().splitlines():
        json.loads(line)  # still one JSON object a line


def newsbot(
    out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "newsbot", "run", "--output", str(out), *args]
    return subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )


def test_S08_a_recording_holds_no_secret_and_still_replays(
    page_server: PageServer, tmp_path: Path
) -> None:
    """A list URL with a token, a mirror with userinfo, a redirect whose Location has one."""
    cards = [
        (f"https://tech.sina.com.cn/doc-iabcdefg{n:04d}.shtml", headline("s", n), NOW.isoformat())
        for n in range(8)
    ]
    page_server.add("/tech/", b"", status=302, Location=f"/list/?token={CANARY}")
    page_server.add("/list/", sina_html(cards))
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "s.toml").write_text(
        'title = "{date:%Y.%m.%d} s"\nslug = "s"\n[[sources]]\nname = "sina"\nsection = "2515"\n'
        f'options = {{ list_url = "https://news.sina.cn/tech/?access_token={CANARY}" }}\n'
    )
    mirror = page_server.origin.replace("http://", f"http://bot:{CANARY}@")
    args = ["--jobs-dir", str(jobs), "--host-map", f"news.sina.cn={mirror}", "--date", "2025-02-04"]
    tape = tmp_path / "tape"
    recorded = newsbot(tmp_path / "a", *args, "--record", str(tape), "--report", "-")
    assert recorded.returncode == 0, recorded.stderr
    stored = "".join(p.read_text(errors="replace") for p in tape.rglob("*") if p.is_file())
    assert CANARY not in stored + recorded.stdout + recorded.stderr
    assert (
        "access_token=***" in stored and "token=***" in stored and "http://***@127.0.0.1" in stored
    )
    page_server.stop()
    replayed = newsbot(tmp_path / "b", *args, "--replay", str(tape))
    assert replayed.returncode == 0, replayed.stderr
    first, second = (sorted((tmp_path / d).glob("*.md")) for d in "ab")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second] != []


def test_S08_an_api_key_http_cannot_carry_is_refused_at_load(tmp_path: Path) -> None:
    config = tmp_path / "newsbot.toml"
    config.write_text(
        '[summarize]\nbackend = "llm"\n[summarize.llm]\nbase_url = "http://127.0.0.1:9/v1"\n'
        'model = "m"\napi_key_env = "NEWSBOT_KEY"\n'
    )
    key = f"sk-{CANARY}\u200babc"  # a zero-width space pasted in the middle
    done = newsbot(tmp_path / "o", "--config", str(config), env={"NEWSBOT_KEY": key})
    assert done.returncode == 64, done.stderr
    assert "$NEWSBOT_KEY" in done.stderr and "U+200B" in done.stderr
    assert CANARY not in done.stderr and "Traceback" not in done.stderr
