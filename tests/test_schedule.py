"""The scheduler with real APScheduler triggers and executors."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from newsbot.dates import KST
from newsbot.errors import JobError
from newsbot.jobs import Job
from newsbot.schedule import MISFIRE_GRACE_S, add_jobs, trigger_for


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


def wait_for(cond: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.02)


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


def started(jobs: list[Job], runner: object) -> BackgroundScheduler:
    """A paused scheduler in Seoul time with ``jobs`` added the way the daemon adds them."""
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    add_jobs(sched, jobs, runner)  # type: ignore[arg-type]
    return sched


@pytest.mark.parametrize(("late", "runs"), [(10, True), (20, False)])
def test_a_late_run_within_the_grace_still_runs(late: int, runs: bool) -> None:
    """A daily job due ``late`` minutes ago (the host was busy or asleep) runs if that is
    under the 15-minute grace; later it is skipped, and the miss is reported."""
    calls: list[str] = []
    missed: list[object] = []
    sched = started([make_job("30 12 * * *")], lambda job: calls.append(job.name))
    sched.add_listener(missed.append, EVENT_JOB_MISSED)
    try:
        due = datetime.now(KST) - timedelta(minutes=late)
        sched.get_job("krnews-it").modify(next_run_time=due)
        sched.resume()
        wait_for(lambda: calls or missed)
        time.sleep(0.2)
    finally:
        sched.shutdown(wait=True)
    assert (calls == ["krnews-it"], len(missed)) == (runs, 0 if runs else 1)
    assert MISFIRE_GRACE_S == 15 * 60


def test_adding_the_jobs_again_replaces_them() -> None:
    """A reload adds every job again: one per name, never a ConflictingIdError."""
    sched = started([make_job(name="a"), make_job(name="b")], print)
    try:
        add_jobs(sched, [make_job(name="a"), make_job(name="b")], print)
        assert sorted(j.id for j in sched.get_jobs()) == ["a", "b"]
        assert sched.get_job("a").args[0].name == "a"  # the runner gets its own job
    finally:
        sched.shutdown(wait=False)


def test_missed_runs_coalesce_into_one() -> None:
    """Three missed minutes of an every-minute cron job run once, not three times."""
    calls: list[str] = []
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    try:
        add_jobs(sched, [make_job("* * * * *")], lambda job: calls.append(job.name))
        aps_job = sched.get_job("krnews-it")
        backlog_start = datetime.now(KST).replace(second=0, microsecond=0) - timedelta(minutes=3)
        aps_job.modify(next_run_time=backlog_start)
        assert len(aps_job._get_run_times(datetime.now(KST))) >= 3  # a real backlog
        minute = datetime.now(KST).replace(second=0, microsecond=0)
        sched.resume()
        wait_for(lambda: calls)
        time.sleep(0.5)
        # one run for the whole backlog (plus the new minute's own, if one began meanwhile)
        crossed = datetime.now(KST).replace(second=0, microsecond=0) > minute
        assert calls == ["krnews-it"] * (len(calls) if crossed and len(calls) <= 2 else 1)
        assert sched.get_job("krnews-it").next_run_time > datetime.now(KST)
    finally:
        sched.shutdown(wait=True)


def test_max_instances_prevents_overlap() -> None:
    """A run slower than the interval is never overlapped; the extra firing is dropped."""
    running = 0
    peak = 0
    runs = 0
    skipped: list[object] = []
    lock = threading.Lock()

    def slow() -> None:
        nonlocal running, peak, runs
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(1.0)
        with lock:
            running -= 1
            runs += 1

    sched = started([make_job()], lambda job: slow())
    sched.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
    try:
        job = sched.get_job("krnews-it")
        job.modify(next_run_time=datetime.now(KST))
        sched.resume()
        wait_for(lambda: running)
        job.modify(next_run_time=datetime.now(KST))  # due again while the first still runs
        sched.wakeup()
        wait_for(lambda: skipped and runs, timeout=6)
    finally:
        sched.shutdown(wait=True)
    assert peak == 1
    assert runs == 1
    assert skipped, "a firing during a run should have been refused (max_instances)"


def test_error_listener_logs_the_report(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing scheduled run raises with its report; the listener logs both."""
    from apscheduler.events import EVENT_JOB_ERROR

    from newsbot import pipeline
    from newsbot.config import Config
    from newsbot.models import JobResult, RunReport
    from newsbot.schedule import make_runner, on_job_error

    def fake_run(jobs: list[Job], day: object, **kw: object) -> tuple[RunReport, list[object]]:
        result = JobResult(
            job=jobs[0].name,
            day=datetime.now(KST).date(),
            status="skipped",
            message="not written: naver (unreachable) failed",
        )
        return RunReport(started_at=datetime.now(KST), jobs=[result]), []

    monkeypatch.setattr(pipeline, "run", fake_run)
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.add_listener(on_job_error, EVENT_JOB_ERROR)
    sched.start(paused=True)
    try:
        add_jobs(sched, [make_job()], make_runner(Config(), publish=False))
        sched.get_job("krnews-it").modify(next_run_time=datetime.now(KST))
        with caplog.at_level("ERROR", logger="newsbot.schedule"):
            sched.resume()
            wait_for(lambda: any("failed" in r.getMessage() for r in caplog.records))
    finally:
        sched.shutdown(wait=True)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "newsbot.schedule")
    assert "scheduled job krnews-it" in text
    assert "run exited 2" in text and "naver (unreachable)" in text
