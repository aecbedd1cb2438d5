"""One run of some jobs for one day, as phases that hand values on.

lock → read existing posts → the network (``gather``: lists, what each post gets
(``plan``), article pages and summaries) → render (``posts``) → write → record
(``memory``). Nothing is written until every post is rendered; a failing source
only fails its own result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import httpx

from newsbot import posts, sources
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import NewsbotError, UsageError, WriteError
from newsbot.fetch.hosts import HostMemory
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
from newsbot.models import JobResult, Post, RunReport
from newsbot.pipeline import memory, plan
from newsbot.pipeline.gather import Context, Gathered, gather
from newsbot.posts import daily_list, digest, files
from newsbot.sources.settings import resolve
from newsbot.store import Store

__all__ = ["run"]


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
    replaces the network (tests, ``--record``/``--replay``). A ``dry_run`` takes no
    lock and writes nothing.
    """
    now = (now or datetime.now(KST)).astimezone(KST).replace(microsecond=0)
    if day > today_kst(now):
        raise UsageError(f"--date {day} is in the future (today in Seoul is {today_kst(now)})")
    settings = resolve(config)
    if dry_run:
        peek = memory.peek_store(config)
        try:
            return _run(jobs, Context(day, now, config, settings, peek, False, transport, hosts))
        finally:
            if peek is not None:
                peek.close()
    with run_lock(lock_path(config.output.dir)):
        store, notes = memory.open_store(config, jobs)
        try:
            ctx = Context(day, now, config, settings, store, True, transport, hosts)
            report, rendered = _run(jobs, ctx)
            report = replace(report, notes=(*notes, *report.notes))
            note = memory.record_run(store, report)
            if note:
                report = replace(report, notes=(*report.notes, note))
        finally:
            store.close()
    return report, rendered


def _run(jobs: Sequence[Job], ctx: Context) -> tuple[RunReport, list[Post]]:
    existing = {job.name: _existing(job, ctx) for job in jobs}
    gathered, summary_notes = asyncio.run(gather(jobs, existing, ctx))
    outcomes = [_render(g, ctx) for g in gathered]
    rendered = [p for p, _ in outcomes if p is not None]
    if ctx.write:
        rendered = _write(rendered, ctx)
    else:  # a dry run writes nothing: say what it would do
        rendered = [
            replace(p, status="would_write") if p.status == "written" else p for p in rendered
        ]
    by_job = {p.job: p for p in rendered}
    results = tuple(
        _job_result(g, by_job.get(g.job.name), skip, ctx.day)
        for g, (_, skip) in zip(gathered, outcomes, strict=True)
    )
    source_notes = (n for g in gathered for listing in g.listings for n in listing.tally.notes)
    notes = tuple(dict.fromkeys([*summary_notes, *source_notes]))
    return RunReport(started_at=ctx.now, jobs=results, notes=notes), rendered


def _existing(job: Job, ctx: Context) -> posts.Existing | None:
    """The job's post for the day as already written, read back; WriteError if broken."""
    path = ctx.config.output.dir / files.post_name(ctx.day, job.slug)
    names = [r.name for r in job.sources]
    try:
        text = files.read(path)
        return posts.read_existing(text, job.style, lambda url: sources.article_id(url, names))
    except ValueError as exc:
        message = f"existing post {path} has broken front matter ({exc}); left untouched"
        raise WriteError(message) from None


def _render(g: Gathered, ctx: Context) -> tuple[Post | None, str]:
    """The post ``g`` gets, or None and why not."""
    job, old = g.job, g.existing
    if g.selection.skip:
        return None, g.selection.skip
    posted_at = plan.post_time(job, ctx.day, ctx.now, old.posted_at if old else None)
    if job.style == "digest":
        if not g.entries:  # none matched (a quiet day), or every match failed to be read
            matched = g.digest is not None and g.digest.candidates > 0
            return None, plan.UNREADABLE if matched else plan.NO_ENTRIES
        text = digest.render(job, posted_at, g.entries)
        ids = tuple(e.article_id for e in g.entries)
        added = len(g.entries)
    else:
        kept = old.blocks if old else ()
        text = daily_list.render(job, posted_at, g.articles, keep="".join(b.text for b in kept))
        ids = (*(b.id for b in kept), *(a.id for a in g.articles))
        added = len(g.articles)
    name = files.post_name(ctx.day, job.slug)
    status = "unchanged" if old is not None and text == old.text else "written"
    path = str(ctx.config.output.dir / name)
    return Post(job.name, ctx.day, name, path, text, ids, status, added), ""


def _write(rendered: list[Post], ctx: Context) -> list[Post]:
    """Write each changed post and remember its articles; a failure marks that post."""
    writer = files.PostWriter(ctx.config.output.dir)
    store: Store | None = ctx.store
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


def _job_result(g: Gathered, post: Post | None, skip: str, day: date) -> JobResult:
    results = []
    for listing in g.listings:
        key = (listing.ref.name, listing.ref.section)
        new, dup = g.selection.counts.get(key, (0, 0))
        results.append(listing.result(items_new=new, items_dup=dup))
    if post is None:
        quiet = skip in plan.QUIET and all(r.ok for r in results)  # an ordinary quiet day
        status = "nothing_new" if quiet else "skipped"
        return JobResult(
            g.job.name, day, status, message=skip, sources=tuple(results), digest=g.digest
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
