"""The daemon's runs, one at a time: jobs due together share one run, later ones wait.

APScheduler's own threads only put due jobs here, so two jobs due the same
minute, or one due while another runs, never race for the output directory's
lock: a single worker takes everything waiting for one day (once nothing new
came for ``SETTLE_S``) and runs it as one run (one fetcher, one commit). A
batch the runner hands back (another process held the lock) waits ``retry_s``
and goes again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from newsbot.jobs import Job

log = logging.getLogger("newsbot.schedule")

SETTLE_S = 1.0  # jobs put within this of each other (due the same minute) share one run


@dataclass(frozen=True)
class Due:
    """One job due to run for one day, and why it runs now."""

    job: Job
    day: date
    fire: datetime  # the cron firing it stands for (KST)
    why: str = ""  # said in the log when not a plain on-time firing


Runner = Callable[[list[Due]], list[Due]]  # runs a batch; returns the ones to try again


class RunQueue:
    """A worker thread that runs what is put here, a day's batch at a time."""

    def __init__(
        self,
        run: Runner,
        *,
        retry_s: float,
        settle_s: float = SETTLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self._retry_s = retry_s
        self._settle_s = settle_s
        self._clock = clock
        self._cv = threading.Condition()
        self._waiting: list[Due] = []
        self._later: list[tuple[float, Due]] = []  # (clock time to try again, due)
        self._running: list[Due] = []
        self._stopping = False
        self._last_put = 0.0
        self._thread = threading.Thread(target=self._work, name="newsbot-runs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _settled(self, now: float) -> bool:
        """Whether the newest waiting job came ``settle_s`` ago (others due with it are in)."""
        return now - self._last_put >= self._settle_s

    def put(self, due: Due) -> bool:
        """Queue ``due``; False when the same job and day is already waiting (or stopping)."""
        with self._cv:
            queued = [d for d in self._waiting if (d.job.name, d.day) == (due.job.name, due.day)]
            if self._stopping or queued:
                return False
            self._waiting.append(due)
            self._last_put = self._clock()
            self._cv.notify_all()
            return True

    @property
    def running(self) -> list[Due]:
        with self._cv:
            return list(self._running)

    def idle(self) -> bool:
        """Nothing running, waiting or due to be tried again."""
        with self._cv:
            return not (self._running or self._waiting or self._later)

    def stop(self, timeout: float | None = None) -> list[Due]:
        """Let the running batch finish; returns what was still waiting (not run)."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        with self._cv:
            return [*self._waiting, *(d for _, d in self._later)]

    def _work(self) -> None:
        while (batch := self._take()) is not None:
            again: list[Due] = []
            try:
                again = self._run(batch)
            except Exception:  # a bug in a run must not end the daemon
                log.exception("run of %s failed unexpectedly", ", ".join(d.job.name for d in batch))
            with self._cv:
                self._running = []
                at = self._clock() + self._retry_s
                self._later += [(at, d) for d in again]

    def _take(self) -> list[Due] | None:
        with self._cv:
            while not self._stopping:
                now = self._clock()
                for due in [d for at, d in self._later if at <= now]:
                    if all((d.job.name, d.day) != (due.job.name, due.day) for d in self._waiting):
                        self._waiting.append(due)
                self._later = [(at, d) for at, d in self._later if at > now]
                if self._waiting and not self._settled(now):
                    self._cv.wait(self._settle_s)
                    continue
                if self._waiting:
                    day = self._waiting[0].day
                    batch = [d for d in self._waiting if d.day == day]
                    self._waiting = [d for d in self._waiting if d.day != day]
                    self._running = batch
                    return batch
                wait = min((at for at, _ in self._later), default=now + 3600) - now
                self._cv.wait(max(wait, 0.01))
        return None
