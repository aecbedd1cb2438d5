"""Posts as text: front matter plus one body module per post style."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from newsbot.jobs import Job
from newsbot.models import Article
from newsbot.render import daily_list
from newsbot.render.frontmatter import DATE_FORMAT as DATE_FORMAT
from newsbot.render.frontmatter import document


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


def render_post(
    job: Job, posted_at: datetime, articles: Sequence[Article], *, keep: str = ""
) -> str:
    """The whole post file for ``job``; ``keep`` is already-published body text, kept first."""
    return document(front_matter(job, posted_at), keep + daily_list.body(articles))
