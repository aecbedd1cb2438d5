"""Naver News section lists (news.naver.com).

Today: the section page's **headline block** (``헤드라인 뉴스``), the list the
daily post is made of. Naver keeps no headline block for past days, so for a
past ``--date`` the source reads the date-addressable "breakingnews" list of
the job's sub-sections instead (``archive_sections``, default IT일반 230), and
every run that does so says it. The legacy ``main/list.naver`` archive (≤2022)
is parsed too, for users who point ``archive`` at it.

Facts from ``docs/SITES.md``: section and article pages are UTF-8; thumbnails in
raw HTML sit in ``data-src`` (lazy loading), in a browser DOM copy in ``src``;
the breakingnews markup is second-hand (scraper code), the other two are seen
in saved pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import Field
from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.extract.rules import Rule
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources.base import Defaults, ListRequest, SourceOptions
from newsbot.sources.markup import lazy_image, text

NAME = "naver"
LABEL = "네이버 뉴스"

SELECTORS: Mapping[str, str] = {
    # new layout (2023–): section page and breakingnews date archive
    "headline_item": 'ul[id^="_SECTION_HEADLINE_LIST_"] > li.sa_item',
    "latest_item": "div.section_latest_article ul.sa_list > li.sa_item",
    "title": "strong.sa_text_strong",
    "link": "a.sa_text_title",
    "thumbnail": "div.sa_thumb img",
    "lede": "div.sa_text_lede",
    "press": "div.sa_text_press",
    "time": "div.sa_text_datetime b",
    # legacy date archive (main/list.naver, ≤2022)
    "legacy_item": "div.list_body ul.type06_headline > li, div.list_body ul.type06 > li",
    "legacy_link": "dt:not(.photo) > a",
    "legacy_thumbnail": "dt.photo img",
    "legacy_lede": "dd span.lede",
    "legacy_press": "dd span.writing",
    "legacy_time": "dd span.date",
}

DEFAULTS = Defaults(
    min_items=5,
    max_items=50,
    max_pages=5,  # legacy archive pages per sub-section
    # Naver's robots.txt disallows every generic bot. The blog's owner asked for
    # this one page a day for their own blog, so this source opts out, openly:
    # every run says so, and [sources.naver] obey_robots = true turns it back on.
    obey_robots=False,
    robots_note="robots.txt disallows generic bots; this source opts out by design "
    "(one list page per job and day)",
)

CONTENT_TYPES: Sequence[str] = ()  # HTML: [fetch] content_types
HEADERS: Mapping[str, str] = {}
DEFAULT_ARCHIVE_SECTIONS = ("230",)  # IT/과학 › IT일반


class Options(SourceOptions):
    """``options`` of a naver source in a job file."""

    archive: Literal["breakingnews", "legacy"] = Field(
        "breakingnews", description="past days: the breakingnews date archive, or legacy list.naver"
    )
    archive_sections: tuple[str, ...] = Field(
        DEFAULT_ARCHIVE_SECTIONS,
        min_length=1,
        strict=False,  # a TOML array is a list; its items stay strict strings
        description="sub-sections read for a past day",
    )
    force_archive: bool = Field(False, description="read the date archive even for today")


ARTICLE = Rule(
    NAME,
    ("news.naver.com",),
    {
        "title": "#title_area span, h2.media_end_head_headline, #articleTitle",
        "body": "article#dic_area, #articleBodyContents",
        "published": "span._ARTICLE_DATE_TIME, span.t11",
        "drop": "em.img_desc, .img_desc, .end_photo_org, .vod_player_wrap, .media_end_summary_more",
    },
    KST,
)

SECTION_URL = "https://news.naver.com/section/{section}"
ARCHIVE_URL = "https://news.naver.com/breakingnews/section/{section}/{sub}?date={ymd}"
LEGACY_URL = (
    "https://news.naver.com/main/list.naver?mode=LS2D&mid=shm&sid1={section}&sid2={sub}"
    "&date={ymd}&page={page}"
)
ARTICLE_URL = "https://n.news.naver.com/mnews/article/{oid}/{aid}"
ARTICLE_PATH = re.compile(r"/(?:mnews/)?article/(\d{3})/(\d{10})")


def urls(req: ListRequest) -> list[str]:
    """The section page today; the date archive of each sub-section for a past day."""
    section, opts = req.section or "105", Options.of(req.options)
    if req.is_today and not opts.force_archive:
        return [SECTION_URL.format(section=section)]
    subs = opts.archive_sections
    ymd = req.day.strftime("%Y%m%d")
    if opts.archive == "legacy":  # 20 rows a page: options.pages pages
        pages = range(1, req.pages() + 1)
        return [
            LEGACY_URL.format(section=section, sub=sub, ymd=ymd, page=n)
            for sub in subs
            for n in pages
        ]
    return [ARCHIVE_URL.format(section=section, sub=sub, ymd=ymd) for sub in subs]


def notes(req: ListRequest) -> list[str]:
    """A past day cannot have the headline block: say which list stands in for it."""
    opts = Options.of(req.options)
    if req.is_today and not opts.force_archive:
        return []
    subs = ", ".join(opts.archive_sections)
    return [
        f"naver keeps no headline block for past days; {req.day} uses the date archive "
        f"of section {req.section or '105'} sub-sections {subs} instead"
    ]


def fallback_urls(req: ListRequest) -> list[str]:
    """None: the section page and the archives are the only ways in."""
    return []


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """Headline items of a section page, or the items of a date-archive page."""
    tree = LexborHTMLParser(page.markup)
    if "/section/" in page.url and "/breakingnews/" not in page.url:
        nodes, kind = tree.css(sel["headline_item"]), "headline_item"
    elif "list.naver" in page.url:
        return _parse_legacy(tree, page, sel)
    else:
        nodes, kind = tree.css(sel["latest_item"]), "latest_item"
    items = [item for item in (_card(n, sel) for n in nodes) if item is not None]
    if not items:
        raise LayoutChanged(NAME, page.url, f"no items matched selector {kind}={sel[kind]!r}")
    return items


def _card(node: LexborNode, sel: Mapping[str, str], prefix: str = "") -> RawItem | None:
    """One item; the legacy layout (``prefix="legacy_"``) has its title in the link."""
    link = node.css_first(sel[f"{prefix}link"])
    title = node.css_first(sel["title"]) if not prefix else link
    if link is None and title is None:
        return None
    return RawItem(
        title=title.text() if title is not None else "",
        url=(link.attributes.get("href") or "") if link is not None else "",
        thumbnail=lazy_image(node.css_first(sel[f"{prefix}thumbnail"])),
        snippet=text(node.css_first(sel[f"{prefix}lede"])),
        press=text(node.css_first(sel[f"{prefix}press"])),
        published=text(node.css_first(sel[f"{prefix}time"])),
    )


def _parse_legacy(tree: LexborHTMLParser, page: Page, sel: Mapping[str, str]) -> list[RawItem]:
    cards = (_card(node, sel, "legacy_") for node in tree.css(sel["legacy_item"]))
    items = [item for item in cards if item is not None]
    if not items:
        raise LayoutChanged(
            NAME, page.url, f"no items matched selector legacy_item={sel['legacy_item']!r}"
        )
    return items


def article_id(url: str) -> str | None:
    """``naver:OID/AID`` from any of Naver's article URL forms."""
    parts = urlsplit(url)
    m = ARTICLE_PATH.search(parts.path)
    if m:
        return f"{NAME}:{m.group(1)}/{m.group(2)}"
    query = parse_qs(parts.query)
    if "oid" in query and "aid" in query:
        return f"{NAME}:{query['oid'][0]}/{query['aid'][0]}"
    return None


def canonical_url(url: str) -> str:
    """``https://n.news.naver.com/mnews/article/OID/AID``, the form the blog links to."""
    aid = article_id(url)
    if aid is None:
        return url
    oid, num = aid.split(":", 1)[1].split("/")
    return ARTICLE_URL.format(oid=oid, aid=num)
