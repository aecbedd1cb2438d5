"""``python -m newsbot`` as a user runs it: a subprocess against a loopback server."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, PAGES, ROOT, PageServer

ARCHIVE = "/breakingnews/section/105/230"
GOLDEN_POST = GOLDEN / "2025-02-04-krnews-it-20250204.md"


def newsbot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_krnews(server: PageServer, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return newsbot(
        "run",
        "--date",
        "2025-02-04",
        "--job",
        "krnews-it",
        "--output",
        str(out),
        "--host-map",
        f"news.naver.com={server.origin}",
        *extra,
    )


@pytest.fixture
def naver_archive(page_server: PageServer) -> PageServer:
    page_server.add(
        ARCHIVE,
        (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes(),
        Content_Type="text/html; charset=UTF-8",
    )
    return page_server


def test_run_writes_the_golden_post(naver_archive: PageServer, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    done = run_krnews(naver_archive, tmp_path / "posts", "--report", str(report_path))
    assert done.returncode == 0, done.stderr
    written = tmp_path / "posts" / GOLDEN_POST.name
    assert written.read_bytes() == GOLDEN_POST.read_bytes()
    assert [p for p, _ in naver_archive.log] == [ARCHIVE + "?date=20250204"]  # one page, no robots
    assert naver_archive.log[0][1].startswith("newsbot/")
    report = json.loads(report_path.read_text())
    src = report["jobs"][0]["sources"][0]
    assert (src["status"], src["items_new"], src["attempts"]) == ("ok", 13, 1)
    assert any("robots.txt not obeyed" in n for n in report["notes"])
    assert "robots.txt not obeyed" in done.stderr and "no headline block" in done.stderr


def test_rerun_is_byte_identical_and_keeps_the_date(
    naver_archive: PageServer, tmp_path: Path
) -> None:
    """Catalogue: F27."""
    out = tmp_path / "posts"
    out.mkdir()
    post = out / GOLDEN_POST.name
    post.write_text(GOLDEN_POST.read_text().replace("12:30:00", "12:31:07"))
    first = post.read_bytes()
    for _ in range(2):
        done = run_krnews(naver_archive, out)
        assert done.returncode == 0 and "unchanged" in done.stderr
    assert post.read_bytes() == first and len(list(out.iterdir())) == 1


def test_dry_run_prints_and_writes_nothing(naver_archive: PageServer, tmp_path: Path) -> None:
    done = run_krnews(naver_archive, tmp_path / "posts", "--dry-run")
    assert done.returncode == 0
    assert GOLDEN_POST.read_text() in done.stdout
    assert not (tmp_path / "posts").exists()


def test_changed_layout_fails_loudly_and_keeps_the_old_post(
    page_server: PageServer, tmp_path: Path
) -> None:
    page = (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_text()
    page_server.add(ARCHIVE, page.replace("section_latest_article", "latest_v2"))
    out = tmp_path / "posts"
    out.mkdir()
    (out / GOLDEN_POST.name).write_text("already published\n")
    done = run_krnews(page_server, out)
    assert done.returncode == 1  # the job's only source failed: nothing publishable
    assert "parse_empty" in done.stderr and "latest_item" in done.stderr
    assert (out / GOLDEN_POST.name).read_text() == "already published\n"


def test_server_error_is_reported_with_its_url(page_server: PageServer, tmp_path: Path) -> None:
    page_server.add(ARCHIVE, "down", status=404)
    done = run_krnews(page_server, tmp_path / "posts")
    assert done.returncode == 1
    assert "http_4xx" in done.stderr and "breakingnews/section/105/230" in done.stderr
    assert not (tmp_path / "posts").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--date", "2024-13-40"],
        ["run", "--date", "2999-01-01"],
        ["run", "--job", "nope"],
        ["run", "--bogus"],
        ["run", "--host-map", "no-equals-sign"],
        [],
    ],
)
def test_bad_input_exits_64(args: list[str], tmp_path: Path) -> None:
    """Catalogue: F41."""
    done = newsbot(*args, "--output", str(tmp_path)) if args else newsbot()
    assert done.returncode == 64, done.stderr
    assert "error" in done.stderr


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text('[fetch]\nread_timeout = -1\n[sources.naver]\nselectors = { nope = "x" }\n')
    done = newsbot("run", "--config", str(cfg), "--output", str(tmp_path))
    assert done.returncode == 64
    assert "fetch.read_timeout" in done.stderr


def test_unknown_selector_override_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text('[sources.naver.selectors]\nnope = "x"\n')
    done = newsbot("sources", "--config", str(cfg))
    assert done.returncode == 64 and "unknown selector nope" in done.stderr


def subcommands() -> dict[str, argparse.ArgumentParser]:
    from newsbot.cli import build_parser

    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_help_covers_every_subcommand() -> None:
    assert set(subcommands()) == {
        "run", "schedule", "sources", "backfill", "reindex", "status", "extract", "jobs", "init"
    }  # fmt: skip


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_help_shows_an_example_that_parses(command: str) -> None:
    from newsbot.cli import build_parser

    done = newsbot(command, "--help")
    assert done.returncode == 0, done.stderr
    example = re.search(r"Example: newsbot (.+)", done.stdout)
    assert example, f"newsbot {command} --help has no example"
    args = build_parser().parse_args(shlex.split(example.group(1)))  # exits 64 if it is wrong
    assert args.command == command


def test_console_script_is_installed() -> None:
    script = shutil.which("newsbot", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("newsbot console script not installed in this environment")
    done = subprocess.run([script, "jobs"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "krnews-it" in done.stdout
