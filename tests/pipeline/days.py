"""Day-by-day news for memory tests: a Naver archive and an etnews feed that change daily.

``serve(server, day, naver=…, etnews=…)`` puts that day's lists up; ``run`` runs
jobs in-process for one day as that day's own run (at 13:00 KST, so the etnews
feed keeps yesterday's items too, as it does live); Naver reads its date archive
(``force_archive``) so its list is the day's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from newsbot import pipeline
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.models import Post, RunReport
from tests.conftest import FAST_FETCH, PageServer
from tests.servers.pagegen import archive_of
from tests.servers.pagegen import article_url as naver_url

__all__ = [
    "Story",
    "config",
    "etnews_feed",
    "etnews_url",
    "every_link",
    "links",
    "list_job",
    "naver_page",
    "naver_url",
    "run",
    "serve",
]

ARCHIVE = "/breakingnews/section/105/230"


@dataclass(frozen=True)
class Story:
    """One article as a list shows it."""

    n: int
    title: str
    snippet: str = ""
    published: date | None = None  # etnews: the day in its link and pubDate (default: served day)


def etnews_url(day: date, n: int) -> str:
    return f"https://www.etnews.com/{day:%Y%m%d}{n:06d}"


def naver_page(stories: Sequence[Story]) -> bytes:
    """A Naver date-archive page (breakingnews markup) listing ``stories``."""
    return archive_of((s.n, s.title, s.snippet or s.title + " 본문") for s in stories)


def etnews_feed(day: date, stories: Sequence[Story]) -> bytes:
    """An etnews RSS feed of ``stories``, published on ``day`` (KST) unless they say."""
    items = "".join(
        f"<item><title><![CDATA[{s.title}]]></title>"
        f"<link>{etnews_url(s.published or day, s.n)}</link>"
        f"<description><![CDATA[{s.snippet or s.title + ' 내용'}]]></description>"
        f"<pubDate>{s.published or day:%a, %d %b %Y} 10:00:00 +0900</pubDate></item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>전자신문 : SW</title>{items}</channel></rss>"
    ).encode()


def serve(
    server: PageServer, day: date, *, naver: Sequence[Story] = (), etnews: Sequence[Story] = ()
) -> None:
    """Put ``day``'s lists up: Naver's archive for the day, the etnews feed as of then."""
    server.add(f"{ARCHIVE}?date={day:%Y%m%d}", naver_page(naver))
    server.add("/04.xml", etnews_feed(day, etnews), Content_Type="application/rss+xml")


def config(server: PageServer, out: Path, **state: Any) -> Config:
    """Both sites on ``server``, one item enough per source, posts in ``out``."""
    hosts = ("news.naver.com", "n.news.naver.com", "rss.etnews.com", "www.etnews.com")
    return Config.model_validate(
        {
            "fetch": {"host_map": {h: server.origin for h in hosts}, **FAST_FETCH},
            "output": {"dir": str(out)},
            "state": state,
            "sources": {"naver": {"min_items": 1}, "etnews": {"min_items": 1}},
        }
    )


def list_job(*names: str, slug: str = "mix", **extra: Any) -> Job:
    """A daily list job over ``names`` (naver section 105, etnews feed 04)."""
    refs = {
        "naver": {"name": "naver", "section": "105", "options": {"force_archive": True}},
        "etnews": {"name": "etnews", "section": "04", "options": {"feed": "04"}},
    }
    return Job.model_validate(
        {
            "name": slug,
            "title": "{date:%Y.%m.%d} 뉴스",
            "slug": slug,
            "sources": [refs[n] for n in names],
            **extra,
        }
    )


def run(jobs: list[Job], day: date, cfg: Config, **kw: Any) -> tuple[RunReport, list[Post]]:
    """``jobs``' run for ``day``, as run on that day at 13:00 KST."""
    now = datetime.combine(day, time(13, 0), tzinfo=KST)
    return pipeline.run(jobs, day, config=cfg, now=now, **kw)


def links(path: Path) -> list[str]:
    """The article links of a daily list post, in order."""
    return [
        line.split("](", 1)[1].rstrip(")")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("## [")
    ]


def every_link(out: Path) -> list[str]:
    """Every article link of every post in ``out``, post by post."""
    return [url for path in sorted(out.glob("*.md")) for url in links(path)]
