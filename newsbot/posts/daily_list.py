"""The daily list post (seed 000): a heading link, a thumbnail and a snippet per item.

It writes the format and reads it back: ``blocks`` splits a post into its
items, so a re-run keeps what was published verbatim. With the job's
``contain_thumbnails`` (on unless a job keeps seed 000's exact markup) each item's
paragraph carries ``.overflow-hidden``: it then holds its floated thumbnail, so a
one-line snippet can't push the next item to the right (a "staircase").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from newsbot.dates import KST
from newsbot.jobs import Job
from newsbot.models import Article
from newsbot.posts import description
from newsbot.posts import markdown as md
from newsbot.posts.base import Block, split
from newsbot.posts.frontmatter import DATE_FORMAT, document

IMAGE_ATTRS = '{: width="100" height="150" .w-10 .left}'
# A block IAL under the paragraph: Bootstrap's .overflow-hidden makes it a block
# formatting context, which encloses the float (Chirpy's own scripts use the class,
# so its CSS always has it).
CONTAINED = "{: .overflow-hidden}"
HEADING = re.compile(r"^## \[.*\]\((\S+)\)[ \t]*$", re.M)
TITLE = re.compile(r"^## \[(.*)\]\(\S+\)[ \t]*$", re.M)


def front_matter(job: Job, posted_at: datetime, body: str = "") -> dict[str, Any]:
    """Keys in the blog's order: title, date, categories, tags, description, then extras.

    The title's date is the KST day of ``date``, so the two agree for a reader in Seoul.
    """
    posted_at = posted_at.astimezone(KST)
    meta: dict[str, Any] = {
        "title": job.post_title(posted_at.date()),
        "date": posted_at.strftime(DATE_FORMAT),
    }
    if job.categories:
        meta["categories"] = list(job.categories)
    if job.tags:
        meta["tags"] = list(job.tags)
    summary = description.summary(titles(body)) if job.description else ""
    if summary:
        meta["description"] = summary
    meta.update(job.front_matter_extra)
    return meta


def render(job: Job, posted_at: datetime, articles: Sequence[Article], *, keep: str = "") -> str:
    """The whole post file; ``keep`` is already-published body text, kept first."""
    text = keep + body(articles, contained=job.contain_thumbnails)
    return document(front_matter(job, posted_at, text), text)


def body(articles: Sequence[Article], *, contained: bool = False) -> str:
    """The markdown body; each item ends with a blank line."""
    return "".join(_item(a, contained) for a in articles)


def _item(article: Article, contained: bool) -> str:
    title = md.link_text(article.title)
    lines = [f"## [{title}]({md.url(article.url)})", ""]
    if article.thumbnail:
        lines.append(f"![{title}]({md.url(article.thumbnail)}){IMAGE_ATTRS}")
    snippet = md.text(article.snippet) if article.snippet else ""
    if snippet:
        lines.append(snippet)
    if contained and lines[-1]:  # a paragraph to hold the thumbnail, or any text
        lines.append(CONTAINED)
    return "\n".join(lines) + "\n\n"


def links(text: str) -> list[str]:
    """The article links of a post, in order: one per ``## [title](link)`` heading."""
    return [m.group(1) for m in HEADING.finditer(text)]


def titles(text: str) -> list[str]:
    """The item titles of a post body, in order, as plain text."""
    return [md.plain(m.group(1)) for m in TITLE.finditer(text)]


def blocks(body: str, article_id: Callable[[str], str]) -> list[Block]:
    """The items of a post body, each from its heading to the next."""
    return split(body, HEADING, HEADING, article_id)
