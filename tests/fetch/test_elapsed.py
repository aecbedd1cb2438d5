"""A source's ``elapsed_s`` is the wall time it took, not the sum of its parallel waits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsbot import pipeline
from newsbot.config import Config, FetchConfig, OutputConfig, StateConfig
from newsbot.jobs import load_jobs
from tests.servers.faults import FaultServer, respond, start_fault_server
from tests.servers.listpages import NOW, headline, naver_section, when

ARTICLES = 8  # on eight hosts, so their pages load four at a time (THUMBNAIL_CONCURRENCY)
DELAY = 1.0  # each article page takes this long


@pytest.fixture
def site() -> Iterator[FaultServer]:
    server, stop = start_fault_server()
    cards = [
        (f"https://a{n}.example.kr/art/{n}", headline("e", n), when("korean"))
        for n in range(ARTICLES)
    ]
    server.routes["/section/105"] = respond(200, naver_section(cards))
    page = respond(200, b'<html><head><meta property="og:image" content="/i.jpg"></head></html>')

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(DELAY)
        page(h)

    for n in range(ARTICLES):
        server.routes[f"/art/{n}"] = slow
    try:
        yield server
    finally:
        stop()


def test_elapsed_is_wall_time_when_pages_load_in_parallel(
    site: FaultServer, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "x"\nslug = "j"\nthumbnails = true\n[[sources]]\nname = "naver"\nsection = "105"\n'
    )
    hosts = ["news.naver.com", *(f"a{n}.example.kr" for n in range(ARTICLES))]
    cfg = Config(
        fetch=FetchConfig(host_delay=0.0, host_map=dict.fromkeys(hosts, site.origin)),
        output=OutputConfig(dir=tmp_path / "_posts", jobs_dir=jobs),
        state=StateConfig(path=tmp_path / "state.sqlite"),
    )
    start = time.monotonic()
    report, _ = pipeline.run(load_jobs(jobs), NOW.date(), config=cfg, now=NOW)
    took = time.monotonic() - start
    [src] = report.jobs[0].sources
    assert report.exit_code == 0
    assert (
        len(list((tmp_path / "_posts").glob("*.md"))) == 1
        and sum(1 for h in site.hits if "/art/" in h.path) == 8
    )
    waits = ARTICLES * DELAY  # what adding up each request's time would report
    assert ARTICLES / 4 * DELAY <= src.elapsed_s <= took < waits
