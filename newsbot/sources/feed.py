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
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from newsbot.errors import LayoutChanged, SourceError
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources import generic
from newsbot.sources.base import Defaults, ListRequest
from newsbot.sources.generic import GenericOptions
from newsbot.sources.markup import html_text

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
WEB_URL = re.compile(r"^\s*https?://", re.IGNORECASE)
Options = GenericOptions  # url, label, language, tz, min_items, max_items
article_id = generic.article_id
urls = generic.urls  # the URL, its {date:…} and {page} filled
fallback_urls = generic.no_fallback
canonical_url = generic.canonical_url


def notes(req: ListRequest) -> list[str]:
    """A past day keeps that day's items of the current feed."""
    return generic.past_day_note(NAME, Options.of(req.options), req)


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """The feed's items, times made aware; a past day keeps its own.

    An item without a title or link is handed on as it is: normalize drops it and
    the report counts it (``empty_title``, ``no_link``), so a half-broken feed is
    ``incomplete``, never a silently shorter post.
    """
    opts = Options.of(req.options)
    text = page.text.lstrip("\ufeff \t\r\n")
    entries = _json_feed(page, text) if text.startswith(("{", "[")) else _xml_feed(page, text)
    if not entries:
        raise LayoutChanged(NAME, page.url, "the feed has no items")
    return generic.on_day([_item(e, opts, req) for e in entries], opts, req)


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
        title=html_text(entry.title),
        url=entry.link.strip(),
        thumbnail=entry.image,
        snippet=html_text(entry.summary),
        press=html_text(entry.author),
        published=generic.aware_time(entry.published, opts.zone, day=req.day, now=req.now),
    )


def _xml_feed(page: Page, text: str) -> list[Entry]:
    import feedparser  # imported lazily: only feed pages need it

    # text is decoded already: the declaration's encoding would mislead the parser
    parsed = feedparser.parse(XML_DECL.sub("", text, count=1))
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed found"
        raise LayoutChanged(NAME, page.url, f"not a feed: {why}")
    atom = str(parsed.get("version", "")).startswith("atom")
    return [
        Entry(
            title=str(e.get("title", "")),
            link=_xml_link(e, atom=atom),
            summary=str(e.get("summary", "")),
            author=str(e.get("author", "")),
            published=str(e.get("published") or e.get("updated") or ""),
            image=_xml_image(e),
        )
        for e in parsed.entries
    ]


def _xml_link(entry: Mapping[str, Any], *, atom: bool) -> str:
    """The entry's ``<link>``; without one, an RSS guid that is a permalink URL, else "".

    feedparser fills a missing link from the id, but an Atom id is a name, not an
    address (RFC 4287 §4.2.6), and a guid like ``abc123`` would resolve against
    the feed's own URL: either would be a wrong link, not a missing one.
    """
    if any(link.get("href") for link in entry.get("links") or [] if _alternate(link)):
        return str(entry.get("link") or "")
    guid = str(entry.get("id") or "")
    permalink = bool(entry.get("guidislink")) and WEB_URL.match(guid) is not None
    return guid if permalink and not atom else ""


def _alternate(link: Mapping[str, Any]) -> bool:
    return str(link.get("rel") or "alternate") == "alternate"


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


def _lenient(default: Callable[[], object]) -> WrapValidator:
    """A field of the wrong type reads as absent: the item loses that field, not its place."""

    def read(value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except ValidationError:
            return default()

    return WrapValidator(read)


Text = Annotated[str, _lenient(str)]
Link = Annotated[str | None, _lenient(lambda: None)]


class _JsonAuthor(BaseModel):
    name: Text = ""


class _JsonItem(BaseModel):
    """An item of JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    title: Text = ""
    url: Text = ""
    external_url: Text = ""
    summary: Text = ""
    content_text: Text = ""
    content_html: Text = ""
    image: Link = None
    banner_image: Link = None
    date_published: Text = ""
    date_modified: Text = ""
    authors: Annotated[list[_JsonAuthor], _lenient(list)] = []
    author: Annotated[_JsonAuthor | None, _lenient(lambda: None)] = None  # 1.0


class _JsonFeed(BaseModel):
    """The envelope, checked as a whole; its items are read one by one."""

    version: str
    items: list[Any]


def _json_feed(page: Page, text: str) -> list[Entry]:
    try:
        data = json.loads(text)
    except RecursionError:  # as HTML nested past max_nesting: a hostile page, not a layout
        why = "JSON nested deeper than it can be read: refused"
        raise SourceError(NAME, page.url, why, status="unexpected_content") from None
    except ValueError as exc:
        message = str(exc).splitlines()[0][:200]
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: {message}") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: the top level is a {kind}")
    try:
        feed = _JsonFeed.model_validate(data)
    except ValidationError as exc:
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: {_problem(exc)}") from None
    if "jsonfeed.org" not in feed.version:
        raise LayoutChanged(NAME, page.url, f"not a JSON Feed: version {feed.version!r}")
    return [_json_entry(i) for i in feed.items]


def _problem(exc: ValidationError) -> str:
    """The first error as ``field: what is wrong``, e.g. ``items: Input should be a valid list``."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the feed"
    return f"{where}: {first['msg']}"[:200]


def _json_entry(raw: object) -> Entry:
    """One item; an item that is not an object has no title or link (and is counted so)."""
    try:
        item = _JsonItem.model_validate(raw)
    except ValidationError:
        return Entry()
    authors = item.authors or ([item.author] if item.author else [])
    return Entry(
        title=item.title,
        link=item.url or item.external_url,
        summary=item.summary or item.content_text or item.content_html,
        author=", ".join(a.name for a in authors if a.name),
        published=item.date_published or item.date_modified,
        image=item.image or item.banner_image,
    )
