"""Any HTML list page as a source, read by CSS selectors from the job file.

The selectors are the vocabulary of the built-in sources: ``item`` (one per
article; required), and inside each item ``link`` (an ``<a href>``; empty: the
item itself), ``title`` (empty: the link's text), ``thumbnail`` (an ``<img>``,
lazy ``data-src`` first), ``snippet``, ``press`` and ``time`` (its
``datetime`` attribute, else its text)::

    [[sources]]
    name = "html"
    section = "example-it"
    options = { url = "https://news.example/list?date={date:%Y%m%d}&page={page}", pages = 2,
                label = "Example News", selectors = { item = "ul.list > li", title = "h2" } }

``{date:%Y%m%d}`` makes the list date-addressable (a past ``--date`` reads its
own list); without it a past day keeps that day's items of the current list.
``[sources.html.selectors]`` in newsbot.toml sets defaults for every html source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import Field, ValidationInfo, field_validator
from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.errors import LayoutChanged
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources import generic
from newsbot.sources.base import Defaults, ListRequest
from newsbot.sources.generic import GenericOptions
from newsbot.sources.markup import css_problem, lazy_image, text

NAME = "html"
LABEL = "html"  # each list's own link text is its ``label`` option
SELECTORS: Mapping[str, str] = {
    "item": "",
    "link": "a[href]",
    "title": "",
    "thumbnail": "img",
    "snippet": "",
    "press": "",
    "time": "",
}
DEFAULTS = Defaults(min_items=1, max_items=50, max_pages=5)
CONTENT_TYPES: Sequence[str] = ()  # HTML: [fetch] content_types
HEADERS: Mapping[str, str] = {}
ARTICLE = generic.NO_RULE  # article pages of any site: the generic extractor
article_id = generic.article_id
urls = generic.urls  # the URL, its {date:…} and {page} filled
fallback_urls = generic.no_fallback


MISSING_ITEM = (
    "item is required: the selector of one article in the list (selectors.item in the "
    "job's options, or item in newsbot.toml's [sources.html.selectors])"
)


class Options(GenericOptions):
    """``options`` of an html source: the generic ones, its selectors, link cleaning.

    ``item`` may come from ``[sources.html.selectors]`` instead: a loader that knows
    the config validates with ``context={"selectors": <that table>}``.
    """

    selectors: dict[str, str] = Field(
        default_factory=dict,
        validate_default=True,  # no selectors at all still needs an item from somewhere
        description="CSS selectors by name; item is required here or in the config",
    )
    drop_query: bool = Field(
        False, description="Drop the links' query string (?mid=…), so one article has one URL"
    )

    @field_validator("selectors")
    @classmethod
    def _check(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        unknown = sorted(set(value) - set(SELECTORS))
        if unknown:
            raise ValueError(
                f"unknown selector {', '.join(unknown)} (known: {', '.join(SELECTORS)})"
            )
        if not {**config_selectors(info), **value}.get("item", "").strip():
            raise ValueError(MISSING_ITEM)
        for name, selector in value.items():
            problem = css_problem(selector)
            if problem:
                raise ValueError(f"{name} = {problem}")
        return value


def config_selectors(info: ValidationInfo) -> Mapping[str, str]:
    """The ``[sources.html.selectors]`` defaults a loader passed as context ({} if none)."""
    context = info.context if isinstance(info.context, Mapping) else {}
    given = context.get("selectors")
    return given if isinstance(given, Mapping) else {}


def notes(req: ListRequest) -> list[str]:
    """A past day of an undated list keeps that day's items of the current list."""
    return generic.past_day_note(NAME, Options.of(req.options), req)


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """One item per ``item`` match, in page order.

    An item without a link or title is handed on with an empty one: normalize drops
    it and the report counts it (``no_link``, ``empty_title``).
    """
    opts = Options.of(req.options)
    sel = {**sel, **opts.selectors}
    if not sel.get("item", "").strip():
        raise LayoutChanged(NAME, page.url, MISSING_ITEM)
    tree = LexborHTMLParser(page.markup)
    items = [_item(n, sel, opts, req) for n in tree.css(sel["item"])]
    if not items:
        raise LayoutChanged(NAME, page.url, f"no items matched selector item={sel['item']!r}")
    return generic.on_day(items, opts, req)


def canonical_url(url: str) -> str:
    """A built-in site's canonical link for its own articles; other links as they are."""
    return generic.canonical_url(url)


def _item(node: LexborNode, sel: Mapping[str, str], opts: Options, req: ListRequest) -> RawItem:
    link = _find(node, sel["link"]) if sel["link"].strip() else node
    # the title defaults to the link's text; with no link, the item's text, so that
    # the item is counted as what it lacks (no_link), not as an empty title
    named = sel["title"].strip()
    title = _find(node, sel["title"]) if named else (link if link is not None else node)
    title_text = text(title, strip=True)
    snippet = text(_find(node, sel["snippet"]), strip=True)
    if title_text and snippet.startswith(title_text):  # the title sits inside the snippet
        snippet = snippet[len(title_text) :].strip()
    when_node = _find(node, sel["time"])
    shown = (when_node.attributes.get("datetime") or "") if when_node is not None else ""
    shown = shown or text(when_node, strip=True)
    press = text(_find(node, sel["press"]), strip=True)
    if shown and press.endswith(shown):  # the time sits inside the press line
        press = press[: -len(shown)].strip()
    href = (link.attributes.get("href") or "") if link is not None else ""
    return RawItem(
        title=title_text,
        url=_without_query(href) if opts.drop_query else href,
        thumbnail=lazy_image(_find(node, sel["thumbnail"])),
        snippet=snippet,
        press=press,
        published=generic.aware_time(shown, opts.zone, day=req.day, now=req.now),
    )


def _find(node: LexborNode, selector: str) -> LexborNode | None:
    return node.css_first(selector) if selector.strip() else None


def _without_query(href: str) -> str:
    return href.split("#", 1)[0].split("?", 1)[0]
