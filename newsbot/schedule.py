"""``newsbot schedule``: an APScheduler 3.x daemon, one cron trigger per job.

Each job fires on its ``schedule`` (5-field cron, Asia/Seoul). ``coalesce``
folds a backlog of missed runs (the host slept, the process was stopped) into
one run; ``max_instances=1`` means a slow run is never overlapped by the next;
a run that starts more than ``MISFIRE_GRACE_S`` late is skipped and logged
rather than posting at a surprising time. Job files must name weekdays
(``mon-fri``): ``CronTrigger.from_crontab`` counts 0 as Monday, cron as Sunday.

APScheduler is imported here only, so other commands never pay for it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from newsbot.config import Config
from newsbot.errors import JobRunFailed
from newsbot.fetch.hosts import HostMemory
from newsbot.jobs import Job

log = logging.getLogger("newsbot.schedule")

TIMEZONE = "Asia/Seoul"
MISFIRE_GRACE_S = 15 * 60  # APScheduler's default is 1 s: any hiccup would skip the day
JOB_OPTIONS: dict[str, Any] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": MISFIRE_GRACE_S,
    "replace_existing": True,
}

Runner = Callable[[Job], None]


def trigger_for(job: Job) -> Any:
    """The CronTrigger for ``job.schedule`` in Asia/Seoul."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(job.schedule, timezone=TIMEZONE)


def add_jobs(scheduler: Any, jobs: list[Job], runner: Runner) -> None:
    """Add one cron job per newsbot job to ``scheduler`` with the safe options."""
    for job in jobs:
        scheduler.add_job(
            runner, trigger_for(job), args=[job], id=job.name, name=job.name, **JOB_OPTIONS
        )


def on_job_error(event: Any) -> None:
    """EVENT_JOB_ERROR listener: log which job failed and why (with the report)."""
    log.error(
        "scheduled job %s (due %s) failed: %s",
        event.job_id,
        event.scheduled_run_time,
        event.exception,
    )


def on_job_missed(event: Any) -> None:
    log.warning(
        "scheduled job %s missed its %s run (more than %d s late)",
        event.job_id,
        event.scheduled_run_time,
        MISFIRE_GRACE_S,
    )


def make_runner(cfg: Config, *, publish: bool) -> Runner:
    """A runner that does what ``newsbot run --job NAME [--publish]`` does."""
    from newsbot import app

    hosts = HostMemory()  # politeness carries over from one job's run to the next

    def run_job(job: Job) -> None:
        result = app.run_day(
            [job],
            None,
            net=app.network(cfg),
            publishing=publish or cfg.publish.enabled,
            hosts=hosts,
        )
        if result.published is not None:
            res = result.published
            log.info("job %s: publish %s %s", job.name, res.status, res.commit[:12])
        code = result.exit_code
        if code != 0:
            raise JobRunFailed(f"run exited {code}; report:\n{result.report.to_json()}")
        log.info("job %s: ok", job.name)

    return run_job


def serve(jobs: list[Job], cfg: Config, *, publish: bool = False) -> int:
    """Run the blocking scheduler until SIGTERM or SIGINT; returns the exit code."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
    from apscheduler.schedulers.blocking import BlockingScheduler

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    scheduler.add_listener(on_job_error, EVENT_JOB_ERROR)
    scheduler.add_listener(on_job_missed, EVENT_JOB_MISSED)
    add_jobs(scheduler, jobs, make_runner(cfg, publish=publish))

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %d: shutting down after running jobs finish", signum)
        # Not from the handler itself: it may interrupt the main thread while that holds
        # the scheduler's wake-up lock, and shutdown() takes the same lock (a rare hang).
        threading.Thread(target=scheduler.shutdown, name="newsbot-shutdown").start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for job in scheduler.get_jobs():
        log.info("job %s: %s %s", job.id, job.trigger, job.trigger.timezone)
    scheduler.start()  # returns after shutdown()
    return 0
