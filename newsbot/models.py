"""Records that flow through a run: raw items, articles, pages and results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from newsbot.redact import redact


class Page:
    """A fetched page. ``url`` is the logical URL (before any host_map).

    Made from ``text`` (already decoded) or from ``body`` (the bytes as served). From
    bytes, the text is decoded on first use (``newsbot.charset``), and an HTML parser
    may read the bytes directly as UTF-8 (``markup``): that skips a decode and an
    encode per page, and ``sources.parse_page`` re-reads the page through the
    charset chain if they were not UTF-8 after all (U+FFFD in the items).
    """

    __slots__ = (
        "_encoding",
        "_text",
        "_wide",
        "body",
        "content_type",
        "read_as_utf8",
        "status",
        "url",
    )

    def __init__(
        self,
        url: str,
        text: str | None = None,
        status: int = 200,
        encoding: str | None = None,
        content_type: str = "",
        *,
        body: bytes = b"",
    ) -> None:
        self.url = url
        self.status = status
        self.content_type = content_type
        self.body = body
        self._text = text if text is not None or body else ""
        self._encoding = encoding or ("utf-8" if self._text is not None else None)
        self._wide: bool | None = None  # declared UTF-16/32: bytes that are not ASCII-based
        self.read_as_utf8 = False  # ``markup`` handed a parser the undecoded bytes

    @property
    def text(self) -> str:
        if self._text is None:
            from newsbot.charset import decode

            self._text, self._encoding = decode(self.body, self.content_type)
        return self._text

    @property
    def encoding(self) -> str:
        if self._encoding is None:
            self.text  # noqa: B018 - decoding settles the encoding
        return self._encoding or "utf-8"

    @property
    def optimistic(self) -> bool:
        """True while the bytes are handed to parsers as UTF-8 without a decode."""
        if self._text is not None:
            return False
        if self._wide is None:
            from newsbot.charset import declared

            # Valid UTF-8 wins over any declaration (charset.decode), so only a codec that
            # is not ASCII-compatible rules the fast path out.
            self._wide = any(
                name.startswith(("utf-16", "utf-32"))
                for name in declared(self.body, self.content_type)
            )
        return not self._wide

    @property
    def markup(self) -> str | bytes:
        """What an HTML parser should read: the bytes if ``optimistic``, else the text."""
        if self.optimistic:
            self.read_as_utf8 = True
            return self.body
        return self.text

    def decoded(self) -> Page:
        """The same page with its text decoded through the full charset chain."""
        return Page(self.url, self.text, self.status, self.encoding, self.content_type)

    def __repr__(self) -> str:
        return f"Page({self.url!r}, status={self.status})"


@dataclass(frozen=True, slots=True)
class RawItem:
    """What a source's parser pulls out of a page, before normalization."""

    title: str
    url: str
    thumbnail: str | None = None
    snippet: str = ""
    press: str = ""
    published: str = ""  # as the page shows it; normalize makes it a datetime


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
class SourceResult:
    """What one source did in one job: its articles or its error, plus counters."""

    source: str
    section: str
    status: str = "ok"
    message: str = ""
    urls: list[str] = field(default_factory=list)
    attempts: int = 0
    retries: int = 0
    http_codes: list[int] = field(default_factory=list)
    bytes: int = 0
    elapsed_s: float = 0.0
    items_found: int = 0
    items_dropped: dict[str, int] = field(default_factory=dict)
    items_new: int = 0
    items_dup: int = 0
    notes: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def drop(self, reason: str) -> None:
        self.items_dropped[reason] = self.items_dropped.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "articles"}
        data["message"] = redact(self.message)
        data["urls"] = [redact(u) for u in self.urls]
        data["notes"] = [redact(n) for n in self.notes]
        data["elapsed_s"] = round(self.elapsed_s, 3)
        return data


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
    entries: list[Any] = field(default_factory=list)  # (article id, DigestEntry), in order

    def fail(self, reason: str) -> None:
        self.failed[reason] = self.failed.get(reason, 0) + 1

    def used(self, backend: str) -> None:
        self.summaries[backend] = self.summaries.get(backend, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "entries"}


@dataclass
class JobResult:
    """One post series on one day: what was written (or why not)."""

    job: str
    day: date
    status: str = "pending"  # written | unchanged | dry_run | skipped | failed
    path: str = ""
    items: int = 0
    message: str = ""
    sources: list[SourceResult] = field(default_factory=list)
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


@dataclass
class RunReport:
    """Everything one run did; the exit code is derived from it."""

    started_at: datetime
    jobs: list[JobResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all ok, 2 some source or job failed but something was kept, 1 nothing usable."""
        sources = [s for j in self.jobs for s in j.sources]
        if any(j.status == "failed" for j in self.jobs):
            return 1
        if sources and not any(s.ok for s in sources):
            return 1
        if any(not s.ok for s in sources) or any(j.status == "skipped" for j in self.jobs):
            return 2
        return 0

    def to_json(self) -> str:
        data = {
            "started_at": self.started_at.isoformat(),
            "exit_code": self.exit_code,
            "notes": self.notes,
            "jobs": [j.to_dict() for j in self.jobs],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
