"""The digest steps after the lists: candidates → article pages → summaries → entries.

For each ``style = "digest"`` job: the list items of its healthy sources that
match its keywords (in any of its languages) are ranked and capped, their
article pages fetched (bounded concurrency, the same Fetcher), extracted and
summarized. The ``llm`` backend falls back to ``extractive`` when it is
unreachable, over budget or keeps answering nonsense; the report says so and
the digest is still published.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import urlsplit

import httpx

from newsbot import plan, sources
from newsbot.config import Config
from newsbot.errors import FetchError
from newsbot.extract import Extracted, Rule, extract, rule_for, rules_with
from newsbot.fetch import Fetcher
from newsbot.jobs import DigestOptions, Job
from newsbot.models import Article, DigestStats, JobResult, Page
from newsbot.render.digest import DigestEntry
from newsbot.store import Store
from newsbot.summarize import ArticleText, LlmInvalid, LlmUnavailable, OverBudget, Summary
from newsbot.summarize.extractive import ExtractiveSummarizer
from newsbot.summarize.llm import LlmSummarizer, ReadOnlyCache

TITLE_WEIGHT = 3  # a keyword in the title counts three times one in the snippet


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    """Latin keywords match as whole words ("AI", not "MAIN"); CJK ones anywhere."""
    parts = []
    for word in sorted(set(keywords), key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts), re.I)


def validate_config(config: Config) -> None:
    """Fail early on an [extract.X] table naming an unknown rule or selector."""
    rules_with(config.extract)


def select(articles: Sequence[Article], options: DigestOptions) -> list[Article]:
    """Articles mentioning a keyword, most mentions first (ties: list order), capped."""
    pattern = keyword_pattern(options.keywords)
    scored = []
    for index, article in enumerate(articles):
        score = TITLE_WEIGHT * len(pattern.findall(article.title))
        score += len(pattern.findall(article.snippet))
        if score:
            scored.append((-score, index, article))
    return [a for _, _, a in sorted(scored, key=lambda s: s[:2])][: options.max_articles]


def collect(
    jobs: Sequence[Job],
    day: date,
    results: dict[str, JobResult],
    *,
    config: Config,
    store: Store | None,
    notes: list[str],
    transport: httpx.AsyncBaseTransport | None = None,
    dry_run: bool = False,
) -> None:
    """Fill ``results[job].digest`` for every digest job in ``jobs``; a ``dry_run`` reads
    the LLM cache but adds nothing to it."""
    digest_jobs = [j for j in jobs if j.style == "digest"]
    if digest_jobs:
        asyncio.run(_collect(digest_jobs, day, results, config, store, notes, transport, dry_run))


async def _collect(
    jobs: Sequence[Job],
    day: date,
    results: dict[str, JobResult],
    config: Config,
    store: Store | None,
    notes: list[str],
    transport: httpx.AsyncBaseTransport | None,
    dry_run: bool,
) -> None:
    rules = rules_with(config.extract)
    fallback = ExtractiveSummarizer(config.summarize.sentences)
    llm = owned = _llm(config, store, notes, dry_run)
    try:
        async with Fetcher(config.fetch, transport=transport) as fetcher:
            for job in jobs:
                result = results[job.name]
                if any(not s.ok for s in result.sources) and not job.allow_partial:
                    continue  # the job is not written anyway: fetch nothing for it
                result.digest = DigestStats(summarizer=config.summarize.backend)
                llm = await _collect_job(
                    fetcher,
                    job,
                    day,
                    result,
                    result.digest,
                    config,
                    store,
                    notes,
                    rules,
                    (llm, fallback),
                )
    finally:
        if owned is not None:
            await owned.aclose()


async def _collect_job(
    fetcher: Fetcher,
    job: Job,
    day: date,
    result: JobResult,
    stats: DigestStats,
    config: Config,
    store: Store | None,
    notes: list[str],
    rules: dict[str, Rule],
    summarizers: tuple[LlmSummarizer | None, ExtractiveSummarizer],
) -> LlmSummarizer | None:
    """One job's entries; returns the llm backend if it is still usable."""
    llm, fallback = summarizers
    candidates = _candidates(job, day, result, config, store)
    stats.candidates = len(candidates)
    pages = await _fetch_all(fetcher, candidates, job.digest.concurrency, config, stats)
    for article, page in zip(candidates, pages, strict=True):
        if page is None:
            continue
        extracted = extract(page, rules)
        if len(extracted.text) < job.digest.min_chars:
            stats.fail("too_short")
            continue
        stats.fetched += 1
        text = ArticleText(
            article.id,
            article.url,
            extracted.title or article.title,
            extracted.text,
            _source_name(job, article),
        )
        summary, llm = await _summarize(text, llm, fallback, stats, job, notes)
        stats.entries.append((article.id, _entry(article, extracted, text, summary, day)))
    return llm


