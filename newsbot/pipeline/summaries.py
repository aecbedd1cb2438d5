"""The summary phase of a digest: one entry per extracted article.

The ``llm`` backend falls back to ``extractive`` when it is unreachable, over
budget or keeps answering nonsense; the report says so and the digest is still
published. One ``Summaries`` serves every digest job of a run, so an endpoint
found down is not asked again.
"""

from __future__ import annotations

import asyncio
import ssl
from datetime import date

from newsbot.config import SummarizeConfig
from newsbot.errors import LlmInvalid, LlmUnavailable, OverBudget
from newsbot.models import Article, DigestEntry, DigestStats, Extracted
from newsbot.summarize import ArticleText, Summary
from newsbot.summarize.extractive import ExtractiveSummarizer
from newsbot.summarize.llm import Cache, LlmSummarizer, ReadOnlyCache


class Summaries:
    """Summarizes articles for the run's digest jobs; ``notes`` says what the run should."""

    def __init__(
        self,
        config: SummarizeConfig,
        *,
        cache: Cache | None,
        dry_run: bool,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.notes: list[str] = []
        self._turn = asyncio.Lock()  # one article at a time: its calls and tokens are its own
        self._fallback = ExtractiveSummarizer(config.sentences)
        self._llm: LlmSummarizer | None = None
        self._owned: LlmSummarizer | None = None
        if config.backend == "llm":
            cfg = config.llm
            key = cfg.api_key.get_secret_value() if cfg.api_key else None  # read at load
            if cfg.api_key_env and not key:
                self.notes.append(f"summarizer: ${cfg.api_key_env} is not set; sending no API key")
            cache = ReadOnlyCache(cache) if dry_run and cache is not None else cache
            self._llm = self._owned = LlmSummarizer(
                cfg, api_key=key, cache=cache, ssl_context=ssl_context
            )

    async def aclose(self) -> None:
        if self._owned is not None:
            await self._owned.aclose()

    async def entry(
        self,
        job: str,
        article: Article,
        page: Extracted,
        *,
        source_name: str,
        day: date,
        stats: DigestStats,
        language: str = "",
    ) -> DigestEntry:
        """The digest entry of ``article`` in ``job``'s post, whose page yielded ``page``."""
        text = ArticleText(
            article.id, article.url, page.title or article.title, page.text, source_name, language
        )
        async with self._turn:
            summary = await self._summarize(job, text, stats)
        published = page.published or article.published_at
        when = published.date() if published else day  # the date where it was published
        return DigestEntry(
            summary.headline,
            source_name,
            article.url,
            when,
            summary.bullets,
            summary.implications,
            article.id,
        )

    async def _summarize(self, job: str, text: ArticleText, stats: DigestStats) -> Summary:
        """The llm summary if it can be had, else the extractive one."""
        llm = self._llm
        if llm is None:
            stats.used("extractive")
            return self._fallback.summarize_now(text)
        calls, tokens = llm.calls, llm.tokens
        try:
            summary = await llm.summarize(text)
            stats.bullets_dropped += summary.dropped
            if summary.bullets:
                stats.used(summary.backend)
                return summary
            stats.fail("llm_no_grounded_bullets")
        except LlmInvalid:
            stats.llm_invalid += 1
        except (LlmUnavailable, OverBudget) as exc:
            stats.fallback = str(exc)
            self.notes.append(
                f"{job}: summarizer fell back to extractive for the rest of the run: {exc}"
            )
            self._llm = None  # a down or spent endpoint is not asked again this run
        finally:
            stats.llm_calls += llm.calls - calls
            stats.tokens += llm.tokens - tokens
        stats.used("extractive")
        return self._fallback.summarize_now(text)
