"""The list phase: fetch, parse and normalize one source of one job.

Each source yields one ``Listing``: its articles, or a status that names what
went wrong. A failing source fails only its own listing, whatever the error; an
item that cannot be read is dropped and counted, and so is one whose link fails
the URL gate (it is never fetched). Pages are parsed in a worker process (``fetch.
workers``), so a page that makes the parser run long stops only its own source.
The checks here (item floor, coverage, encoding) turn a silent layout or charset
change into a reported failure.

A source's pages are read in turn. Page 1 failing fails the source. A later page
that is gone (404, 410) or lists nothing is where the list ends; one that fails
otherwise (or the budget running out before it) leaves the source ``incomplete``
with the pages before it, which only a job with ``allow_partial`` posts.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from newsbot import readers, sources
from newsbot.config import FetchConfig
from newsbot.errors import FetchError, LayoutChanged, SourceError
from newsbot.fetch.client import Fetcher
from newsbot.fetch.gate import Gate
from newsbot.jobs import Job, SourceRef
from newsbot.models import Article, RawItem, SourceResult, Tally
from newsbot.pipeline import items
from newsbot.sources.base import ListRequest, ParseWith
from newsbot.sources.settings import Settings

# UTF-8 read as cp1252/latin-1: a lead byte Â-ï shown as a letter, then a continuation byte.
MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u0178\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
# the drops a moved or renamed title or link selector leaves. Every other reason is one
# item's own: a link that is no article (javascript:, mailto:, "#", a non-public host, a
# malformed or overlong URL: a page's "more" button or a hostile item), a repeat, the cap,
# a past day's item whose time cannot be read. Those are counted, never "layout changed".
LAYOUT_SIGNS = frozenset({"empty_title", "no_link"})
MIN_COVERAGE = 0.9
GONE = (404, 410)  # a later list page answering this is past the end of the list


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
    raw: list[tuple[str, RawItem]] = field(default_factory=list)  # the pages read so far
    pages_read: int = 0
    read_urls: list[str] = field(default_factory=list)  # the pages being read, in order
    cut: SourceError | None = None  # a later page failed: the source is incomplete

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def drop(self, reason: str, why: str = "") -> None:
        """Count one dropped item; ``why`` is noted the first time an error is the reason."""
        if why and reason not in self.items_dropped:
            self.tally.notes.append(f"{self.ref.name}: an item was dropped ({reason}): {why}")
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
    source = sources.get(ref.name)
    req = ListRequest(
        day=day, section=ref.section, now=now, options=ref.parsed, max_pages=settings.max_pages
    )
    deadline = min(asyncio.get_running_loop().time() + budgets.source_budget, run_deadline)
    listing = Listing(ref, settings, deadline, urls=source.urls(req))
    listing.tally.notes.extend(source.notes(req))
    if not settings.obey_robots:
        why = settings.robots_note or "config"
        listing.tally.notes.append(f"{ref.name}: robots.txt not obeyed ({why})")
    first = listing.urls[0] if listing.urls else ""  # what a failure message names
    started = time.monotonic()
    try:
        raw = await _within_budget(fetcher, source, req, listing, budgets, run_deadline)
        _accept(raw, source, job, req, listing, fetcher.gate)
        if listing.cut is not None:  # the pages before the one that failed, marked so
            listing.status, listing.message = listing.cut.status, str(listing.cut)
    except SourceError as exc:
        listing.status, listing.message = exc.status, str(exc)
        listing.articles = []
        if listing.cut is not None:
            listing.tally.notes.append(str(listing.cut))
    except Exception as exc:  # no check foresaw it: this source fails, never the run
        failed = SourceError(ref.name, first, f"{type(exc).__name__}: {exc}")
        listing.status, listing.message = "unexpected_content", str(failed)
        listing.articles = []
    finally:
        listing.tally.elapsed_s += time.monotonic() - started  # wall time, waits overlapping
    return listing


async def _within_budget(
    fetcher: Fetcher,
    source: sources.Source,
    req: ListRequest,
    listing: Listing,
    budgets: FetchConfig,
    run_deadline: float,
) -> list[tuple[str, RawItem]]:
    """The source's raw items, fetched and parsed before its deadline; FetchError if not
    (unless a page was read: then those pages, and ``listing.cut`` says where it stopped)."""
    try:
        async with asyncio.timeout_at(listing.deadline):
            return await _read_with_fallback(fetcher, source, req, listing)
    except TimeoutError:
        run = listing.deadline == run_deadline
        which, seconds = ("run", budgets.run_budget) if run else ("source", budgets.source_budget)
        message = f"the {which} budget of {seconds}s ran out"
        if listing.pages_read:
            number = listing.pages_read + 1
            url = listing.read_urls[number - 1]
            late = FetchError(listing.ref.name, url, message, status="timeout")
            _stop(listing, number, late)
            return listing.raw
        first = listing.urls[0] if listing.urls else ""
        raise FetchError(listing.ref.name, first, message, status="timeout") from None


def _accept(
    raw: list[tuple[str, RawItem]],
    source: sources.Source,
    job: Job,
    req: ListRequest,
    listing: Listing,
    gate: Gate,
) -> None:
    """Normalize the raw items into ``listing``; SourceError if too few or too broken."""
    first = listing.urls[0] if listing.urls else ""
    listing.items_found = len(raw)
    _check_encoding(raw, listing.ref.name, first)
    rules = items.Rules(source, listing.ref, job.snippet_chars, listing.settings.max_items, gate)
    listing.articles = items.articles(raw, rules, req.now, listing.drop)
    floor = listing.settings.min_items
    if len(listing.articles) < floor:
        usable = len(listing.articles)
        if _quiet(listing, req):
            return
        broken = any(reason in LAYOUT_SIGNS for reason in listing.items_dropped)
        if req.day < req.now.date() and usable and not broken:  # a past day may be short
            why = f"only {usable} items listed for {req.day}, fewer than min_items {floor} "
            why += "(a quiet day, or a new layout)"
        else:
            why = f"only {usable} usable items, fewer than min_items {floor}: layout changed?"
        raise LayoutChanged(listing.ref.name, first, why)
    _check_coverage(listing, first)


def _quiet(listing: Listing, req: ListRequest) -> bool:
    """Whether ``listing`` is a quiet past day (noted so): its pages were read, and no item
    falls on the day. Each source raises on a page that lists nothing, so no item at all,
    or only ``undated`` ones, means the list's items are other days'."""
    if req.day >= req.now.date() or listing.articles:
        return False
    if set(listing.items_dropped) - {"undated"}:
        return False  # the day's items were there, and unusable
    note = f"{listing.ref.name}: nothing listed on {req.day} "
    note += "(a quiet day, or one the list no longer reaches): nothing to post"
    undated = listing.items_dropped.get("undated", 0)
    if undated:
        note += f"; {undated} item{'s' if undated > 1 else ''} whose time cannot be read left out"
    listing.tally.notes.append(note)
    return True


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
    """Fetch and parse ``urls`` in order, stopping once ``max_items`` raw items are in hand,
    or at a later page that ends the list or fails (``_stop``); page 1 failing raises."""
    listing.raw, listing.pages_read, listing.read_urls = [], 0, urls
    for number, url in enumerate(urls, 1):
        try:
            found = await _read_page(fetcher, source, req, listing, url)
        except SourceError as exc:
            if number == 1:
                raise
            _stop(listing, number, exc)
            break
        listing.raw.extend(found)
        listing.pages_read = number
        if len(listing.raw) >= listing.settings.max_items:
            break  # enough items: the next list pages would only be cut off
    return listing.raw


async def _read_page(
    fetcher: Fetcher, source: sources.Source, req: ListRequest, listing: Listing, url: str
) -> list[tuple[str, RawItem]]:
    """One list page's raw items (with the URL it was read from); SourceError if none."""
    settings = listing.settings
    page = await fetcher.get(
        url,
        source=source.NAME,
        obey_robots=settings.obey_robots,
        tally=listing.tally,
        accept=list(source.CONTENT_TYPES) or None,
        headers=source.HEADERS or None,
    )
    found = await fetcher.workers.run(
        readers.list_items,
        ParseWith(source.parse),
        page,
        settings.selectors,
        req,
        fetcher.config.max_nesting,
        source.NAME,
        source=source.NAME,
        url=page.url,
    )
    return [(page.url, item) for item in found]


