"""Run history and ``newsbot status``: sparklines, drop and failure warnings, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.models import JobResult, RunReport, SourceResult
from newsbot.report.health import StatusReport, sparkline
from newsbot.store import Store, read_history
from tests.conftest import FAST_FETCH, PAGES, ROOT, PageServer

TODAY = datetime.now(KST).date()


def status(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "newsbot", "status", "--output", str(out), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)


def history(
    tmp_path: Path,
    counts: list[int | None],
    last_status: str = "ok",
    failed: frozenset[int] | set[int] = frozenset(),
) -> Path:
    """A store whose naver source found ``counts`` items on the days up to today (None: no
    run that day; ``failed``: days back whose run was ``parse_empty``)."""
    out = tmp_path / "_posts"
    store = Store(tmp_path / ".newsbot-state.sqlite")
    for back, count in zip(range(len(counts) - 1, -1, -1), counts, strict=True):
        if count is None:
            continue
        day = TODAY - timedelta(days=back)
        ok = (back > 0 or last_status == "ok") and back not in failed
        src = SourceResult(
            source="naver",
            section="105",
            items_found=count,
            status="ok" if ok else (last_status if back == 0 else "parse_empty"),
            message="" if ok else "naver: only 0 usable items",
        )
        job = JobResult(
            job="krnews-it", day=day, status="written" if ok else "skipped", sources=[src]
        )
        store.record_run(RunReport(started_at=datetime.combine(day, time(12, 30), KST), jobs=[job]))
    store.close()
    return out


def test_a_drop_to_under_half_the_median_warns(tmp_path: Path) -> None:
    out = history(tmp_path, [20, 21, 19, 22, 20, 20, 21, 20, 19, 8])
    done = status(out)
    assert done.returncode == 2, done.stderr
    assert "8 items on" in done.stdout and "under half the median 20" in done.stdout
    assert "warning: krnews-it naver/105" in done.stdout
    assert "····▇█▇█▇▇█▇▇▄" in done.stdout  # 14 days: 4 without a run, 8 of 22 is low


def test_json_validates_against_the_model(tmp_path: Path) -> None:
    out = history(tmp_path, [20, 21, 19, 22, 20, 20, 21, 20, 19, 8])
    done = status(out, "--json", "--days", "5")
    report = StatusReport.model_validate_json(done.stdout)
    [src] = report.sources
    assert (src.latest_items, src.baseline_median, src.baseline_days) == (8, 20, 7)
    assert [d.items_found for d in src.days] == [20, 21, 20, 19, 8]
    assert len(src.sparkline) == 5 and src.last_day == TODAY and src.warnings
    assert report.warnings == src.warnings


def test_a_source_at_zero_warns_that_it_fails_and_dropped(tmp_path: Path) -> None:
    out = history(tmp_path, [15, 16, 15, 0, 0], last_status="parse_empty")
    report = StatusReport.model_validate_json(status(out, "--json").stdout)
    [src] = report.sources
    assert src.status == "parse_empty" and src.latest_items == 0
    text = status(out).stdout
    assert f"failing since {TODAY} (parse_empty: naver: only 0 usable items)" in text
    assert "0 items on" in text and "under half the median 15" in text


def test_healthy_history_has_no_warning_and_exits_0(tmp_path: Path) -> None:
    out = history(tmp_path, [20, 12, 25, 18])
    done = status(out)
    assert done.returncode == 0 and "warning" not in done.stdout
    assert "krnews-it  naver/105" in done.stdout and "ok" in done.stdout


def test_no_store_is_an_error_that_names_the_path(tmp_path: Path) -> None:
    done = status(tmp_path / "_posts")
    assert done.returncode == 1, done.stderr
    assert f"no state store at {tmp_path / '.newsbot-state.sqlite'}" in done.stderr
    assert not (tmp_path / ".newsbot-state.sqlite").exists()  # status never writes
    assert status(tmp_path / "_posts", "--days", "0").returncode == 64


def test_a_store_without_runs_warns(tmp_path: Path) -> None:
    Store(tmp_path / ".newsbot-state.sqlite").close()  # e.g. only reindexed
    done = status(tmp_path / "_posts")
    assert done.returncode == 2 and "no runs recorded" in done.stdout
    assert "warning: no run recorded in" in done.stdout


def test_a_source_that_stopped_before_the_window_still_warns(tmp_path: Path) -> None:
    out = history(tmp_path, [20, 21, 19, 22, *([None] * 15)])  # last run 15 days ago
    done = status(out)  # the default window is 14 days
    assert done.returncode == 2, done.stdout
    stopped = TODAY - timedelta(days=15)
    assert f"warning: krnews-it naver/105: no run since the one for {stopped}" in done.stdout
    assert "··············" in done.stdout  # listed, with no run in the window
    assert status(out, "--days", "3").returncode == 2  # whatever --days


def test_a_failed_day_is_drawn_apart_from_a_low_count(tmp_path: Path) -> None:
    out = history(tmp_path, [20, 0, 20, 0, 20], failed={3})  # 3 days ago failed, 1 day ago 0
    report = StatusReport.model_validate_json(status(out, "--json", "--days", "5").stdout)
    assert report.sources[0].sparkline == "█✗█▁█"


def test_lock_refusals_and_missed_runs_are_in_the_history(
    page_server: PageServer, tmp_path: Path
) -> None:
    from newsbot.config import Config
    from newsbot.jobs import load_job
    from newsbot.lock import lock_path, run_lock
    from newsbot.pipeline.memory import record_not_run

    out = tmp_path / "_posts"
    history(tmp_path, [20, 21, 19, 22, 20, None])  # ran every day up to yesterday
    with run_lock(lock_path(out)):  # another run holds the lock: this one is refused
        done = subprocess.run(
            [sys.executable, "-m", "newsbot", "run", "--job", "krnews-it", "--output", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 75, done.stderr
    report = StatusReport.model_validate_json(status(out, "--json", "--days", "3").stdout)
    [src] = report.sources
    assert src.sparkline == "█▇✗" and src.status == "locked" and src.last_success is not None
    assert f"did not run for {TODAY} (locked: another newsbot run (pid" in report.warnings[0]
    cfg = Config.model_validate({"output": {"dir": str(out)}})
    job = load_job(ROOT / "jobs" / "etnews-it.toml")
    note = record_not_run(cfg, [job], TODAY, status="missed", message="the machine slept")
    assert note == ""
    text = status(out).stdout
    assert "etnews-it  etnews/04" in text and "did not run for" in text
    assert (
        f"warning: etnews-it etnews/04: did not run for {TODAY} (missed: the machine slept)" in text
    )


def test_sparkline_scales_and_marks_days_without_a_run() -> None:
    assert sparkline([0, 7, None, 14]) == "▁▅·█"
    assert sparkline([None, 0]) == "·▁"


def test_every_non_dry_run_appends_to_the_history(page_server: PageServer, tmp_path: Path) -> None:
    page_server.add(
        "/breakingnews/section/105/230",
        (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes(),
        Content_Type="text/html; charset=UTF-8",
    )
    out = tmp_path / "_posts"
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        "run",
        "--date",
        "2025-02-04",
        "--job",
        "krnews-it",
        "--output",
        str(out),
        "--host-map",
        f"news.naver.com={page_server.origin}",
    ]
    for extra in ([], [], ["--dry-run"]):
        assert (
            subprocess.run([*cmd, *extra], cwd=ROOT, capture_output=True, timeout=60).returncode
            == 0
        )
    rows = read_history(tmp_path / ".newsbot-state.sqlite", date(2025, 1, 1))
    assert len(rows) == 2  # the dry run left no trace
    first = rows[0]
    assert (first["job"], first["day"], first["source"], first["status"]) == (
        "krnews-it",
        "2025-02-04",
        "naver",
        "ok",
    )
    assert first["items_found"] >= first["items_new"] == 13 and first["bytes"] > 0
    assert rows[1]["items_new"] == 0 and rows[1]["job_status"] == "unchanged"
    days = (TODAY - date(2025, 2, 4)).days + 1
    report = StatusReport.model_validate_json(status(out, "--json", "--days", str(days)).stdout)
    assert report.sources[0].last_day == date(2025, 2, 4)
    assert json.loads(report.model_dump_json())["sources"][0]["status"] == "ok"


def test_a_store_from_before_the_history_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    from newsbot.store import MIGRATIONS

    path = tmp_path / ".newsbot-state.sqlite"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:2]:  # the seen-set only, as the first release made it
        db.execute(step)
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    assert read_history(path, date(2000, 1, 1)) == []  # read-only: no tables yet, no error
    history(tmp_path, [5, 6])
    assert [r["items_found"] for r in read_history(path, date(2000, 1, 1))] == [5, 6]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    db.close()


def test_a_real_run_of_a_day_wins_over_a_run_that_did_not_happen() -> None:
    from newsbot.report.health import build

    def row(hour: int, status: str, items: int) -> dict[str, object]:
        return {
            "started_at": datetime.combine(TODAY, time(hour), KST),
            "job": "j",
            "day": TODAY.isoformat(),
            "job_status": status,
            "source": "naver",
            "section": "105",
            "status": status,
            "items_found": items,
            "items_new": items,
            "elapsed_s": 0.1,
            "bytes": 1,
            "message": "",
        }

    for runs in (
        [row(9, "ok", 12), row(10, "locked", 0)],
        [row(9, "missed", 0), row(10, "ok", 12)],
        [row(9, "ok", 12), row(10, "interrupted", 0)],  # a rerun of the day, stopped
    ):
        report = build(runs, first=TODAY, last=TODAY, store="s", now=datetime.now(KST))
        assert report.sources[0].status == "ok" and report.sources[0].sparkline == "█"
        assert report.warnings == []
    # a day whose only run was stopped: it did not run, and no drop is claimed
    earlier = [
        {**row(9, "ok", 12), "day": (TODAY - timedelta(days=d)).isoformat()} for d in (3, 2, 1)
    ]
    report = build(
        [*earlier, row(10, "interrupted", 0)], first=TODAY, last=TODAY, store="s",
        now=datetime.now(KST),
    )  # fmt: skip
    assert report.sources[0].status == "interrupted"
    assert report.warnings == [f"j naver/105: did not run for {TODAY} (interrupted: )"]


def test_a_stop_after_the_run_saved_its_history_saves_it_once(
    page_server: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C that lands once the run's own report is in the history (as the store
    closes) adds no second, ``interrupted`` row for the same run."""
    from newsbot import pipeline
    from newsbot.config import Config
    from newsbot.jobs import load_job

    page_server.add(
        "/breakingnews/section/105/230",
        (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes(),
        Content_Type="text/html; charset=UTF-8",
    )
    close, stopped = Store.close, []

    def then_ctrl_c(store: Store) -> None:
        close(store)
        if not stopped:  # once: the run's own store
            stopped.append(True)
            raise KeyboardInterrupt

    monkeypatch.setattr(Store, "close", then_ctrl_c)
    cfg = Config.model_validate(
        {"fetch": {"host_map": {"news.naver.com": page_server.origin}, **FAST_FETCH},
         "output": {"dir": str(tmp_path / "_posts")}}
    )  # fmt: skip
    job = load_job(ROOT / "jobs" / "krnews-it.toml")
    with pytest.raises(pipeline.RunInterrupted):
        pipeline.run([job], date(2025, 2, 4), config=cfg, now=datetime(2025, 2, 6, 9, tzinfo=KST))
    monkeypatch.setattr(Store, "close", close)
    rows = read_history(tmp_path / ".newsbot-state.sqlite", date(2025, 1, 1))
    assert [(r["job_status"], r["status"]) for r in rows] == [("written", "ok")], rows[0]["message"]
