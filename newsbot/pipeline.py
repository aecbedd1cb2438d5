"""One run: fetch every job's sources, build every post in memory, then write.

Phases: collect (``collect.py``: fetch + parse + normalize, one SourceResult per source) →
plan (dedupe, floors, partial-post policy) → render → write. A failing source
only fails its own result; nothing is written until every post is rendered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

from newsbot import digest, plan, render, sources
from newsbot.collect import collect
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import (
    NewsbotError,
    UsageError,
    WriteError,
)
from newsbot.jobs import Job
from newsbot.lock import lock_path, run_lock
from newsbot.models import JobResult, RunReport
from newsbot.render import digest as render_digest
from newsbot.render.frontmatter import read_metadata
from newsbot.store import Store, StoreError
from newsbot.store import default_path as default_store_path
from newsbot.write import PostWriter, post_name


@dataclass
class Post:
    """A rendered post waiting to be written."""

    result: JobResult
    name: str
    text: str
    ids: list[str] = field(default_factory=list)


def run(
    jobs: list[Job],
    day: date,
    *,
    config: Config,
    now: datetime | None = None,
    dry_run: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[RunReport, list[Post]]:
    """Run ``jobs`` for ``day``; returns the report and the rendered posts."""
    now = (now or datetime.now(KST)).astimezone(KST).replace(microsecond=0)
    if day > today_kst(now):
        raise UsageError(f"--date {day} is in the future (today in Seoul is {today_kst(now)})")
    sources.validate_config(config)
    digest.validate_config(config)
    report = RunReport(started_at=now)
    posts_dir = config.output.dir
    if dry_run:
        results = asyncio.run(collect(jobs, day, now, config, transport))
        peek = _peek_store(config)
        digest.collect(
            jobs,
            day,
            results,
            config=config,
            store=peek,
            notes=report.notes,
            transport=transport,
            dry_run=True,
        )
        posts = _plan_all(jobs, day, now, config, results, report, peek)
        return report, posts
    with run_lock(lock_path(posts_dir)):
        store = open_store(config, jobs, report)
        try:
            results = asyncio.run(collect(jobs, day, now, config, transport))
            digest.collect(
                jobs,
                day,
                results,
                config=config,
                store=store,
                notes=report.notes,
                transport=transport,
            )
            posts = _plan_all(jobs, day, now, config, results, report, store)
            _write(posts, posts_dir, store)
            _record_history(store, report)
        finally:
            store.close()
    return report, posts


def _plan_all(
    jobs: list[Job],
    day: date,
    now: datetime,
    config: Config,
    results: dict[str, JobResult],
    report: RunReport,
    store: Store | None,
) -> list[Post]:
    posts = [p for p in (_plan(j, day, now, config, results[j.name], store) for j in jobs) if p]
    report.jobs = [results[job.name] for job in jobs]
    for job_result in report.jobs:
        for src in job_result.sources:
            report.notes.extend(n for n in src.notes if n not in report.notes)
    return posts


def state_path(config: Config) -> Path:
    return config.state.path or default_store_path(config.output.dir)


def open_store(config: Config, jobs: list[Job], report: RunReport) -> Store:
    """Open the seen-set; a missing or broken one is rebuilt from the posts, with a note."""
    store = Store(state_path(config))
    report.notes.extend(store.warnings)
    count = store.sync(config.output.dir, *_index_args(jobs))
    if store.created and count:
        report.notes.append(f"state store {store.path} was new; rebuilt from {count} posts")
    _remove_stale_temps(config.output.dir)
    return store


def reindex(store: Store, config: Config, jobs: list[Job]) -> int:
    """Rebuild ``store`` from the posts of ``jobs``; returns how many posts were read."""
    return store.rebuild(config.output.dir, *_index_args(jobs))


def _index_args(jobs: list[Job]) -> tuple[dict[str, str], Callable[[str], str]]:
    every = [sources.get(name) for name in sources.SOURCES]
    return {job.slug: job.name for job in jobs}, link_id(every)


def _peek_store(config: Config) -> Store | None:
    path = state_path(config)
    return Store(path) if path.is_file() else None


def _remove_stale_temps(directory: Path) -> None:
    """Temp files a killed run left behind (we hold the lock, so none is in use)."""
    for tmp in directory.glob(".newsbot-*.tmp") if directory.is_dir() else []:
        tmp.unlink(missing_ok=True)


def _plan(
    job: Job, day: date, now: datetime, config: Config, result: JobResult, store: Store | None
) -> Post | None:
    """Decide whether ``job`` gets a post and render it; record why not otherwise."""
    failed = [s for s in result.sources if not s.ok]
    if failed and not job.allow_partial:
        names = ", ".join(f"{s.source} ({s.status})" for s in failed)
        result.status = "skipped"
        result.message = f"not written: {names} failed and the job does not allow partial posts"
        return None
    if job.style == "digest":
        return _plan_digest(job, day, now, config, result)
    healthy = [s for s in result.sources if s.ok]
    groups = [s.articles for s in healthy]
    if job.order == "interleaved":
        groups = [plan.interleave(groups)]
    articles, _ = plan.merge(groups, config.state.title_similarity)
    name = post_name(day, job.slug)
    path = config.output.dir / name
    existing_text = _read_existing(path)
    front, blocks = plan.split_post(existing_text, link_id_for(job)) if existing_text else ("", [])
    earlier = store.posted_before(job.name, day, (a.id for a in articles)) if store else set()
    new, _ = plan.fresh(articles, blocks, earlier)
    for src in healthy:
        src.items_new = sum(1 for a in new if a.source == src.source)
        src.items_dup = sum(1 for a in src.articles if a.id in earlier)
    if not blocks and not new:
        result.status = "skipped"
        result.message = "not written: no articles that were not already posted"
        return None
    posted_at = _existing_date(front, path) or _post_time(job, day, now)
    text = render.render_post(job, posted_at, new, keep="".join(b.text for b in blocks))
    result.items = len(blocks) + len(new)
    result.path = str(path)
    result.status = "unchanged" if text == existing_text else "written"
    ids = [b.id for b in blocks] + [a.id for a in new]
    return Post(result, name, text, ids)


def _plan_digest(
    job: Job, day: date, now: datetime, config: Config, result: JobResult
) -> Post | None:
    """Render the digest from the entries ``digest.collect`` left on ``result``."""
    entries = result.digest.entries if result.digest else []
    if not entries:
        result.status = "skipped"
        result.message = "not written: no new article matched the job's keywords and could be read"
        return None
    path = config.output.dir / post_name(day, job.slug)
    existing_text = _read_existing(path)
    posted_at = _existing_date(existing_text, path) or _post_time(job, day, now)
    meta = render_digest.front_matter(
        job.post_title(posted_at.date()),
        posted_at,
        job.categories,
        job.tags,
        job.front_matter_extra,
    )
    text = render_digest.render(meta, [entry for _, entry in entries])
    result.items = len(entries)
    result.path = str(path)
    result.status = "unchanged" if text == existing_text else "written"
    return Post(result, path.name, text, [article_id for article_id, _ in entries])


def link_id_for(job: Job) -> Callable[[str], str]:
    """Article id of a link in a post, by the job's sources (the URL itself if none knows it)."""
    return link_id([sources.get(r.name) for r in job.sources])


