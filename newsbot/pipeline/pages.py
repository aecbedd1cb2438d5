"""The article-page phase: thumbnails for list posts, extracted text for the digest.

Both fetch the pages of articles already chosen for a post, through the run's one
``Fetcher`` (same URL gate, robots policy, limits and politeness), a few at a time,
and read each page in a worker process (``fetch.workers``) under ``parse_timeout``.
A page that fails, in any way, costs its article the image (a list post) or its
entry (the digest, counted by reason), never the run. A page's lead image candidates
(og:image first, ``extract.meta.lead_images``) pass the same check as a list's thumbnail
(``items.image``): one on an inside address is left out and the next one tried.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence

from newsbot import readers
from newsbot.errors import FetchError, SourceError
from newsbot.extract import Rule
from newsbot.fetch.client import Fetcher
from newsbot.fetch.page import Page
from newsbot.models import Article, Extracted, Tally
from newsbot.pipeline import items
from newsbot.sources.settings import Settings

THUMBNAIL_CONCURRENCY = 4  # article pages in flight per source: polite to one site


async def extract_page(
    fetcher: Fetcher, page: Page, rules: Mapping[str, Rule], *, source: str
) -> Extracted:
    """``page`` extracted in a worker; FetchError if it is refused or takes too long."""
    limit = fetcher.config.max_nesting
    return await fetcher.workers.run(
        readers.page_text, page, rules, limit, source, source=source, url=page.url
    )


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
    # (og:image, why) the URL gate turned away, per article: the note names the first in
    # list order, not whichever page happened to answer first
    refused: dict[int, list[tuple[str, str]]] = {}

    async def one(n: int, article: Article) -> Article:
        if article.thumbnail:
            return article
        async with gate:
            try:
                page = await fetcher.get(
                    article.url, source=source, obey_robots=obey_robots, tally=tally
                )
                images = await fetcher.workers.run(
                    readers.page_images,
                    page,
                    fetcher.config.max_nesting,
                    source,
                    source=source,
                    url=page.url,
                )
            except SourceError:
                return article
        usable, refused[n] = items.first_image(images, fetcher.gate)
        return article.model_copy(update={"thumbnail": usable}) if usable else article

    started = time.monotonic()
    try:
        filled = await asyncio.gather(*(one(n, a) for n, a in enumerate(articles)))
    finally:
        tally.elapsed_s += time.monotonic() - started  # wall time, however many at once
    turned_away = [r for n in sorted(refused) for r in refused[n]]
    if turned_away:
        first, why = turned_away[0]
        tally.notes.append(
            f"{source}: {len(turned_away)} og:image URL(s) left out, first {first} ({why})"
        )
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
                return await extract_page(fetcher, page, rules, source=article.source)
            except FetchError as exc:
                return exc.status
            except SourceError:
                return "unexpected_content"

    return list(await asyncio.gather(*(one(a) for a in articles)))