def _stop(listing: Listing, number: int, exc: SourceError) -> None:
    """Page ``number`` (2 or later) of the list failed with ``exc``: gone or empty, the list
    ends there (a note says so); anything else, the pages before it are all there is."""
    name, total = listing.ref.name, len(listing.read_urls)
    before = "page 1" if number == 2 else f"pages 1-{number - 1}"
    if isinstance(exc, FetchError) and exc.http_code in GONE:
        why = f"HTTP {exc.http_code}"
    elif isinstance(exc, LayoutChanged):  # the page's own parser found no item on it
        why = exc.message
    else:
        why = ""
    if why:
        listing.tally.notes.append(f"{name}: the list ends at page {number} ({why}); {before} read")
        return
    message = f"page {number} of {total} failed ({exc.status}: {exc.message}); {before} read"
    listing.cut = SourceError(name, exc.url, message, status="incomplete")


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
    """Over 10 % of the items lacking a title or link: the layout half changed (F25)."""
    dropped = listing.items_dropped
    invalid = sum(n for reason, n in dropped.items() if reason in LAYOUT_SIGNS)
    found = listing.items_found
    if found and 1 - invalid / found < MIN_COVERAGE:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()) if k in LAYOUT_SIGNS)
        raise SourceError(
            listing.ref.name,
            url,
            f"only {found - invalid} of {found} items are complete ({reasons}): "
            "layout partly changed?",
            status="incomplete",
        )
