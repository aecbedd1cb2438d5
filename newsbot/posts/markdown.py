"""Scraped text and URLs put into kramdown so that they can only ever be text.

Jekyll's kramdown (GFM input) reads far more markup than GFM: raw HTML, entities,
IAL ``{: …}`` and ``{::…}`` extensions, reference definitions, tables, math,
abbreviations, footnotes, strikethrough. So scraped text is made inert whole:

- line breaks, tabs and control characters become spaces and outer blanks go: the
  text stays on its one line and is never an indented code block;
- ``& < > { } ~ [ ]`` become entities: no HTML, entity, autolink, Liquid, IAL,
  extension, strikethrough, link, image, reference, footnote or abbreviation (a
  backslash would not do for brackets: a line ``[a \\]: b`` is still a definition);
- ``\\ * _ ` | $`` get kramdown's own backslash escape: no emphasis, code span,
  table or math;
- a first character that would open a block (``# + - = : ^`` or ``1.``) is escaped.

The result may only stand where a line or a span starts; the renderer writes every
line start itself.

Link text keeps brackets that balance one level deep, because the blog writes
``## [[단독] …](…)``; any other bracket is escaped. A URL must be http(s) with a
host; characters that could end the link or start markup are percent-encoded.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from newsbot.errors import WriteError

ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "~": "&#126;"}
# Entities, not ``\[``: kramdown's reference-definition pattern ignores backslashes
BRACKETS = {"[": "&#91;", "]": "&#93;"}
BACKSLASHED = re.compile(r"([\\`*_|$])")
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, C1, line separators
BLOCK_MARK = re.compile(r"^([#+\-=:])")
ORDERED = re.compile(r"^(\d+)([.)])")
UNSAFE_BRACKETS = re.compile(r"\]\(|\]\[|\]:|\[\^")
# kramdown's escapes plus GFM's ``~``: what ``plain`` takes out again
KRAMDOWN_ESCAPE = re.compile(r"\\([\\.*_+`<>()\[\]{}#!:|\"'$=\-~])")
SAFE_URL = re.compile(r"^https?://[^/?#@\s]+(?:[/?#]|$)", re.I)
ENTITY_LIKE = re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;)")  # the browser would decode it
URL_UNSAFE = {
    " ": "%20",
    "(": "%28",
    ")": "%29",
    "<": "%3C",
    ">": "%3E",
    '"': "%22",
    "'": "%27",
    "{": "%7B",
    "}": "%7D",
    "\\": "%5C",
    "`": "%60",
    "|": "%7C",
    "^": "%5E",
}


def text(value: str) -> str:
    """Scraped text for a markdown line: inert, and renders as itself."""
    return _inert(value, ENTITIES | BRACKETS)


def link_text(value: str) -> str:
    """Text inside ``[...]`` (a link or an image's alt): like ``text``, except that
    brackets balanced one level deep stay raw."""
    if not _balanced(value) or UNSAFE_BRACKETS.search(value):
        return text(value)
    return _inert(value, ENTITIES).replace("![", "\\![")


def url(value: str) -> str:
    """An http(s) URL made safe inside ``(...)`` (control characters percent-encoded);
    WriteError for anything but http(s) with a host."""
    if not SAFE_URL.match(value):
        raise WriteError(f"refusing to write a link that is not http(s): {value[:80]!r}")
    value = CONTROLS.sub(lambda m: quote(m.group()), ENTITY_LIKE.sub("%26", value))
    return "".join(URL_UNSAFE.get(ch, ch) for ch in value)


def plain(markup: str) -> str:
    """What ``text`` or ``link_text`` wrote, back as the plain text it shows."""
    return html.unescape(KRAMDOWN_ESCAPE.sub(r"\1", markup))


def _inert(value: str, entities: dict[str, str]) -> str:
    out = CONTROLS.sub(" ", value).strip(" ")
    out = BACKSLASHED.sub(r"\\\1", out)
    out = "".join(entities.get(ch, ch) for ch in out)
    if out.endswith("#"):  # a closing ``#`` run would be cut from a heading
        out = out[:-1] + "\\#"
    out = BLOCK_MARK.sub(r"\\\1", out, count=1)
    if out.startswith("^"):  # a lone ``^`` line ends a block; kramdown has no ``\^``
        out = "&#94;" + out[1:]
    return ORDERED.sub(r"\1\\\2", out, count=1)  # "2025. x": escape the dot


def _balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth not in (0, 1):
            return False
    return depth == 0
