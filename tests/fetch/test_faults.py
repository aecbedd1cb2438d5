"""The fault catalogue (RELIABILITY.md §3, §4) end to end on 127.0.0.1.

Two jobs run together: ``krnews-it`` reads Naver from a healthy server, and
``twin-it`` reads the same kind of page through a second source, ``twin``, whose
host is mapped to a server that misbehaves. Every test checks that the healthy
post is exactly its golden file, that nothing else was written, that the twin's
status names the fault and that the run ends in bounded time. Durations are
scaled down through ``[fetch]``; each test is named after its catalogue id.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import socket
import subprocess
import sys
import time
import tracemalloc
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from newsbot import cli, pipeline, sources
from newsbot.config import Config, FetchConfig, OutputConfig, SourceConfig, StateConfig
from newsbot.dates import KST
from newsbot.fetch.client import Fetcher
from newsbot.fetch.policy import STATUSES
from newsbot.jobs import load_jobs
from newsbot.models import RunReport
from newsbot.sources import naver
from tests.cli.test_sources import DAY as CLI_DAY
from tests.cli.test_sources import HOSTS, JOBS, MIXED, WRITTEN, serve_all_sites
from tests.conftest import GOLDEN, PAGES, ROOT, PageServer
from tests.servers.faults import (
    FaultServer,
    SilentServer,
    bomb,
    drip,
    free_port,
    hang_after,
    head,
    raw,
    respond,
    sequence,
    start_fault_server,
    stream_bytes,
)
from tests.servers.pagegen import archive_page, article_url

DAY = date(2025, 2, 4)
NOW = datetime(2025, 2, 5, 9, 0, tzinfo=KST)
ARCHIVE = "/breakingnews/section/105/230"
PAGE = (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes()
GOLDEN_POST = GOLDEN / "2025-02-04-krnews-it-20250204.md"
TWIN_POST = "2025-02-04-twin-it-20250204.md"
TWIN_HOST = "news.twin.test"
VOCABULARY = set(STATUSES)
# RELIABILITY.md §1.4, scaled: connect/read 0.3 s, deadline 1 s, backoff 0.1+0.2 s at most.
SCALED: dict[str, Any] = {
    "connect_timeout": 0.3,
    "read_timeout": 0.3,
    "deadline": 1.0,
    "backoff": 0.1,
    "host_delay": 0.0,
    "source_budget": 8.0,
    "run_budget": 30.0,
}
BOUND = 1.0 * 3 + 0.3 + 1  # figure 5: deadline x attempts + backoff + 1 s
GOOD = respond(200, PAGE)
PIPELINE_OVERHEAD = 2 * 2**20  # two whole healthy runs peak at 1.5 MiB traced (measured)
SKEW = 0.95  # the client spaces request starts; the server sees heads a few ms apart from that


def twin_source(subs: tuple[str, ...] = ("230",), query: str = "") -> Any:
    """Naver's parser behind another host: a second, independent source."""
    twin = types.SimpleNamespace(
        **{
            k: getattr(naver, k)
            for k in (
                "LABEL",
                "SELECTORS",
                "DEFAULTS",
                "CONTENT_TYPES",
                "HEADERS",
                "Options",
                "ARTICLE",
                "fallback_urls",
                "parse",
                "article_id",
                "canonical_url",
                "notes",
            )
        }
    )
    twin.NAME = "twin"

    def urls(req: Any) -> list[str]:
        base = naver.urls(req)[0].replace("news.naver.com", TWIN_HOST) + query
        return [base.replace("/230?", f"/{sub}?") for sub in subs]

    twin.urls = urls
    return twin


@dataclass
class World:
    healthy: FaultServer
    faulty: FaultServer
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def posts(self) -> Path:
        return self.tmp / "_posts"

    def twin(self, **kwargs: Any) -> None:
        self.monkeypatch.setattr(
            sources,
            "SOURCES",
            types.MappingProxyType({**sources.SOURCES, "twin": twin_source(**kwargs)}),
        )

    def run(
        self, twin_origin: str | None = None, *, twin_robots: bool = False, **fetch: Any
    ) -> tuple[RunReport, float]:
        host_map = {
            "news.naver.com": self.healthy.origin,
            TWIN_HOST: twin_origin or self.faulty.origin,
        }
        cfg = Config(
            fetch=FetchConfig(**(SCALED | {"host_map": host_map} | fetch)),
            output=OutputConfig(dir=self.posts, jobs_dir=self.tmp / "jobs"),
            state=StateConfig(path=self.tmp / "state.sqlite"),
            sources={"twin": SourceConfig(obey_robots=True)} if twin_robots else {},
        )
        start = time.monotonic()
        report, _ = pipeline.run(load_jobs(self.tmp / "jobs"), DAY, config=cfg, now=NOW)
        return report, time.monotonic() - start

    def source(self, report: RunReport, job: str = "twin-it") -> Any:
        [result] = next(j for j in report.jobs if j.job == job).sources
        return result


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    healthy, stop_healthy = start_fault_server()
    faulty, stop_faulty = start_fault_server()
    healthy.routes[ARCHIVE] = GOOD
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    job = (ROOT / "jobs" / "krnews-it.toml").read_text(encoding="utf-8")
    (jobs / "krnews-it.toml").write_text(job, encoding="utf-8")
    twin = job.replace('slug = "krnews-it"', 'slug = "twin-it"').replace(
        'name = "naver"', 'name = "twin"'
    )
    (jobs / "twin-it.toml").write_text(twin, encoding="utf-8")
    w = World(healthy, faulty, tmp_path, monkeypatch)
    w.twin()
    try:
        yield w
    finally:
        stop_faulty()
        stop_healthy()


