"""The summarizer interface and what it passes around."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ArticleText:
    """An article as the summarizer sees it."""

    id: str  # stable article id, the cache key with the model
    url: str
    title: str
    text: str  # paragraphs separated by blank lines
    source_name: str = ""
    language: str = ""  # ISO 639 code a source declares ("" = read from the text)

    @property
    def sha(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Summary:
    """A headline, 1–5 bullets and, from the llm backend only, the three implications."""

    headline: str
    bullets: tuple[str, ...]
    implications: tuple[str, ...] = ()  # technical, industry, outlook; () = left out
    backend: str = "extractive"  # extractive | llm | llm-cache
    dropped: int = 0  # bullets removed because a number or name is not in the article
    tokens: int = 0  # tokens this summary cost in this run


class Summarizer(Protocol):
    """One article in, one summary out."""

    name: str

    async def summarize(self, article: ArticleText) -> Summary:
        """Summarize ``article``; the llm backend may raise ``errors.SummaryError``."""
        ...
