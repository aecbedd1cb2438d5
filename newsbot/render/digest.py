"""The AI-news digest post (seed 001): per article a headline, source line, summary, implications.

An entry without implications (the extractive summarizer makes none up) simply
has no ``### 주요 내용 및 시사점`` section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from newsbot.render import markdown as md
from newsbot.render.frontmatter import DATE_FORMAT, Quoted, document

IMPLICATION_LABELS = ("기술적 의미", "산업적 영향", "향후 전망")


@dataclass(frozen=True)
class DigestEntry:
    """One article of the digest, ready to print."""

    headline: str
    source_name: str
    link: str
    published: date
    summary: Sequence[str]
    implications: Sequence[str] = ()  # technical, industry, outlook; empty: section left out


def front_matter(
    title: str,
    posted_at: datetime,
    categories: Sequence[str],
    tags: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``layout: post``, the quoted title, date, categories (a single one as a scalar)."""
    meta: dict[str, Any] = {
        "layout": "post",
        "title": Quoted(title),
        "date": posted_at.strftime(DATE_FORMAT),
    }
    if categories:
        meta["categories"] = categories[0] if len(categories) == 1 else list(categories)
    if tags:
        meta["tags"] = list(tags)
    meta.update(extra or {})
    return meta


def body(entries: Sequence[DigestEntry]) -> str:
    """A blank line, then the entries, each closed by ``---``."""
    return "\n" + "\n".join(_entry(e) for e in entries)


def render(meta: dict[str, Any], entries: Sequence[DigestEntry]) -> str:
    """The whole digest post file."""
    return document(meta, body(entries))


def _entry(entry: DigestEntry) -> str:
    lines = [
        f"## {md.text(entry.headline)}",
        "",
        f"[{md.link_text(entry.source_name)}]({md.url(entry.link)}) - 발행일: "
        f"{entry.published.isoformat()}",
        "",
        "### 요약",
        *(f"- {md.text(b)}" for b in entry.summary),
        "",
    ]
    if entry.implications:
        lines += ["### 주요 내용 및 시사점"]
        lines += [
            f"- **{label}**: {md.text(text)}"
            for label, text in zip(IMPLICATION_LABELS, entry.implications, strict=True)
        ]
        lines += [""]
    return "\n".join([*lines, "---", ""])