def link_id(candidates: list[sources.Source]) -> Callable[[str], str]:
    """Article id of a link, asking each source in turn."""

    def article_id(url: str) -> str:
        for source in candidates:
            found = source.article_id(url)
            if found:
                return found
        return url

    return article_id


def _post_time(job: Job, day: date, now: datetime) -> datetime:
    """Now for today's post; the job's scheduled time for a past day (never the future)."""
    if day == today_kst(now):
        return now
    return min(datetime.combine(day, job.scheduled_time(), tzinfo=KST), now)


def _read_existing(path: Path) -> str:
    if not path.is_file():
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteError(f"existing post {path} is unreadable ({exc}); left untouched") from None


def _existing_date(front: str, path: Path) -> datetime | None:
    """The ``date`` of a post already written, so a re-run keeps its bytes."""
    if not front:
        return None
    try:
        value = read_metadata(front).get("date")
    except ValueError as exc:
        message = f"existing post {path} has broken front matter ({exc}); left untouched"
        raise WriteError(message) from None
    if isinstance(value, datetime):
        return value.astimezone(KST) if value.tzinfo else None
    if isinstance(value, str):
        try:
            return datetime.strptime(value, render.DATE_FORMAT).astimezone(KST)
        except ValueError:
            return None
    return None


def _write(posts: list[Post], directory: Path, store: Store | None) -> None:
    writer = PostWriter(directory)
    for post in posts:
        try:
            if post.result.status != "unchanged":
                writer.write(post.name, post.text)
            if store is not None:
                store.record(post.result.job, post.result.day, post.name, post.ids)
        except NewsbotError as exc:
            post.result.status = "failed"
            post.result.message = str(exc)


def _record_history(store: Store, report: RunReport) -> None:
    """Append the run to the history ``newsbot status`` reads; a failure is only a note."""
    try:
        store.record_run(report)
    except StoreError as exc:
        report.notes.append(f"run history not saved: {exc}")
