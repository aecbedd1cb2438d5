"""Every decision about what goes into a post, as pure functions. No I/O here.

A job whose source failed gets no post unless it allows partial posts. Nothing
already published is dropped: an existing post for the day keeps its items,
verbatim and in order, and only articles new to the job are added. New means
never posted by the job on any day, earlier or later, and not a story already
taken (``stories``: another source's copy in this run, in the post, or on a
recent day). A digest takes the articles that name its keywords, most mentions
first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from newsbot import sources
from newsbot.dates import KST, today_kst
from newsbot.jobs import DigestOptions, Job
from newsbot.models import Article, SourceResult
from newsbot.pipeline.stories import RECENT_STORY, SAME_STORY, Stories, merge, title_key
from newsbot.posts import Block
from newsbot.sources.base import SourceOptions
from newsbot.sources.generic import GenericOptions

__all__ = [
    "RECENT_STORY",
    "SAME_STORY",
    "Counts",
    "Known",
    "Merged",
    "Selection",
    "merge",
    "select_digest",
    "select_list",
    "title_key",
]

TITLE_WEIGHT = 3  # a keyword in the title counts three times one in the snippet
Key = tuple[str, str]  # (source, section)


@dataclass(frozen=True)
class Known:
    """What the job already holds, from the state store."""

    ids: frozenset[str] = frozenset()  # posted on any day, or merged away from a post
    recent: tuple[tuple[str, str], ...] = ()  # (article id, title) of the recent days' posts


@dataclass(frozen=True)
class Merged:
    """An article left out as the same story as the article ``into``."""

    article: Article
    into: str
    settled: bool  # ``into`` was already posted (not merely chosen by this run)
    reason: str  # SAME_STORY or RECENT_STORY


@dataclass(frozen=True)
class Counts:
    """One source's items as the plan sorted them."""

    new: int = 0
    posted: int = 0  # ids the job posted on another day
    dropped: dict[str, int] = field(default_factory=dict)  # same_story, recent_story


@dataclass(frozen=True)
class Selection:
    """What a job's post gets: its new articles (or digest candidates), or why none."""

    articles: tuple[Article, ...] = ()
    skip: str = ""  # set: the job is not written, and this says why
    counts: dict[Key, Counts] = field(default_factory=dict)
    merged: tuple[Merged, ...] = ()


def select_list(
    job: Job,
    results: Sequence[SourceResult],
    kept: Sequence[Block],
    known: Known,
    similarity: float,
) -> Selection:
    """The articles a list post adds to the ``kept`` items of its existing post.

    Nothing the job posted on any day, before or after, comes again, nor the
    same story under another id (another source's copy, by title).
    """
    skip = partial_skip(job, results)
    if skip:
        return Selection(skip=skip)
    healthy = usable(results)
    groups = [list(r.articles) for r in healthy]
    if job.order == "interleaved":
        groups = [interleave(groups)]
    have = {b.id for b in kept}
    new, merged = fresh([a for g in groups for a in g], have, known, similarity)
    counts = tally(healthy, new, merged, have, known)
    if not kept and healthy and not any(r.articles for r in healthy):
        return Selection(skip=NOTHING_LISTED, counts=counts)
    if not kept and not new:
        return Selection(skip=NOTHING_NEW, counts=counts, merged=tuple(merged))
    return Selection(tuple(new), counts=counts, merged=tuple(merged))


def select_digest(
    job: Job,
    results: Sequence[SourceResult],
    kept: Sequence[Block],
    known: Known,
    similarity: float,
) -> Selection:
    """The digest's new candidates: articles naming a keyword that the job never posted,
    as many as the post has room for beside its ``kept`` entries."""
    skip = partial_skip(job, results)
    if skip:
        return Selection(skip=skip)
    healthy = usable(results)
    if not kept and healthy and not any(r.articles for r in healthy):
        return Selection(skip=NOTHING_LISTED, counts=tally(healthy, [], [], set(), known))
    have = {b.id for b in kept}
    new, merged = fresh([a for r in healthy for a in r.articles], have, known, similarity)
    room = max(0, job.digest.max_articles - len(kept))
    chosen = by_keywords(new, job.digest)[:room]
    counts = tally(healthy, chosen, merged, have, known)
    return Selection(tuple(chosen), counts=counts, merged=tuple(merged))


