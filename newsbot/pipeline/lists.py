"""The list phase: fetch, parse and normalize one source of one job.

Each source yields one ``Listing``: its articles, or a status that names what
went wrong. A failing source fails only its own listing; the checks here (item
floor, coverage, encoding) turn a silent layout or charset change into a
reported failure.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from newsbot import sources
from newsbot.config import FetchConfig
from newsbot.errors import FetchError, LayoutChanged, Rejected, SourceError
from newsbot.fetch.client import Fetcher
from newsbot.jobs import Job, SourceRef
from newsbot.models import Article, RawItem, SourceResult, Tally
from newsbot.normalize import to_article
from newsbot.sources.base import ListRequest
from newsbot.sources.settings import Settings

# UTF-8 read as cp1252/latin-1: a lead byte Â-ï shown as a letter, then a continuation byte.
MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u0178\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
NOT_INVALID = {"duplicate", "over_cap"}  # drops that say nothing about the markup
MIN_COVERAGE = 0.9


@dataclass
class Listing:
    """One source's list in the making; ``result`` freezes it for the report."""

    ref: SourceRef
    settings: Settings
    deadline: float  # loop time when the source's budget runs out
    tally: Tally = field(default_factory=Tally)
    urls: list[str] = field(default_factory=list)
    status: str = "ok"
    message: str = ""
    items_found: int = 0
    items_dropped: dict[str, int] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def drop(self, reason: str) -> None:
        self.items_dropped[reason] = self.items_dropped.get(reason, 0) + 1

    def result(self, *, items_new: int = 0, items_dup: int = 0) -> SourceResult:
        tally = self.tally
        return SourceResult(
            source=self.ref.name,
            section=self.ref.section,
            status=self.status,
            message=self.message,
            urls=tuple(self.urls),
            attempts=tally.attempts,
            retries=tally.retries,
            http_codes=tuple(tally.http_codes),
            bytes=tally.bytes,
            elapsed_s=tally.elapsed_s,
            items_found=self.items_found,
            items_dropped=dict(self.items_dropped),
            items_new=items_new,
            items_dup=items_dup,
            notes=tuple(tally.notes),
            articles=tuple(self.articles),
        )


async def read(
    fetcher: Fetcher,
    job: Job,
    ref: SourceRef,
    settings: Settings,
    *,
    day: date,
    now: datetime,
    budgets: FetchConfig,
    run_deadline: float,
) -> Listing:
    """The articles of ``ref`` for ``job`` on ``day``, or the reason there are none.

    The source may take ``budgets.source_budget`` seconds, and no longer than the
    run's deadline (loop time ``run_deadline``).
    """
    source_budget, run_budget = budgets.source_budget, budgets.run_budget
    source = sources.get(ref.name)
    req = ListRequest(
        day=day, section=ref.section, now=now, options=ref.parsed, max_pages=settings.max_pages
    )
    deadline = min(asyncio.get_running_loop().time() + source_budget, run_deadline)
    listing = Listing(ref, settings, deadline, urls=source.urls(req))
    listing.tally.notes.extend(source.notes(req))
    if not settings.obey_robots:
        why = settings.robots_note or "config"
        listing.tally.notes.append(f"{ref.name}: robots.txt not obeyed ({why})")
    first = listing.urls[0] if listing.urls else ""  # what a failure message names
    try:
        try:
            async with asyncio.timeout_at(deadline):
                raw = await _read_with_fallback(fetcher, source, req, listing)
        except TimeoutError:
            which = "run" if deadline == run_deadline else "source"
            seconds = run_budget if which == "run" else source_budget
            message = f"the {which} budget of {seconds}s ran out"
            raise FetchError(ref.name, first, message, status="timeout") from None
        listing.items_found = len(raw)
        _check_encoding(raw, ref.name, first)
        listing.articles = _normalize(raw, source, job, now, listing)
        if len(listing.articles) < settings.min_items:
            raise LayoutChanged(
                ref.name,
                first,
                f"only {len(listing.articles)} usable items, fewer than min_items "
                f"{settings.min_items}: layout changed?",
            )
        _check_coverage(listing, first)
    except SourceError as exc:
        listing.status, listing.message = exc.status, str(exc)
        listing.articles = []
    return listing


async def _read_with_fallback(
    fetcher: Fetcher, source: sources.Source, req: ListRequest, listing: Listing
) -> list[tuple[str, RawItem]]:
    try:
        return await _read_pages(fetcher, source, req, listing, listing.urls)
    except SourceError as exc:
        backup = source.fallback_urls(req)
        if not backup or backup == listing.urls:
            raise
        listing.tally.notes.append(
            f"{source.NAME}: {exc.message} ({exc.url}); read {backup[0]} instead"
        )
        listing.urls.extend(backup)
        return await _read_pages(fetcher, source, req, listing, backup)


async def _read_pages(
    fetcher: Fetcher,
    source: sources.Source,
    req: ListRequest,
    listing: Listing,
    urls: list[str],
) -> list[tuple[str, RawItem]]:
    """Fetch and parse ``urls`` in order, stopping once ``max_items`` raw items are in hand."""
    settings = listing.settings
    raw: list[tuple[str, RawItem]] = []
    for url in urls:
        page = await fetcher.get(
            url,
            source=source.NAME,
            obey_robots=settings.obey_robots,
            tally=listing.tally,
            accept=list(source.CONTENT_TYPES) or None,
            headers=source.HEADERS or None,
        )
        items = sources.parse_page(source, page, settings.selectors, req)
        raw.extend((page.url, item) for item in items)
        if len(raw) >= settings.max_items:
            break  # enough items: the next list pages would only be cut off
    return raw


def _check_encoding(raw: list[tuple[str, RawItem]], source: str, url: str) -> None:
    """A source whose titles are over 1 % U+FFFD or mojibake publishes nothing (F23)."""
    titles = "".join(item.title for _, item in raw)
    bad = titles.count("\ufffd") + len(MOJIBAKE.findall(titles))
    if titles and bad / len(titles) > 0.01:
        raise SourceError(
            source,
            url,
            f"{bad} of {len(titles)} title characters are U+FFFD or "
            "mojibake: the page's encoding was misread",
            status="encoding_error",
        )


def _check_coverage(listing: Listing, url: str) -> None:
    """Over 10 % of the items lacking a usable title or link: the layout half changed (F25)."""
    dropped = listing.items_dropped
    invalid = sum(n for reason, n in dropped.items() if reason not in NOT_INVALID)
    found = listing.items_found
    if found and 1 - invalid / found < MIN_COVERAGE:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()) if k not in NOT_INVALID)
        raise SourceError(
            listing.ref.name,
            url,
            f"only {found - invalid} of {found} items are complete ({reasons}): "
            "layout partly changed?",
            status="incomplete",
        )


def _normalize(
    raw: list[tuple[str, RawItem]],
    source: sources.Source,
    job: Job,
    now: datetime,
    listing: Listing,
) -> list[Article]:
    ref, cap = listing.ref, listing.settings.max_items
    articles: list[Article] = []
    seen: set[str] = set()
    for base_url, item in raw:
        try:
            article = to_article(
                item,
                source=ref.name,
                section=ref.section,
                base_url=base_url,
                now=now,
                snippet_chars=job.snippet_chars,
                canonical=source.canonical_url,
                article_id=source.article_id,
            )
        except Rejected as exc:
            listing.drop(exc.reason)
            continue
        if article.id in seen:
            listing.drop("duplicate")
            continue
        if len(articles) >= cap:
            listing.drop("over_cap")
            continue
        seen.add(article.id)
        articles.append(article)
    return articles
