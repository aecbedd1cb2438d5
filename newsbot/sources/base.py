"""What a source is: a module with a name, its selectors, URLs for a day and a parser.

A source does no I/O. ``fetch`` brings the pages; the source only says which
URLs to ask for and how to read them, so a parser test needs nothing but a page.
Every module in ``sources/`` fulfils ``Source`` in full (mypy checks the table),
so nothing reads an attribute that may be missing: a source with no second way
in returns ``[]`` from ``fallback_urls``, one with no special headers has ``{}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field

from newsbot.dates import KST, parse_korean
from newsbot.extract.rules import Rule
from newsbot.fetch.page import Page
from newsbot.models import RawItem


class SourceOptions(BaseModel):
    """A job's ``options`` for one source; each source adds its own keys to these.

    Strict: TOML already types every value, so ``pages = "2"``, ``pages = 2.5`` or
    ``drop_query = "yes"`` is a mistake to name, not a value to guess at.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    pages: int | None = Field(None, ge=1, description="List pages to read (capped by max_pages)")

    @classmethod
    def of(cls, value: SourceOptions | Mapping[str, Any]) -> Self:
        """``value`` as this source's options (a request built with the base options)."""
        if isinstance(value, cls):
            return value
        data = value.model_dump(exclude_unset=True) if isinstance(value, SourceOptions) else value
        return cls.model_validate(data)


UNDATED = "undated"  # the drop reason of an item a past day cannot place


@dataclass(frozen=True)
class ListRequest:
    """Which list a job wants from a source: a day, a section and the source's options."""

    day: date
    section: str
    now: datetime  # aware, Asia/Seoul; tells "today" from a past day
    options: SourceOptions = field(default_factory=SourceOptions)
    max_pages: int = 1  # the source's cap on list pages ([sources.NAME] max_pages)

    def pages(self, default: int = 1) -> int:
        """List pages to read: the job's ``pages`` option (or ``default``), at most the cap."""
        wanted = self.options.pages if self.options.pages is not None else default
        return max(1, min(wanted, self.max_pages))

    @property
    def is_today(self) -> bool:
        return self.day >= self.now.date()

    def that_day(self, items: Sequence[RawItem]) -> list[RawItem]:
        """The items of ``day`` (in Seoul). One whose time cannot be read may be that day's
        or not: it is handed on marked ``undated``, so the report counts it instead of
        losing it. Items of other days are simply not that day's list."""
        kept = []
        for item in items:
            day = self.day_of(item.published)
            if day is None:
                kept.append(replace(item, dropped=UNDATED))
            elif day == self.day:
                kept.append(item)
        return kept

    def day_of(self, published: str) -> date | None:
        """The day in Seoul a time as the list printed it falls on; None if none can be read."""
        when = parse_korean(published, now=self.now) if published else None
        return when.astimezone(KST).date() if when is not None else None


@dataclass(frozen=True)
class Defaults:
    """A source's built-in settings; ``newsbot.toml`` [sources.NAME] overrides them."""

    min_items: int = 1
    max_items: int = 50
    max_pages: int = 1  # cap on list pages per request (pagination)
    obey_robots: bool = True
    robots_note: str = ""  # why a source opts out; printed on every run that does


class Parser(Protocol):
    """What reading a list page needs of a source: its ``parse`` (all a worker gets)."""

    def parse(self, page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
        """Raw items from one fetched page, in page order; raises LayoutChanged."""
        ...


@dataclass(frozen=True)
class ParseWith:
    """A ``Parser`` made of a source's parse function alone: it pickles, a module does not."""

    parse: Callable[[Page, Mapping[str, str], ListRequest], list[RawItem]]


class Source(Protocol):
    """The contract every module in ``newsbot.sources`` fulfils."""

    NAME: str
    LABEL: str
    SELECTORS: Mapping[str, str]
    DEFAULTS: Defaults
    CONTENT_TYPES: Sequence[str]  # MIME types its pages may have; () = [fetch] content_types
    HEADERS: Mapping[str, str]  # extra request headers the site needs
    ARTICLE: Rule  # how to read its article pages (the digest, thumbnails)

    @property
    def Options(self) -> type[SourceOptions]:
        """The model of a job's ``options`` for this source."""
        ...

    def urls(self, req: ListRequest) -> list[str]:
        """The list pages to fetch for ``req``, in order."""
        ...

    def fallback_urls(self, req: ListRequest) -> list[str]:
        """A second way to the list when the first fails to fetch or parse ([] if none)."""
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
