"""One run of some jobs for one day, as phases that hand values on.

lock → read existing posts → the network (``gather``: lists, what each post gets
(``plan``), article pages and summaries) → render (``posts``) → write → record
(``memory``). Nothing is written until every post is rendered; a failing source
only fails its own result. A post already published only grows: its bytes, front
matter included, stay as they are and new items are appended. A Ctrl-C (or, under
``asyncrun.sigterm_as_interrupt``, a SIGTERM) stops the run with ``RunInterrupted``,
whose report keeps what had finished (each source read, each job whose post was
written) and marks the rest ``interrupted`` (``stopped``).
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import httpx

from newsbot import asyncrun, posts, sources
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import Busy, NewsbotError, UsageError, WriteError
from newsbot.fetch.hosts import HostMemory
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
from newsbot.models import JobResult, Post, RunReport
from newsbot.pipeline import memory, plan
from newsbot.pipeline.gather import Context, Gathered, gather
from newsbot.pipeline.stopped import INTERRUPTED, Finished
from newsbot.posts import daily_list, digest, files
from newsbot.sources.settings import resolve
from newsbot.store import Store

__all__ = ["INTERRUPTED", "RunInterrupted", "run"]


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C (``signum`` SIGINT) or SIGTERM stopped the run; ``report`` says what it
    knew by then."""

    def __init__(self, report: RunReport, signum: int = signal.SIGINT) -> None:
        super().__init__(INTERRUPTED)
        self.report = report
        self.signum = signum


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
    lock and writes nothing, the state store included. A run refused by the lock is
    put in the run history (``locked``) before Busy is raised. A Ctrl-C (or SIGTERM)
    raises RunInterrupted (a KeyboardInterrupt) once the lock and the store are let go,
    its report put in the run history first (what finished as it was, the rest
    ``interrupted``; a dry run's is not).
    """
    now = (now or datetime.now(KST)).astimezone(KST).replace(microsecond=0)
    if day > today_kst(now):
        raise UsageError(f"--date {day} is in the future (today in Seoul is {today_kst(now)})")
    finished = Finished()
    try:
        return _locked(jobs, day, config, now, dry_run, transport, hosts, finished)
    except RunInterrupted:
        raise
    except KeyboardInterrupt as exc:
        signum = asyncrun.signal_of(exc)
        report = finished.report(jobs, day, now)
        if not dry_run and not finished.recorded:  # status shows the night it was stopped
            note = memory.record_stopped(config, report, exit_code=128 + signum)
            report = replace(report, notes=(*report.notes, note)) if note else report
        raise RunInterrupted(report, signum) from None


def _locked(
    jobs: Sequence[Job],
    day: date,
    config: Config,
    now: datetime,
    dry_run: bool,
    transport: httpx.AsyncBaseTransport | None,
    hosts: HostMemory | None,
    finished: Finished,
) -> tuple[RunReport, list[Post]]:
    """The run under the output directory's lock (a dry run takes none)."""
    settings = resolve(config)

    def on(store: Store, notes: list[str]) -> tuple[RunReport, list[Post]]:
        ctx = Context(day, now, config, settings, store, not dry_run, transport, hosts, finished)
        return _with_store(jobs, ctx, notes)

    if dry_run:
        return on(*memory.peek_store(config, jobs))
    try:
        with run_lock(lock_path(config.output.dir)):
            return on(*memory.open_store(config, jobs))
    except Busy as exc:
        memory.record_not_run(config, jobs, day, status="locked", message=str(exc), now=now)
        raise


def _with_store(
    jobs: Sequence[Job], ctx: Context, notes: list[str]
) -> tuple[RunReport, list[Post]]:
    """The run on ``ctx.store`` (closed after), its notes first, its history recorded."""
    store = ctx.store
    try:
        report, rendered = _run(jobs, ctx)
        report = replace(report, notes=(*notes, *report.notes))
        note = memory.record_run(store, report) if ctx.write else ""
        ctx.finished.recorded = ctx.write
        if note:
            report = replace(report, notes=(*report.notes, note))
    finally:
        store.close()
    return report, rendered


def _run(jobs: Sequence[Job], ctx: Context) -> tuple[RunReport, list[Post]]:
    existing = {job.name: _existing(job, ctx) for job in jobs}
    gathered, summary_notes = asyncrun.run(gather(jobs, existing, ctx))
    outcomes = [_render(g, ctx) for g in gathered]
    store_notes: list[str] = []
    if ctx.write:
        outcomes, store_notes = _write(gathered, outcomes, ctx)
    else:  # a dry run writes nothing: say what it would do
        outcomes = [(_would(post), skip) for post, skip in outcomes]
    rendered = [p for p, _ in outcomes if p is not None]
    results = tuple(
        _job_result(g, post, skip, ctx.day)
        for g, (post, skip) in zip(gathered, outcomes, strict=True)
    )
    source_notes = (n for g in gathered for listing in g.listings for n in listing.tally.notes)
    notes = tuple(dict.fromkeys([*summary_notes, *source_notes, *store_notes]))
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
    """The post ``g`` gets, or None and why not. An existing post is kept byte for
    byte, front matter included, and only grows by the new items."""
    job, old = g.job, g.existing
    if g.selection.skip:
        return None, g.selection.skip
    if job.style == "digest" and old is None and not g.entries:
        # none matched (a quiet day), or every match failed to be read
        matched = g.digest is not None and g.digest.candidates > 0
        return None, plan.UNREADABLE if matched else plan.NO_ENTRIES
    kept = old.blocks if old else ()
    if job.style == "digest":
        new_ids = tuple(e.article_id for e in g.entries)
        addition = digest.body(g.entries) if g.entries else ""
    else:
        new_ids = tuple(a.id for a in g.articles)
        addition = daily_list.body(g.articles, contained=job.contain_thumbnails)
    if old is None:
        posted_at = plan.post_time(job, ctx.day, ctx.now)
        if job.style == "digest":
            text = digest.render(job, posted_at, g.entries)
        else:
            text = daily_list.render(job, posted_at, g.articles)
    else:
        text = _append(old.text, addition)
    name = files.post_name(ctx.day, job.slug)
    status = "unchanged" if old is not None and text == old.text else "written"
    path = str(ctx.config.output.dir / name)
    ids = (*(b.id for b in kept), *new_ids)
    return Post(job.name, ctx.day, name, path, text, ids, status, len(new_ids)), ""


def _would(post: Post | None) -> Post | None:
    """A dry run's post: ``would_write`` where a real run would write."""
    return replace(post, status="would_write") if post and post.status == "written" else post


def _append(text: str, addition: str) -> str:
    """``text`` followed by ``addition``, a blank line between; ``text`` itself unchanged."""
    if not addition:
        return text
    if not text.endswith("\n"):
        text += "\n"
    if not text.endswith("\n\n") and not addition.startswith("\n"):
        text += "\n"
    return text + addition


def _write(
    gathered: Sequence[Gathered], outcomes: list[tuple[Post | None, str]], ctx: Context
) -> tuple[list[tuple[Post | None, str]], list[str]]:
    """Write each changed post and remember it and its merges; a failure marks that post."""
    writer = files.PostWriter(ctx.config.output.dir)
    done: list[tuple[Post | None, str]] = []
    notes = []
    for g, (post, skip) in zip(gathered, outcomes, strict=True):
        merged = plan.remembered(g.selection.merged, post.ids if post else ())
        try:
            if post is not None and post.status != "unchanged":
                path = writer.write(post.name, post.text)
                memory.record_post(ctx.store, g.job, post, path, merged)
            else:
                memory.remember_merged(ctx.store, g.job, ctx.day, merged)
        except NewsbotError as exc:
            if post is None:
                notes.append(f"{g.job.name}: {exc}")
            else:
                post = replace(post, status="failed", error=str(exc))
        done.append((post, skip))
        ctx.finished.job(_job_result(g, post, skip, ctx.day))  # kept if the run is stopped
    return done, notes


def _job_result(g: Gathered, post: Post | None, skip: str, day: date) -> JobResult:
    results = []
    for listing in g.listings:
        counts = g.selection.counts.get((listing.ref.name, listing.ref.section), plan.Counts())
        result = listing.result(items_new=counts.new, items_dup=counts.posted)
        if counts.dropped:  # merges count where the article was dropped
            dropped = dict(result.items_dropped)
            for reason, n in counts.dropped.items():
                dropped[reason] = dropped.get(reason, 0) + n
            result = replace(result, items_dropped=dropped)
        results.append(result)
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
