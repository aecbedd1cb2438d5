"""What runs in worker processes (``fetch.workers``): reading one fetched page.

Each function refuses markup nested deeper than the parser may build (``fetch.
nesting``) before parsing: a list page into raw items, an article page into its
lead image or its extracted text. This module imports only what they need, so the
forkserver that starts every worker loads it quickly.
"""

from __future__ import annotations

from collections.abc import Mapping

from selectolax.lexbor import LexborHTMLParser

from newsbot import sources
from newsbot.extract import Rule, extract
from newsbot.extract.meta import lead_images
from newsbot.fetch import workers
from newsbot.fetch.nesting import refuse_deep
from newsbot.fetch.page import Page
from newsbot.models import Extracted, RawItem
from newsbot.sources.base import ListRequest, ParseWith

workers.preload(__name__)


def expect_article_text() -> None:
    """Called before a run's first worker when it will extract article pages: the forkserver
    then imports trafilatura (``extract.consensus``, 0.4 s) once, not every worker. A run
    of list posts only never pays for it."""
    workers.preload("trafilatura")


def list_items(
    parser: ParseWith,
    page: Page,
    selectors: Mapping[str, str],
    req: ListRequest,
    max_nesting: int,
    source: str,
) -> list[RawItem]:
    """The raw items of a list page of ``source``."""
    refuse_deep(page, max_nesting, source)
    return sources.parse_page(parser, page, selectors, req)


def og_images(html: str, base_url: str) -> list[str]:
    """The page's lead image candidates (og:image first) as absolute http(s) URLs."""
    return lead_images(LexborHTMLParser(html), base_url)


def page_images(page: Page, max_nesting: int, source: str) -> list[str]:
    """The lead image candidates of an article page, best first."""
    refuse_deep(page, max_nesting, source)
    return og_images(page.text, page.url)


def page_text(page: Page, rules: Mapping[str, Rule], max_nesting: int, source: str) -> Extracted:
    """An article page, extracted."""
    refuse_deep(page, max_nesting, source)
    return extract(page, rules)
