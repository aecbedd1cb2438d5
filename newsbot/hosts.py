"""Per-host politeness and circuit breaking for one run.

Each host gets one request at a time, and request starts are spaced by the
configured delay (randomised x0.5-1.5, as Scrapy does) or by robots.txt's
``Crawl-delay``, whichever is longer. After ``breaker_failures`` failed attempts
in a row, or a ``Retry-After`` too long to wait, the host is stopped for the run.

Spacing also holds across runs in one process (a backfill's days, the schedule
daemon's jobs): the last request start per host is kept in ``RECENT_STARTS``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsbot.errors import FetchError

Sleep = Callable[[float], Awaitable[None]]

# host -> time.monotonic() of the last request start, for every run in this process
RECENT_STARTS: dict[str, float] = {}


def host_key(url: str) -> str:
    """``host`` or ``host:port``: what politeness and the breaker count by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    last_start: float = 0.0
    crawl_delay: float = 0.0
    failures: int = 0
    stopped: tuple[str, str] | None = None  # (status, why)


class Hosts:
    """Politeness slots and breaker state, keyed by ``host[:port]``."""

    def __init__(
        self,
        delay: float,
        breaker: int,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        recent: dict[str, float] | None = None,
    ) -> None:
        self.delay = delay
        self._recent = recent  # shared last starts (same clock), or None for this run only
        self.breaker = breaker
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def _get(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
            if self._recent is not None and host in self._recent:
                state.last_start = self._recent[host]  # an earlier run's request
                state.next_start = state.last_start + self.delay
        return state

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        """Space ``host``'s requests by ``seconds`` from now on, counting from the last start."""
        state = self._get(host)
        state.crawl_delay = seconds
        state.next_start = max(state.next_start, state.last_start + seconds)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold ``host``'s only connection; starts no sooner than its delay allows."""
        state = self._get(host)
        async with state.lock:
            wait = state.next_start - self._clock()
            if wait > 0:
                await self._sleep(wait)
            gap = max(self.delay * random.uniform(0.5, 1.5), state.crawl_delay)
            state.last_start = self._clock()
            state.next_start = state.last_start + gap
            if self._recent is not None:
                self._recent[host] = state.last_start
            yield

    def check(self, host: str, source: str, url: str) -> None:
        """Fail fast, with the status that stopped it, when ``host`` was given up."""
        stopped = self._get(host).stopped
        if stopped is not None:
            raise FetchError(
                source, url, f"{host} stopped for this run: {stopped[1]}", status=stopped[0]
            )

    def succeeded(self, host: str) -> None:
        self._get(host).failures = 0

    def failed(self, host: str, error: FetchError) -> None:
        """Count a failed attempt; the breaker-th in a row stops the host."""
        state = self._get(host)
        state.failures += 1
        if state.failures >= self.breaker:
            self.stop(host, error, f"{state.failures} failed attempts in a row")

    def stop(self, host: str, error: FetchError, why: str) -> None:
        """Give ``host`` up for the rest of the run, failing later requests as ``error`` did."""
        self._get(host).stopped = (error.status, f"{why}; last: {error.message}")

    def is_stopped(self, host: str) -> bool:
        return self._get(host).stopped is not None
