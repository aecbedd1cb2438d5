"""When the daemon runs a job: real APScheduler triggers, catch-up, misses, coalescing."""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import JobError
from newsbot.posts.files import post_name
from newsbot.schedule import (
    LATE_S,
    Daemon,
    KstFormatter,
    add_jobs,
    job_options,
    last_fire,
    trigger_for,
)
from newsbot.schedule.queue import Due, RunQueue
from tests.schedule.helpers import make_job, wait_for


def test_cron_trigger_is_seoul_and_weekday_names_mean_what_they_say() -> None:
    trig = trigger_for(make_job("30 12 * * mon-fri"))
    saturday = datetime(2025, 2, 8, 13, 0, tzinfo=KST)
    nxt = trig.get_next_fire_time(None, saturday)
    assert nxt == datetime(2025, 2, 10, 12, 30, tzinfo=KST)  # Monday 12:30 KST
    assert nxt.utcoffset() == timedelta(hours=9)


def test_numeric_weekdays_are_rejected() -> None:
    from pydantic import ValidationError

    with pytest.raises((ValidationError, JobError), match="names"):
        make_job("30 12 * * 1-5")


def queue_stub() -> tuple[RunQueue, list[Due]]:
    got: list[Due] = []
    queue = RunQueue(lambda batch: [], retry_s=1)
    queue.put = lambda due: got.append(due) is None  # type: ignore[method-assign]
    return queue, got


def test_at_start_a_missing_post_of_today_is_caught_up_once(tmp_path: Path) -> None:
    out = tmp_path / "_posts"
    cfg = Config.model_validate({"output": {"dir": str(out)}, "schedule": {"catch_up": 4 * 3600}})
    jobs = [make_job("30 12 * * *", "a-news"), make_job("0 9 * * *", "b-news")]
    queue, got = queue_stub()
    daemon = Daemon(jobs, cfg, queue)
    out.mkdir()
    (out / post_name(date(2026, 12, 1), "b-news")).write_text("already there\n")
    now = datetime(2026, 12, 1, 14, 0, tzinfo=KST)  # a-news due 1 h 30 min ago; b-news 5 h
    assert [d.job.name for d in daemon.catch_up(now)] == ["a-news"]
    assert got[0].day == date(2026, 12, 1) and got[0].fire.hour == 12
    assert "catching up: due 2026-12-01T12:30+09:00 (1 h 30 min ago)" in got[0].why
    assert daemon.catch_up(now) == []  # once
    late = Daemon(jobs, cfg, queue_stub()[0])
    assert late.catch_up(datetime(2026, 12, 1, 16, 31, tzinfo=KST)) == []  # over 4 h: missed


def test_a_late_firing_runs_only_if_its_post_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "_posts"
    cfg = Config.model_validate({"output": {"dir": str(out)}})
    job = make_job("30 12 * * *", "a-news")
    queue, got = queue_stub()
    daemon = Daemon([job], cfg, queue)
    fire = datetime(2026, 12, 1, 12, 30, tzinfo=KST)
    assert daemon.due(job, fire + timedelta(seconds=3)) is not None  # on time: runs
    assert got[-1].why == ""
    assert daemon.due(job, fire + timedelta(seconds=9)) is None  # the same firing: once
    day2 = fire + timedelta(days=1)
    out.mkdir()
    (out / post_name(day2.date(), "a-news")).write_text("made by hand\n")
    assert daemon.due(job, day2 + timedelta(seconds=LATE_S + 60)) is None
    assert len(got) == 1
    # a firing at 23:50 run after midnight is for the day it was due
    night = make_job("50 23 * * *", "night")
    Daemon([night], cfg, queue).due(night, datetime(2026, 12, 2, 0, 20, tzinfo=KST))
    assert got[-1].day == date(2026, 12, 1) and "catching up" in got[-1].why


