"""The daemon with real APScheduler triggers, its run queue and real runs on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import JobError
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
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
from newsbot.schedule.runner import DaemonRunner
from tests.conftest import PAGES, Loopback

SECTION = (PAGES / "naver" / "section_105_headline_lazy_blind_dup.html").read_bytes()


def make_job(schedule: str = "* * * * *", name: str = "krnews-it") -> Job:
    return Job.model_validate(
        {
            "name": name,
            "title": "{date:%Y.%m.%d} news",
            "slug": name,
            "schedule": schedule,
            "sources": [{"name": "naver", "section": "105"}],
        }
    )


def wait_for(cond: object, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.02)


class Naver:
    """Naver's IT section on 127.0.0.1; each response waits ``delay`` seconds."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.requests = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests += 1
                time.sleep(site.delay)
                found = self.path.split("?")[0] == "/section/105"
                body = SECTION if found else b"not found"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.loop = Loopback(Handler)


@pytest.fixture
def naver() -> Iterator[Naver]:
    site = Naver()
    yield site
    site.loop.close()


def config(naver: Naver, out: Path, **schedule: float) -> Config:
    return Config.model_validate(
        {
            "fetch": {"host_delay": 0.0, "host_map": {"news.naver.com": naver.loop.origin}},
            "output": {"dir": str(out), "jobs_dir": str(out.parent / "no-jobs")},
            "schedule": schedule,
        }
    )


class Spy(DaemonRunner):
    """The daemon's runner, remembering each batch it ran."""

    def __init__(self, cfg: Config) -> None:
        super().__init__(cfg, publish=False)
        self.batches: list[list[str]] = []

    def __call__(self, batch: list[Due]) -> list[Due]:
        self.batches.append([d.job.name for d in batch])
        return super().__call__(batch)


def daemon_with(cfg: Config, jobs: list[Job]) -> tuple[Daemon, RunQueue, Spy, BackgroundScheduler]:
    spy = Spy(cfg)
    queue = RunQueue(spy, retry_s=cfg.schedule.busy_retry)
    daemon = Daemon(jobs, cfg, queue)
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    add_jobs(sched, jobs, daemon.fire, cfg)
    queue.start()
    return daemon, queue, spy, sched


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


def test_two_jobs_due_the_same_minute_share_one_run(naver: Naver, tmp_path: Path) -> None:
    """Both are due at once: one run writes both posts (no 'another newsbot run (pid <the
    daemon's own>) holds the lock'), and a third due while that run goes waits for it."""
    out = tmp_path / "_posts"
    jobs = [make_job(name="a-news"), make_job(name="b-news"), make_job(name="c-news")]
    daemon, queue, spy, sched = daemon_with(config(naver, out), jobs)
    naver.delay = 0.5
    try:
        now = datetime.now(KST)
        for name in ("a-news", "b-news"):
            sched.get_job(name).modify(next_run_time=now)
        sched.resume()
        wait_for(lambda: queue.running)
        daemon.fire(jobs[2])  # due while the first run is still fetching
        wait_for(lambda: queue.idle() and len(spy.batches) == 2)
    finally:
        sched.shutdown(wait=True)
        queue.stop()
    assert sorted(spy.batches[0]) == ["a-news", "b-news"] and spy.batches[1] == ["c-news"]
    today = datetime.now(KST).date()
    assert all((out / post_name(today, j.slug)).is_file() for j in jobs)


def test_a_lock_held_by_another_process_is_waited_for(
    naver: Naver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "_posts"
    job = make_job(name="a-news")
    daemon, queue, spy, sched = daemon_with(config(naver, out, busy_retry=0.2), [job])
    holder = threading.Event()

    def other_process() -> None:  # flock is per open file: this fd is a stranger's lock
        with run_lock(lock_path(out)):
            holder.set()
            time.sleep(0.7)

    thread = threading.Thread(target=other_process)
    thread.start()
    holder.wait()
    try:
        with caplog.at_level(logging.INFO, logger="newsbot.schedule"):
            daemon.fire(job)
            wait_for(lambda: (out / post_name(datetime.now(KST).date(), "a-news")).is_file())
    finally:
        thread.join()
        sched.shutdown(wait=True)
        queue.stop()
    assert len(spy.batches) >= 2  # refused, then run
    assert any("trying again in 0.2 s" in r.getMessage() for r in caplog.records)


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
    job = make_job("30 12 * * *")
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


def test_a_run_logs_one_line_and_a_failure_its_summary_once(
    naver: Naver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "_posts"
    runner = DaemonRunner(config(naver, out), publish=False)
    now = datetime.now(KST)
    good = Due(make_job(name="a-news"), now.date(), now)
    broken = make_job(name="b-news")
    with caplog.at_level(logging.INFO):
        assert runner([good]) == []
    ours = [r for r in caplog.records if r.name.startswith("newsbot")]
    assert len(ours) == 1 and ours[0].levelname == "INFO"
    assert ours[0].getMessage().startswith(f"ran a-news for {now.date()} in ")
    caplog.clear()
    naver.loop.close()  # the site goes away
    with caplog.at_level(logging.INFO):
        runner([Due(broken, now.date(), now)])
    ours = [r for r in caplog.records if r.name.startswith("newsbot")]
    assert len(ours) == 1 and ours[0].levelname == "WARNING", [r.getMessage() for r in ours]
    text = ours[0].getMessage()
    assert "exit 1" in text and text.count("naver 105: unreachable") == 1


def test_log_times_are_kst_with_the_offset_shown() -> None:
    record = logging.LogRecord("newsbot.schedule", logging.INFO, "", 0, "hello", None, None)
    record.created = datetime(2026, 12, 1, 3, 30, tzinfo=KST).timestamp() + 9 * 3600
    line = KstFormatter("%(asctime)s %(message)s").format(record)
    assert line == "2026-12-01T12:30:00+09:00 hello"
