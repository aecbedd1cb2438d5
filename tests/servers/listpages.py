"""List pages in every format the sources read, built from (href, title, time) cards.

Each builder puts its cards into the markup its source's SELECTORS expect; href,
title and time go in as given (HTML-escaped, or JSON-encoded), so a test can feed a
hostile value through the real parser. ``FORMATS`` maps a name to (builder, the
path the source asks for, its content type, the job's source table).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import format_datetime

from newsbot.dates import KST

Card = tuple[str, str, str]  # href, title, time as the page prints it
NOW = datetime(2025, 2, 4, 18, 0, tzinfo=KST)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cards(template: str, cards: Sequence[Card]) -> str:
    """``template`` filled with each card's href (h), title (t) and time (w), escaped."""
    return "".join(template.format(h=_e(h), t=_e(t), w=_e(w)) for h, t, w in cards)


def _page(body: str) -> bytes:
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>list</title></head>'
    return f"{head}<body>{body}</body></html>".encode()


def _html_list(wrapper: str, item: str) -> Callable[[Sequence[Card]], bytes]:
    """A builder of an HTML list page: each card as ``item``, all of them in ``wrapper``."""

    def build(cards: Sequence[Card]) -> bytes:
        return _page(wrapper.format(items=_cards(item, cards)))

    return build


NAVER_CARD = (
    '<li class="sa_item"><a class="sa_text_title" href="{h}">'
    '<strong class="sa_text_strong">{t}</strong></a>'
    '<div class="sa_text_lede">본문 {t}</div><div class="sa_text_press">연합뉴스</div>'
    '<div class="sa_text_datetime"><b>{w}</b></div></li>'
)
naver_section = _html_list('<ul id="_SECTION_HEADLINE_LIST_1">{items}</ul>', NAVER_CARD)
naver_archive = _html_list(
    '<div class="section_latest_article"><ul class="sa_list">{items}</ul></div>', NAVER_CARD
)
naver_legacy = _html_list(
    '<div class="list_body"><ul class="type06_headline">{items}</ul></div>',
    '<li><dl><dt><a href="{h}">{t}</a></dt><dd><span class="lede">본문</span>'
    '<span class="writing">연합뉴스</span><span class="date">{w}</span></dd></dl></li>',
)
nate = _html_list(
    '<div id="newsContents">{items}</div>',
    '<div class="mlt01"><a class="lt1" href="{h}"><h2 class="tit">{t}</h2>'
    '<span class="tb">요약 {t}</span></a><span class="medium">연합뉴스<em>{w}</em></span></div>',
)
sina_html = _html_list(
    '<ul class="swiper-wrapper">{items}</ul>',
    '<li class="swiper-slide"><a href="{h}"><em class="swiper-slide_tit">{t}</em>'
    "<time>{w}</time></a></li>",
)
etnews_html = _html_list(
    '<ul class="news_list">{items}</ul>',
    '<li><div class="text"><strong><a href="{h}">{t}</a></strong>'
    '<p>요약</p><span class="date">{w}</span></div></li>',
)


def sina_json(cards: Sequence[Card]) -> bytes:
    rows = [
        {"title": t, "url": h, "intro": f"简介 {t}", "media_name": "新浪科技", "ctime": w}
        for h, t, w in cards
    ]
    return json.dumps({"result": {"status": {"code": 0}, "data": rows}}).encode()


def etnews_rss(cards: Sequence[Card]) -> bytes:
    items = _cards("<item><title>{t}</title><link>{h}</link><pubDate>{w}</pubDate></item>", cards)
    rss = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}'
    return (rss + "</channel></rss>").encode()


WORDS = [
    "반도체",
    "배터리",
    "로봇",
    "위성",
    "드론",
    "클라우드",
    "보안",
    "게임",
    "통신",
    "모바일",
    "금융",
    "의료",
    "교육",
    "물류",
    "에너지",
    "자동차",
    "조선",
    "항공",
    "바이오",
    "농업",
    "날씨",
    "선거",
    "축구",
    "야구",
    "영화",
    "음악",
    "부동산",
    "주식",
    "환율",
    "관광",
]


def headline(seed: str, n: int) -> str:
    """A headline unlike every other (no two are merged as one story)."""
    digest = hashlib.sha1(f"{seed}/{n}".encode()).digest()
    words = " ".join(WORDS[b % len(WORDS)] for b in digest[:4])
    return f"{words} {int.from_bytes(digest[4:7], 'big')}"


def when(fmt: str) -> str:
    """``NOW`` as a format prints it: iso, epoch, rfc822 or korean."""
    return {
        "iso": NOW.isoformat(),
        "epoch": str(int(NOW.timestamp())),
        "rfc822": format_datetime(NOW),
        "korean": "3시간 전",
    }[fmt]


# name: (builder, path asked for, content type, [[sources]] table, article URL for n, time)
FORMATS: dict[str, tuple[Callable[[Sequence[Card]], bytes], str, str, str, str, str]] = {
    "naver-section": (
        naver_section,
        "/section/105",
        "text/html",
        'name = "naver"\nsection = "105"',
        "https://n.news.naver.com/mnews/article/001/{n:010d}",
        "korean",
    ),
    "naver-archive": (
        naver_archive,
        "/breakingnews/section/105/230",
        "text/html",
        'name = "naver"\nsection = "105"\noptions = { force_archive = true }',
        "https://n.news.naver.com/mnews/article/002/{n:010d}",
        "korean",
    ),
    "naver-legacy": (
        naver_legacy,
        "/main/list.naver",
        "text/html",
        'name = "naver"\nsection = "105"\noptions = { force_archive = true, archive = "legacy" }',
        "https://n.news.naver.com/mnews/article/003/{n:010d}",
        "iso",
    ),
    "nate": (
        nate,
        "/recent",
        "text/html",
        'name = "nate"\nsection = "n0105"',
        "https://news.nate.com/view/20250204n{n:05d}",
        "korean",
    ),
    "sina-json": (
        sina_json,
        "/api/roll/get",
        "application/json",
        'name = "sina"\nsection = "2515"',
        "https://tech.sina.com.cn/doc-iabcdefg{n:04d}.shtml",
        "epoch",
    ),
    "sina-html": (
        sina_html,
        "/tech/",
        "text/html",
        'name = "sina"\nsection = "2515"\noptions = { list_url = "https://news.sina.cn/tech/" }',
        "https://tech.sina.com.cn/doc-ihijklmn{n:04d}.shtml",
        "iso",
    ),
    "etnews-rss": (
        etnews_rss,
        "/04.xml",
        "application/rss+xml",
        'name = "etnews"\nsection = "04"',
        "https://www.etnews.com/202502040{n:05d}",
        "rfc822",
    ),
    "etnews-html": (
        etnews_html,
        "/news/section.html",
        "text/html",
        'name = "etnews"\nsection = "04"\noptions = { via = "html" }',
        "https://www.etnews.com/202502041{n:05d}",
        "iso",
    ),
}
HOSTS = (
    "news.naver.com",
    "n.news.naver.com",
    "news.nate.com",
    "feed.mix.sina.com.cn",
    "news.sina.cn",
    "tech.sina.com.cn",
    "rss.etnews.com",
    "www.etnews.com",
)
