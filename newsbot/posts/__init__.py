"""Posts: one module per post style that writes its format and reads it back.

``daily_list`` (seed 000) and ``digest`` (seed 001); ``frontmatter`` (YAML in and
out), ``markdown`` (scraped text made inert), ``files`` (names and atomic writes).
A new style is a module here and an entry in ``STYLES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from newsbot.jobs import Job
from newsbot.posts import daily_list, digest, files, frontmatter
from newsbot.posts.base import Block, Style

STYLES: Mapping[str, Style] = MappingProxyType({"daily_list": daily_list, "digest": digest})

__all__ = ["STYLES", "Block", "Existing", "Style", "index", "read_existing"]


@dataclass(frozen=True)
class Existing:
    """A post already on disk for a job and day, read back in its style."""

    text: str
    front: str  # the front matter block, ``---`` lines included
    posted_at: datetime | None  # its ``date``, kept by re-runs
    blocks: tuple[Block, ...]  # its items, verbatim


def read_existing(text: str, style: str, article_id: Callable[[str], str]) -> Existing | None:
    """``text`` read back as a post of ``style``; None for no text; ValueError if broken."""
    if not text:
        return None
    front, body = frontmatter.split(text)
    when = frontmatter.posted_at(front)
    return Existing(text, front, when, tuple(STYLES[style].blocks(body, article_id)))


Entry = tuple[str, date, list[str]]  # job name, day, the post's article links


def index(jobs: Iterable[Job]) -> Callable[[str, str], Entry | None]:
    """A reader of post files for the state store: (file name, text) → the job, day and
    links of one of ``jobs``' posts, or None for any other file."""
    by_slug = {job.slug: job for job in jobs}

    def entry(name: str, text: str) -> Entry | None:
        parsed = files.parse_post_name(name)
        job = by_slug.get(parsed[1]) if parsed else None
        if parsed is None or job is None:
            return None
        return job.name, parsed[0], STYLES[job.style].links(text)

    return entry
