"""The AI-news digest post (seed 001): per article a headline, source line, summary, implications.

An entry without implications (the extractive summarizer makes none up) simply
has no ``### 주요 내용 및 시사점`` section. It writes the format and reads it
back (``links``, ``blocks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.models import DigestEntry
from newsbot.posts import description
from newsbot.posts import markdown as md
from newsbot.posts.base import Block, split
from newsbot.posts.frontmatter import DATE_FORMAT, Quoted, document

IMPLICATION_LABELS = ("기술적 의미", "산업적 영향", "향후 전망")
SOURCE_LINE = re.compile(r"^\[.*\]\((\S+)\) - 발행일: \S+\s*$", re.M)
HEADLINE = re.compile(r"^## ", re.M)
HEADLINE_TEXT = re.compile(r"^## (.*?)[ \t]*$", re.M)


def front_matter(
    title: str,
    posted_at: datetime,
    categories: Sequence[str],
    tags: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
    summary: str = "",
) -> dict[str, Any]:
    """``layout: post``, the quoted title, date, categories (a single one as a scalar),
    tags, the ``summary`` as ``description`` when there is one, then ``extra``."""
    meta: dict[str, Any] = {
        "layout": "post",
        "title": Quoted(title),
        "date": posted_at.astimezone(KST).strftime(DATE_FORMAT),
    }
    if categories:
        meta["categories"] = categories[0] if len(categories) == 1 else list(categories)
    if tags:
        meta["tags"] = list(tags)
    if summary:
        meta["description"] = summary
    meta.update(extra or {})
    return meta


def render(job: Job, posted_at: datetime, entries: Sequence[DigestEntry]) -> str:
    """The whole digest post file for ``job``; its title's date is the KST day of ``date``."""
    text = body(entries)
    meta = front_matter(
        job.post_title(posted_at.astimezone(KST).date()),
        posted_at,
        job.categories,
        job.tags,
        job.front_matter_extra,
        description.summary(headlines(text)) if job.description else "",
    )
    return document(meta, text)


def body(entries: Sequence[DigestEntry]) -> str:
    """A blank line, then the entries, each closed by ``---``."""
    return "\n" + "\n".join(_entry(e) for e in entries)


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


def links(text: str) -> list[str]:
    """The article links of a digest post, in order: one per source line."""
    return [m.group(1) for m in SOURCE_LINE.finditer(text)]


def headlines(text: str) -> list[str]:
    """The entry headlines of a digest body, in order, as plain text."""
    return [md.plain(m.group(1)) for m in HEADLINE_TEXT.finditer(text)]


def blocks(body: str, article_id: Callable[[str], str]) -> list[Block]:
    """The entries of a digest body, each from its ``## `` headline to the next."""
    return split(body, HEADLINE, SOURCE_LINE, article_id)
