"""Article pages are fetched at most ``[digest] concurrency`` at a time."""

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
from tests.conftest import FAST_FETCH, serving
from tests.servers import digestsite
from tests.servers.digestsite import Story

STORIES = tuple(
    Story(
        n,
        f"AI 소식 {n}번",
        tuple(f"인공지능 관련 {n}번 기사의 {i}번째 문장입니다." for i in range(6)),
    )
    for n in range(1, 7)
)


class SlowSite:
    """Serves the list at once and each article page after a pause, counting overlap."""

    def __init__(self) -> None:
        self.inflight = 0
        self.peak = 0
        self.served: list[str] = []
        self.lock = threading.Lock()
        self.origin = ""


@pytest.fixture
def slow_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowSite]:
    monkeypatch.setattr(digestsite, "STORIES", STORIES)
    pages = {digestsite.article_path(s.n): digestsite.article_page(s) for s in STORIES}
    listing = digestsite.list_page()
    state = SlowSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            body = listing if path == digestsite.LIST_PATH else pages.get(path)
            if path in pages:
                with state.lock:
                    state.inflight += 1
                    state.peak = max(state.peak, state.inflight)
                    state.served.append(path)
                time.sleep(0.2)
                with state.lock:
                    state.inflight -= 1
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as origin:
        state.origin = origin
        yield state


def test_article_fetches_are_bounded(slow_site: SlowSite, tmp_path: Path) -> None:
    hosts = {h: slow_site.origin for h in ("news.naver.com", "n.news.naver.com")}
    cfg = config_mod.load(
        None,
        {"fetch": {"host_map": hosts, **FAST_FETCH}, "output": {"dir": str(tmp_path / "posts")}},
    )
    job = digestsite.naver_only_job()
    job = job.model_copy(update={"digest": job.digest.model_copy(update={"concurrency": 2})})
    report, posts = pipeline.run(
        [job], date(2026, 1, 3), config=cfg, now=datetime(2026, 1, 4, 8, 0, tzinfo=KST)
    )
    assert sorted(slow_site.served) == sorted(digestsite.article_path(s.n) for s in STORIES)
    assert slow_site.peak <= 2
    assert report.jobs[0].status == "written" and posts[0].text.count("\n## ") == 6
