"""What a source is: a module with a name, its selectors, URLs for a day and a parser.

A source does no I/O. ``fetch`` brings the pages; the source only says which
URLs to ask for and how to read them, so a parser test needs nothing but a page.

Optional module attributes: ``CONTENT_TYPES`` (the MIME types its pages may have,
e.g. JSON or RSS), ``HEADERS`` (extra request headers the site needs) and
``fallback_urls(req)`` (a second way in when the first fails to fetch or parse).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from newsbot.dates import KST, parse_korean
from newsbot.models import Page, RawItem


@dataclass(frozen=True)
class ListRequest:
    """Which list a job wants from a source: a day, a section and free options."""

    day: date
    section: str
    now: datetime  # aware, Asia/Seoul; tells "today" from a past day
    options: Mapping[str, Any] = field(default_factory=dict)
    max_pages: int = 1  # the source's cap on list pages ([sources.NAME] max_pages)

    def pages(self, default: int = 1) -> int:
        """List pages to read: the job's ``pages`` option (or ``default``), at most the cap."""
        return max(1, min(int(self.options.get("pages", default)), self.max_pages))

    @property
    def is_today(self) -> bool:
        return self.day >= self.now.date()

    def on_day(self, published: str) -> bool:
        """Whether a time as the list printed it falls on ``day`` in Seoul (undated: no)."""
        when = parse_korean(published, now=self.now) if published else None
        return when is not None and when.astimezone(KST).date() == self.day


@dataclass(frozen=True)
class Defaults:
    """A source's built-in settings; ``newsbot.toml`` [sources.NAME] overrides them."""

    min_items: int = 1
    max_items: int = 50
    max_pages: int = 1  # cap on list pages per request (pagination)
    obey_robots: bool = True
    robots_note: str = ""  # why a source opts out; printed on every run that does


class Source(Protocol):
    """The contract every module in ``newsbot.sources`` fulfils."""

    NAME: str
    LABEL: str
    SELECTORS: Mapping[str, str]
    DEFAULTS: Defaults

    def urls(self, req: ListRequest) -> list[str]:
        """The list pages to fetch for ``req``, in order."""
        ...

    def parse(self, page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
        """Raw items from one fetched page, in page order; raises LayoutChanged."""
        ...

    def article_id(self, url: str) -> str | None:
        """A stable id for an article URL (not the raw URL), or None if it is not one."""
        ...

    def canonical_url(self, url: str) -> str:
        """The one URL the post links to, whatever form the page used."""
        ...

    def notes(self, req: ListRequest) -> list[str]:
        """Things the run should say about this request (e.g. a substitute listing)."""
        ...