def assert_partial(
    w: World, report: RunReport, status: str, elapsed: float, bound: float = BOUND
) -> Any:
    """The §3 survival test: exit 2, golden healthy post only, the fault named, in time."""
    twin = w.source(report)
    assert twin.status == status, twin.message
    assert all(s.status in VOCABULARY for j in report.jobs for s in j.sources)
    assert report.exit_code == 2
    healthy = next(j for j in report.jobs if j.job == "krnews-it")
    assert healthy.status == "written" and w.source(report, "krnews-it").status == "ok"
    assert sorted(p.name for p in w.posts.iterdir()) == [GOLDEN_POST.name]  # no temp, no twin
    assert (w.posts / GOLDEN_POST.name).read_bytes() == GOLDEN_POST.read_bytes()
    assert twin.message and twin.items_new == 0
    assert elapsed < bound, f"run took {elapsed:.1f}s"
    json.loads(report.to_json())  # the report serialises
    return twin


def assert_all_ok(w: World, report: RunReport) -> None:
    assert report.exit_code == 0, [
        (s.source, s.status, s.message) for j in report.jobs for s in j.sources
    ]
    golden = GOLDEN_POST.read_bytes()
    assert (w.posts / GOLDEN_POST.name).read_bytes() == golden
    assert (w.posts / TWIN_POST).read_bytes() == golden  # same page, same post


# ---- 3.1 network and HTTP -----------------------------------------------------------------


def test_F01_connection_refused_is_unreachable_after_3_attempts(world: World) -> None:
    port = free_port()
    report, took = world.run(f"http://127.0.0.1:{port}")
    twin = assert_partial(world, report, "unreachable", took)
    assert twin.attempts == 3 and twin.retries == 2
    assert "ConnectError" in twin.message and TWIN_HOST in twin.message


def test_F01_refused_while_fetching_robots_txt_is_still_unreachable(world: World) -> None:
    """robots.txt comes first; a host that is down is reported as down, not as forbidding."""
    report, took = world.run(f"http://127.0.0.1:{free_port()}", twin_robots=True)
    twin = assert_partial(world, report, "unreachable", took)
    assert twin.attempts == 3 and "robots.txt" in twin.message
    assert f"nothing is fetched from {TWIN_HOST} (" in twin.message  # the host it stops, named


