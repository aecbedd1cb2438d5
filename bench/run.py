"""newsbot benchmarks: print tables, assert nothing.

    python bench/run.py            # all sections
    python bench/run.py parse      # one section: parse | startup | run (full runs, ~1 min)

Needs the `bench` extra (BeautifulSoup, the baseline most Korean news crawlers use):
    pip install -e '.[bench]'
Real pages are read in place from ../shared/fixtures.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
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
            out.append(
                (
                    a.get_text(strip=True),
                    str(a.get("href")),
                    str(thumb),
                    lede.get_text(" ", strip=True) if lede else "",
                )
            )
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


def bs4_sina(raw: bytes) -> list[tuple[str, str]]:
    """BeautifulSoup over news.sina.cn's focus list (the page is GBK; bs4 sniffs it)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    out = []
    for li in soup.select("ul.swiper-wrapper > li.swiper-slide"):
        a, title, img = li.select_one("a[href]"), li.select_one("em, h2"), li.select_one("img")
        if a is not None and title is not None:
            thumb = img.get("data-src") or img.get("src") if img else ""
            out.append((title.get_text(strip=True), str(a.get("href")), str(thumb)))
    return out


def json_rows(raw: bytes) -> list[tuple[str, str]]:
    """The floor for a JSON feed: json.loads and the two fields."""
    data = json.loads(raw)
    rows = data.get("result", data).get("data", [])
    return [(r.get("title"), r.get("url")) for r in rows]


def cases() -> list[tuple[str, str, Path, str, Callable[[bytes], object] | None]]:
    """(source, label, page, url it is parsed as, the BeautifulSoup equivalent)."""
    naver, sina = FIXTURES / "naver", FIXTURES / "sina"
    legacy = "https://news.naver.com/main/list.naver?mode=LS2D&sid1=105&date=20170101"
    out: list[tuple[str, str, Path, str, Callable[[bytes], object] | None]] = []
    for path in sorted(naver.glob("list-*.html")):
        out.append(("naver", path.name, path, legacy, bs4_naver))
    for path in sorted(naver.glob("section-*.html")):
        out.append(("naver", path.name, path, "https://news.naver.com/section/100", bs4_naver))
    for path in sorted(sina.glob("*.json")):
        out.append(
            ("sina", path.name, path, "https://feed.mix.sina.com.cn/api/roll/get?lid=2515", None)
        )
    for path in sorted(sina.glob("news-sina-cn-*.html")):
        out.append(("sina", path.name, path, "https://news.sina.cn/", bs4_sina))
    return out


def parse_table() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from newsbot.config import Config
    from newsbot.dates import KST
    from newsbot.fetch.page import Page
    from newsbot.sources import get, parse_page, sina
    from newsbot.sources.base import ListRequest, SourceOptions
    from newsbot.sources.settings import resolve

    settings = resolve(Config())

    if not FIXTURES.is_dir():
        print("parse: ../shared/fixtures is absent; skipped")
        return
    now = datetime(2025, 2, 4, 18, 0, tzinfo=KST)
    print("\n## List parsing: items/s from bytes as fetched, charset handling included\n")
    print(
        "Floor: a bare `selectolax.lexbor` parse of the same bytes (`json.loads` for JSON); "
        "minimal: title and link in one query; bs4: the usual BeautifulSoup(html.parser) "
        "extractor of the same fields.\n"
    )
    print(
        "| source | page | items | floor | minimal | newsbot | bs4 html.parser "
        "| newsbot/floor | bs4/newsbot |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, label, path, url, soup_fn in cases():
        raw = path.read_bytes()
        source, sel = get(name), settings[name].selectors
        html_list = name == "sina" and "sina.cn" in url
        options = sina.Options(list_url=url) if html_list else SourceOptions()
        req = ListRequest(day=now.date(), section="", now=now, options=options)

        def ours(
            raw: bytes = raw,
            url: str = url,
            source: object = source,
            sel: object = sel,
            req: ListRequest = req,
        ) -> list[object]:
            page = Page(url, body=raw, content_type="")  # a fresh Page: nothing cached
            return parse_page(source, page, sel, req)  # type: ignore[arg-type,return-value]

        items = len(ours())
        if path.suffix == ".json":
            floor = best_of(lambda raw=raw: json.loads(raw))
            least = best_of(lambda raw=raw: json_rows(raw))
        else:
            floor = best_of(lambda raw=raw: LexborHTMLParser(raw))
            least = best_of(lambda raw=raw: minimal_naver(raw)) if name == "naver" else None
        mine = best_of(ours)
        soup = best_of(lambda fn=soup_fn, raw=raw: fn(raw), repeat=3, number=3) if soup_fn else None

        def rate(t: float | None, items: int = items) -> str:
            return f"{items / t:,.0f}" if t else "—"

        ratio = f"{soup / mine:.0f}×" if soup else "—"
        print(
            f"| {name} | {label[:44]} | {items} | {rate(floor)} | {rate(least)} | "
            f"{rate(mine)} | {rate(soup)} | {mine / floor:.2f}× | {ratio} |"
        )


def startup_table() -> None:
    times = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "newsbot", "--help"], cwd=ROOT, capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    print("\n## Start-up\n")
    print("| command | median s | best s | target |")
    print("|---|---:|---:|---:|")
    print(f"| newsbot --help | {statistics.median(times):.3f} | {min(times):.3f} | ≤ 0.300 |")


def main(argv: list[str]) -> None:
    wanted = set(argv) or {"parse", "startup", "run"}
    print(
        f"newsbot bench — {platform.node()} {platform.machine()}, Python "
        f"{platform.python_version()}, {datetime.now(UTC).date()}"
    )
    if "parse" in wanted:
        parse_table()
    if "startup" in wanted:
        startup_table()
    if "run" in wanted:
        from fullrun import run_table

        run_table()


if __name__ == "__main__":
    main(sys.argv[1:])
