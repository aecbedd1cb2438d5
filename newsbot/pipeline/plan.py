"""Every decision about what goes into a post, as pure functions. No I/O here.

A job whose source failed gets no post unless it allows partial posts. One story
once: articles from several sources merge in the job's order and a later copy
(same id, same URL, or a near-identical title) is dropped. Nothing already
published is dropped: an existing post for the day keeps its items, verbatim and
in order, and only articles new to the job are added. A digest takes the
articles that name its keywords, most mentions first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from newsbot import sources
from newsbot.dates import KST, today_kst
from newsbot.jobs import DigestOptions, Job
from newsbot.models import Article, SourceResult
from newsbot.posts import Block
from newsbot.sources.base import SourceOptions
from newsbot.sources.generic import GenericOptions

TITLE_NOISE = re.compile(r"\[[^\]]{1,8}\]|\([^)]{1,8}\)|[^\w]+")
TITLE_WEIGHT = 3  # a keyword in the title counts three times one in the snippet
Key = tuple[str, str]  # (source, section)


@dataclass(frozen=True)
class Selection:
    """What a job's post gets: its new articles (or digest candidates), or why none."""

    articles: tuple[Article, ...] = ()
    skip: str = ""  # set: the job is not written, and this says why
    counts: dict[Key, tuple[int, int]] = field(default_factory=dict)  # (new, already posted)


def select_list(
    job: Job,
    results: Sequence[SourceResult],
    kept: Sequence[Block],
    posted: set[str],
    similarity: float,
) -> Selection:
    """The articles a list post adds to the ``kept`` items of its existing post.

    ``posted`` holds the ids, among the sources' articles, that the job posted on
    another day.
    """
    skip = partial_skip(job, results)
    if skip:
        return Selection(skip=skip)
    healthy = [r for r in results if r.ok]
    groups = [list(r.articles) for r in healthy]
    if job.order == "interleaved":
        groups = [interleave(groups)]
    have = {b.id for b in kept}
    new = [a for a in merge(groups, similarity) if a.id not in have and a.id not in posted]
    counts = {
        (r.source, r.section): (
            sum(1 for a in new if (a.source, a.section) == (r.source, r.section)),
            sum(1 for a in r.articles if a.id in posted),
        )
        for r in healthy
    }
    if not kept and not new:
        return Selection(skip="not written: no articles that were not already posted")
    return Selection(tuple(new), counts=counts)


def select_digest(
    job: Job, results: Sequence[SourceResult], posted: set[str], similarity: float
) -> Selection:
    """The digest's candidates: articles naming a keyword, not posted on another day."""
    skip = partial_skip(job, results)
    if skip:
        return Selection(skip=skip)
    merged = merge([list(r.articles) for r in results if r.ok], similarity)
    return Selection(tuple(by_keywords([a for a in merged if a.id not in posted], job.digest)))


def partial_skip(job: Job, results: Sequence[SourceResult]) -> str:
    """Why ``job`` gets no post because a source failed ("" when it may be written)."""
    failed = [r for r in results if not r.ok]
    if not failed or job.allow_partial:
        return ""
    names = ", ".join(f"{r.source} ({r.status})" for r in failed)
    return f"not written: {names} failed and the job does not allow partial posts"


NO_ENTRIES = "not written: no new article matched the job's keywords and could be read"


def post_time(job: Job, day: date, now: datetime, existing: datetime | None = None) -> datetime:
    """The post's ``date``: the existing post's (re-runs keep their bytes), now for today's
    post, the job's scheduled time for a past day (never the future)."""
    if existing is not None:
        return existing
    if day == today_kst(now):
        return now
    return min(datetime.combine(day, job.scheduled_time(), tzinfo=KST), now)


def source_name(job: Job, article: Article) -> str:
    """The digest's link text for ``article``: the job's ``source_names`` (``name/section``
    first), a generic source's ``label``, else the source's label."""
    names = job.digest.source_names
    own = names.get(f"{article.source}/{article.section}")
    options = _options(job, article)
    label = options.link_text() if isinstance(options, GenericOptions) else ""
    return own or label or names.get(article.source) or sources.get(article.source).LABEL


def source_language(job: Job, article: Article) -> str:
    """The language a generic source declares for its articles ("" = unknown)."""
    options = _options(job, article)
    return options.language if isinstance(options, GenericOptions) else ""


def _options(job: Job, article: Article) -> SourceOptions | None:
    key = (article.source, article.section)
    return next((r.parsed for r in job.sources if (r.name, r.section) == key), None)


def title_key(title: str) -> str:
    """A title reduced for comparison: NFKC, lower case, no tags like [단독] or punctuation."""
    text = unicodedata.normalize("NFKC", title).lower()
    return TITLE_NOISE.sub("", text)


def merge(groups: Iterable[list[Article]], similarity: float) -> list[Article]:
    """Articles in job order, each story once (same id or URL, or a similar title)."""
    kept: list[Article] = []
    seen: set[str] = set()
    keys: list[str] = []
    for group in groups:
        for article in group:
            key = title_key(article.title)
            if article.id in seen or article.url in seen or _similar(key, keys, similarity):
                continue
            seen.update((article.id, article.url))
            keys.append(key)
            kept.append(article)
    return kept


def interleave(groups: Iterable[list[Article]]) -> list[Article]:
    """One article from each group in turn (a job with ``order = "interleaved"``)."""
    lists = [g for g in groups if g]
    out: list[Article] = []
    for i in range(max((len(g) for g in lists), default=0)):
        out.extend(g[i] for g in lists if i < len(g))
    return out


def _similar(key: str, keys: list[str], threshold: float) -> bool:
    if threshold >= 1.0 or not key:
        return key in keys
    return any(SequenceMatcher(None, key, other).ratio() >= threshold for other in keys)


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    """Latin keywords match as whole words ("AI", not "MAIN"); CJK ones anywhere."""
    parts = []
    for word in sorted(set(keywords), key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts), re.I)


def by_keywords(articles: Sequence[Article], options: DigestOptions) -> list[Article]:
    """Articles mentioning a keyword, most mentions first (ties: list order), capped."""
    pattern = keyword_pattern(options.keywords)
    scored = []
    for index, article in enumerate(articles):
        score = TITLE_WEIGHT * len(pattern.findall(article.title))
        score += len(pattern.findall(article.snippet))
        if score:
            scored.append((-score, index, article))
    return [a for _, _, a in sorted(scored, key=lambda s: s[:2])][: options.max_articles]