def read_article(
    url: str, *, config: Config, transport: httpx.AsyncBaseTransport | None = None
) -> Extracted:
    """Fetch one article page (host_map applies) and extract it: ``newsbot extract``."""
    return asyncio.run(_read_article(url, config, transport))


async def _read_article(
    url: str, config: Config, transport: httpx.AsyncBaseTransport | None
) -> Extracted:
    rules = rules_with(config.extract)
    rule = rule_for(url, rules)
    name = rule.name if rule is not None else (urlsplit(url).hostname or "article")
    obey = config.fetch.obey_robots
    if name in sources.SOURCES:  # a source's own robots policy covers its article pages
        obey = sources.settings_for(name, config).obey_robots
    async with Fetcher(config.fetch, transport=transport) as fetcher:
        page = await fetcher.get(url, source=name, obey_robots=obey)
    return extract(page, rules)


def _llm(
    config: Config, store: Store | None, notes: list[str], dry_run: bool
) -> LlmSummarizer | None:
    """The llm backend when configured; None means extractive only."""
    if config.summarize.backend != "llm":
        return None
    cfg = config.summarize.llm
    key = os.environ.get(cfg.api_key_env) if cfg.api_key_env else None
    if cfg.api_key_env and not key:
        notes.append(f"summarizer: ${cfg.api_key_env} is not set; sending no API key")
    cache = ReadOnlyCache(store) if dry_run and store is not None else store
    return LlmSummarizer(cfg, api_key=key, cache=cache)


def _candidates(
    job: Job, day: date, result: JobResult, config: Config, store: Store | None
) -> list[Article]:
    healthy = [s.articles for s in result.sources if s.ok]
    articles, _ = plan.merge(healthy, config.state.title_similarity)
    earlier = store.posted_before(job.name, day, (a.id for a in articles)) if store else set()
    return select([a for a in articles if a.id not in earlier], job.digest)


async def _fetch_all(
    fetcher: Fetcher,
    articles: Sequence[Article],
    concurrency: int,
    config: Config,
    stats: DigestStats,
) -> list[Page | None]:
    gate = asyncio.Semaphore(concurrency)

    async def one(article: Article) -> Page | None:
        settings = sources.settings_for(article.source, config)
        async with gate:
            try:
                return await fetcher.get(
                    article.url, source=article.source, obey_robots=settings.obey_robots
                )
            except FetchError as exc:
                stats.fail(exc.status)
                return None

    return list(await asyncio.gather(*(one(a) for a in articles)))


async def _summarize(
    text: ArticleText,
    llm: LlmSummarizer | None,
    fallback: ExtractiveSummarizer,
    stats: DigestStats,
    job: Job,
    notes: list[str],
) -> tuple[Summary, LlmSummarizer | None]:
    """The llm summary if it can be had, else the extractive one; returns the llm still usable."""
    if llm is None:
        stats.used("extractive")
        return fallback.summarize_now(text), None
    calls, tokens = llm.calls, llm.tokens
    usable: LlmSummarizer | None = llm
    try:
        summary = await llm.summarize(text)
        stats.bullets_dropped += summary.dropped
        if summary.bullets:
            stats.used(summary.backend)
            return summary, llm
        stats.fail("llm_no_grounded_bullets")
    except LlmInvalid:
        stats.llm_invalid += 1
    except (LlmUnavailable, OverBudget) as exc:
        stats.fallback = str(exc)
        notes.append(
            f"{job.name}: summarizer fell back to extractive for the rest of the run: {exc}"
        )
        usable = None  # a down or spent endpoint is not asked again this run
    finally:
        stats.llm_calls += llm.calls - calls
        stats.tokens += llm.tokens - tokens
    stats.used("extractive")
    return fallback.summarize_now(text), usable


def _entry(
    article: Article, extracted: Extracted, text: ArticleText, summary: Summary, day: date
) -> DigestEntry:
    published = extracted.published or article.published_at
    when = published.date() if published else day  # the date where it was published
    return DigestEntry(
        summary.headline, text.source_name, article.url, when, summary.bullets, summary.implications
    )


def _source_name(job: Job, article: Article) -> str:
    return job.digest.source_names.get(article.source) or sources.get(article.source).LABEL
