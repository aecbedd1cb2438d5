"""og:image thumbnails: real article pages in ../shared, and the concurrency bound."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.fetch.charset import decode
from newsbot.fetch.gate import Gate
from newsbot.fetch.page import Page
from newsbot.fetch.workers import Workers
from newsbot.jobs import load_job
from newsbot.models import Article, Tally
from newsbot.pipeline import pages as thumbnails
from newsbot.readers import og_images
from tests.conftest import ROOT, PageServer
from tests.pipeline.days import Story, config, run, serve

REAL = [
    (
        "naver/article-421-0008770777-20260212.html",
        "https://n.news.naver.com/article/421/0008770777",
        "https://imgnews.pstatic.net/image/421/2026/02/12/0008770777_001_20260212103013218.jpg?type=w800",
    ),
    (
        "naver/article-607-0000001728-20231102.html",
        "https://n.news.naver.com/article/607/0000001728",
        "https://imgnews.pstatic.net/image/607/2023/11/02/0000001728_001_20231102200613720.jpg?type=w800",
    ),
    (
        "sina/article-news-c-iihnzahi3275702-20191125-dom.html",
        "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
        "http://n.sinaimg.cn/news/crawl/89/w550h339/20191125/2b6c-iittafs2905468.jpg",
    ),
    (
        "sina/article-tech-iicezzrq4972166-20190911-dom.html",
        "https://tech.sina.com.cn/t/2019-09-11/doc-iicezzrq4972166.shtml",
        "https://n.sinaimg.cn/tech/transform/667/w400h267/20190911/d507-iekuaqt6896952.png",
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), REAL, ids=[r[0] for r in REAL])
def test_og_image_of_real_article_pages(
    shared_fixtures: Path, name: str, url: str, expected: str
) -> None:
    text, _ = decode((shared_fixtures / name).read_bytes())
    # &#x3D; is decoded; Sina's protocol-relative image takes the page's scheme
    assert og_images(text, url)[0] == expected


@pytest.mark.parametrize(
    "html",
    [
        "<html><head></head></html>",
        '<meta property="og:image" content="javascript:alert(1)">',
        '<meta property="og:image" content="  ">',
    ],
)
def test_no_usable_og_image(html: str) -> None:
    assert og_images(html, "https://www.etnews.com/20180928000345") == []


class CountingFetcher:
    """Serves every URL after a pause, counting how many requests are in flight."""

    def __init__(self) -> None:
        self.active = self.peak = 0
        self.urls: list[str] = []
        self.config = FetchConfig()
        self.gate = Gate()  # the URL gate a Fetcher checks each og:image against
        self.workers = Workers(5.0)  # pages are read in worker processes, as the Fetcher's

    async def get(self, url: str, **_: Any) -> Page:
        self.urls.append(url)
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(0.01)
        self.active -= 1
        if url.endswith("/7"):
            raise FetchError("etnews", url, "HTTP 404", status="http_4xx")
        return Page(url, f'<meta property="og:image" content="/img/{url.rsplit("/", 1)[1]}.jpg">')


def test_fill_is_bounded_keeps_order_and_skips_items_with_images() -> None:
    arts = [
        Article(
            id=str(i),
            title=f"t{i}",
            url=f"https://www.etnews.com/{i}",
            source="etnews",
            thumbnail="https://img.etnews.com/has.jpg" if i == 3 else None,
        )
        for i in range(12)
    ]
    fetcher = CountingFetcher()
    stats = Tally()
    filled = asyncio.run(
        thumbnails.thumbnails(fetcher, arts, source="etnews", obey_robots=True, tally=stats)  # type: ignore[arg-type]
    )
    assert [a.id for a in filled] == [a.id for a in arts]
    assert fetcher.peak == thumbnails.THUMBNAIL_CONCURRENCY
    assert len(fetcher.urls) == 11 and "https://www.etnews.com/3" not in fetcher.urls
    assert filled[0].thumbnail == "https://www.etnews.com/img/0.jpg"
    assert filled[3].thumbnail == "https://img.etnews.com/has.jpg"
    assert filled[7].thumbnail is None  # its page failed; the article stays
    assert stats.notes == ["etnews: 1 of 12 articles have no thumbnail"]


def test_thumbnails_are_fetched_only_for_the_items_a_post_gets(
    page_server: PageServer, tmp_path: Path
) -> None:
    """etnews's feed lists 50 items; yesterday's post already has 44 of them."""
    job = load_job(ROOT / "jobs" / "etnews-it.toml")
    assert job.thumbnails
    cfg = config(page_server, tmp_path / "_posts")
    today = date(2025, 2, 5)
    yesterday = today - timedelta(days=1)
    old = [Story(n, f"어제 기사 {n}번 {n * 7919 % 997}", published=yesterday) for n in range(44)]
    new = [Story(100 + n, f"오늘 기사 {n}번 {n * 104729 % 991}") for n in range(6)]
    serve(page_server, yesterday, etnews=old)
    run([job], yesterday, cfg)
    page_server.log.clear()
    serve(page_server, today, etnews=[*new, *old])  # the feed still lists yesterday's 44
    report, posts = run([job], today, cfg)
    pages = [p for p, _ in page_server.log if p != "/04.xml" and p != "/robots.txt"]
    assert len(pages) == 6 and all(p.startswith("/20250205000") for p in pages), pages
    assert report.jobs[0].sources[0].items_dup == 44 and len(posts[0].ids) == 6
