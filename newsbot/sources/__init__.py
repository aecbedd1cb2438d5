"""The table of sources, by name. Adding a source: one module and one entry here.

``feed`` and ``html`` are generic: a job file declares which feed or list page
each of its entries reads (``sources.generic``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from newsbot.errors import ConfigError
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.normalize import url_id
from newsbot.sources import etnews, feed, html, nate, naver, sina
from newsbot.sources.base import Defaults, ListRequest, Parser, Source, SourceOptions

SOURCES: Mapping[str, Source] = MappingProxyType(
    {
        naver.NAME: naver,
        sina.NAME: sina,
        nate.NAME: nate,
        etnews.NAME: etnews,
        feed.NAME: feed,
        html.NAME: html,
    }
)

__all__ = [
    "SOURCES",
    "Defaults",
    "ListRequest",
    "Source",
    "SourceOptions",
    "article_id",
    "get",
    "parse_page",
]


def get(name: str) -> Source:
    """The source called ``name``; ConfigError lists the known ones otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(f"unknown source {name!r} (known: {', '.join(SOURCES)})") from None


def article_id(url: str, names: Iterable[str] | None = None) -> str:
    """The article id of a link, asking each source (of ``names``, else all) in turn;
    the URL itself (read as https, without ``www.``: ``normalize.url_id``) when none knows it."""
    for name in SOURCES if names is None else names:
        found = get(name).article_id(url)
        if found:
            return found
    return url_id(url)


def parse_page(
    source: Parser, page: Page, selectors: Mapping[str, str], req: ListRequest
) -> list[RawItem]:
    """``source.parse``, re-read through the charset chain if reading the bytes as
    UTF-8 put U+FFFD into the items (a cp949 or gb18030 page, declared or not)."""
    items = source.parse(page, selectors, req)
    if page.read_as_utf8 and any(_garbled(item) for item in items):
        items = source.parse(page.decoded(), selectors, req)
    return items


def _garbled(item: RawItem) -> bool:
    return any("\ufffd" in (f or "") for f in (item.title, item.snippet, item.press, item.url))
