"""The daemon's runs: real runs on 127.0.0.1, its queue, its lock and its log lines."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
from newsbot.posts.files import post_name
from newsbot.schedule import (
    Daemon,
    add_jobs,
)
from newsbot.schedule.queue import Due, RunQueue
from newsbot.schedule.runner import DaemonRunner
from tests.schedule.helpers import make_job, wait_for
from tests.servers.naversection import Naver


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
    queue = RunQueue(spy, retry_s=cfg.schedule.busy_retry, settle_s=0.3)
    daemon = Daemon(jobs, cfg, queue)
    sched = BackgroundScheduler(timezone="Asia/Seoul")
    sched.start(paused=True)
    add_jobs(sched, jobs, daemon.fire, cfg)
    queue.start()
    return daemon, queue, spy, sched


def test_two_jobs_due_the_same_minute_share_one_run(naver: Naver, tmp_path: Path) -> None:
    """Both are due at once: one run writes both posts (no 'another newsbot run (pid <the
    daemon's own>) holds the lock'), and a third due while that run goes waits for it."""
    out = tmp_path / "_posts"
    yearly = "0 3 1 1 *"  # never due by itself while the test runs
    jobs = [make_job(yearly, "a-news"), make_job(yearly, "b-news"), make_job(yearly, "c-news")]
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
            time.sleep(1.0)

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
