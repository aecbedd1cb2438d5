"""One story once: which articles are the same story, by id, URL or title.

Titles are compared after NFKC, lower case, and dropping tags like ``[단독]``
and punctuation (``title_key``), with ``difflib``'s ratio, pre-filtered by its
cheap upper bounds so a window of remembered titles costs little. Two titles that
name different numbers (``2600선`` / ``2610선``, ``①`` / ``②``) are never one
story, however alike the rest: one digit weighs little in the ratio.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from newsbot import sources
from newsbot.models import Article

TITLE_NOISE = re.compile(r"\[[^\]]{1,8}\]|\([^)]{1,8}\)|[^\w]+")
NUMBER = re.compile(r"\d+(?:,\d{3})*")  # 2,600 is 2600
NEAR_IDENTICAL = 0.97  # two ids of ONE source are one story only this alike (and same text)
SAME_STORY = "same_story"  # items_dropped: the same story as another item of the run or post
RECENT_STORY = "recent_story"  # items_dropped: the same story as one posted on a recent day


def title_key(title: str) -> str:
    """A title reduced for comparison: NFKC, lower case, no tags like [단독] or punctuation."""
    text = unicodedata.normalize("NFKC", title).lower()
    return TITLE_NOISE.sub("", text)


def title_numbers(title: str) -> frozenset[str]:
    """The numbers a title names (NFKC: ① is 1), thousands separators dropped."""
    text = unicodedata.normalize("NFKC", title)
    return frozenset(m.replace(",", "").lstrip("0") or "0" for m in NUMBER.findall(text))


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
class _Title:
    key: str  # title_key
    numbers: frozenset[str]

    @classmethod
    def of(cls, title: str) -> _Title:
        return cls(title_key(title), title_numbers(title))

    def alike(self, other: _Title, threshold: float) -> bool:
        """At least ``threshold`` alike, and one's numbers include all the other's."""
        a, b = self.numbers, other.numbers
        return (a <= b or b <= a) and alike(self.key, other.key, threshold)


@dataclass(frozen=True)
class _Story:
    into: str  # the article id it is known by
    source: str  # "" when remembered: the store keeps no source
    site: str  # where the id points (``site_of``)
    title: _Title
    text: str  # title_key of the snippet ("" when remembered)
    settled: bool
    remembered: bool


class Stories:
    """Stories already taken, and whether an article is one of them.

    One story: the same id or URL; or titles ``similarity`` alike from two
    sources; or, from one source, two ids whose titles are near-identical and
    whose snippets agree (series headlines like ``[속보] 코스피 2600선 돌파`` stay
    apart). A remembered title (a recent day's post) matches other sources only:
    within one source the id is the story across days. The store keeps no source,
    so a remembered id counts as another source's only when it points to another
    site (``site_of``) than the article's: a source's own next article, on its own
    site, is never taken for yesterday's story by its title.
    """

    def __init__(self, similarity: float) -> None:
        self.similarity = similarity
        self._by_link: dict[str, _Story] = {}
        self._titled: list[_Story] = []

    def add(self, article: Article, *, settled: bool = False) -> None:
        """Take ``article``'s story (``settled``: it is already posted)."""
        story = _story(article, settled)
        self._by_link.setdefault(article.id, story)
        self._by_link.setdefault(article.url, story)
        self._titled.append(story)

    def remember(self, article_id: str, title: str) -> None:
        """Take the story of an article a recent post listed."""
        story = _Story(
            article_id, "", site_of(article_id), _Title.of(title), "", True, remembered=True
        )
        self._by_link.setdefault(article_id, story)
        self._titled.append(story)

    def match(self, article: Article) -> tuple[str, bool, str] | None:
        """(the article id it merges into, settled, reason), or None for a new story."""
        story = self._by_link.get(article.id) or self._by_link.get(article.url)
        if story is None:
            mine = _story(article, settled=False)
            story = next((s for s in self._titled if self._same(mine, s)), None)
        if story is None:
            return None
        return story.into, story.settled, RECENT_STORY if story.remembered else SAME_STORY

    def _same(self, mine: _Story, other: _Story) -> bool:
        if other.remembered:  # another day's: only another site's copy is this story
            return mine.site != other.site and mine.title.alike(other.title, self.similarity)
        if mine.source != other.source:
            return mine.title.alike(other.title, self.similarity)
        if not mine.text:
            return False
        near = max(NEAR_IDENTICAL, self.similarity)
        return mine.title.alike(other.title, near) and alike(mine.text, other.text, self.similarity)


def _story(article: Article, settled: bool) -> _Story:
    return _Story(
        article.id,
        article.source,
        site_of(article.id),
        _Title.of(article.title),
        title_key(article.snippet),
        settled,
        remembered=False,
    )


def source_of(article_id: str) -> str:
    """The source an article id belongs to (``naver:029/…`` → naver), "" when none."""
    prefix = article_id.split(":", 1)[0]
    return prefix if prefix in sources.SOURCES else ""


def site_of(article_id: str) -> str:
    """Where an article id points: its built-in source (``naver:…`` → naver), else the
    host of the URL it is (``www.`` dropped), else the id itself."""
    found = source_of(article_id)
    if found:
        return found
    try:
        host = (urlsplit(article_id).hostname or "").removeprefix("www.")
    except ValueError:  # a hand-edited post's broken link: only itself
        host = ""
    return host or article_id


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
