"""``newsbot schedule``: an APScheduler 3.x daemon, one cron trigger per job.

Each job fires on its ``schedule`` (5-field cron, Asia/Seoul) and is put in the
daemon's run queue (``queue``): jobs due together share one run, a job due
while another runs waits for it, so the daemon never loses a job to its own
lock. A firing up to ``[schedule] catch_up`` late (the host slept, was busy)
still runs; one later than ``LATE_S`` runs only if its post is missing, and says
so. At start, a job whose time today has passed within ``catch_up`` and whose
post is missing runs once. Firings later than that are logged as missed. Job
files must name weekdays (``mon-fri``): ``CronTrigger.from_crontab`` counts 0
as Monday, cron as Sunday. Logs carry KST times with the offset shown.

APScheduler is imported here only, so other commands never pay for it.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.posts.files import post_name
from newsbot.schedule.queue import Due, RunQueue
from newsbot.schedule.runner import DaemonRunner, missed

log = logging.getLogger("newsbot.schedule")

TIMEZONE = "Asia/Seoul"
LATE_S = 15 * 60  # later than this, a firing is a catch-up: it runs only if its post is missing
# A suspended machine resumes its timers where they stopped (monotonic clocks do not count
# the sleep): a wake-up this often bounds how late a catch-up starts after the machine wakes.
TICK_S = 300
TICK_ID = "newsbot-wake-up"


def trigger_for(job: Job) -> Any:
    """The CronTrigger for ``job.schedule`` in Asia/Seoul."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(job.schedule, timezone=TIMEZONE)


def job_options(cfg: Config) -> dict[str, Any]:
    """One run for a backlog, never two of a job at once, late runs within the catch-up."""
    grace = max(int(cfg.schedule.catch_up), 1)  # APScheduler's default 1 s skips any hiccup
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": grace}


def add_jobs(scheduler: Any, jobs: list[Job], fire: Callable[[Job], None], cfg: Config) -> None:
    """Add one cron job per newsbot job to ``scheduler``; ``fire(job)`` runs at its time."""
    for job in jobs:
        scheduler.add_job(
            fire,
            trigger_for(job),
            args=[job],
            id=job.name,
            name=job.name,
            replace_existing=True,
            **job_options(cfg),
        )


def last_fire(trigger: Any, now: datetime, window: float) -> datetime | None:
    """The latest firing of ``trigger`` at or before ``now``, if within ``window`` seconds."""
    at = trigger.get_next_fire_time(None, now - timedelta(seconds=window))
    last = None
    while at is not None and at <= now:
        last = at
        at = trigger.get_next_fire_time(at, at + timedelta(seconds=1))
    return last


class Daemon:
    """Turns firings (on time, late, or missed while down) into queued runs, once each."""

    def __init__(self, jobs: list[Job], cfg: Config, queue: RunQueue) -> None:
        self.jobs = {job.name: job for job in jobs}
        self.cfg = cfg
        self.queue = queue
        self._lock = threading.Lock()
        self._covered: dict[str, datetime] = {}  # job → the latest firing already queued

    def fire(self, job: Job) -> None:
        """APScheduler calls this at ``job``'s time (or late, within the catch-up)."""
        now = datetime.now(KST)
        self.due(job, now, at=now)

    def catch_up(self, now: datetime) -> list[Due]:
        """At start: today's passed firings whose posts are missing, queued once."""
        found = [self.due(job, now, starting=True) for job in self.jobs.values()]
        return [d for d in found if d is not None]

    def due(
        self, job: Job, now: datetime, *, starting: bool = False, at: datetime | None = None
    ) -> Due | None:
        """Queue ``job``'s latest firing at or before ``now`` unless already queued (``at``:
        the time to assume when its trigger knows of none, i.e. a firing moved by hand)."""
        window = self.cfg.schedule.catch_up if starting else max(self.cfg.schedule.catch_up, LATE_S)
        fire = last_fire(trigger_for(job), now, window) or at
        with self._lock:
            if fire is None or self._covered.get(job.name, fire - timedelta(1)) >= fire:
                return None
            self._covered[job.name] = fire
        late = (now - fire).total_seconds()
        day = fire.astimezone(KST).date()
        why = ""
        if starting or late > LATE_S:
            if (self.cfg.output.dir / post_name(day, job.slug)).is_file():
                log.info("job %s: due %s, post for %s exists; not run", job.name, _at(fire), day)
                return None
            why = f"catching up: due {_at(fire)} ({_ago(late)} ago), no post for {day} yet"
        due = Due(job, day, fire, why)
        if not self.queue.put(due):
            log.info("job %s for %s is already waiting to run", job.name, day)
        return due

    def on_missed(self, event: Any) -> None:
        """EVENT_JOB_MISSED: a firing later than the catch-up allows (the host was down)."""
        job = self.jobs.get(event.job_id)
        if job is not None:
            fire = event.scheduled_run_time.astimezone(KST)
            why = f"more than {self.cfg.schedule.catch_up:g} s late ([schedule] catch_up)"
            missed(self.cfg, Due(job, fire.date(), fire), why)


class Stopper:
    """SIGTERM/SIGINT: stop firing, let the running batch finish; a second signal says so."""

    def __init__(self, scheduler: Any, queue: RunQueue) -> None:
        self.scheduler = scheduler
        self.queue = queue
        self.stopping = False

    def __call__(self, signum: int, _frame: object) -> None:
        running = ", ".join(d.job.name for d in self.queue.running) or "nothing"
        if self.stopping:
            log.info("signal %d again: still waiting for %s (kill -9 ends it)", signum, running)
            return
        self.stopping = True
        log.info("signal %d: stopping once the running job ends (running: %s)", signum, running)
        # Not from the handler itself: it may interrupt the main thread while that holds
        # the scheduler's wake-up lock, and shutdown() takes the same lock (a rare hang).
        threading.Thread(target=self._shutdown, name="newsbot-shutdown", daemon=True).start()

    def _shutdown(self) -> None:
        from apscheduler.schedulers import SchedulerNotRunningError

        for _ in range(100):  # a signal during start-up: wait for the scheduler to run
            try:
                self.scheduler.shutdown(wait=False)
                return
            except SchedulerNotRunningError:
                time.sleep(0.05)


class KstFormatter(logging.Formatter):
    """Log times in Seoul time with the offset shown, whatever the host's zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, KST).isoformat(timespec="seconds")


def setup_logging() -> None:
    """Log lines on stderr in KST, unless someone configured logging already."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # we log what happens,
    logging.getLogger("apscheduler.executors").setLevel(logging.ERROR)  # misses included
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(KstFormatter("%(asctime)s %(levelname)s %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def serve(jobs: list[Job], cfg: Config, *, publish: bool = False) -> int:
    """Run the daemon until SIGTERM or SIGINT; returns the exit code."""
    from apscheduler.events import EVENT_JOB_MISSED
    from apscheduler.schedulers.blocking import BlockingScheduler

    setup_logging()
    if any(job.style == "digest" for job in jobs):  # before the first run starts the forkserver
        from newsbot import readers

        readers.expect_article_text()
    queue = RunQueue(DaemonRunner(cfg, publish=publish), retry_s=cfg.schedule.busy_retry)
    daemon = Daemon(jobs, cfg, queue)
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    scheduler.add_listener(daemon.on_missed, EVENT_JOB_MISSED)
    add_jobs(scheduler, jobs, daemon.fire, cfg)
    scheduler.add_job(_wake_up, "interval", seconds=TICK_S, id=TICK_ID, misfire_grace_time=None)
    stopper = Stopper(scheduler, queue)
    signal.signal(signal.SIGTERM, stopper)
    signal.signal(signal.SIGINT, stopper)
    queue.start()
    now = datetime.now(KST)
    log.info("newsbot schedule: %d jobs, times in %s", len(jobs), TIMEZONE)
    for job in jobs:
        nxt = trigger_for(job).get_next_fire_time(None, now)
        log.info("job %s: %s, next %s", job.name, job.schedule, _at(nxt))
    daemon.catch_up(now)
    if not stopper.stopping:
        scheduler.start()  # returns after shutdown()
    for due in queue.stop():
        log.warning("job %s for %s was waiting and did not run", due.job.name, due.day)
    log.info("newsbot schedule stopped")
    return 0


def _wake_up() -> None:
    """The interval job that keeps the scheduler's sleeps short (see ``TICK_S``)."""


def _at(when: datetime) -> str:
    return when.astimezone(KST).isoformat(timespec="minutes")


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