def test_F02_dns_failure_is_dns_error(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "a.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    report, took = world.run("http://a.invalid:80")
    twin = assert_partial(world, report, "dns_error", took)
    assert 1 <= twin.attempts <= 3


def test_F03_server_that_never_answers_times_out_within_budget(world: World) -> None:
    silent = SilentServer()
    try:
        report, took = world.run(silent.origin)
    finally:
        silent.close()
    twin = assert_partial(world, report, "timeout", took)
    assert twin.attempts == 3 and twin.elapsed_s <= BOUND
    assert "ReadTimeout" in twin.message


def test_F04_slow_drip_is_cut_by_the_total_deadline(world: World) -> None:
    world.faulty.routes[ARCHIVE] = drip(0.2, world.faulty)  # each byte beats the 0.3 s read timeout
    report, took = world.run()
    twin = assert_partial(world, report, "timeout", took)
    assert "deadline" in twin.message and twin.attempts == 3
    assert twin.elapsed_s <= BOUND and twin.items_found == 0


def test_F05_hang_after_headers_is_a_read_timeout(world: World) -> None:
    world.faulty.routes[ARCHIVE] = hang_after(head(Content_Length="5000"), world.faulty)
    report, took = world.run()
    twin = assert_partial(world, report, "timeout", took)
    assert twin.attempts == 3 and twin.http_codes == (200, 200, 200)


def test_F06_flaky_503_twice_then_200_succeeds_on_attempt_3(world: World) -> None:
    world.faulty.routes[ARCHIVE] = sequence(respond(503), respond(503), GOOD)
    report, _ = world.run()
    assert_all_ok(world, report)
    twin = world.source(report)
    assert (twin.attempts, twin.retries, twin.http_codes) == (3, 2, (503, 503, 200))
    assert world.faulty.count(ARCHIVE) == 3


def test_F07_persistent_503_gives_up_after_3_attempts(world: World) -> None:
    world.faulty.routes[ARCHIVE] = respond(503, b"down")
    report, took = world.run()
    twin = assert_partial(world, report, "http_5xx", took)
    assert twin.http_codes == (503, 503, 503) and world.faulty.count(ARCHIVE) == 3  # no 4th


def test_F07_control_retries_zero_makes_one_attempt(world: World) -> None:
    """The retry count is what the server sees: with retries=0 the same fault gets 1 request."""
    world.faulty.routes[ARCHIVE] = respond(503, b"down")
    report, took = world.run(retries=0)
    assert_partial(world, report, "http_5xx", took)
    assert world.faulty.count(ARCHIVE) == 1


def gap(server: FaultServer, prefix: str = ARCHIVE) -> float:
    times = server.times(prefix)
    return min(b - a for a, b in itertools.pairwise(times))


def test_F08_retry_after_2_is_waited_then_succeeds(world: World) -> None:
    world.faulty.routes[ARCHIVE] = sequence(respond(429, Retry_After="2"), GOOD)
    report, _ = world.run()
    assert_all_ok(world, report)
    assert 2.0 * 0.9 <= gap(world.faulty) <= 2.0 * 1.1 + 0.5  # figure 7: within ±10 %


def test_F08_control_retry_after_0_does_not_wait(world: World) -> None:
    world.faulty.routes[ARCHIVE] = sequence(respond(429, Retry_After="0"), GOOD)
    report, _ = world.run()
    assert_all_ok(world, report)
    assert gap(world.faulty) < 1.0  # so the test above measures the wait, not the machine


@pytest.mark.parametrize("value", ["3600", "http-date"])
def test_F08_retry_after_an_hour_is_rate_limited_at_once(world: World, value: str) -> None:
    if value == "http-date":
        value = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    world.faulty.routes[ARCHIVE] = respond(429, Retry_After=value)
    report, took = world.run()
    twin = assert_partial(world, report, "rate_limited", took, bound=3.0)
    assert twin.attempts == 1 and "Retry-After" in twin.message


def test_F08_429_without_retry_after_is_rate_limited_after_retries(world: World) -> None:
    world.faulty.routes[ARCHIVE] = respond(429)
    report, took = world.run()
    assert assert_partial(world, report, "rate_limited", took).attempts == 3


def test_F09_403_to_default_ua_is_avoided_by_sending_ours(world: World) -> None:
    def picky(h: Any) -> None:
        ua = h.headers.get("User-Agent", "")
        (respond(403) if not ua or ua.startswith("python-httpx") else GOOD)(h)

    world.faulty.routes[ARCHIVE] = picky
    report, _ = world.run()
    assert_all_ok(world, report)
    assert all(h.user_agent.startswith("newsbot/") for h in world.faulty.hits + world.healthy.hits)


def test_F09_persistent_403_is_blocked_and_not_retried(world: World) -> None:
    world.faulty.routes[ARCHIVE] = respond(403, b"forbidden")
    report, took = world.run()
    twin = assert_partial(world, report, "blocked", took)
    assert twin.attempts == 1 and world.faulty.count(ARCHIVE) == 1


@pytest.mark.parametrize("code", [404, 410])
def test_F10_404_or_410_is_http_4xx_with_the_url(world: World, code: int) -> None:
    world.faulty.routes[ARCHIVE] = respond(code, b"gone")
    report, took = world.run()
    twin = assert_partial(world, report, "http_4xx", took)
    assert twin.attempts == 1 and f"{TWIN_HOST}{ARCHIVE}" in twin.message


@pytest.mark.parametrize("loop", ["self", "pair"])
def test_F11_redirect_loop_stops_after_5_hops(world: World, loop: str) -> None:
    other = "/b" if loop == "pair" else ARCHIVE
    world.faulty.routes[ARCHIVE] = respond(302, Location=other)
    world.faulty.routes["/b"] = respond(302, Location=ARCHIVE)
    report, took = world.run()
    twin = assert_partial(world, report, "redirect_loop", took, bound=3.0)
    assert twin.attempts == 6 and len(world.faulty.hits) == 6  # 1 + 5 hops, not retried


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "to-the-mirror-origin"])
def test_F11_a_short_redirect_chain_is_followed(world: World, absolute: bool) -> None:
    """A Location on the host_map origin itself counts as the mapped host."""
    location = f"{world.faulty.origin}/moved" if absolute else "/moved"
    world.faulty.routes[ARCHIVE] = respond(302, Location=location)
    world.faulty.routes["/moved"] = respond(302, Location="/final")
    world.faulty.routes["/final"] = GOOD
    report, _ = world.run()
    assert report.exit_code == 0 and world.source(report).http_codes == (302, 302, 200)


@pytest.mark.parametrize(
    "target",
    [
        "other-port",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "data:text/html,<h1>x</h1>",
    ],
)
def test_F12_redirect_off_the_allow_list_is_not_followed(world: World, target: str) -> None:
    other, stop = start_fault_server()
    other.routes[ARCHIVE] = GOOD
    try:
        location = f"{other.origin}{ARCHIVE}" if target == "other-port" else target
        world.faulty.routes[ARCHIVE] = respond(302, Location=location)
        report, took = world.run()
    finally:
        stop()
    twin = assert_partial(world, report, "redirect_blocked", took)
    assert other.hits == [] and twin.attempts == 1


def test_F13_content_length_larger_than_body_is_protocol_error(world: World) -> None:
    world.faulty.routes[ARCHIVE] = raw(
        head(Content_Length="1000", Content_Type="text/html") + b"<html><bo"
    )
    report, took = world.run()
    twin = assert_partial(world, report, "protocol_error", took)
    assert twin.attempts == 3 and "RemoteProtocolError" in twin.message and twin.items_found == 0


