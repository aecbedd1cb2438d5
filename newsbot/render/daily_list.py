"""The daily list post (seed 000): a heading link, a thumbnail and a snippet per item."""

from __future__ import annotations

from collections.abc import Sequence

from newsbot.models import Article
from newsbot.render import markdown as md

IMAGE_ATTRS = '{: width="100" height="150" .w-10 .left}'


def body(articles: Sequence[Article]) -> str:
    """The markdown body; each item ends with a blank line."""
    return "".join(_item(a) for a in articles)


def _item(article: Article) -> str:
    title = md.link_text(article.title)
    lines = [f"## [{title}]({md.url(article.url)})", ""]
    if article.thumbnail:
        lines.append(f"![{title}]({md.url(article.thumbnail)}){IMAGE_ATTRS}")
    if article.snippet:
        lines.append(md.text(article.snippet))
    return "\n".join(lines) + "\n\n"
