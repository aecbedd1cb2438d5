"""Build small Naver date-archive pages (breakingnews markup) for multi-day tests."""

from __future__ import annotations

import html
from collections.abc import Iterable


def archive_page(numbers: list[int], *, prefix: str = "기사") -> bytes:
    """A page listing articles 001/00000000NN with distinct titles, in the given order."""
    return archive_of(
        (n, f"{prefix} {n}번 — 서로 다른 제목 {n * 7919 % 1000}", f"본문 {n}") for n in numbers
    )


def archive_of(items: Iterable[tuple[int, str, str]]) -> bytes:
    """A page listing (article number, title, lede) in the given order."""
    cards = "\n".join(_card(n, title, lede) for n, title, lede in items)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div class="section_latest_article _CONTENT_LIST"><ul class="sa_list">'
        f"{cards}</ul></div></body></html>"
    ).encode()


def _card(n: int, title: str, lede: str) -> str:
    url = article_url(n)
    return (
        f'<li class="sa_item"><div class="sa_thumb"><img data-src="https://img.kr/{n}.jpg"></div>'
        f'<a class="sa_text_title" href="{url}"><strong class="sa_text_strong">'
        f"{html.escape(title)}</strong></a>"
        f'<div class="sa_text_lede">{html.escape(lede)}</div>'
        '<div class="sa_text_press">연합뉴스</div></li>'
    )


def article_url(n: int) -> str:
    return f"https://n.news.naver.com/mnews/article/001/{n:010d}"
