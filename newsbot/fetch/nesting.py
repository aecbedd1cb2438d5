"""How deep a page nests, counted the way an HTML parser (lexbor) will build it.

A cheap pass before parsing, so markup that would make lexbor's tree and selector
matching run long is refused up front. It follows the HTML tokenizer (comments,
raw-text elements, quoted attributes) and the parts of tree building that change
depth: ``<div/>`` opens a div (only SVG and MathML honour ``/>``, and a ``<div>``
there leaves them), void elements never open, an end tag closes only what the
parser would close (a stray closer closes nothing, ``</body>`` nothing either),
``<p>``/``<li>``/``<td>``/``<tr>`` close their open predecessor (``<table>`` closes a
``<p>`` only after ``<!DOCTYPE html>``: without it the parser is in quirks mode), and formatting
elements closed implicitly (``<p><b></p>``) count as open, because the parser
reopens them. Where it must guess it counts deeper, never shallower; the parse
deadline (``workers``) bounds what it cannot see.
"""

from __future__ import annotations

import re

from newsbot.errors import FetchError
from newsbot.fetch.page import Page
from newsbot.fetch.tags import BUTTON_SCOPE, RAW_TEXT, P
from newsbot.fetch.treebuild import Element, Tree, end, start

_TAG_NAME = re.compile(rb"[a-zA-Z][^\s/>]*+")
# A tag's attributes up to its '>', as the tokenizer reads them (atomic: no backtracking)
_ATTRS = re.compile(
    rb"(?>[\s/]*+(?:[^\s/>=][^\s/>=]*+|=[^\s/>=]*+)"
    rb"(?>\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s>]++))?)*+([\s/]*+)>"
)
_COMMENT_END = re.compile(rb"--!?>")
# The doctype that puts the parser in no-quirks mode for sure; any other counts as quirks,
# where <table> does not close an open <p> (deeper, never shallower)
_STANDARDS = re.compile(rb"!doctype\s+html\s*>", re.I)


def _skip_raw(body: bytes, pos: int, name: bytes) -> int:
    """Past the end tag of raw-text element ``name``; len(body) if it never ends."""
    end = re.compile(rb"</" + re.escape(name) + rb"[\s/>]", re.I).search(body, pos)
    return end.start() if end else len(body)


def _comment_end(body: bytes, pos: int) -> int:
    """Where a comment opened just before ``pos`` ends (``<!-->`` ends at once)."""
    for short in (b">", b"->"):
        if body.startswith(short, pos):
            return pos + len(short)
    end = _COMMENT_END.search(body, pos)
    return end.end() if end else len(body)


def nesting(body: bytes, limit: int | None = None) -> int:
    """The deepest nesting ``body`` builds; stops early once it passes ``limit``."""
    scan = _Scan(body, limit)
    while scan.step():
        pass
    return scan.deepest


class _Scan:
    """One pass over a page: each tag handed to the tree, the deepest level kept."""

    def __init__(self, body: bytes, limit: int | None) -> None:
        self.body, self.limit, self.pos = body, limit, 0
        self.tree = Tree()
        for implied in (b"html", b"body"):  # the parser makes them, written or not
            self.tree.push(Element(implied))
        self.deepest = self.tree.depth
        self.tagged = False  # a tag was read: a doctype after it changes nothing
        self.frames = 0  # open framesets: a frameset takes only framesets
        self.framed = False  # a frameset was seen: <title> and the like are no raw text

    def step(self) -> bool:
        """Read up to the next tag's end; False at the end of the page or past the limit."""
        body, tree = self.body, self.tree
        lt = body.find(b"<", self.pos)
        if lt < 0:
            return False
        if tree.closed and lt > self.pos:
            tree.reopen()  # text, even a space, reopens formatting elements
        self.pos, kind = lt + 1, body[lt + 1 : lt + 2]
        if body.startswith(b"!--", self.pos):
            self.pos = _comment_end(body, self.pos + 3)
        elif kind in (b"!", b"?"):  # a doctype or a bogus comment
            if not self.tagged and _STANDARDS.match(body, self.pos):
                tree.quirks = False
            self._past(b">")
        elif tag := _TAG_NAME.match(body, self.pos + (kind == b"/")):
            return self._tag(tag, kind == b"/")
        elif kind == b"/" and self.pos + 1 < len(body):  # "</>" is dropped, "</ x>" bogus
            self._past(b">")
        elif tree.closed:
            tree.reopen()  # '<' as text
        return True

    def _past(self, token: bytes) -> None:
        found = self.body.find(token, self.pos)
        self.pos = found + len(token) if found >= 0 else len(self.body)

    def _tag(self, tag: re.Match[bytes], closing: bool) -> bool:
        attrs = _ATTRS.match(self.body, tag.end())
        if attrs is None:
            return False  # a tag cut off by the end of the page: the parser drops it
        tree, name, self.pos = self.tree, tag.group().lower(), attrs.end()
        self.tagged = True
        if name == b"frameset":
            self.frames = max(0, self.frames - 1) if closing else self.frames + 1
            self.deepest, self.framed = max(self.deepest, self.frames + 1), True
        if closing:
            # </br> is a <br>, and a </p> with no open p an empty <p>: a level each
            leaf = name == b"br" or (name == b"p" and tree.find(P, BUTTON_SCOPE) < 0)
            end(tree, name)
            self.deepest = max(self.deepest, tree.depth + leaf)
            return True
        attributes, self_closing = (
            self.body[tag.end() : attrs.start(1)],
            attrs.group(1)[-1:] == b"/",
        )
        leaf = start(tree, name, attributes, self_closing)
        self.deepest = max(self.deepest, tree.depth + leaf)  # an empty element is a level too
        top = tree.stack[-1]
        if top.name == name and not top.foreign and not self.framed:
            if name == b"plaintext":
                return False  # the rest of the page is text
            if name in RAW_TEXT:
                self.pos = _skip_raw(self.body, self.pos, name)
        return self.limit is None or self.deepest <= self.limit


def refuse_deep(page: Page, limit: int, source: str) -> None:
    """FetchError ``unexpected_content`` if ``page`` is HTML nested deeper than ``limit``."""
    mime = page.content_type.split(";", 1)[0].strip().lower()
    if mime not in ("", "text/html", "application/xhtml+xml"):
        return
    depth = nesting(page.body or page.text.encode(), limit)
    if depth > limit:
        raise FetchError(
            source,
            page.url,
            f"markup nested over {limit} deep (max_nesting): refused before parsing",
            status="unexpected_content",
        )
