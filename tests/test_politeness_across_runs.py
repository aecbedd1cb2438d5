"""Politeness holds across runs in one process: a backfill's next day, or the
daemon's next job, waits out the host delay left by the previous run."""

from __future__ import annotations

import asyncio
import time

from newsbot import hosts
from newsbot.config import FetchConfig
from newsbot.fetch import Fetcher
from tests.conftest import PageServer

DELAY = 0.4


def one_run(config: FetchConfig) -> float:
    """A run with its own Fetcher and event loop; returns when its request started."""

    async def go() -> float:
        async with Fetcher(config) as fetcher:
            start = time.monotonic()
            await fetcher.get("https://news.example/p", source="naver", obey_robots=False)
            return start

    return asyncio.run(go())


def test_the_next_run_waits_for_the_previous_runs_delay(page_server: PageServer) -> None:
    page_server.add("/p", "<html><body>" + "x" * 400 + "</body></html>")
    config = FetchConfig(host_delay=DELAY, host_map={"news.example": page_server.origin})
    hosts.RECENT_STARTS.clear()
    one_run(config)
    served = []
    for _ in range(2):
        start = time.monotonic()
        one_run(config)
        served.append(time.monotonic() - start)
    assert all(s >= DELAY * 0.95 for s in served), served  # spaced like one run's requests
    hosts.RECENT_STARTS.clear()  # forgetting the last start lets the next run go at once
    start = time.monotonic()
    one_run(config)
    assert time.monotonic() - start < DELAY * 0.5
    assert len(page_server.log) == 4
