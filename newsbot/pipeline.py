"""One run: fetch every job's sources, build every post in memory, then write.

Phases: collect (fetch + parse + normalize, one SourceResult per source) →
plan (dedupe, floors, partial-post policy) → render → write. A failing source
only fails its own result; nothing is written until every post is rendered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import httpx

from newsbot import render, sources
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import (
    LayoutChanged,
    NewsbotError,
    Rejected,
    SourceError,
    UsageError,
    WriteError,
)
from newsbot.fetch import Fetcher
from newsbot.jobs import Job, SourceRef
from newsbot.models import Article, JobResult, RawItem, RunReport, SourceResult
from newsbot.normalize import to_article
from newsbot.render.frontmatter import read_metadata
from newsbot.sources.base import ListRequest
from newsbot.write import PostWriter, post_name


@dataclass
class Post:
    """A rendered post waiting to be written."""

    result: JobResult
    name: str
    text: str


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
    report = RunReport(started_at=now)
    results = asyncio.run(_collect(jobs, day, now, config, transport))
    posts = [p for p in (_plan(job, day, now, config, results[job.name]) for job in jobs) if p]
    report.jobs = [results[job.name] for job in jobs]
    for job_result in report.jobs:
        for src in job_result.sources:
            report.notes.extend(n for n in src.notes if n not in report.notes)
    if not dry_run:
        _write(posts, config.output.dir)
    return report, posts


async def _collect(
    jobs: list[Job],
    day: date,
    now: datetime,
    config: Config,
    transport: httpx.AsyncBaseTransport | None,
) -> dict[str, JobResult]:
    async with Fetcher(config.fetch, transport=transport) as fetcher:
        results = {job.name: JobResult(job=job.name, day=day) for job in jobs}
        tasks = []
        for job in jobs:
            for ref in job.sources:
                tasks.append(_collect_source(fetcher, job, ref, day, now, config))
        for job_name, source_result in await asyncio.gather(*tasks):
            results[job_name].sources.append(source_result)
    for job in jobs:  # gather keeps order, but say so: sources appear in job order
        order = [(r.name, r.section) for r in job.sources]
        results[job.name].sources.sort(key=lambda s: order.index((s.source, s.section)))
    return results


async def _collect_source(
    fetcher: Fetcher, job: Job, ref: SourceRef, day: date, now: datetime, config: Config
) -> tuple[str, SourceResult]:
    source = sources.get(ref.name)
    settings = sources.settings_for(ref.name, config)
    req = ListRequest(day=day, section=ref.section, now=now, options=ref.options)
    result = SourceResult(source=ref.name, section=ref.section, urls=source.urls(req))
    result.notes.extend(source.notes(req))
    if not settings.obey_robots:
        why = settings.robots_note or "config"
        result.notes.append(f"{ref.name}: robots.txt not obeyed ({why})")
    try:
        raw: list[tuple[str, RawItem]] = []
        for url in result.urls:
            page = await fetcher.get(
                url, source=ref.name, obey_robots=settings.obey_robots, stats=result
            )
            raw.extend((page.url, item) for item in source.parse(page, settings.selectors, req))
        result.items_found = len(raw)
        result.articles = _normalize(raw, source, ref, job, now, settings.max_items, result)
        if len(result.articles) < settings.min_items:
            raise LayoutChanged(
                ref.name,
                result.urls[0] if result.urls else "",
                f"only {len(result.articles)} usable items, fewer than min_items "
                f"{settings.min_items}: layout changed?",
            )
    except SourceError as exc:
        result.status, result.message = exc.status, str(exc)
        result.articles = []
    return job.name, result


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


def _plan(job: Job, day: date, now: datetime, config: Config, result: JobResult) -> Post | None:
    """Decide whether ``job`` gets a post and render it; record why not otherwise."""
    failed = [s for s in result.sources if not s.ok]
    if failed and not job.allow_partial:
        names = ", ".join(f"{s.source} ({s.status})" for s in failed)
        result.status = "skipped"
        result.message = f"not written: {names} failed and the job does not allow partial posts"
        return None
    articles = _merge(s.articles for s in result.sources if s.ok)
    if not articles:
        result.status = "skipped"
        result.message = "not written: no articles"
        return None
    name = post_name(day, job.slug)
    path = config.output.dir / name
    posted_at = _existing_date(path) or _post_time(job, day, now)
    text = render.render_post(job, posted_at, articles)
    result.items = len(articles)
    result.path = str(path)
    for src in result.sources:
        src.items_new = sum(1 for a in articles if a.source == src.source)
    unchanged = path.is_file() and path.read_text(encoding="utf-8") == text
    result.status = "unchanged" if unchanged else "written"
    return Post(result, name, text)


def _merge(groups: Iterable[list[Article]]) -> list[Article]:
    """Articles from several sources in job order, each article once."""
    seen: set[str] = set()
    merged = []
    for group in groups:
        for article in group:
            key = article.url
            if article.id in seen or key in seen:
                continue
            seen.update((article.id, key))
            merged.append(article)
    return merged


def _post_time(job: Job, day: date, now: datetime) -> datetime:
    """Now for today's post; the job's scheduled time for a past day (never the future)."""
    if day == today_kst(now):
        return now
    return min(datetime.combine(day, job.scheduled_time(), tzinfo=KST), now)


def _existing_date(path: Path) -> datetime | None:
    """The ``date`` of a post already written, so a re-run keeps its bytes."""
    if not path.is_file():
        return None
    try:
        value = read_metadata(path.read_text(encoding="utf-8")).get("date")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WriteError(f"existing post {path} is unreadable ({exc}); left untouched") from None
    if isinstance(value, datetime):
        return value.astimezone(KST) if value.tzinfo else None
    if isinstance(value, str):
        try:
            return datetime.strptime(value, render.DATE_FORMAT).astimezone(KST)
        except ValueError:
            return None
    return None


def _write(posts: list[Post], directory: Path) -> None:
    writer = PostWriter(directory)
    for post in posts:
        if post.result.status == "unchanged":
            continue
        try:
            writer.write(post.name, post.text)
        except NewsbotError as exc:
            post.result.status = "failed"
            post.result.message = str(exc)
