"""Exit codes a scheduler can trust: a quiet day is 0, 64 only before anything is fetched,
an operating-system error is a message with its path (exit 1), never a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from newsbot.dates import KST, today_kst
from tests.cli.test_cli import newsbot
from tests.conftest import ROOT, PageServer
from tests.servers.pagegen import archive_page

ARCHIVE = "/breakingnews/section/105/230"
D1, D2 = date(2025, 2, 4), date(2025, 2, 5)


def krnews(server: PageServer, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    mapped = ["--host-map", f"news.naver.com={server.origin}"]
    return newsbot("run", "--job", "krnews-it", "--output", str(out), *mapped, *args)


@pytest.fixture
def same_list(page_server: PageServer) -> PageServer:
    """The same ten articles on two days: the second day has nothing new."""
    for day in (D1, D2):
        page_server.add(f"{ARCHIVE}?date={day:%Y%m%d}", archive_page(list(range(1, 11))))
    return page_server


def test_a_quiet_day_with_healthy_sources_exits_0_nothing_new(
    same_list: PageServer, tmp_path: Path
) -> None:
    out = tmp_path / "_posts"
    assert krnews(same_list, out, "--date", D1.isoformat()).returncode == 0
    report = tmp_path / "report.json"
    done = krnews(same_list, out, "--date", D2.isoformat(), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "krnews-it 2025-02-05: nothing new: every article was already posted" in done.stderr
    job = json.loads(report.read_text())["jobs"][0]
    assert (job["status"], job["sources"][0]["status"]) == ("nothing_new", "ok")
    assert [p.name for p in out.glob("*.md")] == ["2025-02-04-krnews-it-20250204.md"]


def test_a_quiet_day_with_a_failed_source_is_still_partial(
    same_list: PageServer, tmp_path: Path
) -> None:
    """Nothing new is success only when the sources were healthy."""
    out = tmp_path / "_posts"
    assert krnews(same_list, out, "--date", D1.isoformat()).returncode == 0
    same_list.add(f"{ARCHIVE}?date={D2:%Y%m%d}", "down", status=404)
    done = krnews(same_list, out, "--date", D2.isoformat())
    assert done.returncode == 1 and "http_4xx" in done.stderr  # its only source failed


def test_dry_run_says_would_write(same_list: PageServer, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = krnews(same_list, tmp_path / "_posts", "--date", "2025-02-04", "--dry-run",
                  "--report", str(report))  # fmt: skip
    assert done.returncode == 0
    assert "krnews-it 2025-02-04: would write" in done.stderr and ": written" not in done.stderr
    assert json.loads(report.read_text())["jobs"][0]["status"] == "would_write"
    assert not (tmp_path / "_posts").exists()


@pytest.mark.parametrize("where", ["dir", "under-file", "missing-dir"])
def test_an_unusable_report_path_is_refused_before_fetching(
    same_list: PageServer, tmp_path: Path, where: str
) -> None:
    (tmp_path / "plain").write_text("x")
    target = {
        "dir": tmp_path,
        "under-file": tmp_path / "plain" / "report.json",
        "missing-dir": tmp_path / "nope" / "report.json",
    }[where]
    done = krnews(same_list, tmp_path / "_posts", "--date", "2025-02-04", "--report", str(target))
    assert done.returncode == 64, done.stderr
    assert f"--report {target}" in done.stderr
    assert same_list.log == [] and not (tmp_path / "_posts").exists()


def test_publish_with_nothing_configured_names_the_flag_before_fetching(
    same_list: PageServer, tmp_path: Path
) -> None:
    done = krnews(same_list, tmp_path / "_posts", "--date", "2025-02-04", "--publish")
    assert done.returncode == 64 and "--publish-repo" in done.stderr
    assert same_list.log == [] and not (tmp_path / "_posts").exists()
    done = krnews(
        same_list, tmp_path / "_posts", "--publish", "--publish-repo", str(tmp_path / "nope")
    )
    assert done.returncode == 64 and "is not a directory" in done.stderr
    assert same_list.log == []


def test_a_backfill_into_the_future_is_refused_before_fetching(
    same_list: PageServer, tmp_path: Path
) -> None:
    tomorrow = today_kst(datetime.now(KST)) + timedelta(days=1)
    done = newsbot("backfill", "--from", "2025-02-04", "--to", tomorrow.isoformat(),
                   "--job", "krnews-it", "--output", str(tmp_path / "_posts"),
                   "--host-map", f"news.naver.com={same_list.origin}")  # fmt: skip
    assert done.returncode == 64 and f"--to {tomorrow} is in the future" in done.stderr
    assert same_list.log == [] and not (tmp_path / "_posts").exists()


def test_the_same_job_twice_is_refused(tmp_path: Path) -> None:
    done = newsbot("run", "--job", "krnews-it", "--job", "krnews-it", "--output", str(tmp_path))
    assert done.returncode == 64 and "--job krnews-it given more than once" in done.stderr


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_output_under_a_regular_file_is_a_message_with_the_path_not_a_traceback(
    same_list: PageServer, tmp_path: Path, log_format: str
) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    report = tmp_path / "report.json"
    done = krnews(same_list, plain / "_posts", "--date", "2025-02-04", "--report", str(report),
                  "--log-format", log_format)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and str(plain) in done.stderr
    assert f"{plain} is a file, where newsbot needs a directory" in done.stderr
    if log_format == "json":
        events = [json.loads(line) for line in done.stderr.splitlines()]
        (error,) = [e for e in events if e["event"] == "error"]
        assert error["exit_code"] == 1 and str(plain) in error["message"]
    saved = json.loads(report.read_text())
    assert saved["exit_code"] == 1 and str(plain) in saved["error"]


def test_config_a_directory_is_refused_with_its_name(tmp_path: Path) -> None:
    done = newsbot("jobs", "--config", str(tmp_path))
    assert done.returncode == 64 and f"--config {tmp_path} is a directory" in done.stderr
    assert "Traceback" not in done.stderr


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("signum", "code", "why"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "interrupted by SIGTERM")],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_in_a_backfill_prints_one_line_and_the_resume_hint(
    page_server: PageServer, tmp_path: Path, signum: int, code: int, why: str
) -> None:
    days = [D1 + timedelta(days=n) for n in range(4)]
    for n, day in enumerate(days):  # host_delay's real 1-3 s between days leaves time to stop
        page_server.add(
            f"{ARCHIVE}?date={day:%Y%m%d}", archive_page([n * 10 + i for i in range(1, 6)])
        )
    out = tmp_path / "_posts"
    cmd = [sys.executable, "-m", "newsbot", "backfill", "--from", days[0].isoformat(),
           "--to", days[-1].isoformat(), "--job", "krnews-it", "--output", str(out),
           "--host-map", f"news.naver.com={page_server.origin}"]  # fmt: skip
    # a shell starting the suite in the background ignores SIGINT for it, and the child would
    # inherit that: Ctrl-C is what is tested here, so the child gets the default back
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint
    )
    deadline = time.monotonic() + 30
    while not list(out.glob("*.md")) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signum)  # SIGTERM: what cron, systemd or CI send to stop it
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert "Traceback" not in err and err.count("\n") <= 6
    assert f"backfill {why} on 2025-02-0" in err and "run the same command again" in err
    assert len(list(out.glob("*.md"))) < len(days)


def test_ctrl_c_inside_asyncio_setup_leaves_no_loop_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A Ctrl-C that lands just after asyncio.run made its loop, before it can close it:
    the loop is closed before exit (an open one makes the interpreter print a traceback)."""
    import asyncio.runners
    import gc

    from newsbot import cli

    real = asyncio.runners.Runner._lazy_init  # type: ignore[attr-defined]

    def interrupted(self: asyncio.Runner) -> None:
        real(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(asyncio.runners.Runner, "_lazy_init", interrupted)
    recording = ROOT / "tests" / "recordings" / "naver-105-20250204"
    code = cli.main(["run", "--date", "2025-02-04", "--job", "krnews-it",
                     "--replay", str(recording), "--output", str(tmp_path)])  # fmt: skip
    monkeypatch.undo()
    assert code == 130
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    assert loops and not [loop for loop in loops if not loop.is_closed()]


def test_nothing_new_beside_a_failed_source_is_skipped_not_quiet(
    same_list: PageServer, tmp_path: Path
) -> None:
    """A partial job whose healthy source has nothing new is not an ordinary quiet day."""
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "mix.toml").write_text(
        'title = "x"\nslug = "mix"\nallow_partial = true\n'
        '[[sources]]\nname = "naver"\nsection = "105"\n'
        '[[sources]]\nname = "nate"\nsection = "n0105"\n'
    )
    out, report = tmp_path / "_posts", tmp_path / "report.json"
    args = ["--jobs-dir", str(jobs), "--output", str(out), "--report", str(report),
            "--host-map", f"news.naver.com={same_list.origin}",
            "--host-map", f"news.nate.com={same_list.origin}"]  # fmt: skip
    assert newsbot("run", "--date", D1.isoformat(), *args).returncode == 2  # nate: 404
    done = newsbot("run", "--date", D2.isoformat(), *args)
    assert done.returncode == 2, done.stderr
    job = json.loads(report.read_text())["jobs"][0]
    assert job["status"] == "skipped" and "already posted" in job["message"]


