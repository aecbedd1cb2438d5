"""Thumbnails from article pages, for lists that show none (e.g. the etnews feed).

Only for a job that asks (``thumbnails = true``) and only for articles without
one: each article page is fetched through the run's ``Fetcher`` (same robots,
limits and counters), at most ``CONCURRENCY`` at a time, and its ``og:image``
is kept. A page that fails or has no image leaves its article as it was.
"""

from __future__ import annotations

import asyncio

from selectolax.lexbor import LexborHTMLParser

from newsbot.errors import SourceError
from newsbot.extract import lead_image
from newsbot.fetch import Fetcher
from newsbot.models import Article, SourceResult

CONCURRENCY = 4  # article pages in flight per source: polite to one site


def og_image(html: str, base_url: str) -> str | None:
    """The page's og:image as an absolute http(s) URL, or None."""
    return lead_image(LexborHTMLParser(html), base_url)


async def fill(
    fetcher: Fetcher,
    articles: list[Article],
    *,
    source: str,
    obey_robots: bool,
    stats: SourceResult,
) -> list[Article]:
    """``articles`` with og:image thumbnails added where they had none; order kept."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(article: Article) -> Article:
        if article.thumbnail:
            return article
        async with gate:
            try:
                page = await fetcher.get(
                    article.url, source=source, obey_robots=obey_robots, stats=stats
                )
            except SourceError:
                return article
        image = og_image(page.text, page.url)
        return article.model_copy(update={"thumbnail": image}) if image else article

    filled = await asyncio.gather(*(one(a) for a in articles))
    missing = sum(1 for a in filled if not a.thumbnail)
    if missing:
        stats.notes.append(f"{source}: {missing} of {len(filled)} articles have no thumbnail")
    return list(filled)
