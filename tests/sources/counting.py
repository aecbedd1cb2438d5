"""What the pipeline makes of a list page's items: how many are usable, and why the rest are not."""

from __future__ import annotations

from types import ModuleType

from newsbot.errors import Rejected
from newsbot.fetch.page import Page
from newsbot.normalize import to_article
from newsbot.sources.base import ListRequest


def counted(source: ModuleType, page: Page, req: ListRequest) -> tuple[int, dict[str, int]]:
    """(usable articles, drop reasons) of ``page`` read by ``source``'s parser and normalized
    as a run normalizes it."""
    usable, dropped = 0, {}
    for item in source.parse(page, source.SELECTORS, req):
        try:
            to_article(
                item, source=source.NAME, section=req.section, base_url=page.url, now=req.now,
                snippet_chars=120, canonical=source.canonical_url, article_id=source.article_id,
            )  # fmt: skip
            usable += 1
        except Rejected as exc:
            dropped[exc.reason] = dropped.get(exc.reason, 0) + 1
    return usable, dropped
