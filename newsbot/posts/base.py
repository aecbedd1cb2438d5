"""What every post style module offers, and the pieces of a post already written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Block:
    """One item of a post already written: its article id and its exact text."""

    id: str
    text: str


class Style(Protocol):
    """A post style: it writes its format and reads it back (``posts/<style>.py``)."""

    def links(self, text: str) -> list[str]:
        """The article links of a post in this style, in order."""
        ...

    def blocks(self, body: str, article_id: Callable[[str], str]) -> list[Block]:
        """The items of a post body in this style, each with its article id."""
        ...


def split(
    body: str, start: re.Pattern[str], link: re.Pattern[str], article_id: Callable[[str], str]
) -> list[Block]:
    """``body`` cut where ``start`` matches; each piece with the id of the link in it."""
    starts = [m.start() for m in start.finditer(body)]
    found = []
    for i, begin in enumerate(starts):
        chunk = body[begin : starts[i + 1] if i + 1 < len(starts) else len(body)]
        match = link.search(chunk)
        if match is not None:
            found.append(Block(article_id(match.group(1)), chunk))
    return found
