"""One run: fetch every job's sources, build every post in memory, then write.

Phases: collect (fetch + parse + normalize, one SourceResult per source) →
plan (dedupe, floors, partial-post policy) → render → write. A failing source
only fails its own result; nothing is written until every post is rendered.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

from newsbot import digest, plan, render, sources, thumbnails
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import (
    FetchError,
    LayoutChanged,
    NewsbotError,
    Rejected,
    SourceError,
    UsageError,
    WriteError,
)
from newsbot.fetch import Fetcher
from newsbot.jobs import Job, SourceRef
from newsbot.lock import lock_path, run_lock
from newsbot.models import Article, JobResult, RawItem, RunReport, SourceResult
from newsbot.normalize import to_article
from newsbot.render import digest as render_digest
from newsbot.render.frontmatter import read_metadata
from newsbot.sources.base import ListRequest
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
        results = asyncio.run(_collect(jobs, day, now, config, transport))
        peek = _peek_store(config)
        digest.collect(jobs, day, results, config=config, store=peek, notes=report.notes,
                       transport=transport)
        posts = _plan_all(jobs, day, now, config, results, report, peek)
        return report, posts
    with run_lock(lock_path(posts_dir)):
        store = open_store(config, jobs, report)
        try:
            results = asyncio.run(_collect(jobs, day, now, config, transport))
            digest.collect(jobs, day, results, config=config, store=store, notes=report.notes,
                           transport=transport)
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


async def _collect(
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
            first = result.urls[0] if result.urls else ""
            raise FetchError(ref.name, first, message, status="timeout") from None
        result.items_found = len(raw)
        _check_encoding(raw, ref.name, result.urls[0] if result.urls else "")
        result.articles = _normalize(raw, source, ref, job, now, settings.max_items, result)
        if len(result.articles) < settings.min_items:
            raise LayoutChanged(
                ref.name,
                result.urls[0] if result.urls else "",
                f"only {len(result.articles)} usable items, fewer than min_items "
                f"{settings.min_items}: layout changed?",
            )
        _check_coverage(result)
        if job.thumbnails:  # optional: running out of budget here only costs thumbnails
            try:
                async with asyncio.timeout_at(deadline):
                    result.articles = await thumbnails.fill(
                        fetcher, result.articles, source=ref.name,
                        obey_robots=settings.obey_robots, stats=result,
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
        raise SourceError(source, url, f"{bad} of {len(titles)} title characters are U+FFFD or "
                          "mojibake: the page's encoding was misread", status="encoding_error")


NOT_INVALID = {"duplicate", "over_cap"}  # drops that say nothing about the markup
MIN_COVERAGE = 0.9


def _check_coverage(result: SourceResult) -> None:
    """Over 10 % of the items lacking a usable title or link: the layout half changed (F25)."""
    invalid = sum(n for reason, n in result.items_dropped.items() if reason not in NOT_INVALID)
    if result.items_found and 1 - invalid / result.items_found < MIN_COVERAGE:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.items_dropped.items())
                            if k not in NOT_INVALID)
        raise SourceError(result.source, result.urls[0] if result.urls else "",
                          f"only {result.items_found - invalid} of {result.items_found} items "
                          f"are complete ({reasons}): layout partly changed?", status="incomplete")


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
            url, source=source.NAME, obey_robots=settings.obey_robots, stats=result,
            accept=accept, headers=getattr(source, "HEADERS", None),
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
    meta = render_digest.front_matter(job.post_title(posted_at.date()), posted_at,
                                      job.categories, job.tags, job.front_matter_extra)
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
