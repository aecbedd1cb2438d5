"""Records that cross module boundaries: items, articles, results, posts and the run report.

Each phase of a run returns these as values (``pipeline``): the fetch layer fills
a ``Tally`` it is handed, and nothing else is changed after it is made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from newsbot.redact import redact, redact_all


@dataclass(frozen=True, slots=True)
class RawItem:
    """What a source's parser pulls out of a page, before normalization."""

    title: str
    url: str
    thumbnail: str | None = None
    snippet: str = ""
    press: str = ""
    published: str = ""  # as the page shows it; normalize makes it a datetime
    dropped: str = ""  # a drop reason the source already knows (undated): counted, not posted


class Article(BaseModel):
    """A normalized list item, the same shape for every source."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable id within the source, e.g. naver:029/0002932972")
    title: str
    url: str
    thumbnail: str | None = None
    snippet: str = ""
    press: str = ""
    published_at: AwareDatetime | None = None
    source: str
    section: str = ""


@dataclass
class Tally:
    """What fetching cost one source: the report's counters, filled by the fetch layer."""

    attempts: int = 0
    retries: int = 0
    http_codes: list[int] = field(default_factory=list)
    bytes: int = 0
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceResult:
    """What one source did in one job: its articles or its error, plus counters."""

    source: str
    section: str
    status: str = "ok"
    message: str = ""
    urls: tuple[str, ...] = ()
    attempts: int = 0
    retries: int = 0
    http_codes: tuple[int, ...] = ()
    bytes: int = 0
    elapsed_s: float = 0.0
    items_found: int = 0
    items_dropped: Mapping[str, int] = field(default_factory=dict)
    items_new: int = 0
    items_dup: int = 0
    notes: tuple[str, ...] = ()
    articles: tuple[Article, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "status": self.status,
            "message": redact(self.message),
            "urls": [redact(u) for u in self.urls],
            "attempts": self.attempts,
            "retries": self.retries,
            "http_codes": list(self.http_codes),
            "bytes": self.bytes,
            "elapsed_s": round(self.elapsed_s, 3),
            "items_found": self.items_found,
            "items_dropped": dict(self.items_dropped),
            "items_new": self.items_new,
            "items_dup": self.items_dup,
            "notes": [redact(n) for n in self.notes],
        }


@dataclass(frozen=True)
class Extracted:
    """What one article page yields."""

    url: str
    title: str
    text: str  # paragraphs separated by blank lines
    published: datetime | None = None
    images: tuple[str, ...] = ()  # lead image candidates, best first, not yet gated
    rule: str = "generic"
    paragraphs: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "images": list(self.images),
            "rule": self.rule,
            "text": self.text,
        }


@dataclass(frozen=True)
class DigestEntry:
    """One article of the digest, ready to print."""

    headline: str
    source_name: str
    link: str
    published: date
    summary: tuple[str, ...]
    implications: tuple[str, ...] = ()  # technical, industry, outlook; empty: section left out
    article_id: str = ""  # what the state store remembers it by


@dataclass
class DigestStats:
    """What a digest job did after the lists: article pages, summaries, LLM use."""

    summarizer: str = "extractive"  # the configured backend
    candidates: int = 0  # list items matching the job's keywords, after the cap
    fetched: int = 0  # article pages fetched and extracted
    failed: dict[str, int] = field(default_factory=dict)  # skipped articles by reason
    summaries: dict[str, int] = field(default_factory=dict)  # by backend: llm, llm-cache, …
    bullets_dropped: int = 0  # LLM bullets naming a number or name not in the article
    llm_invalid: int = 0  # articles whose LLM answer stayed invalid after the retry
    llm_calls: int = 0
    tokens: int = 0
    fallback: str = ""  # why (part of) the run fell back to extractive

    def fail(self, reason: str) -> None:
        self.failed[reason] = self.failed.get(reason, 0) + 1

    def used(self, backend: str) -> None:
        self.summaries[backend] = self.summaries.get(backend, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Post:
    """A rendered post: its file, its text and the articles it lists."""

    job: str
    day: date
    name: str  # the file name, YYYY-MM-DD-<slug>-YYYYMMDD.md
    path: str  # where the run writes it
    text: str
    ids: tuple[str, ...] = ()  # article ids, in post order
    status: str = "written"  # written | would_write (dry run) | unchanged | failed (the write)
    added: int = 0  # items this run added to the post
    error: str = ""  # why the write failed


@dataclass(frozen=True)
class JobResult:
    """One post series on one day: what was written (or why not)."""

    job: str
    day: date
    status: str  # written | would_write | unchanged | nothing_new | skipped | failed | interrupted
    path: str = ""
    items: int = 0
    message: str = ""
    sources: tuple[SourceResult, ...] = ()
    digest: DigestStats | None = None  # digest jobs only

    def to_dict(self) -> dict[str, Any]:
        extra = {"digest": self.digest.to_dict()} if self.digest is not None else {}
        return extra | {
            "job": self.job,
            "day": self.day.isoformat(),
            "status": self.status,
            "path": self.path,
            "items": self.items,
            "message": self.message,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class RunReport:
    """Everything one run did; the exit code is derived from it."""

    started_at: datetime
    jobs: tuple[JobResult, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 all ok (nothing new on a healthy day included), 2 some source failed or a job
        was skipped for it but something was kept (a source with some pages read
        included), 1 a job failed or nothing usable."""
        sources = [s for j in self.jobs for s in j.sources]
        if any(j.status == "failed" for j in self.jobs):
            return 1
        if sources and not any(s.ok or s.articles for s in sources):
            return 1
        if any(not s.ok for s in sources) or any(j.status == "skipped" for j in self.jobs):
            return 2
        return 0

    def to_json(self) -> str:
        data = {
            "started_at": self.started_at.isoformat(),
            "exit_code": self.exit_code,
            "notes": list(self.notes),
            "jobs": [j.to_dict() for j in self.jobs],
        }
        return json.dumps(redact_all(data), ensure_ascii=False, indent=2)  # notes hold URLs