def test_F14_close_delimited_half_page_is_incomplete_and_retried(world: World) -> None:
    half = PAGE[: len(PAGE) // 2]
    world.faulty.routes[ARCHIVE] = raw(head(Content_Type="text/html", Connection="close") + half)
    report, took = world.run()
    twin = assert_partial(world, report, "incomplete", took)
    assert twin.attempts == 3 and twin.http_codes == (200, 200, 200) and twin.items_found == 0


def test_F14_a_cut_page_then_a_whole_one_publishes_the_whole_list(world: World) -> None:
    half = PAGE[: len(PAGE) // 2]
    world.faulty.routes[ARCHIVE] = sequence(
        raw(head(Content_Type="text/html", Connection="close") + half), GOOD
    )
    report, _ = world.run()
    assert_all_ok(world, report)
    assert world.source(report).attempts == 2


def test_F15_broken_chunked_encoding_is_protocol_error(world: World) -> None:
    body = b"1a\r\n<html><body>not finished\r\n"  # no terminating 0-size chunk
    world.faulty.routes[ARCHIVE] = raw(head(Transfer_Encoding="chunked") + body)
    report, took = world.run()
    assert assert_partial(world, report, "protocol_error", took).attempts == 3


def test_F16_reset_mid_body_is_protocol_error_keeping_the_class(world: World) -> None:
    world.faulty.routes[ARCHIVE] = raw(
        head(Content_Length=str(len(PAGE))) + PAGE[:3000], reset=True
    )
    report, took = world.run()
    twin = assert_partial(world, report, "protocol_error", took)
    assert twin.attempts == 3 and (
        "ReadError" in twin.message or "RemoteProtocolError" in twin.message
    )


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 OK-ISH\r\nfoo\r\n\r\nbody",
        head(Content_Length="abc") + b"body",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * (70 * 1024) + b"\r\n\r\nbody",
        b"",
    ],
    ids=["garbage-status", "content-length-abc", "header-over-64k", "close-before-headers"],
)
def test_F17_malformed_http_is_protocol_error(world: World, reply: bytes) -> None:
    world.faulty.routes[ARCHIVE] = raw(reply)
    report, took = world.run()
    assert assert_partial(world, report, "protocol_error", took).attempts == 3


def test_F18_declared_50MB_is_refused_before_the_body_is_read(world: World) -> None:
    world.faulty.routes[ARCHIVE] = hang_after(head(Content_Length=str(50 * 2**20)), world.faulty)
    report, took = world.run()
    twin = assert_partial(world, report, "too_large", took, bound=3.0)
    assert twin.attempts == 1 and twin.bytes == 0 and "declared" in twin.message


