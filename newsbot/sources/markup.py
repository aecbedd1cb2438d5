"""Readers the list adapters share: lazy images, node text, escaped HTML, selector checks."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError


def lazy_image(img: LexborNode | None) -> str | None:
    """A lazy image keeps its URL in ``data-src``; ``src`` may then be a placeholder
    (a ``data:`` URI is never a thumbnail)."""
    if img is None:
        return None
    for key in ("data-src", "src"):
        value = img.attributes.get(key) or ""
        if value and not value.startswith("data:"):
            return value
    return None


def html_text(escaped: str) -> str:
    """The text of escaped HTML as feeds put it in titles and summaries (``It&#8217;s``,
    ``<b>``): decoded here once, as a reader would (normalize decodes nothing again)."""
    if "<" not in escaped and "&" not in escaped:
        return escaped
    return LexborHTMLParser(f"<div>{escaped}</div>").text(separator=" ")


def text(node: LexborNode | None, *, strip: bool = False) -> str:
    """The node's text, or "" when the selector found nothing."""
    return node.text(strip=strip) if node is not None else ""


def css_problem(selector: str) -> str | None:
    """Why ``selector`` is not a CSS selector the parser takes, or None ("" is none)."""
    if not selector.strip():
        return None
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except (ValueError, SelectolaxError) as exc:
        return f"{selector!r} is not a CSS selector ({exc})"
    return None
