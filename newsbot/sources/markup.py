"""Readers the HTML list adapters share: lazy images and node text."""

from __future__ import annotations

from selectolax.lexbor import LexborNode


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


def text(node: LexborNode | None, *, strip: bool = False) -> str:
    """The node's text, or "" when the selector found nothing."""
    return node.text(strip=strip) if node is not None else ""
