"""One run of some jobs for one day, as phases that hand values on.

lock → read existing posts → lists (``lists``) → plan what each post gets (``plan``)
→ article pages (``pages``: thumbnails, the digest's articles; ``summaries``) →
render (``posts``) → write → record (``memory``). One ``Fetcher`` and one event loop
serve the whole run: a job's article pages start as soon as its own lists are in,
while other hosts' lists may still be loading. Nothing is written until every
post is rendered; a failing source only fails its own result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import httpx

from newsbot import posts, sources
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import NewsbotError, UsageError, WriteError
from newsbot.extract import Rule
from newsbot.fetch.client import Fetcher
from newsbot.fetch.hosts import HostMemory
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
from newsbot.models import Article, DigestEntry, DigestStats, JobResult, Post, RunReport
from newsbot.pipeline import lists, memory, pages, plan
from newsbot.pipeline.lists import Listing
from newsbot.pipeline.summaries import Summaries
from newsbot.posts import daily_list, digest, files
from newsbot.sources.settings import Settings, article_rules, resolve
from newsbot.store import Store

__all__ = ["run"]


@dataclass(frozen=True)
class _Context:
    """What every job of one run shares."""

    day: date
    now: datetime
    config: Config
    settings: Mapping[str, Settings]
    rules: Mapping[str, Rule]
    store: Store | None
    summaries: Summaries


@dataclass(frozen=True)
class _Gathered:
    """One job after the network: its lists, what its post gets, and why not."""

    job: Job
    existing: posts.Existing | None
    listings: tuple[Listing, ...]
    selection: plan.Selection
    articles: tuple[Article, ...] = ()  # list posts: the new items, thumbnails filled
    entries: tuple[DigestEntry, ...] = ()  # digest posts
    digest: DigestStats | None = None


def run(
    jobs: Sequence[Job],
    day: date,
    *,
    config: Config,
    now: datetime | None = None,
    dry_run: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    hosts: HostMemory | None = None,
) -> tuple[RunReport, list[Post]]:
    """Run ``jobs`` for ``day``; returns the report and the rendered posts.

    ``hosts`` carries politeness over from earlier runs in this process; ``transport``
    replaces the network (tests, ``--record``/``--replay``).
    """
    now = (now or datetime.now(KST)).astimezone(KST).replace(microsecond=0)
    if day > today_kst(now):
        raise UsageError(f"--date {day} is in the future (today in Seoul is {today_kst(now)})")
    settings = resolve(config)
    if dry_run:
        store = memory.peek_store(config)
        try:
            report, rendered = _run(jobs, day, now, config, settings, store, transport, hosts)
        finally:
            if store is not None:
                store.close()
        return report, rendered
    with run_lock(lock_path(config.output.dir)):
        store, notes = memory.open_store(config, jobs)
        try:
            report, rendered = _run(
                jobs, day, now, config, settings, store, transport, hosts, write=True
            )
            report = replace(report, notes=(*notes, *report.notes))
            note = memory.record_run(store, report)
            if note:
                report = replace(report, notes=(*report.notes, note))
        finally:
            store.close()
    return report, rendered


def _run(
    jobs: Sequence[Job],
    day: date,
    now: datetime,
    config: Config,
    settings: Mapping[str, Settings],
    store: Store | None,
    transport: httpx.AsyncBaseTransport | None,
    hosts: HostMemory | None,
    *,
    write: bool = False,
) -> tuple[RunReport, list[Post]]:
    existing = {job.name: _existing(job, day, config) for job in jobs}
    gathered = asyncio.run(
        _gather(jobs, existing, day, now, config, settings, store, transport, hosts, write)
    )
    outcomes = [_render(g, day, now, config) for g, _ in gathered]
    rendered = [p for p, _ in outcomes if p is not None]
    if write:
        rendered = _write(rendered, config.output.dir, store)
    by_job = {p.job: p for p in rendered}
    results = tuple(
        _job_result(g, by_job.get(g.job.name), skip, day)
        for (g, _), (_, skip) in zip(gathered, outcomes, strict=True)
    )
    notes = list(dict.fromkeys(n for _, extra in gathered for n in extra))
    return RunReport(started_at=now, jobs=results, notes=tuple(notes)), rendered


async def _gather(
    jobs: Sequence[Job],
    existing: Mapping[str, posts.Existing | None],
    day: date,
    now: datetime,
    config: Config,
    settings: Mapping[str, Settings],
    store: Store | None,
    transport: httpx.AsyncBaseTransport | None,
    hosts: HostMemory | None,
    write: bool,
) -> list[tuple[_Gathered, list[str]]]:
    """Every job's network phases at once; each job with the notes its run should print."""
    async with Fetcher(config.fetch, transport=transport, memory=hosts) as fetcher:
        summaries = Summaries(
            config.summarize, cache=store, dry_run=not write, ssl_context=fetcher.ssl_context
        )
        ctx = _Context(day, now, config, settings, article_rules(settings), store, summaries)
        run_deadline = asyncio.get_running_loop().time() + config.fetch.run_budget
        try:
            done = await asyncio.gather(
                *(_job(fetcher, job, existing[job.name], ctx, run_deadline) for job in jobs)
            )
        finally:
            await summaries.aclose()
    out = []
    for g in done:
        source_notes = [n for listing in g.listings for n in listing.tally.notes]
        out.append((g, [*summaries.notes, *source_notes]))
    return out


