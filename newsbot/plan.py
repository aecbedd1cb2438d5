"""Pure decisions: which articles go into a post. No I/O here.

One story once: articles from several sources merge in the job's order and a
later copy (same id, same URL, or a near-identical title) is dropped. Nothing
already published is dropped: an existing post for the day keeps its items,
verbatim and in order, and only articles new to the job are appended.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsbot.models import Article

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
HEADING = re.compile(r"^## \[.*\]\((\S+)\)[ \t]*$", re.M)
TITLE_NOISE = re.compile(r"\[[^\]]{1,8}\]|\([^)]{1,8}\)|[^\w]+")


@dataclass(frozen=True)
class Block:
    """One item of a post already written: its article id and its exact text."""

    id: str
    text: str


def title_key(title: str) -> str:
    """A title reduced for comparison: NFKC, lower case, no tags like [단독] or punctuation."""
    text = unicodedata.normalize("NFKC", title).lower()
    return TITLE_NOISE.sub("", text)


def merge(groups: Iterable[list[Article]], similarity: float) -> tuple[list[Article], int]:
    """Articles in job order, each story once; returns (articles, duplicates dropped)."""
    kept: list[Article] = []
    seen: set[str] = set()
    keys: list[str] = []
    dropped = 0
    for group in groups:
        for article in group:
            key = title_key(article.title)
            if article.id in seen or article.url in seen or _similar(key, keys, similarity):
                dropped += 1
                continue
            seen.update((article.id, article.url))
            keys.append(key)
            kept.append(article)
    return kept, dropped


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


def split_post(text: str, article_id: Callable[[str], str]) -> tuple[str, list[Block]]:
    """(front matter, item blocks) of a post newsbot wrote earlier."""
    head = FRONT_MATTER.match(text)
    front = head.group(0) if head else ""
    body = text[len(front) :]
    starts = [m.start() for m in HEADING.finditer(body)]
    blocks = []
    for i, start in enumerate(starts):
        chunk = body[start : starts[i + 1] if i + 1 < len(starts) else len(body)]
        link = HEADING.match(chunk)
        assert link is not None
        blocks.append(Block(article_id(link.group(1)), chunk))
    return front, blocks


def fresh(
    articles: list[Article], existing: list[Block], posted_before: set[str]
) -> tuple[list[Article], int]:
    """Articles not yet in today's post nor in an earlier one; returns (new, already posted)."""
    have = {b.id for b in existing}
    new = [a for a in articles if a.id not in have and a.id not in posted_before]
    dup = sum(1 for a in articles if a.id in posted_before and a.id not in have)
    return new, dup
