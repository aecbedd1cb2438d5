"""One story once: which articles are the same story, by id, URL or title.

Titles are compared after NFKC, lower case, and dropping tags like ``[단독]``
and punctuation (``title_key``), with ``difflib``'s ratio, pre-filtered by its
cheap upper bounds so a window of remembered titles costs little.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsbot import sources
from newsbot.models import Article

TITLE_NOISE = re.compile(r"\[[^\]]{1,8}\]|\([^)]{1,8}\)|[^\w]+")
NEAR_IDENTICAL = 0.97  # two ids of ONE source are one story only this alike (and same text)
SAME_STORY = "same_story"  # items_dropped: the same story as another item of the run or post
RECENT_STORY = "recent_story"  # items_dropped: the same story as one posted on a recent day


def title_key(title: str) -> str:
    """A title reduced for comparison: NFKC, lower case, no tags like [단독] or punctuation."""
    text = unicodedata.normalize("NFKC", title).lower()
    return TITLE_NOISE.sub("", text)


def merge(groups: Iterable[list[Article]], similarity: float) -> list[Article]:
    """Articles in job order, each story once (see ``Stories``)."""
    stories = Stories(similarity)
    kept: list[Article] = []
    for article in (a for group in groups for a in group):
        if stories.match(article) is None:
            stories.add(article)
            kept.append(article)
    return kept


@dataclass(frozen=True)
class _Story:
    into: str  # the article id it is known by
    source: str
    title: str  # title_key
    text: str  # title_key of the snippet ("" when remembered)
    settled: bool
    remembered: bool


class Stories:
    """Stories already taken, and whether an article is one of them.

    One story: the same id or URL; or titles ``similarity`` alike from two
    sources; or, from one source, two ids whose titles are near-identical and
    whose snippets agree (series headlines like ``[속보] 코스피 2600선 돌파`` stay
    apart). A remembered title (a recent day's post) matches other sources only:
    within one source the id is the story across days.
    """

    def __init__(self, similarity: float) -> None:
        self.similarity = similarity
        self._by_link: dict[str, _Story] = {}
        self._titled: list[_Story] = []

    def add(self, article: Article, *, settled: bool = False) -> None:
        """Take ``article``'s story (``settled``: it is already posted)."""
        story = _Story(
            article.id,
            article.source,
            title_key(article.title),
            title_key(article.snippet),
            settled,
            remembered=False,
        )
        self._by_link.setdefault(article.id, story)
        self._by_link.setdefault(article.url, story)
        self._titled.append(story)

    def remember(self, article_id: str, title: str) -> None:
        """Take the story of an article a recent post listed."""
        story = _Story(
            article_id, source_of(article_id), title_key(title), "", True, remembered=True
        )
        self._by_link.setdefault(article_id, story)
        self._titled.append(story)

    def match(self, article: Article) -> tuple[str, bool, str] | None:
        """(the article id it merges into, settled, reason), or None for a new story."""
        story = self._by_link.get(article.id) or self._by_link.get(article.url)
        if story is None:
            key, text = title_key(article.title), title_key(article.snippet)
            story = next(
                (s for s in self._titled if self._same(article.source, key, text, s)), None
            )
        if story is None:
            return None
        return story.into, story.settled, RECENT_STORY if story.remembered else SAME_STORY

    def _same(self, source: str, key: str, text: str, other: _Story) -> bool:
        if source != other.source:
            return alike(key, other.title, self.similarity)
        if other.remembered or not text:
            return False
        near = max(NEAR_IDENTICAL, self.similarity)
        return alike(key, other.title, near) and alike(text, other.text, self.similarity)


def source_of(article_id: str) -> str:
    """The source an article id belongs to (``naver:029/…`` → naver), "" when none."""
    prefix = article_id.split(":", 1)[0]
    return prefix if prefix in sources.SOURCES else ""


def alike(a: str, b: str, threshold: float) -> bool:
    """Whether two title keys are at least ``threshold`` alike (1.0: equal); "" is never."""
    if not a or not b:
        return False
    if threshold >= 1.0 or a == b:
        return a == b
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )
