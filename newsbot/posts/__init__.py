"""Posts: one module per post style that writes its format and reads it back.

``daily_list`` (seed 000) and ``digest`` (seed 001); ``frontmatter`` (YAML in and
out), ``markdown`` (scraped text made inert), ``files`` (names and atomic writes).
A new style is a module here and an entry in ``STYLES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from newsbot.jobs import Job
from newsbot.posts import daily_list, digest, files, frontmatter
from newsbot.posts import markdown as md
from newsbot.posts.base import Block, Style

STYLES: Mapping[str, Style] = MappingProxyType({"daily_list": daily_list, "digest": digest})

__all__ = ["STYLES", "Block", "Existing", "Index", "Style", "headline", "index", "read_existing"]
LINK_HEADING = re.compile(r"\[(.*)\]\(\S+\)[ \t]*")  # a daily list item's ``[title](link)``


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


def headline(block: Block) -> str:
    """An item's ``## `` heading as plain text: a list item's link text, a digest headline."""
    first = block.text.split("\n", 1)[0].removeprefix("## ")
    link = LINK_HEADING.fullmatch(first)
    return md.plain(link.group(1) if link else first).strip()


class Index:
    """Reads the post files of some jobs for the state store: whose, which day, what items."""

    def __init__(self, jobs: Iterable[Job], article_id: Callable[[str], str]) -> None:
        self._by_slug = {job.slug: job for job in jobs}
        self._article_id = article_id
        self.jobs = frozenset(job.name for job in self._by_slug.values())
        self._style = {job.name: job.style for job in self._by_slug.values()}

    def owner(self, name: str) -> tuple[str, date] | None:
        """(job, day) of the post file ``name``, or None for any other file."""
        parsed = files.parse_post_name(name)
        job = self._by_slug.get(parsed[1]) if parsed else None
        return (job.name, parsed[0]) if parsed and job else None

    def items(self, job: str, text: str) -> list[tuple[str, str]]:
        """(article id, title) of each item of ``job``'s post ``text``, in post order."""
        _, body = frontmatter.split(text)
        blocks = STYLES[self._style[job]].blocks(body, self._article_id)
        return [(b.id, headline(b)) for b in blocks]


def index(jobs: Iterable[Job], article_id: Callable[[str], str]) -> Index:
    """The reader of ``jobs``' post files that the state store syncs from."""
    return Index(jobs, article_id)
