"""The sites the full-run benchmarks fetch from: one loopback server per host, each answering
after a fixed latency, with the test pages (and a Naver archive made for each day)."""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.servers.loopback import Loopback, reply  # noqa: E402  (the tests' own server)
from tests.servers.pagegen import archive_page  # noqa: E402  (and page maker)

PAGES = ROOT / "tests" / "pages"
FIXTURES = ROOT.parent / "shared" / "fixtures"
ARCHIVE = "/breakingnews/section/105/230"  # krnews-it's page for a past day (?date=YYYYMMDD)


def site_routes() -> dict[str, dict[str, tuple[bytes, str]]]:
    """host → path → (body, content type): the pages each list job asks for."""
    html = "text/html; charset=UTF-8"
    etnews = {
        "/04.xml": ((PAGES / "etnews" / "rss_04_20180928.xml").read_bytes(), "application/rss+xml")
    }
    articles = {
        "/" + p.stem.split("_")[1]: (p.read_bytes(), html)
        for p in (PAGES / "etnews").glob("article_*.html")
    }
    return {
        "news.naver.com": {},  # the archive is made per day: daily_archive
        "feed.mix.sina.com.cn": {
            "/api/roll/get": (
                (FIXTURES / "sina" / "cre-mix-tianyi-wnews-20180928.json").read_bytes(),
                "application/json",
            )
        },
        "news.nate.com": {
            "/recent": (
                (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes(),
                "text/html",
            )
        },
        "rss.etnews.com": etnews,
        "www.etnews.com": articles,
    }


def daily_archive(ymd: str) -> bytes:
    """Naver's archive for one day: 20 articles of that day only, so every day is new."""
    day = int(ymd)
    return archive_page([day % 10**6 * 100 + i for i in range(20)], prefix=f"{ymd} 기사")


class SlowSite:
    """One host: answers every request after ``latency`` seconds and logs it."""

    def __init__(self, routes: dict[str, tuple[bytes, str]], latency: float) -> None:
        self.log: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.log.append(self.path)
                time.sleep(latency)
                path, _, query = self.path.partition("?")
                if path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif path == ARCHIVE and query.startswith("date="):
                    body, ctype = daily_archive(query[5:13]), "text/html; charset=UTF-8"
                elif path in routes:
                    body, ctype = routes[path]
                else:
                    self.send_error(404)
                    return
                reply(self, 200, body, ctype)

            def log_message(self, *args: object) -> None:
                pass

        self.loop = Loopback(Handler)
        self.origin = self.loop.origin

    def close(self) -> None:
        self.loop.close()
