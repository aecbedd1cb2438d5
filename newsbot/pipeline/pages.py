"""The article-page phase: thumbnails for list posts, extracted text for the digest.

Both fetch the pages of articles already chosen for a post, through the run's one
``Fetcher`` (same robots policy, limits and politeness), a few at a time. A page
that fails costs its article the image (a list post) or its entry (the digest,
counted by reason), never the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from selectolax.lexbor import LexborHTMLParser

from newsbot.errors import FetchError, SourceError
from newsbot.extract import Rule, extract
from newsbot.extract.meta import lead_image
from newsbot.fetch.client import Fetcher
from newsbot.models import Article, Extracted, Tally
from newsbot.sources.settings import Settings

THUMBNAIL_CONCURRENCY = 4  # article pages in flight per source: polite to one site


def og_image(html: str, base_url: str) -> str | None:
    """The page's og:image as an absolute http(s) URL, or None."""
    return lead_image(LexborHTMLParser(html), base_url)


async def thumbnails(
    fetcher: Fetcher,
    articles: Sequence[Article],
    *,
    source: str,
    obey_robots: bool,
    tally: Tally,
) -> list[Article]:
    """``articles`` with og:image thumbnails added where they had none; order kept."""
    gate = asyncio.Semaphore(THUMBNAIL_CONCURRENCY)

    async def one(article: Article) -> Article:
        if article.thumbnail:
            return article
        async with gate:
            try:
                page = await fetcher.get(
                    article.url, source=source, obey_robots=obey_robots, tally=tally
                )
            except SourceError:
                return article
        image = og_image(page.text, page.url)
        return article.model_copy(update={"thumbnail": image}) if image else article

    filled = await asyncio.gather(*(one(a) for a in articles))
    missing = sum(1 for a in filled if not a.thumbnail)
    if missing:
        tally.notes.append(f"{source}: {missing} of {len(filled)} articles have no thumbnail")
    return list(filled)


async def read_articles(
    fetcher: Fetcher,
    articles: Sequence[Article],
    *,
    settings: Mapping[str, Settings],
    rules: Mapping[str, Rule],
    concurrency: int,
) -> list[Extracted | str]:
    """Each article's page extracted, or the reason it could not be read (a status)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(article: Article) -> Extracted | str:
        async with gate:
            try:
                page = await fetcher.get(
                    article.url,
                    source=article.source,
                    obey_robots=settings[article.source].obey_robots,
                )
            except FetchError as exc:
                return exc.status
        return extract(page, rules)

    return list(await asyncio.gather(*(one(a) for a in articles)))