async def _job(
    fetcher: Fetcher,
    job: Job,
    existing: posts.Existing | None,
    ctx: _Context,
    run_deadline: float,
) -> _Gathered:
    fetch = ctx.config.fetch
    listings = tuple(
        await asyncio.gather(
            *(
                lists.read(
                    fetcher,
                    job,
                    ref,
                    ctx.settings[ref.name],
                    day=ctx.day,
                    now=ctx.now,
                    run_deadline=run_deadline,
                    source_budget=fetch.source_budget,
                    run_budget=fetch.run_budget,
                )
                for ref in job.sources
            )
        )
    )
    results = [listing.result() for listing in listings]
    ids = [a.id for r in results for a in r.articles]
    posted = ctx.store.posted_before(job.name, ctx.day, ids) if ctx.store else set()
    similarity = ctx.config.state.title_similarity
    if job.style == "digest":
        chosen = plan.select_digest(job, results, posted, similarity)
        if chosen.skip:
            return _Gathered(job, existing, listings, chosen)
        return await _digest(fetcher, job, existing, listings, chosen, ctx)
    kept = existing.blocks if existing else ()
    chosen = plan.select_list(job, results, kept, posted, similarity)
    articles = chosen.articles
    if job.thumbnails and not chosen.skip:
        articles = await _thumbnails(fetcher, listings, articles)
    return _Gathered(job, existing, listings, chosen, articles)


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
    existing: posts.Existing | None,
    listings: tuple[Listing, ...],
    chosen: plan.Selection,
    ctx: _Context,
) -> _Gathered:
    """The digest's article pages, extracted and summarized, in the candidates' order."""
    stats = DigestStats(summarizer=ctx.config.summarize.backend, candidates=len(chosen.articles))
    read = await pages.read_articles(
        fetcher,
        chosen.articles,
        settings=ctx.settings,
        rules=ctx.rules,
        concurrency=job.digest.concurrency,
    )
    entries = []
    for article, page in zip(chosen.articles, read, strict=True):
        if isinstance(page, str):
            stats.fail(page)
            continue
        if len(page.text) < job.digest.min_chars:
            stats.fail("too_short")
            continue
        stats.fetched += 1
        name = plan.source_name(job, article)
        entry = await ctx.summaries.entry(
            job.name, article, page, source_name=name, day=ctx.day, stats=stats
        )
        entries.append(entry)
    return _Gathered(job, existing, listings, chosen, entries=tuple(entries), digest=stats)


def _existing(job: Job, day: date, config: Config) -> posts.Existing | None:
    """The job's post for ``day`` as already written, read back; WriteError if broken."""
    path = config.output.dir / files.post_name(day, job.slug)
    text = files.read(path)
    names = [r.name for r in job.sources]
    try:
        return posts.read_existing(text, job.style, lambda url: sources.article_id(url, names))
    except ValueError as exc:
        message = f"existing post {path} has broken front matter ({exc}); left untouched"
        raise WriteError(message) from None


def _render(g: _Gathered, day: date, now: datetime, config: Config) -> tuple[Post | None, str]:
    """The post ``g`` gets, or None and why not."""
    job, old = g.job, g.existing
    if g.selection.skip:
        return None, g.selection.skip
    posted_at = plan.post_time(job, day, now, old.posted_at if old else None)
    if job.style == "digest":
        if not g.entries:
            return None, plan.NO_ENTRIES
        text = digest.render(job, posted_at, g.entries)
        ids = tuple(e.article_id for e in g.entries)
        added = len(g.entries)
    else:
        kept = old.blocks if old else ()
        text = daily_list.render(job, posted_at, g.articles, keep="".join(b.text for b in kept))
        ids = (*(b.id for b in kept), *(a.id for a in g.articles))
        added = len(g.articles)
    name = files.post_name(day, job.slug)
    status = "unchanged" if old is not None and text == old.text else "written"
    path = str(config.output.dir / name)
    return Post(job.name, day, name, path, text, ids, status, added), ""


def _write(rendered: list[Post], directory: Path, store: Store | None) -> list[Post]:
    """Write each changed post and remember its articles; a failure marks that post."""
    writer = files.PostWriter(directory)
    done = []
    for post in rendered:
        try:
            if post.status != "unchanged":
                writer.write(post.name, post.text)
            if store is not None:
                store.record(post.job, post.day, post.name, post.ids)
        except NewsbotError as exc:
            post = replace(post, status="failed", error=str(exc))
        done.append(post)
    return done


def _job_result(g: _Gathered, post: Post | None, skip: str, day: date) -> JobResult:
    counts = g.selection.counts
    results = []
    for listing in g.listings:
        new, dup = counts.get((listing.ref.name, listing.ref.section), (0, 0))
        results.append(listing.result(items_new=new, items_dup=dup))
    if post is None:
        return JobResult(
            g.job.name, day, "skipped", message=skip, sources=tuple(results), digest=g.digest
        )
    return JobResult(
        g.job.name,
        day,
        post.status,
        path=post.path,
        items=len(post.ids),
        message=post.error,
        sources=tuple(results),
        digest=g.digest,
    )
