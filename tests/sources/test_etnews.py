"""The etnews adapter: feed first, HTML list as fallback (synthetic pages; see etnews.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot import pipeline
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.fetch.charset import decode
from newsbot.fetch.page import Page
from newsbot.jobs import Job
from newsbot.models import Article, SourceResult
from newsbot.normalize import to_article
from newsbot.posts import daily_list
from newsbot.sources import etnews
from newsbot.sources.base import ListRequest
from tests.conftest import FAST_FETCH, PAGES, PageServer
from tests.sources.counting import counted

NOW = datetime(2018, 9, 28, 18, 0, tzinfo=KST)
TODAY = ListRequest(day=date(2018, 9, 28), section="04", now=NOW)
FEED = PAGES / "etnews" / "rss_04_20180928.xml"
LIST = PAGES / "etnews" / "section_04_page1_20180928.html"
FEED_URL = "https://rss.etnews.com/04.xml"
LIST_URL = "https://www.etnews.com/news/section.html?id1=04&page=1"


def _articles(path: Path, url: str, req: ListRequest = TODAY) -> list[Article]:
    text, encoding = decode(path.read_bytes())
    return [
        to_article(
            item,
            source="etnews",
            section="04",
            base_url=url,
            now=req.now,
            snippet_chars=120,
            canonical=etnews.canonical_url,
            article_id=etnews.article_id,
        )
        for item in etnews.parse(Page(url, text, encoding=encoding), etnews.SELECTORS, req)
    ]


def test_feed_exact_items() -> None:
    arts = _articles(FEED, FEED_URL)
    assert len(arts) == 7
    first, second, fourth = arts[0], arts[1], arts[3]
    assert first.title == "삼성전자, 3분기 영업이익 17조원 전망…반도체 호황 지속"
    assert first.url == "https://www.etnews.com/20180928000345"  # ?mc= tracking dropped
    assert first.id == "etnews:20180928000345"
    assert first.thumbnail is None  # the feed carries none: see thumbnails
    assert first.press == "윤건일기자"
    assert first.published_at == datetime(2018, 9, 28, 17, 40, 12, tzinfo=KST)
    assert second.title == "과기정통부, 5G 주파수 할당 마무리…12월 1일 <상용 전파>"  # CDATA kept
    assert second.published_at == datetime(2018, 9, 28, 16, 55, 3, tzinfo=KST)
    assert fourth.thumbnail == (
        "https://img.etnews.com/photonews/1809/1113901_20180928140527_251_0001.jpg"
    )  # an enclosure
    assert fourth.snippet.startswith("네이버와 라인이 함께 만든")


def test_list_page_exact_items() -> None:
    arts = _articles(LIST, LIST_URL)
    assert len(arts) == 7
    first, second, fourth = arts[0], arts[1], arts[3]
    assert first.title == "삼성전자, 3분기 영업이익 17조원 전망…반도체 호황 지속"
    assert first.url == "https://www.etnews.com/20180928000345"  # relative href
    assert first.thumbnail == (
        "https://img.etnews.com/photonews/1809/1114023_20180928174012_345_0001.jpg"
    )
    assert first.published_at == datetime(2018, 9, 28, 17, 40, tzinfo=KST)
    # lazy image: the real URL is in data-src, and protocol-relative
    assert second.thumbnail == (
        "https://img.etnews.com/photonews/1809/1114001_20180928165503_312_0001.jpg"
    )
    assert second.title.endswith("12월 1일 <상용 전파>")  # &lt; &gt; decoded once
    assert second.press == "박지성기자"
    assert fourth.thumbnail is None
    assert fourth.published_at == datetime(2018, 9, 28, 14, 5, tzinfo=KST)


@pytest.mark.parametrize(("path", "url"), [(FEED, FEED_URL), (LIST, LIST_URL)])
def test_past_day_keeps_only_that_day(path: Path, url: str) -> None:
    past = replace(TODAY, now=datetime(2018, 9, 30, 9, 0, tzinfo=KST))
    assert len(_articles(path, url, past)) == 6  # the 09-27 item is left out
    before = replace(past, day=date(2018, 9, 27))
    assert [a.id for a in _articles(path, url, before)] == ["etnews:20180927000410"]
    assert "no date archive" in etnews.notes(past)[0] and etnews.notes(TODAY) == []


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', "no items"),
        (
            '<?xml version="1.0"?><rss><channel><item><title>a</title>'
            "<link>https://www.etnews.com/20180928000001</link></item></channel></rss>",
            "pubDate",
        ),
        ("<html><body><p>점검 중입니다</p></body></html>", "item="),
    ],
)
def test_unusable_feeds_and_pages_are_layout_changes(body: str, match: str) -> None:
    with pytest.raises(LayoutChanged, match=match):
        etnews.parse(Page(FEED_URL, body), etnews.SELECTORS, TODAY)


def test_urls_feed_or_html_by_option() -> None:
    assert etnews.urls(TODAY) == [FEED_URL]
    assert etnews.urls(replace(TODAY, options=etnews.Options(feed="Section901"))) == [
        "https://rss.etnews.com/Section901.xml"
    ]
    html = replace(TODAY, options=etnews.Options(via="html", pages=3), max_pages=2)
    assert etnews.urls(html) == [LIST_URL, LIST_URL.replace("page=1", "page=2")]
    assert etnews.fallback_urls(TODAY) == [LIST_URL]


def test_selector_override_repairs_a_changed_list() -> None:
    text = LIST.read_text().replace('class="news_list"', 'class="article_list"')
    page = Page(LIST_URL, text)
    with pytest.raises(LayoutChanged, match="item="):
        etnews.parse(page, etnews.SELECTORS, TODAY)
    repaired = dict(etnews.SELECTORS, item="ul.article_list > li")
    assert len(etnews.parse(page, repaired, TODAY)) == 7


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.etnews.com/20180928000345?mc=ns_004_00001",
            "https://www.etnews.com/20180928000345",
        ),
        ("https://m.etnews.com/20180928000345", "https://www.etnews.com/20180928000345"),
        (
            "http://www.etnews.com/news/article.html?id=20180928000345&utm_source=x",
            "https://www.etnews.com/20180928000345",
        ),
        (
            "https://www.etnews.com/news/section.html?id1=04",
            "https://www.etnews.com/news/section.html?id1=04",
        ),
    ],
)
def test_canonical_urls(url: str, canonical: str) -> None:
    assert etnews.canonical_url(url) == canonical


# --- through the pipeline, against a loopback server -------------------------------------


def _job(**extra: object) -> Job:
    data = {
        "name": "et",
        "title": "{date:%Y.%m.%d} 전자신문",
        "slug": "et",
        "sources": [{"name": "etnews", "section": "04"}],
    }
    return Job.model_validate(data | extra)


def _run(server: PageServer, job: Job, tmp_path: Path) -> SourceResult:
    return _run_post(server, job, tmp_path)[0]


def _run_post(server: PageServer, job: Job, tmp_path: Path) -> tuple[SourceResult, dict[str, str]]:
    """The source's result and the post's items by article number."""
    hosts = {h: server.origin for h in ("rss.etnews.com", "www.etnews.com")}
    cfg = Config.model_validate(
        {"fetch": {"host_map": hosts, **FAST_FETCH}, "output": {"dir": str(tmp_path / "posts")}}
    )
    report, posts = pipeline.run([job], date(2018, 9, 28), config=cfg, now=NOW, dry_run=True)
    items = daily_list.blocks(posts[0].text, etnews.canonical_url) if posts else []
    return report.jobs[0].sources[0], {b.id.rsplit("/", 1)[-1]: b.text for b in items}


def _serve_articles(server: PageServer) -> None:
    for path in (PAGES / "etnews").glob("article_*.html"):
        server.add("/" + path.stem.split("_")[1], path.read_bytes())


@pytest.mark.parametrize("feed_status", [404, 200])
def test_a_failing_or_unusable_feed_falls_back_to_the_list(
    page_server: PageServer, tmp_path: Path, feed_status: int
) -> None:
    feed = FEED.read_text().replace("<pubDate>", "<!--").replace("</pubDate>", "-->")
    page_server.add("/04.xml", feed, status=feed_status, Content_Type="application/rss+xml")
    page_server.add("/news/section.html", LIST.read_bytes())
    src = _run(page_server, _job(), tmp_path)
    assert src.ok, src.message
    assert len(src.articles) == 7 and src.urls == (FEED_URL, LIST_URL)
    assert any("instead" in n and "section.html" in n for n in src.notes)
    assert src.articles[0].thumbnail  # from the list, which has them


def test_thumbnails_come_from_article_pages_when_the_job_asks(
    page_server: PageServer, tmp_path: Path
) -> None:
    page_server.add("/04.xml", FEED.read_bytes(), Content_Type="application/rss+xml")
    _serve_articles(page_server)
    without = _run(page_server, _job(), tmp_path)
    assert all(a.thumbnail is None for a in without.articles if a.id != "etnews:20180928000251")
    assert not [p for p, _ in page_server.log if p.startswith("/2018")]  # not asked: not fetched
    src, items = _run_post(page_server, _job(thumbnails=True), tmp_path)
    assert (
        "(https://img.etnews.com/photonews/1809/1114023_20180928174012_345_0001.jpg)"
        in (items["20180928000345"])
    )
    assert (
        "(https://img.etnews.com/photonews/1809/1114001_20180928165503_312_0001.jpg)"
        in (
            items["20180928000312"]  # protocol-relative og:image resolved
        )
    )
    assert "_251_0001.jpg)" in items["20180928000251"]  # the feed had it: kept
    assert "![" not in items["20180928000120"]  # article page 404: the item stays, imageless
    fetched = sorted(p for p, _ in page_server.log if p.startswith("/2018"))
    assert "/20180928000251" not in fetched and len(fetched) == 6  # only the imageless
    assert any("have no thumbnail" in n for n in src.notes)


def test_feed_text_written_as_escaped_html_is_decoded_once() -> None:
    """``AT&amp;amp;T`` in the feed is the text ``AT&T``; with normalize no longer decoding,
    the adapter must (it did, by accident, through normalize's second pass)."""
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
        "<title>AT&amp;amp;T, 5G &amp;lt;상용&amp;gt; 발표</title>"
        "<link>https://www.etnews.com/20180928000001</link>"
        "<description>요금 &amp;amp; 속도</description><author>홍길동&amp;amp;김기자</author>"
        "<pubDate>Fri, 28 Sep 2018 17:40:12 +0900</pubDate></item></channel></rss>"
    )
    req = ListRequest(day=date(2018, 9, 28), section="04", now=TODAY.now)
    (item,) = etnews.parse(Page(FEED_URL, feed), etnews.SELECTORS, req)
    assert (item.title, item.snippet, item.press) == (
        "AT&T, 5G <상용> 발표",
        "요금 & 속도",
        "홍길동&김기자",
    )


