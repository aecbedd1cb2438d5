"""etnews (전자신문, www.etnews.com): the official RSS feed, and section list pages.

The feed is read first (``https://rss.etnews.com/{feed}.xml``; ``options.feed``,
default the ``section`` code). If it cannot be fetched, is not a feed, or its
items lack a title, link or date, the run falls back to the HTML section list
(``news/section.html?id1={section}&page=N``, ``options.pages`` pages up to
``max_pages``) and says so; ``options.via = "html"`` reads the list directly.
Neither is date-addressable, so a past ``--date`` keeps only the items of that
day (KST) from what the feed or list serves, and says so. The feed carries no
thumbnails: a job with ``thumbnails = true`` gets them from each article's
``og:image`` (``newsbot.thumbnails``).

Every fact here is **second-hand** (``docs/SITES.md`` §4; no real etnews page
or feed could be saved): the feed and list URLs, the ``id1`` section codes,
article URLs ``/YYYYMMDDNNNNNN`` linked relatively from lists, the list
selectors ``ul.news_list > li``, ``div.text > strong > a``, ``.date``
("2026-08-10 13:13"), ``li p``, ``.writer``, and ``og:image`` /
``article:published_time`` (+09:00) on articles. Guessed for our synthetic
pages (``tests/pages/etnews``): the list's ``figure.thumb img`` with lazy
``data-src``, and RFC 822 ``pubDate`` in the feed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import Field
from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.extract.rules import Rule
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources.base import Defaults, ListRequest, SourceOptions
from newsbot.sources.markup import html_text, lazy_image, text

NAME = "etnews"
LABEL = "전자신문"

SELECTORS: Mapping[str, str] = {
    "item": "ul.news_list > li",
    "link": "div.text > strong > a",
    "thumbnail": "figure.thumb img, div.thumb img",
    "snippet": "p.summary, div.text > p",
    "press": "span.writer, .writer",
    "time": "span.date, .date",
}

DEFAULTS = Defaults(min_items=5, max_items=50, max_pages=5)
# MIME types fetch accepts for this source's pages: the feed, and the HTML list fallback
CONTENT_TYPES: Sequence[str] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "text/html",
    "application/xhtml+xml",
]

FEED_URL = "https://rss.etnews.com/{feed}.xml"
LIST_URL = "https://www.etnews.com/news/section.html?id1={section}&page={page}"
ARTICLE_URL = "https://www.etnews.com/{aid}"
DEFAULT_SECTION = "04"  # SW (2018 menu: SW&게임&성장기업)
ARTICLE_PATH = re.compile(r"^/(\d{14})$")
ETNEWS_HOSTS = ("www.etnews.com", "etnews.com", "m.etnews.com")
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
HEADERS: Mapping[str, str] = {}


class Options(SourceOptions):
    """``options`` of an etnews source in a job file."""

    feed: str | None = Field(None, description="feed name (default: the section code)")
    via: Literal["feed", "html"] = Field("feed", description="html: read the list pages only")


ARTICLE = Rule(
    NAME,
    ("etnews.com",),
    {
        "title": "h1.title, .article_title, h1",
        "body": "#articleBody, .article_body, .article_txt",
        "published": 'meta[property="article:published_time"], time',
        "drop": ".article_ad, .ad_newsviewWrap, #BpromotionBanner, .ad, .footer_btnwrap, "
        '.daum_ddn_area, [id^="beacon"], img[src^="http://img.etnews.com/2017/banner/"], '
        ".reporter_info, .byline",
    },
    KST,
)


def urls(req: ListRequest) -> list[str]:
    """The feed, or the section list pages when the job asks for HTML."""
    opts = Options.of(req.options)
    if opts.via == "html":
        return fallback_urls(req)
    feed = opts.feed or req.section or DEFAULT_SECTION
    return [FEED_URL.format(feed=feed)]


def fallback_urls(req: ListRequest) -> list[str]:
    """The section list pages, read when the feed fails or lacks what a record needs."""
    section = req.section or DEFAULT_SECTION
    return [LIST_URL.format(section=section, page=n) for n in range(1, req.pages() + 1)]


def notes(req: ListRequest) -> list[str]:
    """A past day has no listing of its own: say how it is found."""
    if req.is_today:
        return []
    return [f"etnews keeps no date archive; {req.day} keeps that day's items of the current list"]


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """Items of the RSS feed or of a section list page; a past day keeps its own items."""
    is_feed = page.text.lstrip().startswith("<?xml") or "<rss" in page.text[:512]
    items = _parse_feed(page) if is_feed else _parse_list(page, sel)
    if not req.is_today:
        items = req.that_day(items)  # an undated item is counted, not lost
    return items


def _parse_feed(page: Page) -> list[RawItem]:
    import feedparser  # imported lazily: only feed pages need it

    parsed = feedparser.parse(XML_DECL.sub("", page.text, count=1))  # text is decoded already
    # an entry without a title or a link is handed on and counted as what it lacks
    entries = [e for e in parsed.entries if e.get("title") or e.get("link")]
    whole = [e for e in entries if e.get("title") and e.get("link")]
    if not whole:
        raise LayoutChanged(NAME, page.url, "the feed has no items with a title and link")
    if not any(e.get("published") for e in whole):
        raise LayoutChanged(NAME, page.url, "the feed's items have no pubDate")
    return [
        RawItem(
            title=html_text(str(e.get("title") or "")),
            url=str(e.get("link") or ""),
            thumbnail=_feed_image(e),
            snippet=html_text(str(e.get("summary", ""))),
            press=html_text(str(e.get("author", ""))),
            published=_rfc822(str(e.get("published", ""))),
        )
        for e in entries
    ]


def _feed_image(entry: Mapping[str, Any]) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            if media.get("url") and media.get("medium", "image") == "image":
                return str(media["url"])
    for enc in entry.get("enclosures") or []:
        if str(enc.get("type", "")).startswith("image/") and enc.get("href"):
            return str(enc["href"])
    return None


def _rfc822(shown: str) -> str:
    """``Fri, 28 Sep 2018 17:00:00 +0900`` as ISO; anything else as printed."""
    try:
        return parsedate_to_datetime(shown).isoformat()
    except (TypeError, ValueError, IndexError):
        return shown


def _parse_list(page: Page, sel: Mapping[str, str]) -> list[RawItem]:
    tree = LexborHTMLParser(page.markup)
    items = [i for i in (_card(n, sel) for n in tree.css(sel["item"])) if i is not None]
    if not items:
        raise LayoutChanged(NAME, page.url, f"no items matched selector item={sel['item']!r}")
    return items


def _card(node: LexborNode, sel: Mapping[str, str]) -> RawItem | None:
    """One list item; one without a link is counted (``no_link``) by its text, not lost."""
    link = node.css_first(sel["link"])
    if link is None and not text(node, strip=True):
        return None
    return RawItem(
        title=(link if link is not None else node).text(strip=True),
        url=(link.attributes.get("href") or "") if link is not None else "",
        thumbnail=lazy_image(node.css_first(sel["thumbnail"])),
        snippet=text(node.css_first(sel["snippet"]), strip=True),
        press=text(node.css_first(sel["press"]), strip=True),
        published=text(node.css_first(sel["time"]), strip=True),
    )


def article_id(url: str) -> str | None:
    """``etnews:YYYYMMDDNNNNNN`` from ``/NNN…`` or the older ``article.html?id=…``."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in ETNEWS_HOSTS:
        return None
    m = ARTICLE_PATH.match(parts.path)
    if m:
        return f"{NAME}:{m.group(1)}"
    ids = parse_qs(parts.query).get("id", [])
    if parts.path.endswith("/article.html") and ids and re.fullmatch(r"\d{14}", ids[0]):
        return f"{NAME}:{ids[0]}"
    return None


def canonical_url(url: str) -> str:
    """``https://www.etnews.com/YYYYMMDDNNNNNN``, whatever host, form or query was linked."""
    aid = article_id(url)
    return ARTICLE_URL.format(aid=aid.split(":", 1)[1]) if aid else url