def traced_run(world: World, **kw: Any) -> tuple[RunReport, float, int]:
    """``world.run`` under tracemalloc: the report, seconds taken and peak traced bytes."""
    tracemalloc.start()
    try:
        report, took = world.run(**kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, took, peak


def test_F18_streamed_50MB_is_cut_at_the_cap(world: World) -> None:
    world.faulty.routes[ARCHIVE] = stream_bytes(50 * 2**20)
    report, took, peak = traced_run(world, deadline=10.0)
    twin = assert_partial(world, report, "too_large", took, bound=10.0)
    assert twin.attempts == 1 and twin.bytes == 0  # nothing kept from an oversize body
    assert peak < 5 * 2**20 + 2**20 + PIPELINE_OVERHEAD, f"peak {peak / 2**20:.1f} MiB"
    print(f"F18 streamed: peak traced memory {peak / 2**20:.2f} MiB")


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_F19_decompression_bomb_is_cut_with_bounded_memory(world: World, encoding: str) -> None:
    world.faulty.routes[ARCHIVE] = bomb(encoding)  # ~100 KB inflating to 100 MB
    report, took, peak = traced_run(world, deadline=10.0)
    assert_partial(world, report, "too_large", took, bound=10.0)
    assert peak < 16 * 10**6, f"peak traced memory {peak / 2**20:.1f} MiB"  # figure 6
    print(f"F19 {encoding}: peak traced memory {peak / 2**20:.2f} MiB")


@pytest.mark.parametrize("kind", ["pdf", "json", "empty", "captcha", "access-denied"])
def test_F20_wrong_content_is_unexpected_content(world: World, kind: str) -> None:
    html = "<html><head><title>{}</title></head><body>{}</body></html>"
    pages = {
        "pdf": respond(200, b"%PDF-1.4" + b"x" * 1000, Content_Type="application/pdf"),
        "json": respond(200, b'{"items": []}' + b" " * 1000, Content_Type="application/json"),
        "empty": respond(200, b""),
        "captcha": respond(200, html.format("Captcha check", "x" * 1000).encode()),
        "access-denied": respond(200, html.format("Access Denied", "x" * 1000).encode()),
    }
    world.faulty.routes[ARCHIVE] = pages[kind]
    report, took = world.run()
    twin = assert_partial(world, report, "unexpected_content", took)
    assert twin.attempts == 1 and twin.items_found == 0


# ---- politeness, budgets ------------------------------------------------------------------


def test_politeness_gap_between_requests_to_one_host(world: World) -> None:
    """Figure 7: with host_delay 0.6 every gap is ≥ 0.3 s; with 0 it is not (the control)."""
    world.twin(subs=("230", "231", "232"))
    for sub in ("231", "232"):
        world.faulty.routes[f"/breakingnews/section/105/{sub}"] = GOOD
    world.faulty.routes[ARCHIVE] = GOOD
    world.run(host_delay=0.6)
    slow = gap(world.faulty, "/breakingnews")
    world.faulty.hits.clear()
    world.run(host_delay=0.0)
    fast = gap(world.faulty, "/breakingnews")
    assert slow >= 0.6 * 0.5 * SKEW and fast < 0.3, (slow, fast)
    assert world.faulty.max_in_flight == 1


def test_politeness_one_connection_per_host(world: World) -> None:
    """Two jobs on one host at once: the server never sees two requests in flight."""
    text = (world.tmp / "jobs" / "twin-it.toml").read_text(encoding="utf-8")
    (world.tmp / "jobs" / "twin2-it.toml").write_text(
        text.replace('slug = "twin-it"', 'slug = "twin2-it"'), encoding="utf-8"
    )

    def slow(h: Any) -> None:
        time.sleep(0.15)  # under the read timeout, so no attempt is abandoned mid-answer
        GOOD(h)

    world.faulty.routes[ARCHIVE] = slow
    report, _ = world.run()
    assert report.exit_code == 0 and world.faulty.count(ARCHIVE) == 2
    assert world.faulty.max_in_flight == 1
    assert gap(world.faulty) >= 0.15  # the second started only after the first finished


def test_F06_breaker_stops_a_host_after_3_failures(world: World) -> None:
    """Three failed attempts in a row stop the host: the second page is never requested."""
    world.twin(subs=("230", "231"))
    for sub in ("230", "231"):
        world.faulty.routes[f"/breakingnews/section/105/{sub}"] = respond(503)
    report, took = world.run()
    twin = assert_partial(world, report, "http_5xx", took)
    assert world.faulty.count("/breakingnews/section/105/231") == 0
    assert twin.attempts == 3 and world.faulty.count(ARCHIVE) == 3


def test_F03_source_budget_cuts_a_slow_source(world: World) -> None:
    world.faulty.routes[ARCHIVE] = drip(0.2, world.faulty)
    report, took = world.run(source_budget=1.5)
    twin = assert_partial(world, report, "timeout", took, bound=3.5)
    assert "source budget" in twin.message and twin.elapsed_s < 2.5


def test_F03_run_budget_bounds_every_source(world: World) -> None:
    world.faulty.routes[ARCHIVE] = drip(0.2, world.faulty)
    report, took = world.run(run_budget=1.5)
    twin = assert_partial(world, report, "timeout", took, bound=3.5)
    assert "run budget" in twin.message


# ---- robots.txt (F40, S09) ----------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 503, 429])
def test_F40_robots_5xx_or_429_disallows_everything(world: World, code: int) -> None:
    world.faulty.routes["/robots.txt"] = respond(code)
    world.faulty.routes[ARCHIVE] = GOOD
    report, took = world.run(twin_robots=True)
    twin = assert_partial(world, report, "robots_disallowed", took)
    assert world.faulty.count(ARCHIVE) == 0 and str(code) in twin.message  # figure 13
    assert f"so all of {TWIN_HOST}" in twin.message


def test_F40_robots_404_allows(world: World) -> None:
    world.faulty.routes[ARCHIVE] = GOOD
    report, _ = world.run(twin_robots=True)
    assert_all_ok(world, report)
    assert world.faulty.hits[0].path == "/robots.txt"


def test_F40_S09_disallowed_path_is_never_requested(world: World) -> None:
    world.faulty.routes["/robots.txt"] = respond(
        200,
        b"User-agent: *\nAllow: /\n\nUser-agent: newsbot\nDisallow: /breakingnews/\n",
        Content_Type="text/plain",
    )
    world.faulty.routes[ARCHIVE] = GOOD
    report, took = world.run(twin_robots=True)
    assert_partial(world, report, "robots_disallowed", took)
    assert world.faulty.count(ARCHIVE) == 0
    assert all(h.user_agent.startswith("newsbot/") for h in world.faulty.hits)  # the token we match


def test_F40_robots_txt_redirect_is_followed(world: World) -> None:
    world.faulty.routes["/robots.txt"] = respond(301, Location="/rules.txt")
    world.faulty.routes["/rules.txt"] = respond(
        200, b"User-agent: *\nDisallow: /breakingnews/\n", Content_Type="text/plain"
    )
    world.faulty.routes[ARCHIVE] = GOOD
    report, took = world.run(twin_robots=True)
    assert_partial(world, report, "robots_disallowed", took)
    assert [h.path for h in world.faulty.hits] == ["/robots.txt", "/rules.txt"]


def test_F18_a_body_over_warn_bytes_gets_a_note(world: World) -> None:
    world.faulty.routes[ARCHIVE] = GOOD
    report, _ = world.run(warn_bytes=1000)
    assert_all_ok(world, report)
    assert any("warn_bytes 1000" in n for n in world.source(report).notes)


def test_F40_source_that_opts_out_is_said_in_the_report(world: World) -> None:
    world.faulty.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nDisallow: /\n", Content_Type="text/plain"
    )
    world.faulty.routes[ARCHIVE] = GOOD
    report, _ = world.run(twin_robots=False)
    assert_all_ok(world, report)
    assert world.faulty.count("/robots.txt") == 0
    assert any("twin: robots.txt not obeyed" in n for n in report.notes)


def test_F40_crawl_delay_over_30s_skips_the_source(world: World) -> None:
    world.faulty.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nCrawl-delay: 120\n", Content_Type="text/plain"
    )
    world.faulty.routes[ARCHIVE] = GOOD
    report, took = world.run(twin_robots=True)
    twin = assert_partial(world, report, "robots_disallowed", took)
    assert "Crawl-delay" in twin.message and world.faulty.count(ARCHIVE) == 0


def test_F40_crawl_delay_is_measured_at_the_server(world: World) -> None:
    """Crawl-delay 1 spaces every request ≥ 1 s; the control without it does not."""
    world.twin(subs=("230", "231"))
    world.faulty.routes["/breakingnews/section/105/231"] = GOOD
    world.faulty.routes[ARCHIVE] = GOOD
    world.faulty.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nCrawl-delay: 1\n", Content_Type="text/plain"
    )
    world.run(twin_robots=True)
    slow = gap(world.faulty, "/")
    world.faulty.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nAllow: /\n", Content_Type="text/plain"
    )
    world.faulty.hits.clear()
    world.run(twin_robots=True)
    fast = gap(world.faulty, "/")
    assert slow >= 1.0 * SKEW and fast < 0.5, (slow, fast)


