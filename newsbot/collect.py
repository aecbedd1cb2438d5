"""The collect phase of a run: fetch, parse and normalize every job's sources.

Each source yields one SourceResult: its articles, or a status that names what
went wrong. A failing source fails only its own result; the checks here (item
floor, coverage, encoding) turn a silent layout or charset change into a
reported failure.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime

import httpx

from newsbot import sources, thumbnails
from newsbot.config import Config
from newsbot.errors import FetchError, LayoutChanged, Rejected, SourceError
from newsbot.fetch import Fetcher
from newsbot.jobs import Job, SourceRef
from newsbot.models import Article, JobResult, RawItem, SourceResult
from newsbot.normalize import to_article
from newsbot.sources.base import ListRequest


async def collect(
    jobs: list[Job],
    day: date,
    now: datetime,
    config: Config,
    transport: httpx.AsyncBaseTransport | None,
) -> dict[str, JobResult]:
    run_deadline = asyncio.get_running_loop().time() + config.fetch.run_budget
    async with Fetcher(config.fetch, transport=transport) as fetcher:
        results = {job.name: JobResult(job=job.name, day=day) for job in jobs}
        tasks = []
        for job in jobs:
            for ref in job.sources:
                tasks.append(_collect_source(fetcher, job, ref, day, now, config, run_deadline))
        for job_name, source_result in await asyncio.gather(*tasks):
            results[job_name].sources.append(source_result)
    for job in jobs:  # gather keeps order, but say so: sources appear in job order
        order = [(r.name, r.section) for r in job.sources]
        results[job.name].sources.sort(key=lambda s: order.index((s.source, s.section)))
    return results


async def _collect_source(
    fetcher: Fetcher,
    job: Job,
    ref: SourceRef,
    day: date,
    now: datetime,
    config: Config,
    run_deadline: float,
) -> tuple[str, SourceResult]:
    source = sources.get(ref.name)
    settings = sources.settings_for(ref.name, config)
    req = ListRequest(
        day=day, section=ref.section, now=now, options=ref.options, max_pages=settings.max_pages
    )
    result = SourceResult(source=ref.name, section=ref.section, urls=source.urls(req))
    first = result.urls[0] if result.urls else ""  # what a failure message names
    result.notes.extend(source.notes(req))
    if not settings.obey_robots:
        why = settings.robots_note or "config"
        result.notes.append(f"{ref.name}: robots.txt not obeyed ({why})")
    budget = config.fetch.source_budget
    deadline = min(asyncio.get_running_loop().time() + budget, run_deadline)
    try:
        try:
            async with asyncio.timeout_at(deadline):
                try:
                    raw = await _read_pages(fetcher, source, settings, req, result, result.urls)
                except SourceError as exc:
                    backup = _fallback_urls(source, req, result.urls)
                    if not backup:
                        raise
                    note = f"{ref.name}: {exc.message} ({exc.url}); read {backup[0]} instead"
                    result.notes.append(note)
                    result.urls.extend(backup)
                    raw = await _read_pages(fetcher, source, settings, req, result, backup)
        except TimeoutError:
            which = "run" if deadline == run_deadline else "source"
            seconds = config.fetch.run_budget if which == "run" else budget
            message = f"the {which} budget of {seconds}s ran out"
            raise FetchError(ref.name, first, message, status="timeout") from None
        result.items_found = len(raw)
        _check_encoding(raw, ref.name, first)
        result.articles = _normalize(raw, source, ref, job, now, settings.max_items, result)
        if len(result.articles) < settings.min_items:
            raise LayoutChanged(
                ref.name,
                first,
                f"only {len(result.articles)} usable items, fewer than min_items "
                f"{settings.min_items}: layout changed?",
            )
        _check_coverage(result, first)
        if job.thumbnails:  # optional: running out of budget here only costs thumbnails
            try:
                async with asyncio.timeout_at(deadline):
                    result.articles = await thumbnails.fill(
                        fetcher,
                        result.articles,
                        source=ref.name,
                        obey_robots=settings.obey_robots,
                        stats=result,
                    )
            except TimeoutError:
                result.notes.append(f"{ref.name}: thumbnails cut short by the source budget")
    except SourceError as exc:
        result.status, result.message = exc.status, str(exc)
        result.articles = []
    return job.name, result


# UTF-8 read as cp1252/latin-1: a lead byte Â-ï shown as a letter, then a continuation byte.
MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u0178\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


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


NOT_INVALID = {"duplicate", "over_cap"}  # drops that say nothing about the markup
MIN_COVERAGE = 0.9


def _check_coverage(result: SourceResult, url: str) -> None:
    """Over 10 % of the items lacking a usable title or link: the layout half changed (F25)."""
    invalid = sum(n for reason, n in result.items_dropped.items() if reason not in NOT_INVALID)
    if result.items_found and 1 - invalid / result.items_found < MIN_COVERAGE:
        reasons = ", ".join(
            f"{k} {v}" for k, v in sorted(result.items_dropped.items()) if k not in NOT_INVALID
        )
        raise SourceError(
            result.source,
            url,
            f"only {result.items_found - invalid} of {result.items_found} items "
            f"are complete ({reasons}): layout partly changed?",
            status="incomplete",
        )


async def _read_pages(
    fetcher: Fetcher,
    source: sources.Source,
    settings: sources.Settings,
    req: ListRequest,
    result: SourceResult,
    urls: list[str],
) -> list[tuple[str, RawItem]]:
    """Fetch and parse ``urls`` in order, stopping once ``max_items`` raw items are in hand."""
    raw: list[tuple[str, RawItem]] = []
    accept = getattr(source, "CONTENT_TYPES", None)  # a source may read JSON, RSS…
    for url in urls:
        page = await fetcher.get(
            url,
            source=source.NAME,
            obey_robots=settings.obey_robots,
            stats=result,
            accept=accept,
            headers=getattr(source, "HEADERS", None),
        )
        items = sources.parse_page(source, page, settings.selectors, req)
        raw.extend((page.url, item) for item in items)
        if len(raw) >= settings.max_items:
            break  # enough items: the next list pages would only be cut off
    return raw


def _fallback_urls(source: sources.Source, req: ListRequest, tried: list[str]) -> list[str]:
    """A source's second way to its list (e.g. HTML when the feed fails), if it has one."""
    fallback = getattr(source, "fallback_urls", None)
    backup: list[str] = fallback(req) if fallback is not None else []
    return [] if backup == tried else backup


def _normalize(
    raw: list[tuple[str, RawItem]],
    source: sources.Source,
    ref: SourceRef,
    job: Job,
    now: datetime,
    cap: int,
    result: SourceResult,
) -> list[Article]:
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
            result.drop(exc.reason)
            continue
        if article.id in seen:
            result.drop("duplicate")
            continue
        if len(articles) >= cap:
            result.drop("over_cap")
            continue
        seen.add(article.id)
        articles.append(article)
    return articles
