"""A source's raw items → its articles: normalized, gated, deduplicated and capped.

Every item that cannot be used is dropped and counted by reason, or by the reason
its source gave (``undated``: a past day's item whose time cannot be read). An error
no rule foresaw costs that item only (``unreadable``, its message noted once); a link that
fails the URL gate (``non_public_host``) is never fetched and never linked, and an
image that fails it is left out (``image``: the one check for every image a post
shows, a list's thumbnail or an article page's og:image).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsbot import sources
from newsbot.errors import Rejected
from newsbot.fetch.gate import Gate
from newsbot.jobs import SourceRef
from newsbot.models import Article, RawItem
from newsbot.normalize import to_article

Drop = Callable[[str, str], None]  # (reason, why): count one dropped item


@dataclass(frozen=True)
class Rules:
    """How one source's items become a job's articles."""

    source: sources.Source
    ref: SourceRef
    snippet_chars: int
    cap: int  # most articles kept
    gate: Gate


def articles(
    raw: list[tuple[str, RawItem]], rules: Rules, now: datetime, drop: Drop
) -> list[Article]:
    """The usable articles of ``raw`` (page URL, item) in order, the rest dropped."""
    kept: list[Article] = []
    seen: set[str] = set()
    for base_url, item in raw:
        article = _article(item, base_url, rules, now, drop)
        if article is None:
            continue
        if article.id in seen:
            drop("duplicate", "")
        elif len(kept) >= rules.cap:
            drop("over_cap", "")
        else:
            seen.add(article.id)
            kept.append(article)
    return kept


def _article(
    item: RawItem, base_url: str, rules: Rules, now: datetime, drop: Drop
) -> Article | None:
    """One item as an article, or None when it is dropped (and counted)."""
    if item.dropped:  # the source knew already (undated on a past day)
        drop(item.dropped, "")
        return None
    try:
        article = to_article(
            item,
            source=rules.ref.name,
            section=rules.ref.section,
            base_url=base_url,
            now=now,
            snippet_chars=rules.snippet_chars,
            canonical=rules.source.canonical_url,
            article_id=rules.source.article_id,
        )
    except Rejected as exc:
        drop(exc.reason, "")
        return None
    except Exception as exc:  # whatever one item holds, it costs only that item
        drop("unreadable", f"{type(exc).__name__}: {exc}"[:200])
        return None
    if rules.gate.refusal(article.url) is not None:
        drop("non_public_host", "")
        return None
    if article.thumbnail and image(article.thumbnail, rules.gate) is None:
        return article.model_copy(update={"thumbnail": None})
    return article


def image(url: str | None, gate: Gate) -> str | None:
    """``url`` (made by ``normalize.clean_url``) if a post may show it as an image, else
    None: the URL gate must let it be fetched, the same check as an item's link."""
    if not url or gate.refusal(url) is not None:
        return None
    return url


def first_image(urls: Sequence[str], gate: Gate) -> tuple[str | None, list[tuple[str, str]]]:
    """The first of ``urls`` that ``image`` lets a post show (None if none does), and the
    (url, why) of each one the gate refused before it."""
    refused: list[tuple[str, str]] = []
    for url in urls:
        if image(url, gate) is not None:
            return url, refused
        refused.append((url, gate.refusal(url) or "empty URL"))
    return None, refused