def test_F40_crawl_delay_10_with_a_fake_sleep(world: World) -> None:
    """Delay 10: every later request to the host waits ≥ 10 s on the injected sleep hook."""
    world.faulty.routes["/robots.txt"] = respond(
        200, b"User-agent: *\nCrawl-delay: 10\n", Content_Type="text/plain"
    )
    world.faulty.routes["/a"] = GOOD
    world.faulty.routes["/b"] = GOOD
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def fetch_two() -> None:
        cfg = FetchConfig(**SCALED | {"host_map": {TWIN_HOST: world.faulty.origin}})
        async with Fetcher(cfg, sleep=fake_sleep) as fetcher:
            for path in ("/a", "/b"):
                await fetcher.get(f"https://{TWIN_HOST}{path}", source="twin", obey_robots=True)

    start = time.monotonic()
    asyncio.run(fetch_two())
    assert time.monotonic() - start < 3
    assert len(slept) == 2 and all(9.5 <= s <= 10.0 for s in slept), slept
    assert [h.path for h in world.faulty.hits] == ["/robots.txt", "/a", "/b"]


@pytest.mark.parametrize("kind", ["cp949", "over-500KiB"])
def test_F40_odd_robots_files_are_parsed_leniently(world: World, kind: str) -> None:
    if kind == "cp949":
        body = "# 한국어 주석\nUser-agent: *\nDisallow: /breakingnews/\n".encode("cp949")
    else:  # the rule sits past the first 500 KiB, so it is not read
        body = b"# " + b"x" * (600 * 1024) + b"\nUser-agent: *\nDisallow: /breakingnews/\n"
    world.faulty.routes["/robots.txt"] = respond(200, body, Content_Type="text/plain")
    world.faulty.routes[ARCHIVE] = GOOD
    report, took = world.run(twin_robots=True)
    if kind == "cp949":
        assert_partial(world, report, "robots_disallowed", took)
    else:
        assert_all_ok(world, report)


# ---- encodings (F21-F23) ------------------------------------------------------------------


def test_F21_euc_kr_declared_only_in_meta_decodes_to_the_golden_titles(world: World) -> None:
    page = PAGE.decode().replace('<meta charset="utf-8">', '<meta charset="euc-kr">')
    world.faulty.routes[ARCHIVE] = respond(200, page.encode("cp949"), Content_Type="text/html")
    report, _ = world.run()
    assert_all_ok(world, report)  # the twin's post is byte for byte the golden one: 0 U+FFFD


@pytest.mark.parametrize(
    ("label", "codec", "word"),
    [
        ("EUC-KR", "cp949", "똠뷁"),
        ("gb2312", "gb18030", "镕喆"),
    ],
)
def test_F22_label_narrower_than_the_bytes_is_widened(
    world: World, label: str, codec: str, word: str
) -> None:
    page = archive_page(list(range(1, 8)), prefix=word).decode().replace("—", "-")
    page = page.replace('<meta charset="utf-8">', "")
    world.faulty.routes[ARCHIVE] = respond(
        200, page.encode(codec), Content_Type=f"text/html; charset={label}"
    )
    report, _ = world.run()
    assert report.exit_code == 0
    post = (world.posts / TWIN_POST).read_text(encoding="utf-8")
    assert post.count(f"## [{word} ") == 7 and "\ufffd" not in post


def test_F23_utf8_header_over_cp949_bytes_is_detected(world: World) -> None:
    page = PAGE.decode().replace('<meta charset="utf-8">', "")
    world.faulty.routes[ARCHIVE] = respond(
        200, page.encode("cp949"), Content_Type="text/html; charset=utf-8"
    )
    report, _ = world.run()
    assert_all_ok(world, report)


def test_F23_bom_beats_a_meta_saying_euc_kr(world: World) -> None:
    page = PAGE.decode().replace('<meta charset="utf-8">', '<meta charset="euc-kr">')
    world.faulty.routes[ARCHIVE] = respond(
        200, b"\xef\xbb\xbf" + page.encode(), Content_Type="text/html"
    )
    report, _ = world.run()
    assert_all_ok(world, report)


def test_F23_mojibake_titles_are_encoding_error_and_publish_nothing(world: World) -> None:
    twice = PAGE.decode().encode("utf-8").decode("cp1252", "replace").encode("utf-8")
    world.faulty.routes[ARCHIVE] = respond(200, twice)  # UTF-8 read as cp1252, saved as UTF-8
    report, took = world.run()
    twin = assert_partial(world, report, "encoding_error", took)
    assert "mojibake" in twin.message


# ---- content (F24), security (S08, S10, S11, S14) -----------------------------------------


def test_F24_renamed_list_container_is_parse_empty_naming_the_selector(world: World) -> None:
    world.faulty.routes[ARCHIVE] = respond(
        200, PAGE.replace(b"section_latest_article", b"section_latest_renamed")
    )
    report, took = world.run()
    twin = assert_partial(world, report, "parse_empty", took)
    assert "latest_item" in twin.message and twin.attempts == 1


