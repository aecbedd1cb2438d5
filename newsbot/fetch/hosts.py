"""Per-host politeness: one request at a time, request starts spaced by a delay.

The delay is the configured one (randomised x0.5-1.5, as Scrapy does) or
robots.txt's ``Crawl-delay``, whichever is longer. Spacing also holds across
runs in one process (a backfill's days, the daemon's jobs) when they share a
``HostMemory``: the last request start per host.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Sleep = Callable[[float], Awaitable[None]]


def host_key(url: str) -> str:
    """``host`` or ``host:port``: what politeness and the breaker count by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


class HostMemory:
    """The last request start per host (``time.monotonic``), shared by runs in one process."""

    def __init__(self) -> None:
        self._starts: dict[str, float] = {}

    def last_start(self, host: str) -> float | None:
        return self._starts.get(host)

    def started(self, host: str, when: float) -> None:
        self._starts[host] = when


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    last_start: float = 0.0
    crawl_delay: float = 0.0


class Hosts:
    """Politeness slots keyed by ``host[:port]``."""

    def __init__(
        self,
        delay: float,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        memory: HostMemory | None = None,
    ) -> None:
        self.delay = delay
        self._memory = memory  # same clock as ``clock``, or None for this run only
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def _get(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
            earlier = self._memory.last_start(host) if self._memory else None
            if earlier is not None:  # an earlier run's request
                state.last_start = earlier
                state.next_start = earlier + self.delay
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
            pause = state.next_start - self._clock()
            if pause > 0:
                await self._sleep(pause)
            gap = max(self.delay * random.uniform(0.5, 1.5), state.crawl_delay)
            state.last_start = self._clock()
            state.next_start = state.last_start + gap
            if self._memory is not None:
                self._memory.started(host, state.last_start)
            yield
