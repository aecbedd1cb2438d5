"""The front matter ``description``: the post's first titles, as one line of plain text.

Without it Chirpy builds the home-page excerpt and the related-post cards from the
unrendered post body, which shows raw Markdown. Chirpy prints the description as
it is: unescaped into HTML (under the title, on the home page, in the cards), and
into the feed after turning every ``&`` into ``&amp;``. So it carries no ``<`` or
``>`` (written as the full-width ``＜ ＞``) and an ``&`` only where HTML would show it
as itself (else ``＆``), which reads the same everywhere. It stays within
``MAX_CHARS``, under Chirpy's own cut at 200 characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from newsbot.normalize import shorten

MAX_CHARS = 150
SEPARATOR = " / "
BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
MARKUP = str.maketrans({"<": "＜", ">": "＞"})


def summary(titles: Iterable[str]) -> str:
    """As many of ``titles`` as fit in ``MAX_CHARS``, joined; the first one cut if it
    alone is too long (``normalize.shorten``: between graphemes, with "…"); "" for none."""
    parts: list[str] = []
    for title in filter(None, map(_clean, titles)):
        if len(SEPARATOR.join([*parts, title])) <= MAX_CHARS:
            parts.append(title)
            continue
        if not parts:
            parts.append(shorten(title, MAX_CHARS))
        break
    return SEPARATOR.join(parts)


def _clean(title: str) -> str:
    text = BLANKS.sub(" ", title).strip().translate(MARKUP)
    return text if html.unescape(text) == text else text.replace("&", "＆")