@pytest.mark.parametrize(("broken", "status"), [(1, "ok"), (2, "incomplete")])
def test_F25_items_missing_fields_are_counted_and_under_90_percent_fail(
    world: World, broken: int, status: str
) -> None:
    page = archive_page(list(range(1, 11)))
    for n in range(1, broken + 1):  # these items lose their link (the markup moved it)
        page = page.replace(f'href="{article_url(n)}"'.encode(), b'href=""')
    world.faulty.routes[ARCHIVE] = respond(200, page)
    report, took = world.run()
    twin = world.source(report)
    assert twin.status == status and twin.items_found == 10
    assert twin.items_dropped == {"no_link": broken}
    if status == "ok":
        assert report.exit_code == 0 and twin.items_new == 10 - broken
    else:
        assert_partial(world, report, "incomplete", took)
        assert "8 of 10 items" in twin.message


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]:{port}/",
        "http://0x7f000001:{port}/",
        "http://127.0.0.1:{port}/",
    ],
)
def test_S10_redirects_to_internal_targets_are_refused(world: World, target: str) -> None:
    other, stop = start_fault_server()
    try:
        world.faulty.routes[ARCHIVE] = respond(302, Location=target.format(port=other.port))
        report, took = world.run()
    finally:
        stop()
    assert_partial(world, report, "redirect_blocked", took)
    assert other.hits == []


def test_S11_proxy_and_cert_variables_change_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, dead)
    junk = world.tmp / "junk.pem"
    junk.write_text("not a certificate")
    monkeypatch.setenv("SSL_CERT_FILE", str(junk))
    world.faulty.routes[ARCHIVE] = GOOD
    report, _ = world.run()
    assert_all_ok(world, report)


def test_S11_self_signed_certificate_is_a_source_error(world: World) -> None:
    key, cert = world.tmp / "key.pem", world.tmp / "cert.pem"
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr[-200:]!r}")
    tls, stop = start_fault_server(tls=(cert, key))
    tls.routes[ARCHIVE] = GOOD
    try:
        report, took = world.run(f"https://127.0.0.1:{tls.port}")
    finally:
        stop()
    twin = assert_partial(world, report, "unreachable", took)
    assert "CERTIFICATE_VERIFY_FAILED" in twin.message and tls.count(ARCHIVE) == 0


@pytest.mark.parametrize("kind", ["nested-divs", "many-links", "10MB-text"])
def test_S14_parser_exhaustion_is_bounded(world: World, kind: str) -> None:
    pages = {
        "nested-divs": b"<html><body>" + b"<div>" * 100_000 + b"</body></html>",
        "many-links": b"<html><body>" + b'<a href="/x">x</a>' * 100_000 + b"</body></html>",
        "10MB-text": b"<html><body><p>" + b"x" * (10 * 2**20) + b"</p></body></html>",
    }
    world.faulty.routes[ARCHIVE] = respond(200, pages[kind])
    report, took = world.run()
    status = {
        "nested-divs": "unexpected_content",
        "many-links": "parse_empty",
        "10MB-text": "too_large",
    }[kind]
    assert_partial(world, report, status, took, bound=5.0)


REPRO = b"<html><body>" + b"<div/>" * 200_000 + b"</body></html>"  # 1.2 MB: 464 s before


def test_S14_self_closing_divs_are_refused_before_parsing(world: World) -> None:
    world.faulty.routes[ARCHIVE] = respond(200, REPRO)
    report, took = world.run()
    twin = assert_partial(world, report, "unexpected_content", took, bound=5.0)
    assert "max_nesting" in twin.message


def test_S14_a_parse_that_overruns_stops_its_source_and_starves_no_other(world: World) -> None:
    """The guard off: lexbor would work for minutes; the worker is killed at parse_timeout."""
    world.faulty.routes[ARCHIVE] = respond(200, REPRO)
    report, took = world.run(max_nesting=10**9, parse_timeout=1.0)
    twin = assert_partial(world, report, "timeout", took, bound=8.0)
    assert "parse_timeout" in twin.message and twin.elapsed_s < 6.0


CANARY = "CANARY7f3a9"


def test_S08_secrets_never_reach_logs_reports_or_messages(
    world: World, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    world.twin(query=f"&apikey={CANARY}&access_token={CANARY}")
    world.faulty.routes[ARCHIVE] = respond(
        302, Location=f"http://user:{CANARY}@evil.example/x?token={CANARY}"
    )
    caplog.set_level(logging.DEBUG)
    report_path = world.tmp / "report.json"
    code = cli_run(world, "--report", str(report_path), userinfo=f"bot:{CANARY}")
    out = capsys.readouterr()
    assert code == 2
    report = json.loads(report_path.read_text())
    twin = next(j for j in report["jobs"] if j["job"] == "twin-it")["sources"][0]
    assert twin["status"] == "redirect_blocked"
    everything = report_path.read_text() + out.out + out.err + caplog.text
    assert "HTTP Request" in caplog.text  # httpx did log the URLs…
    assert CANARY not in everything  # …and the canary shows up nowhere (figure 12)


def cli_run(world: World, *args: str, userinfo: str = "", **fetch: Any) -> int:
    """``newsbot run`` in this process (so the twin source exists), config from a file."""
    origin = world.faulty.origin.replace(
        "http://", f"http://{userinfo}@" if userinfo else "http://"
    )
    lines = ["[fetch]"] + [f"{k} = {v!r}" for k, v in (SCALED | fetch).items()]
    lines += [
        "[fetch.host_map]",
        f'"news.naver.com" = "{world.healthy.origin}"',
        f'"{TWIN_HOST}" = "{origin}"',
    ]
    config = world.tmp / "newsbot.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cli.main(
        [
            "run",
            "--config",
            str(config),
            "--jobs-dir",
            str(world.tmp / "jobs"),
            "--output",
            str(world.posts),
            "--date",
            DAY.isoformat(),
            *args,
        ]
    )


