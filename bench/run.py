"""newsbot benchmarks: print tables, assert nothing.

    python bench/run.py            # all sections
    python bench/run.py parse      # one section: parse | startup | run

Needs the `bench` extra (BeautifulSoup, the baseline most Korean news crawlers use):
    pip install -e '.[bench]'
Real pages are read in place from ../shared/fixtures.
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
sys.path.insert(0, str(ROOT))


def best_of(fn: Callable[[], object], repeat: int = 5, number: int = 20) -> float:
    """Best mean seconds per call over ``repeat`` rounds of ``number`` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)


def bs4_naver(raw: bytes) -> list[tuple[str, str]]:
    """The usual BeautifulSoup(html.parser) extractor, same fields as newsbot's."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    rows = soup.select('ul[id^="_SECTION_HEADLINE_LIST_"] > li.sa_item') or soup.select(
        "div.list_body ul.type06_headline > li, div.list_body ul.type06 > li"
    )
    out = []
    for li in rows:
        a = li.select_one("a.sa_text_title, dt:not(.photo) > a")
        img = li.select_one("img")
        lede = li.select_one(".sa_text_lede, span.lede")
        if a is not None:
            thumb = img.get("data-src") or img.get("src") if img else ""
            out.append((a.get_text(strip=True), str(a.get("href")), str(thumb),
                        lede.get_text(" ", strip=True) if lede else ""))
    return out  # type: ignore[return-value]


def minimal_naver(raw: bytes) -> list[tuple[str, str]]:
    """Title and link only, one query: the least a selectolax extractor can do."""
    from selectolax.lexbor import LexborHTMLParser

    links = LexborHTMLParser(raw).css(
        'ul[id^="_SECTION_HEADLINE_LIST_"] > li.sa_item a.sa_text_title, '
        "div.list_body ul.type06_headline > li dt:not(.photo) > a, "
        "div.list_body ul.type06 > li dt:not(.photo) > a"
    )
    return [(a.text(), a.attributes.get("href") or "") for a in links]


def parse_table() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from newsbot.dates import KST
    from newsbot.models import Page
    from newsbot.sources import naver, parse_page
    from newsbot.sources.base import ListRequest

    pages = sorted((FIXTURES / "naver").glob("list-*.html")) + sorted(
        (FIXTURES / "naver").glob("section-*.html")
    )
    if not pages:
        print("parse: ../shared/fixtures is absent; skipped")
        return
    req = ListRequest(day=date(2025, 2, 4), section="105", now=datetime.now(KST))
    print("\n## List parsing (items/s; ratios: newsbot vs bare parse, BeautifulSoup vs newsbot)\n")
    print("| page | items | bare lexbor | minimal | newsbot | bs4 html.parser "
          "| minimal/bare | newsbot/bare | bs4/newsbot |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in pages:
        raw = path.read_bytes()
        url = ("https://news.naver.com/main/list.naver" if "list-" in path.name
               else "https://news.naver.com/section/100")

        def ours(raw: bytes = raw, url: str = url) -> list[object]:
            # bytes as fetched, charset handling included (a fresh Page each call)
            page = Page(url, body=raw, content_type="text/html")
            return parse_page(naver, page, naver.SELECTORS, req)  # type: ignore[return-value]

        items = len(ours())
        bare = best_of(lambda raw=raw: LexborHTMLParser(raw))
        least = best_of(lambda raw=raw: minimal_naver(raw))
        mine = best_of(ours)
        soup = best_of(lambda raw=raw: bs4_naver(raw), repeat=3, number=3)
        print(f"| {path.name[:40]} | {items} | {items / bare:,.0f} | {items / least:,.0f} | "
              f"{items / mine:,.0f} | {items / soup:,.0f} | {least / bare:.2f}× | "
              f"{mine / bare:.2f}× | {soup / mine:.0f}× |")


def startup_table() -> None:
    times = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "newsbot", "--help"], cwd=ROOT,
                       capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    print("\n## Start-up\n")
    print("| command | median s | best s | target |")
    print("|---|---:|---:|---:|")
    print(f"| newsbot --help | {statistics.median(times):.3f} | {min(times):.3f} | ≤ 0.300 |")


def main(argv: list[str]) -> None:
    wanted = set(argv) or {"parse", "startup"}
    print(f"newsbot bench — {platform.node()} {platform.machine()}, Python "
          f"{platform.python_version()}, {datetime.now(UTC).date()}")
    if "parse" in wanted:
        parse_table()
    if "startup" in wanted:
        startup_table()


if __name__ == "__main__":
    main(sys.argv[1:])
