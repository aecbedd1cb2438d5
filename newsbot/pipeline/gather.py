"""The network phases of a run: every job's lists, then that job's article pages.

One ``Fetcher`` (one httpx client) and one event loop serve them all. Each job is
its own task, so a job's article pages (thumbnails, the digest's articles) start
as soon as its own lists are in, while other hosts' lists may still be loading;
per-host politeness is the Fetcher's, whoever asks. Each list, once read, goes into
the run's ``Finished``, so a run stopped part-way still reports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx

from newsbot import posts, readers
from newsbot.config import Config
from newsbot.fetch.client import Fetcher
from newsbot.fetch.hosts import HostMemory
from newsbot.jobs import Job
from newsbot.models import Article, DigestEntry, DigestStats
from newsbot.pipeline import lists, memory, pages, plan
from newsbot.pipeline.lists import Listing
from newsbot.pipeline.stopped import Finished
from newsbot.pipeline.summaries import Summaries
from newsbot.sources.settings import Settings, article_rules, for_options
from newsbot.store import Store


@dataclass(frozen=True)
class Context:
    """What every job of one run shares."""

    day: date
    now: datetime
    config: Config
    settings: Mapping[str, Settings]
    store: Store  # a dry run's is an in-memory copy
    write: bool  # False: a dry run (the LLM cache is read, never added to)
    transport: httpx.AsyncBaseTransport | None = None
    hosts: HostMemory | None = None
    finished: Finished = field(default_factory=Finished)  # what a stopped run reports


@dataclass(frozen=True)
class Gathered:
    """One job after the network: its lists, what its post gets, and why not."""

    job: Job
    existing: posts.Existing | None
    listings: tuple[Listing, ...]
    selection: plan.Selection
    articles: tuple[Article, ...] = ()  # list posts: the new items, thumbnails filled
    entries: tuple[DigestEntry, ...] = ()  # digest posts
    digest: DigestStats | None = None


async def gather(
    jobs: Sequence[Job], existing: Mapping[str, posts.Existing | None], ctx: Context
) -> tuple[list[Gathered], list[str]]:
    """Every job's network phases at once; and the notes the summarizer has for the run."""
    cfg = ctx.config
    if any(job.style == "digest" for job in jobs):
        readers.expect_article_text()
    async with Fetcher(cfg.fetch, transport=ctx.transport, memory=ctx.hosts) as fetcher:
        summaries = Summaries(
            cfg.summarize, cache=ctx.store, dry_run=not ctx.write, ssl_context=fetcher.ssl_context
        )
        run_deadline = asyncio.get_running_loop().time() + cfg.fetch.run_budget
        try:
            done = await asyncio.gather(
                *(
                    _job(fetcher, job, existing[job.name], ctx, summaries, run_deadline)
                    for job in jobs
                )
            )
        finally:
            await summaries.aclose()
    return list(done), summaries.notes


async def _job(
    fetcher: Fetcher,
    job: Job,
    existing: posts.Existing | None,
    ctx: Context,
    summaries: Summaries,
    run_deadline: float,
) -> Gathered:
    reads = (_list(fetcher, job, i, ctx, run_deadline) for i in range(len(job.sources)))
    listings = tuple(await asyncio.gather(*reads))
    results = [listing.result() for listing in listings]
    ids = [a.id for r in results for a in r.articles]
    state = ctx.config.state
    known = memory.known(ctx.store, job, ctx.day, ids, state.title_window)
    kept = existing.blocks if existing else ()
    if job.style == "digest":
        chosen = plan.select_digest(job, results, kept, known, state.title_similarity)
        if chosen.skip:
            return Gathered(job, existing, listings, chosen)
        stats, entries = await _digest(fetcher, job, chosen.articles, ctx, summaries)
        return Gathered(job, existing, listings, chosen, entries=entries, digest=stats)
    chosen = plan.select_list(job, results, kept, known, state.title_similarity)
    articles = chosen.articles
    if job.thumbnails and not chosen.skip:
        articles = await _thumbnails(fetcher, listings, articles)
    return Gathered(job, existing, listings, chosen, articles)


async def _list(
    fetcher: Fetcher, job: Job, index: int, ctx: Context, run_deadline: float
) -> Listing:
    """Source number ``index`` of ``job``, read; kept in ``ctx.finished`` once it is."""
    ref = job.sources[index]
    listing = await lists.read(
        fetcher,
        job,
        ref,
        for_options(ctx.settings[ref.name], ref.parsed),
        day=ctx.day,
        now=ctx.now,
        budgets=ctx.config.fetch,
        run_deadline=run_deadline,
    )
    ctx.finished.listing(job, index, listing)
    return listing


async def _thumbnails(
    fetcher: Fetcher, listings: Sequence[Listing], articles: tuple[Article, ...]
) -> tuple[Article, ...]:
    """og:image thumbnails for the chosen articles, each source within its own budget."""
    filled: dict[str, Article] = {}
    for listing in listings:
        ref = listing.ref
        mine = [a for a in articles if (a.source, a.section) == (ref.name, ref.section)]
        if not mine:
            continue
        try:  # optional: running out of budget here only costs thumbnails
            async with asyncio.timeout_at(listing.deadline):
                found = await pages.thumbnails(
                    fetcher,
                    mine,
                    source=ref.name,
                    obey_robots=listing.settings.obey_robots,
                    tally=listing.tally,
                )
        except TimeoutError:
            listing.tally.notes.append(f"{ref.name}: thumbnails cut short by the source budget")
            continue
        filled.update((a.id, a) for a in found)
    return tuple(filled.get(a.id, a) for a in articles)


async def _digest(
    fetcher: Fetcher,
    job: Job,
    candidates: tuple[Article, ...],
    ctx: Context,
    summaries: Summaries,
) -> tuple[DigestStats, tuple[DigestEntry, ...]]:
    """The digest's article pages, extracted and summarized, in the candidates' order."""
    stats = DigestStats(summarizer=ctx.config.summarize.backend, candidates=len(candidates))
    read = await pages.read_articles(
        fetcher,
        candidates,
        settings=ctx.settings,
        rules=article_rules(ctx.settings),
        concurrency=job.digest.concurrency,
    )
    entries = []
    for article, page in zip(candidates, read, strict=True):
        if isinstance(page, str):
            stats.fail(page)
            continue
        if len(page.text) < job.digest.min_chars:
            stats.fail("too_short")
            continue
        stats.fetched += 1
        name = plan.source_name(job, article)
        language = plan.source_language(job, article)
        entry = await summaries.entry(
            job.name, article, page, source_name=name, day=ctx.day, stats=stats, language=language
        )
        entries.append(entry)
    return stats, tuple(entries)
