"""Any news feed as a source: RSS 2.0, Atom (feedparser) or JSON Feed 1.x.

Declared in a job file, one ``[[sources]]`` entry per feed::

    [[sources]]
    name = "feed"
    section = "verge-ai"                  # its key in reports; one per feed of a job
    options = { url = "https://www.theverge.com/rss/ai-artificial-intelligence/index.xml",
                label = "The Verge", language = "en", tz = "UTC" }

A feed is not addressed by day, so a past ``--date`` keeps that day's items of
what it serves now, and says so. Thumbnails come from ``media:thumbnail``,
``media:content``, image enclosures or JSON Feed's ``image``; a job with
``thumbnails = true`` takes the article's ``og:image`` for the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from selectolax.lexbor import LexborHTMLParser

from newsbot.errors import LayoutChanged
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources import generic
from newsbot.sources.base import Defaults, ListRequest
from newsbot.sources.generic import GenericOptions

NAME = "feed"
LABEL = "feed"  # each feed's own link text is its ``label`` option
SELECTORS: Mapping[str, str] = {}  # a feed needs none
DEFAULTS = Defaults(min_items=1, max_items=50, max_pages=1)
CONTENT_TYPES: Sequence[str] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "text/html",  # many servers label their feed as a page
]
ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, */*;q=0.8"
HEADERS: Mapping[str, str] = {"Accept": ACCEPT}
ARTICLE = generic.NO_RULE  # article pages of any site: the generic extractor
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
Options = GenericOptions  # url, label, language, tz, min_items, max_items
article_id = generic.article_id
urls = generic.urls  # the URL, its {date:…} and {page} filled
fallback_urls = generic.no_fallback
canonical_url = generic.canonical_url


def notes(req: ListRequest) -> list[str]:
    """A past day keeps that day's items of the current feed."""
    return generic.past_day_note(NAME, Options.of(req.options), req)


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """The feed's items with a title and link, times made aware; a past day keeps its own."""
    opts = Options.of(req.options)
    text = page.text.lstrip("\ufeff \t\r\n")
    entries = _json_feed(page, text) if text.startswith("{") else _xml_feed(page, text)
    items = [_item(e, opts, req) for e in entries if e.title.strip() and e.link.strip()]
    if not items:
        raise LayoutChanged(NAME, page.url, "the feed has no items with a title and a link")
    return generic.on_day(items, opts, req)


class Entry(BaseModel):
    """One feed item, whatever the format."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    link: str = ""
    summary: str = ""
    author: str = ""
    published: str = ""
    image: str | None = None


def _item(entry: Entry, opts: GenericOptions, req: ListRequest) -> RawItem:
    return RawItem(
        title=_text(entry.title),
        url=entry.link.strip(),
        thumbnail=entry.image,
        snippet=_text(entry.summary),
        press=_text(entry.author),
        published=generic.aware_time(entry.published, opts.zone, day=req.day, now=req.now),
    )


def _text(html: str) -> str:
    """Feeds put escaped HTML in titles and summaries; the text of it."""
    return LexborHTMLParser(f"<div>{html}</div>").text(separator=" ") if "<" in html else html


def _xml_feed(page: Page, text: str) -> list[Entry]:
    import feedparser  # imported lazily: only feed pages need it

    # text is decoded already: the declaration's encoding would mislead the parser
    parsed = feedparser.parse(XML_DECL.sub("", text, count=1))
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed found"
        raise LayoutChanged(NAME, page.url, f"not a feed: {why}")
    return [
        Entry(
            title=str(e.get("title", "")),
            link=str(e.get("link", "")),
            summary=str(e.get("summary", "")),
            author=str(e.get("author", "")),
            published=str(e.get("published") or e.get("updated") or ""),
            image=_xml_image(e),
        )
        for e in parsed.entries
    ]


def _xml_image(entry: Mapping[str, Any]) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            kind = str(media.get("medium") or media.get("type") or "image")
            if media.get("url") and kind.startswith("image"):
                return str(media["url"])
    for enc in entry.get("enclosures") or []:
        if str(enc.get("type", "")).startswith("image/") and enc.get("href"):
            return str(enc["href"])
    return None


class _JsonAuthor(BaseModel):
    name: str = ""


class _JsonItem(BaseModel):
    """An item of JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    title: str = ""
    url: str = ""
    external_url: str = ""
    summary: str = ""
    content_text: str = ""
    content_html: str = ""
    image: str | None = None
    banner_image: str | None = None
    date_published: str = ""
    date_modified: str = ""
    authors: list[_JsonAuthor] = []
    author: _JsonAuthor | None = None  # 1.0


class _JsonFeed(BaseModel):
    version: str
    items: list[_JsonItem]


def _json_feed(page: Page, text: str) -> list[Entry]:
    try:
        feed = _JsonFeed.model_validate(json.loads(text))
    except (ValueError, ValidationError, RecursionError) as exc:
        message = str(exc).splitlines()[0][:200]
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: {message}") from None
    if "jsonfeed.org" not in feed.version:
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: version {feed.version!r}")
    return [_json_entry(i) for i in feed.items]


def _json_entry(item: _JsonItem) -> Entry:
    authors = item.authors or ([item.author] if item.author else [])
    return Entry(
        title=item.title,
        link=item.url or item.external_url,
        summary=item.summary or item.content_text or item.content_html,
        author=", ".join(a.name for a in authors if a.name),
        published=item.date_published or item.date_modified,
        image=item.image or item.banner_image,
    )
