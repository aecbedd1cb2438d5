"""Politeness holds across runs in one process: a backfill's next day, or the
daemon's next job, waits out the host delay left by the previous run when the
runs share a ``HostMemory``."""

from __future__ import annotations

import asyncio
import time

from newsbot.config import FetchConfig
from newsbot.fetch.client import Fetcher
from newsbot.fetch.hosts import HostMemory
from tests.conftest import PageServer

DELAY = 0.4


def one_run(config: FetchConfig, memory: HostMemory) -> float:
    """A run with its own Fetcher and event loop; returns when its request started."""

    async def go() -> float:
        async with Fetcher(config, memory=memory) as fetcher:
            start = time.monotonic()
            await fetcher.get("https://news.example/p", source="naver", obey_robots=False)
            return start

    return asyncio.run(go())


def test_the_next_run_waits_for_the_previous_runs_delay(page_server: PageServer) -> None:
    page_server.add("/p", "<html><body>" + "x" * 400 + "</body></html>")
    config = FetchConfig(host_delay=DELAY, host_map={"news.example": page_server.origin})
    shared = HostMemory()
    one_run(config, shared)
    served = []
    for _ in range(2):
        start = time.monotonic()
        one_run(config, shared)
        served.append(time.monotonic() - start)
    assert all(s >= DELAY * 0.95 for s in served), served  # spaced like one run's requests
    start = time.monotonic()
    one_run(config, HostMemory())  # a run that does not share the memory goes at once
    assert time.monotonic() - start < DELAY * 0.5
    assert len(page_server.log) == 4
