"""Put scraped text and URLs into kramdown without letting them become markup.

Scraped ``<``, ``>`` and ``&`` become entities (no raw HTML), ``{``/``}`` become
entities (no Liquid, no kramdown IAL), characters that start structure are
backslash-escaped, and unbalanced brackets are escaped so a title cannot break
its link. Balanced brackets stay raw: the blog writes ``## [[단독] …](…)``.
"""

from __future__ import annotations

import re

ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;"}
INLINE_ESCAPE = re.compile(r"([\\`*_])")
LINE_START = re.compile(r"^([#>+\-=:|~]|\d+[.)])")
URL_UNSAFE = {
    " ": "%20",
    "(": "%28",
    ")": "%29",
    "<": "%3C",
    ">": "%3E",
    '"': "%22",
    "{": "%7B",
    "}": "%7D",
    "\\": "%5C",
    "`": "%60",
}


def text(value: str) -> str:
    """Scraped text for a markdown line: inert, and renders as itself."""
    out = INLINE_ESCAPE.sub(r"\\\1", value)
    out = "".join(ENTITIES.get(ch, ch) for ch in out)
    out = out.replace("![", "!\\[")
    return LINE_START.sub(r"\\\1", out)


def link_text(value: str) -> str:
    """Text inside ``[...]``: like ``text`` plus bracket balancing."""
    out = text(value)
    if "](" in value or not _balanced(value):
        out = re.sub(r"(?<!\\)([\[\]])", r"\\\1", out)
    return out


def url(value: str) -> str:
    """A URL safe inside ``(...)``; callers pass only http(s) URLs."""
    return "".join(URL_UNSAFE.get(ch, ch) for ch in value)


def _balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
