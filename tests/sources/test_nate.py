"""The Nate adapter against our synthetic pages (no real Nate page exists; see nate.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.fetch.charset import decode
from newsbot.fetch.page import Page
from newsbot.models import Article
from newsbot.normalize import to_article
from newsbot.sources import nate
from newsbot.sources.base import ListRequest
from tests.conftest import PAGES
from tests.sources.counting import counted

NOW = datetime(2025, 2, 4, 15, 0, tzinfo=KST)
TODAY = ListRequest(day=date(2025, 2, 4), section="n0105", now=NOW)
PAST = ListRequest(day=date(2025, 2, 3), section="n0105", now=NOW)
TODAY_PAGE = PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html"
PAST_PAGE = PAGES / "nate" / "recent_n0105_20250203_past_day_cp949_meta.html"


def _page(path: Path, req: ListRequest) -> Page:
    text, encoding = decode(path.read_bytes(), "text/html")  # no charset in the header
    return Page(nate.urls(req)[0], text, encoding=encoding)


def _articles(path: Path, req: ListRequest) -> list[Article]:
    page = _page(path, req)
    return [
        to_article(
            item,
            source="nate",
            section="n0105",
            base_url=page.url,
            now=req.now,
            snippet_chars=120,
            canonical=nate.canonical_url,
            article_id=nate.article_id,
        )
        for item in nate.parse(page, nate.SELECTORS, req)
    ]


@pytest.mark.parametrize("path", sorted((PAGES / "nate").glob("*.html")), ids=lambda p: p.name)
def test_cp949_declared_only_in_meta_decodes_without_loss(path: Path) -> None:
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("euc-kr")  # the pages hold syllables EUC-KR cannot encode
    page = _page(path, TODAY)
    assert page.encoding == "cp949" and "\ufffd" not in page.text


def test_today_list_exact_items_and_relative_times() -> None:
    arts = _articles(TODAY_PAGE, TODAY)
    assert len(arts) == 6
    first, second, third, fourth = arts[:4]
    assert first.title == "SKT, MIT와 생성형AI 혁신 '맞손'…\"산업 AX 가속\""
    assert first.url == "https://news.nate.com/view/20250204n21345"  # ?mid= dropped
    assert first.id == "nate:20250204n21345"
    assert first.thumbnail == (
        "https://thumbnews.nateimg.co.kr/view610///news.nateimg.co.kr/orgImg/nw/2025/02/04/"
        "NISI20250204_0001.jpg"
    )
    assert first.press == "뉴시스"
    assert first.snippet.startswith("SK텔레콤이 매사추세츠공대(MIT)가")  # not the title again
    assert first.published_at == datetime(2025, 2, 4, 14, 48, tzinfo=KST)  # 12분 전
    assert second.title == "똠방각하 뷁 논란…햏 신조어 사전 등재 추진"  # cp949-only syllables
    assert second.url == "https://news.nate.com/view/20250204n19877"  # utm_* dropped too
    assert second.thumbnail.endswith("/orgImg/et/2025/02/04/2025020410.jpg")  # data-src
    assert second.published_at == datetime(2025, 2, 4, 12, 0, tzinfo=KST)  # 3시간 전
    assert third.title == "카카오, 오픈AI와 전략적 제휴…카톡에 AI 탑재"
    assert third.published_at == datetime(2025, 2, 4, 12, 5, tzinfo=KST)  # 오후 12:05 is noon
    assert fourth.url == "https://news.nate.com/view/20250204n00418"  # relative href resolved
    assert fourth.thumbnail is None
    assert fourth.published_at == datetime(2025, 2, 4, 0, 40, tzinfo=KST)  # 오전 12:40 is 00:40


def test_past_day_clock_times_belong_to_that_day() -> None:
    arts = _articles(PAST_PAGE, PAST)
    assert [a.id for a in arts[:3]] == [
        "nate:20250203n29771",
        "nate:20250203n20155",
        "nate:20250203n11940",
    ]
    assert arts[0].title == "네이버, 사우디 LEAP 참가…'소버린 AI' 강조"
    assert arts[0].published_at == datetime(2025, 2, 3, 23, 48, tzinfo=KST)
    assert arts[1].thumbnail.endswith("/orgImg/yt/2025/02/03/AKR20250203.jpg")
    assert arts[1].published_at == datetime(2025, 2, 3, 12, 30, tzinfo=KST)
    assert arts[2].thumbnail is None and arts[2].press == "뉴스1"
    assert arts[3].published_at == datetime(2025, 2, 3, 0, 15, tzinfo=KST)
    assert all(a.published_at.date() == date(2025, 2, 3) for a in arts)


def test_urls_are_date_addressed_and_paged_up_to_the_cap() -> None:
    assert nate.urls(PAST) == ["https://news.nate.com/recent?mid=n0105&type=c&date=20250203&page=1"]
    paged = replace(TODAY, options=nate.Options(pages=4), max_pages=2)
    assert [u.rsplit("&", 2)[-2:] for u in nate.urls(paged)] == [
        ["date=20250204", "page=1"],
        ["date=20250204", "page=2"],
    ]
    assert nate.notes(PAST) == []


def test_selector_override_repairs_a_changed_layout() -> None:
    page = _page(TODAY_PAGE, TODAY)
    changed = Page(page.url, page.text.replace('class="mlt01"', 'class="mlt02"'))
    with pytest.raises(LayoutChanged, match="item="):
        nate.parse(changed, nate.SELECTORS, TODAY)
    repaired = dict(nate.SELECTORS, item="#newsContents div.mlt02")
    assert len(nate.parse(changed, repaired, TODAY)) == 6


@pytest.mark.parametrize(
    ("url", "canonical", "aid"),
    [
        (
            "https://news.nate.com/view/20250204n21345?mid=n0105",
            "https://news.nate.com/view/20250204n21345",
            "nate:20250204n21345",
        ),
        (
            "https://m.news.nate.com/view/20250204n21345?list=edit",
            "https://news.nate.com/view/20250204n21345",
            "nate:20250204n21345",
        ),
        (
            "https://sports.news.nate.com/view/20260412n15179?mid=s1001",
            "https://sports.news.nate.com/view/20260412n15179",
            "nate:sports/20260412n15179",
        ),
        ("https://news.nate.com/recent?mid=n0105", "https://news.nate.com/recent?mid=n0105", None),
    ],
)
def test_ids_and_canonical_urls(url: str, canonical: str, aid: str | None) -> None:
    assert nate.canonical_url(url) == canonical
    assert nate.article_id(url) == aid


def test_a_row_without_a_title_or_link_is_counted_not_lost() -> None:
    """A row whose link selector stopped matching, or whose link has no title, goes on to be
    counted as what it lacks (``no_link``, ``empty_title``); a row of neither is no item."""
    page = _page(TODAY_PAGE, TODAY)
    broken = (
        "<div class='mlt01'><span class='tb'><h2 class='tit'>링크 없는 기사</h2></span></div>"
        "<div class='mlt01'><a class='lt1' href='//news.nate.com/view/20250204n00001'></a></div>"
        "<div class='mlt01'><span class='medium'>광고</span></div>"
    )
    text = page.text.replace('<div class="mlt01">', broken + '<div class="mlt01">', 1)
    got = counted(nate, Page(page.url, text), TODAY)
    assert got == (6, {"no_link": 1, "empty_title": 1})