def test_a_past_day_hands_on_an_item_without_a_time_as_undated() -> None:
    """An item whose time cannot be read is counted as ``undated``, not silently dropped."""
    text, _ = decode(FEED.read_bytes())
    text = text.replace(
        "<pubDate>Fri, 28 Sep 2018 16:55:03 +0900</pubDate>", "<pubDate>soon</pubDate>"
    )
    past = replace(TODAY, now=datetime(2018, 9, 30, 9, 0, tzinfo=KST))
    got = etnews.parse(Page(FEED_URL, text), etnews.SELECTORS, past)
    assert [i.dropped for i in got].count("undated") == 1 and len(got) == 6
    assert got[[i.dropped for i in got].index("undated")].title.endswith("12월 1일 <상용 전파>")


def test_a_feed_entry_or_list_item_without_a_title_or_link_is_counted_not_lost() -> None:
    """An entry with a title but no link (or the reverse) goes on to be counted as what it
    lacks, like a generic feed's; a list item without its link is counted by its text. An
    entry or item with neither is no item."""
    text, _ = decode(FEED.read_bytes())
    broken = (
        "<item><title>링크 없는 기사</title><pubDate>Fri, 28 Sep 2018 10:00:00 +0900</pubDate></item>"
        "<item><link>https://www.etnews.com/20180928000999</link>"
        "<pubDate>Fri, 28 Sep 2018 10:00:00 +0900</pubDate></item><item><description>x</description></item>"
    )  # fmt: skip
    feed = text.replace("<item>", broken + "<item>", 1)
    assert counted(etnews, Page(FEED_URL, feed), TODAY) == (7, {"no_link": 1, "empty_title": 1})
    listing, _ = decode(LIST.read_bytes())
    first = listing.index("<li>")
    unlinked = "<li><div class='text'><strong>링크 없는 기사</strong></div></li><li> </li>"
    got = counted(etnews, Page(LIST_URL, listing[:first] + unlinked + listing[first:]), TODAY)
    assert got == (7, {"no_link": 1})