def test_report_has_the_documented_fields_and_exit_1_when_all_fail(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.tmp / "jobs" / "krnews-it.toml").unlink()
    world.faulty.routes[ARCHIVE] = respond(503)
    report_path = world.tmp / "report.json"
    code = cli_run(world, "--report", str(report_path))
    capsys.readouterr()
    assert (code == 1 and not world.posts.exists()) or list(world.posts.iterdir()) == []
    [job] = json.loads(report_path.read_text())["jobs"]
    [src] = job["sources"]
    fields = {
        "status",
        "attempts",
        "http_codes",
        "bytes",
        "elapsed_s",
        "items_found",
        "items_dropped",
        "items_new",
        "items_dup",
        "message",
        "retries",
    }
    assert fields <= set(src)
    assert (src["status"], src["attempts"], src["http_codes"]) == ("http_5xx", 3, [503] * 3)


def test_F07_hostile_rerun_through_the_cli_leaves_the_published_post_intact(
    world: World,
) -> None:
    """§1.1: a failing run never modifies a post already in _posts/ (python -m newsbot run)."""
    (world.tmp / "jobs" / "twin-it.toml").unlink()

    def newsbot(origin: str) -> subprocess.CompletedProcess[str]:
        config = world.tmp / "newsbot.toml"
        lines = ["[fetch]"] + [f"{k} = {v!r}" for k, v in SCALED.items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "newsbot",
            "run",
            "--config",
            str(config),
            "--jobs-dir",
            str(world.tmp / "jobs"),
            "--output",
            str(world.posts),
            "--date",
            DAY.isoformat(),
            "--host-map",
            f"news.naver.com={origin}",
            "--report",
            str(world.tmp / "r.json"),
        ]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)

    first = newsbot(world.healthy.origin)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in world.posts.iterdir()}
    world.faulty.routes[ARCHIVE] = raw(head(Content_Type="text/html") + PAGE[:5000])  # cut short
    start = time.monotonic()
    second = newsbot(world.faulty.origin)
    assert second.returncode == 1 and time.monotonic() - start < BOUND + 5
    assert {p.name: p.read_bytes() for p in world.posts.iterdir()} == before
    assert before == {GOLDEN_POST.name: GOLDEN_POST.read_bytes()}
    [job] = json.loads((world.tmp / "r.json").read_text())["jobs"]
    assert job["sources"][0]["status"] == "incomplete" and job["sources"][0]["attempts"] == 3


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("bomb", "too_large"),
        ("drip", "timeout"),
        ("503", "http_5xx"),
        ("reset", "protocol_error"),
        ("robots-503", "robots_disallowed"),
        ("refused", "unreachable"),
    ],
)
def test_four_sources_with_one_hostile_host_publish_the_other_three(
    page_server: PageServer, shared_fixtures: Path, tmp_path: Path, fault: str, status: str
) -> None:
    """The 'done' criterion: python -m newsbot run, four real sources, Nate's host hostile."""
    serve_all_sites(page_server, shared_fixtures, nate_layout_changed=False)
    hostile, stop = start_fault_server()
    behaviours = {
        "bomb": bomb("gzip"),
        "drip": drip(0.2, hostile),
        "503": respond(503),
        "reset": raw(head(Content_Length="90000") + b"<html>" * 500, reset=True),
        "robots-503": GOOD,
        "refused": GOOD,
    }
    hostile.routes["/recent"] = behaviours[fault]
    if fault == "robots-503":
        hostile.routes["/robots.txt"] = respond(503)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for name in (*JOBS, "kr-it-mix"):
        text = MIXED if name == "kr-it-mix" else (ROOT / "jobs" / f"{name}.toml").read_text()
        (jobs / f"{name}.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "newsbot.toml"
    lines = ["[fetch]"] + [f"{k} = {v!r}" for k, v in SCALED.items()] + ["[fetch.host_map]"]
    bad = f"http://127.0.0.1:{free_port()}" if fault == "refused" else hostile.origin
    lines += [f'"{h}" = "{bad if h == "news.nate.com" else page_server.origin}"' for h in HOSTS]
    lines += ["[sources.nate]", "obey_robots = true"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    posts, report = tmp_path / "posts", tmp_path / "report.json"
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        "run",
        "--config",
        str(config),
        "--jobs-dir",
        str(jobs),
        "--output",
        str(posts),
        "--date",
        CLI_DAY,
        "--report",
        str(report),
    ]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        stop()
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - start < BOUND + 8  # one hostile source, plus interpreter start
    names = sorted(p.name for p in posts.iterdir())
    assert names == sorted(f"{CLI_DAY}-{j}-{CLI_DAY.replace('-', '')}.md" for j in WRITTEN)
    for name in names:
        assert (posts / name).read_bytes() == (GOLDEN / name).read_bytes(), name
    by_job = {j["job"]: j for j in json.loads(report.read_text())["jobs"]}
    assert by_job["nate-it"]["sources"][0]["status"] == status
    assert by_job["nate-it"]["status"] == by_job["kr-it-mix"]["status"] == "skipped"
    assert all(s["status"] == "ok" for j in WRITTEN for s in by_job[j]["sources"])
    if fault == "robots-503":
        assert hostile.count("/recent") == 0
