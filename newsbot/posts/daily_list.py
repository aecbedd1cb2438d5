"""The daily list post (seed 000): a heading link, a thumbnail and a snippet per item.

It writes the format and reads it back: ``blocks`` splits a post into its
items, so a re-run keeps what was published verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from newsbot.jobs import Job
from newsbot.models import Article
from newsbot.posts import markdown as md
from newsbot.posts.base import Block, split
from newsbot.posts.frontmatter import DATE_FORMAT, document

IMAGE_ATTRS = '{: width="100" height="150" .w-10 .left}'
HEADING = re.compile(r"^## \[.*\]\((\S+)\)[ \t]*$", re.M)


def front_matter(job: Job, posted_at: datetime) -> dict[str, Any]:
    """Keys in the blog's order: title, date, categories, tags, then extras."""
    meta: dict[str, Any] = {
        "title": job.post_title(posted_at.date()),
        "date": posted_at.strftime(DATE_FORMAT),
    }
    if job.categories:
        meta["categories"] = list(job.categories)
    if job.tags:
        meta["tags"] = list(job.tags)
    meta.update(job.front_matter_extra)
    return meta


def render(job: Job, posted_at: datetime, articles: Sequence[Article], *, keep: str = "") -> str:
    """The whole post file; ``keep`` is already-published body text, kept first."""
    return document(front_matter(job, posted_at), keep + body(articles))


def body(articles: Sequence[Article]) -> str:
    """The markdown body; each item ends with a blank line."""
    return "".join(_item(a) for a in articles)


def _item(article: Article) -> str:
    title = md.link_text(article.title)
    lines = [f"## [{title}]({md.url(article.url)})", ""]
    if article.thumbnail:
        lines.append(f"![{title}]({md.url(article.thumbnail)}){IMAGE_ATTRS}")
    if article.snippet:
        lines.append(md.text(article.snippet))
    return "\n".join(lines) + "\n\n"


def links(text: str) -> list[str]:
    """The article links of a post, in order: one per ``## [title](link)`` heading."""
    return [m.group(1) for m in HEADING.finditer(text)]


def blocks(body: str, article_id: Callable[[str], str]) -> list[Block]:
    """The items of a post body, each from its heading to the next."""
    return split(body, HEADING, HEADING, article_id)