@pytest.mark.parametrize(("late_h", "runs"), [(3.5, True), (4.5, False)])
def test_a_late_run_within_the_catch_up_runs_later_is_recorded_missed(
    late_h: float, runs: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The host slept past a firing: within [schedule] catch_up it still runs; later,
    the miss is logged with the job and its time."""
    cfg = Config.model_validate({"output": {"dir": str(tmp_path / "_posts")}})
    queue, got = queue_stub()
    # daily, half a day from now: no real firing lies in the hours the host "slept" (a
    # fixed 12:30 would be one between 12:30 and 17:00, and coalesced into a run)
    away = datetime.now(KST) + timedelta(hours=12)
    job = make_job(f"{away.minute} {away.hour} * * *")
    daemon = Daemon([job], cfg, queue)
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.add_listener(daemon.on_missed, EVENT_JOB_MISSED)
    sched.start(paused=True)
    add_jobs(sched, [job], daemon.fire, cfg)
    try:
        with caplog.at_level(logging.INFO, logger="newsbot.schedule"):
            due = datetime.now(KST) - timedelta(hours=late_h)
            sched.get_job("krnews-it").modify(next_run_time=due)
            sched.resume()
            wait_for(lambda: got or any("missed" in r.getMessage() for r in caplog.records))
    finally:
        sched.shutdown(wait=True)
    assert bool(got) == runs
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert ("missed its" in text and "[schedule] catch_up" in text) == (not runs)
    if not runs:  # and newsbot status shows the day the job did not run
        from newsbot.pipeline.memory import state_path
        from newsbot.report import health

        warnings = health.load(state_path(cfg), 3, datetime.now(KST)).warnings
        assert any("did not run for" in w and "(missed: more than" in w for w in warnings)
    assert job_options(cfg)["misfire_grace_time"] == 4 * 3600


def test_last_fire_finds_the_latest_firing_in_the_window() -> None:
    trig = trigger_for(make_job("30 12 * * *"))
    now = datetime(2026, 12, 1, 13, 0, tzinfo=KST)
    assert last_fire(trig, now, 3600) == datetime(2026, 12, 1, 12, 30, tzinfo=KST)
    assert last_fire(trig, now, 600) is None


def test_missed_runs_coalesce_into_one(tmp_path: Path) -> None:
    """Three missed minutes of an every-minute cron job are one firing, queued once."""
    cfg = Config.model_validate({"output": {"dir": str(tmp_path / "_posts")}})
    queue, got = queue_stub()
    job = make_job("* * * * *")
    daemon = Daemon([job], cfg, queue)
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    try:
        add_jobs(sched, [job], daemon.fire, cfg)
        aps_job = sched.get_job("krnews-it")
        backlog = datetime.now(KST).replace(second=0, microsecond=0) - timedelta(minutes=3)
        aps_job.modify(next_run_time=backlog)
        assert len(aps_job._get_run_times(datetime.now(KST))) >= 3  # a real backlog
        sched.resume()
        wait_for(lambda: got)
        time.sleep(0.3)
    finally:
        sched.shutdown(wait=True)
    assert len(got) == 1


def test_adding_the_jobs_again_replaces_them() -> None:
    """A reload adds every job again: one per name, never a ConflictingIdError."""
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    try:
        for _ in range(2):
            add_jobs(sched, [make_job(name="a"), make_job(name="b")], print, Config())
        assert sorted(j.id for j in sched.get_jobs()) == ["a", "b"]
        assert sched.get_job("a").args[0].name == "a"  # the runner gets its own job
    finally:
        sched.shutdown(wait=False)


def test_log_times_are_kst_with_the_offset_shown() -> None:
    record = logging.LogRecord("newsbot.schedule", logging.INFO, "", 0, "hello", None, None)
    record.created = datetime(2026, 12, 1, 3, 30, tzinfo=KST).timestamp() + 9 * 3600
    line = KstFormatter("%(asctime)s %(message)s").format(record)
    assert line == "2026-12-01T12:30:00+09:00 hello"