@pytest.mark.parametrize("style", ["daily_list", "digest"])
def test_a_partial_job_whose_every_source_failed_says_so(tmp_path: Path, style: str) -> None:
    """Not "every article was already posted": nothing was read at all (exit 1)."""
    from tests.servers.faults import start_fault_server

    dead, stop = start_fault_server()
    stop()  # a port that refuses connections
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    sources = "".join(
        f'[[sources]]\nname = "feed"\nsection = "{s}"\n'
        f'options = {{ url = "https://{s}.example.com/rss" }}\n'
        for s in ("a", "b")
    )
    (jobs / "all.toml").write_text(
        f'title = "x"\nslug = "all"\nstyle = "{style}"\nallow_partial = true\n{sources}'
    )
    report = tmp_path / "report.json"
    done = newsbot(
        "run", "--jobs-dir", str(jobs), "--output", str(tmp_path / "_posts"),
        "--report", str(report), "--config", str(_fast(tmp_path)),
        "--host-map", f"a.example.com={dead.origin}", "--host-map", f"b.example.com={dead.origin}",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    job = json.loads(report.read_text())["jobs"][0]
    assert job["status"] == "skipped"
    assert job["message"] == (
        "not written: every source failed: feed/a (unreachable), feed/b (unreachable)"
    )
    assert "already posted" not in done.stderr


def _fast(tmp: Path) -> Path:
    path = tmp / "fast.toml"
    path.write_text("[fetch]\nhost_delay = 0.0\nretries = 0\n")
    return path


def test_a_digest_whose_keywords_match_nothing_is_a_quiet_day(
    page_server: PageServer, tmp_path: Path
) -> None:
    from newsbot import config as config_mod
    from newsbot import pipeline
    from newsbot.jobs import DigestOptions
    from tests.conftest import FAST_FETCH
    from tests.servers import digestsite

    cfg = config_mod.load(
        None,
        {
            "fetch": {"host_map": digestsite.host_map(page_server), **FAST_FETCH},
            "output": {"dir": str(tmp_path / "posts")},
        },
    )
    digestsite.serve(page_server)
    job = digestsite.naver_only_job()
    job = job.model_copy(update={"digest": DigestOptions(keywords=["양자얽힘없는말"])})
    day, now = date(2026, 1, 3), datetime(2026, 1, 4, 8, 0, tzinfo=KST)
    report, posts = pipeline.run([job], day, config=cfg, now=now)
    (result,) = report.jobs
    assert result.digest is not None and result.digest.candidates == 0
    assert (result.status, report.exit_code, posts) == ("nothing_new", 0, [])
    assert result.message.startswith("nothing new:") and "keywords" in result.message


def test_a_publish_workdir_under_a_regular_file_is_named_not_a_traceback(
    same_list: PageServer, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text(f'[publish]\nurl = "file://{tmp_path}/none.git"\nworkdir = "plain/blog"\n')
    done = krnews(same_list, tmp_path / "_posts", "--config", str(cfg), "--publish")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and str(plain) in done.stderr


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs a read-only /sys")
def test_an_output_on_a_read_only_filesystem_is_named_not_a_traceback(
    same_list: PageServer, tmp_path: Path
) -> None:
    """/sys refuses new files even to root, as a read-only mount would."""
    done = krnews(same_list, Path("/sys/kernel/_posts"), "--date", "2025-02-04")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "/sys/kernel/" in done.stderr