def fresh(
    stream: Sequence[Article], have: set[str], known: Known, similarity: float
) -> tuple[list[Article], list[Merged]]:
    """The articles of ``stream`` that are new stories, in order; and those merged away.

    What the post (``have``) and the store (``known``) hold is taken first, so
    another source's copy of a posted story is dropped wherever it is listed.
    """
    stories = Stories(similarity)
    for article in stream:
        if article.id in have or article.id in known.ids:
            stories.add(article, settled=True)
    for article_id, title in known.recent:
        stories.remember(article_id, title)
    new: list[Article] = []
    merged: list[Merged] = []
    for article in stream:
        if article.id in have or article.id in known.ids:
            continue
        hit = stories.match(article)
        if hit is not None:
            merged.append(Merged(article, *hit))
            continue
        stories.add(article)
        new.append(article)
    return new, merged


def tally(
    results: Sequence[SourceResult],
    new: Sequence[Article],
    merged: Sequence[Merged],
    have: set[str],
    known: Known,
) -> dict[Key, Counts]:
    """Per source: articles new to the post, already posted, and merged away (by reason)."""
    counts = {}
    for r in results:
        key = (r.source, r.section)
        dropped: dict[str, int] = {}
        for m in merged:
            if (m.article.source, m.article.section) == key:
                dropped[m.reason] = dropped.get(m.reason, 0) + 1
        counts[key] = Counts(
            new=sum(1 for a in new if (a.source, a.section) == key),
            posted=sum(1 for a in r.articles if a.id in known.ids and a.id not in have),
            dropped=dropped,
        )
    return counts


def remembered(merged: Iterable[Merged], posted: Iterable[str]) -> list[Merged]:
    """The merges worth remembering: those into an article that is (now) posted."""
    ids = set(posted)
    return [m for m in merged if m.settled or m.into in ids]


def usable(results: Sequence[SourceResult]) -> list[SourceResult]:
    """The sources whose articles a post may take: the ok ones, and (past ``partial_skip``,
    so only for a job with ``allow_partial``) one whose later list page failed, with the
    articles of the pages before it. A failed source has no articles otherwise."""
    return [r for r in results if r.ok or r.articles]


def partial_skip(job: Job, results: Sequence[SourceResult]) -> str:
    """Why ``job`` gets no post because a source failed ("" when it may be written);
    with ``allow_partial``, when no source has anything to give."""
    failed = [r for r in results if not r.ok]
    names = ", ".join(f"{r.source} ({r.status})" for r in failed)
    if failed and job.allow_partial and not usable(results):
        each = ", ".join(f"{r.source}/{r.section} ({r.status})" for r in failed)
        return f"not written: every source failed: {each}"
    if not failed or job.allow_partial:
        return ""
    return f"not written: {names} failed and the job does not allow partial posts"


NOTHING_NEW = "nothing new: every article was already posted"
NO_ENTRIES = "nothing new: no article that was not already posted matched the job's keywords"
UNREADABLE = "not written: no new article matched the job's keywords and could be read"
NOTHING_LISTED = "nothing to post: no source listed an item for the day"  # a quiet past day
QUIET = (NOTHING_NEW, NO_ENTRIES, NOTHING_LISTED)  # skips that are an ordinary day


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


def interleave(groups: Iterable[list[Article]]) -> list[Article]:
    """One article from each group in turn (a job with ``order = "interleaved"``)."""
    lists = [g for g in groups if g]
    out: list[Article] = []
    for i in range(max((len(g) for g in lists), default=0)):
        out.extend(g[i] for g in lists if i < len(g))
    return out


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
