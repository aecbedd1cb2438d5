"""The Naver adapter against every real Naver page in ../shared and our own pages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.fetch.charset import decode
from newsbot.fetch.page import Page
from newsbot.sources import naver
from newsbot.sources.base import ListRequest
from tests.conftest import PAGES, shared_files

NOW = datetime(2025, 2, 4, 18, 0, tzinfo=KST)
TODAY = ListRequest(day=date(2025, 2, 4), section="105", now=NOW)
SECTION_URL = "https://news.naver.com/section/105"


def _page(path: Path, url: str) -> Page:
    text, encoding = decode(path.read_bytes())
    return Page(url, text, encoding=encoding)


def _parse(path: Path, url: str) -> list:
    return naver.parse(_page(path, url), naver.SELECTORS, TODAY)


@pytest.mark.parametrize("path", shared_files("naver", "list-*.html"), ids=lambda p: p.name)
def test_legacy_date_archive_pages_yield_twenty_complete_items(path: Path) -> None:
    items = _parse(path, "https://news.naver.com/main/list.naver?mode=LS2D&date=x")
    assert len(items) == 20
    assert all(naver.article_id(i.url) for i in items)
    assert all(i.title.strip() and i.snippet and i.press and i.published for i in items)


def test_legacy_archive_exact_fields(shared_fixtures: Path) -> None:
    path = shared_fixtures / "naver" / "list-ls2d-sid1-100-sid2-267-date-20170101-fetched2022.html"
    items = _parse(path, "https://news.naver.com/main/list.naver?mode=LS2D&date=20170101")
    first, second = items[0], items[1]
    assert first.title.strip() == "트럼프 언급 안한 北김정은, ICBM으로 대미 메시지 대체"
    assert naver.canonical_url(first.url) == "https://n.news.naver.com/mnews/article/421/0002484966"
    assert first.thumbnail == (
        "https://imgnews.pstatic.net/image/origin/421/2017/01/01/2484966.jpg?type=ofullfill106_72"
    )
    assert first.press == "뉴스1" and first.published == "2017.01.01. 오후 10:20"
    assert second.title.strip() == "해군 초계기 조작 실수로 어뢰 등 바다에 빠뜨려"
    assert second.thumbnail is None  # no dt.photo in this row
    assert items[-1].title.strip() == '정부, 이스탄불 클럽 총기난사 테러 "강력 규탄"'


def test_real_section_page_headline_item(shared_fixtures: Path) -> None:
    path = shared_fixtures / "naver" / "section-100-20250826-dom-excerpt.html"
    items = _parse(path, "https://news.naver.com/section/100")
    assert (
        len(items) == 1
    )  # the excerpt keeps one headline; the 2 latest-list items are not headlines
    item = items[0]
    assert (
        item.title
        == "트럼프, 李대통령 펜보고 “나이스” 연발…예상보다 길어진 140분간 회담 [한미정상회담]"
    )
    assert item.url == "https://n.news.naver.com/mnews/article/016/0002519226"
    assert item.thumbnail.endswith("/016/2025/08/26/2519226.jpg?type=nf220_150")
    assert item.press == "헤럴드경제"
    assert item.snippet.endswith("(도널")


@pytest.mark.parametrize("path", shared_files("naver", "article-*.html"), ids=lambda p: p.name)
def test_article_pages_are_not_lists(path: Path) -> None:
    with pytest.raises(LayoutChanged, match="no items matched selector"):
        _parse(path, SECTION_URL)


def test_headline_block_only_lazy_thumbnails_and_blind_items() -> None:
    items = _parse(PAGES / "naver" / "section_105_headline_lazy_blind_dup.html", SECTION_URL)
    titles = [i.title for i in items]
    assert len(items) == 7  # 5 visible + 2 is_blind; the latest list is left out
    assert "최신 기사는 포함되지 않는다" not in titles
    assert titles[-1] == "[단독] 네이버, 사우디 LEAP 참가"
    assert all("nf220_150" in (i.thumbnail or "") for i in items)
    assert not any(i.thumbnail.startswith("data:") for i in items)


def test_changed_layout_names_the_selector() -> None:
    text = (PAGES / "naver" / "section_105_headline_lazy_blind_dup.html").read_text()
    renamed = text.replace("_SECTION_HEADLINE_LIST_", "_HEADLINES_V2_")
    with pytest.raises(LayoutChanged) as err:
        naver.parse(Page(SECTION_URL, renamed), naver.SELECTORS, TODAY)
    assert "headline_item" in str(err.value) and SECTION_URL in str(err.value)


def test_selector_override_repairs_a_renamed_layout() -> None:
    text = (PAGES / "naver" / "section_105_headline_lazy_blind_dup.html").read_text()
    renamed = text.replace("_SECTION_HEADLINE_LIST_", "_HEADLINES_V2_")
    sel = dict(naver.SELECTORS, headline_item='ul[id^="_HEADLINES_V2_"] > li.sa_item')
    assert len(naver.parse(Page(SECTION_URL, renamed), sel, TODAY)) == 7


def test_urls_today_and_past_day() -> None:
    assert naver.urls(TODAY) == [SECTION_URL]
    past = ListRequest(
        day=date(2025, 2, 3),
        section="105",
        now=NOW,
        options=naver.Options(archive_sections=["230", "283"]),
    )
    assert naver.urls(past) == [
        "https://news.naver.com/breakingnews/section/105/230?date=20250203",
        "https://news.naver.com/breakingnews/section/105/283?date=20250203",
    ]
    assert "no headline block" in naver.notes(past)[0]
    assert naver.notes(TODAY) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://n.news.naver.com/mnews/article/029/0002932972", "naver:029/0002932972"),
        ("https://n.news.naver.com/article/029/0002932972?sid=105", "naver:029/0002932972"),
        (
            "https://news.naver.com/main/read.naver?mode=LSD&oid=001&aid=0009205077",
            "naver:001/0009205077",
        ),
        ("https://news.naver.com/cluster/c_2025/section/100", None),
    ],
)
def test_article_id(url: str, expected: str | None) -> None:
    assert naver.article_id(url) == expected


def test_legacy_archive_is_paged_up_to_the_cap() -> None:
    past = ListRequest(
        day=date(2017, 1, 1),
        section="100",
        now=NOW,
        options=naver.Options(archive="legacy", archive_sections=["267"], pages=9),
        max_pages=3,
    )
    got = naver.urls(past)
    assert [u.rsplit("&", 1)[1] for u in got] == ["page=1", "page=2", "page=3"]
    assert all("sid2=267&date=20170101" in u for u in got)
    one = ListRequest(
        day=date(2017, 1, 1), section="100", now=NOW, options=naver.Options(archive="legacy")
    )
    assert len(naver.urls(one)) == 1  # one page unless the job asks for more
