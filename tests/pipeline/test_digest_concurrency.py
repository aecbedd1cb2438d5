"""Article pages are fetched at most ``[digest] concurrency`` at a time.

The four sites' article pages live on four hosts, so per-host politeness (one
request at a time per host) lets up to four overlap: only the digest's own bound
can hold them to fewer. Each article page answers after a pause and the server
counts how many are in flight.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsbot import config as config_mod
from newsbot import pipeline
from newsbot.dates import KST
from newsbot.jobs import load_job
from tests.conftest import FAST_FETCH, ROOT, PageServer, serving
from tests.servers import digestsite, digestsites4

LISTS = {digestsite.LIST_PATH, "/api/roll/get", "/recent", "/04.xml"}
PAUSE = 0.3


class SlowArticles:
    """The four sites, every article page answered after ``PAUSE``; counts the overlap."""

    def __init__(self) -> None:
        self.pages = PageServer()
        self.inflight = 0
        self.peak = 0
        self.served: list[str] = []
        self.lock = threading.Lock()
        self.origin = ""


@pytest.fixture
def slow() -> Iterator[SlowArticles]:
    state = SlowArticles()
    digestsite.serve(state.pages)
    digestsites4.serve(state.pages)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            route = state.pages.routes.get(path)
            article = route is not None and path not in LISTS
            if article:
                with state.lock:
                    state.inflight += 1
                    state.peak = max(state.peak, state.inflight)
                    state.served.append(path)
                time.sleep(PAUSE)
                with state.lock:
                    state.inflight -= 1
            body = route.body if route else b"not found"
            self.send_response(route.status if route else 404)
            for key, value in (route.headers if route else {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as origin:
        state.origin = origin
        yield state


def run_digest(slow: SlowArticles, tmp_path: Path, concurrency: int) -> int:
    """ai-news over the four sites with ``concurrency``; returns the entries written."""
    hosts = {h: slow.origin for h in (*digestsites4.HOSTS, "news.naver.com", "n.news.naver.com")}
    cfg = config_mod.load(
        None,
        {
            "fetch": {"host_map": hosts, **FAST_FETCH},
            "output": {"dir": str(tmp_path / f"posts-{concurrency}")},
        },
    )
    job = load_job(ROOT / "jobs" / "ai-news.toml")
    options = job.digest.model_copy(update={"concurrency": concurrency, "max_articles": 12})
    job = job.model_copy(update={"digest": options})
    report, posts = pipeline.run(
        [job], date(2026, 1, 3), config=cfg, now=datetime(2026, 1, 4, 8, 0, tzinfo=KST)
    )
    assert report.jobs[0].status == "written", report.to_json()
    return posts[0].text.count("\n## ")


@pytest.mark.parametrize("concurrency", [1, 2, 3])
def test_article_fetches_are_bounded_by_the_jobs_concurrency(
    slow: SlowArticles, tmp_path: Path, concurrency: int
) -> None:
    entries = run_digest(slow, tmp_path, concurrency)
    assert entries >= 6 and len(set(slow.served)) == len(slow.served) >= 9
    assert slow.peak == concurrency  # never more, and the bound is actually reached


def test_without_a_tight_bound_pages_on_different_hosts_overlap(
    slow: SlowArticles, tmp_path: Path
) -> None:
    run_digest(slow, tmp_path, 16)
    assert slow.peak == 4  # one per host: politeness, not the digest, is the limit now
