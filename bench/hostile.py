"""What hostile pages cost now: the nesting guard, worker processes, a run with one.

    python bench/hostile.py

Prints tables; asserts nothing. Real pages are read in place from ../shared/fixtures.
The run section reproduces the case that held a run for 464 s with run_budget = 60:
a 1.2 MB page of ``<div/>`` on one host, a healthy job on another.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
import types
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reindex import best  # noqa: E402  (bench/ is the script's folder)
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from newsbot import pipeline, sources  # noqa: E402
from newsbot.config import Config, FetchConfig, OutputConfig, StateConfig  # noqa: E402
from newsbot.dates import KST  # noqa: E402
from newsbot.fetch.nesting import nesting  # noqa: E402
from newsbot.jobs import load_jobs  # noqa: E402
from newsbot.sources import naver  # noqa: E402
from tests.servers.faults import respond, start_fault_server  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"
REPRO = b"<html><body>" + b"<div/>" * 200_000 + b"</body></html>"
NAVER = "div.section_latest_article ul.sa_list > li.sa_item"  # the selector that ran long


def lexbor(html: bytes) -> None:
    LexborHTMLParser(html).css(NAVER)


def guard_table() -> None:
    print("\n## The nesting guard against a lexbor parse of the same bytes\n")
    print("| page | KB | depth | guard ms | lexbor parse + query ms | guard/lexbor |")
    print("|---|---:|---:|---:|---:|---:|")
    pages = sorted(FIXTURES.glob("*/*.html")) if FIXTURES.is_dir() else []
    named = [(p.name[:44], p.read_bytes()) for p in pages]
    named += [
        ("hostile: 1.2 MB of <div/>", REPRO),
        ("hostile: 5 MB of <br>", b"<br>" * 1_250_000),
        ("hostile: 1.8 MB of <a>x</a>", b'<a href="/x">x</a>' * 100_000),
    ]
    for name, html in named:
        guard = best(lambda h=html: nesting(h, 1000), 3)
        deep = nesting(html, 1000) > 1000
        parse = float("nan") if deep else best(lambda h=html: lexbor(h), 3)
        ratio = "—" if deep else f"{guard / parse:.2f}×"
        parsed = "refused" if deep else f"{parse * 1000:.1f}"
        depth, kb = nesting(html, 1000), len(html) // 1024
        print(f"| {name} | {kb} | {depth} | {guard * 1000:.1f} | {parsed} | {ratio} |")


WORKER_COST = """
import asyncio, statistics, time
from newsbot import readers
from newsbot.fetch.workers import Workers
workers, page = Workers(30.0), b"x" * 200_000

async def one(arg):
    start = time.perf_counter()
    await workers.run(len, arg, source="bench", url="")
    return time.perf_counter() - start

async def measure():
    first = await one(b"")
    small = [await one(b"x") for _ in range(20)]
    big = [await one(page) for _ in range(20)]
    return first, statistics.median(small), statistics.median(big)

print(*asyncio.run(measure()))
workers.close()
"""


def worker_table() -> None:
    """Measured under ``python -c``, as under ``newsbot``: a script's workers re-import it."""
    print("\n## Worker processes\n")
    out = subprocess.run([sys.executable, "-c", WORKER_COST], capture_output=True, text=True)
    first, small, big = (float(x) for x in out.stdout.split())
    print("| measure | ms |\n|---|---:|")
    print(f"| first task (forkserver start and its imports) | {first * 1000:.0f} |")
    print(f"| a task afterwards, median | {small * 1000:.1f} |")
    print(f"| a task with a 200 KB page, median | {big * 1000:.1f} |")


def twin() -> None:
    """A second source: Naver's parser on another host (as the fault suite's twin)."""
    names = ("LABEL", "SELECTORS", "DEFAULTS", "CONTENT_TYPES", "HEADERS", "Options", "ARTICLE")
    funcs = ("fallback_urls", "parse", "article_id", "canonical_url", "notes")
    source = types.SimpleNamespace(**{k: getattr(naver, k) for k in (*names, *funcs)})
    source.NAME = "twin"
    source.urls = lambda req: [naver.urls(req)[0].replace("news.naver.com", "news.twin.test")]
    sources.SOURCES = types.MappingProxyType({**sources.SOURCES, "twin": source})


def run_table() -> None:
    print("\n## A run with one hostile host (run_budget 60 s; before: 464 s, healthy job failed)\n")
    print("| guard | parse_timeout s | wall s | hostile source | healthy job | healthy source s |")
    print("|---|---:|---:|---|---|---:|")
    twin()
    good = (ROOT / "tests" / "pages" / "naver" / "breakingnews_105_230_20250204.html").read_bytes()
    for guard, timeout in ((True, 10.0), (False, 5.0)):
        healthy, stop_h = start_fault_server()
        hostile, stop_x = start_fault_server()
        healthy.routes["/breakingnews/section/105/230"] = respond(200, good)
        hostile.routes["/breakingnews/section/105/230"] = respond(200, REPRO)
        try:
            print(
                run_once(
                    {"news.naver.com": healthy.origin, "news.twin.test": hostile.origin},
                    guard,
                    timeout,
                )
            )
        finally:
            stop_h()
            stop_x()


def run_once(host_map: dict[str, str], guard: bool, timeout: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        jobs = Path(tmp) / "jobs"
        jobs.mkdir()
        for slug in ("healthy", "hostile"):
            name = "naver" if slug == "healthy" else "twin"
            (jobs / f"{slug}.toml").write_text(
                f'title = "x"\nslug = "{slug}"\n[[sources]]\nname = "{name}"\nsection = "105"\n'
            )
        fetch = FetchConfig(
            host_map=host_map,
            run_budget=60.0,
            host_delay=0.0,
            parse_timeout=timeout,
            max_nesting=1000 if guard else 10**9,
        )
        cfg = Config(
            fetch=fetch,
            output=OutputConfig(dir=Path(tmp) / "_posts", jobs_dir=jobs),
            state=StateConfig(path=Path(tmp) / "state.sqlite"),
        )
        now = datetime(2025, 2, 5, 9, 0, tzinfo=KST)
        start = time.perf_counter()
        report, _ = pipeline.run(load_jobs(jobs), date(2025, 2, 4), config=cfg, now=now)
        wall = time.perf_counter() - start
    by = {j.job: j for j in report.jobs}
    bad, ok = by["hostile"].sources[0], by["healthy"].sources[0]
    return (
        f"| {'on' if guard else 'off'} | {timeout:.0f} | {wall:.2f} | {bad.status} "
        f"| {by['healthy'].status} | {ok.elapsed_s:.2f} |"
    )


if __name__ == "__main__":
    print(f"newsbot bench/hostile.py — {platform.machine()}, Python {platform.python_version()}")
    guard_table()
    worker_table()
    run_table()
