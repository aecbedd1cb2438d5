"""How deep a page nests, counted the way an HTML parser (lexbor) will build it.

A cheap pass before parsing, so markup that would make lexbor's tree and selector
matching run long is refused up front. It follows the HTML tokenizer (comments,
raw-text elements, quoted attributes, CDATA in SVG and MathML) and the tree builder's
rules that change depth (``treebuild``), lexbor's own where it departs from the standard:
``<div/>`` opens a div (only SVG and MathML honour ``/>``), void elements never open, an
end tag closes only what the parser would close, ``<p>``/``<li>``/``<td>``/``<tr>`` close
their open predecessor (``<table>`` closes a ``<p>`` only after ``<!DOCTYPE html>``:
without it the parser is in quirks mode), formatting elements closed implicitly
(``<p><b></p>``) are reopened; in SVG and MathML an HTML tag leaves for the nearest
integration point and an end tag closes only their own elements; the head, tables,
selects, templates and framesets have their own rules.

Where it must guess it counts deeper, never shallower, and where it knows it over-counts
it says so: what a table moves out of itself is counted inside it, a template's content
(outside the document's tree) is counted, and so are tags after a frameset, which the
parser ignores. The parse deadline (``workers``) bounds what it cannot see.
"""

from __future__ import annotations

import html
import re

from newsbot.errors import FetchError
from newsbot.fetch.page import Page
from newsbot.fetch.stack import Element, Tree
from newsbot.fetch.tags import BUTTON_SCOPE, FRAMESET_OFF, RAW_TEXT, P
from newsbot.fetch.treebuild import attributes, end, html_rules, start

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
_BLANK = "\t\n\f\r \0"  # text of these only leaves a <frameset> possible
_SPACE = "\t\n\f\r "
# What the head takes: any other tag begins the body. A <noscript> there (scripting is off)
# takes only some of them; any other tag, or text, closes it first
_HEAD = frozenset(b"base basefont bgsound head html link meta noframes noscript script style "
                  b"template title".split())  # fmt: skip
_HEAD_NOSCRIPT = frozenset(b"basefont bgsound head html link meta noframes noscript style".split())
_HEAD_NOSCRIPT_IGNORES = frozenset([b"head", b"html", b"noscript"])
_TABLE_TEXT = frozenset(b"colgroup table tbody tfoot thead tr".split())


def _blank(text: bytes, blank: str = _BLANK) -> bool:
    """Only characters of ``blank`` once character references are read."""
    if b"&" in text:
        return not html.unescape(text.decode("latin-1")).strip(blank)
    return not text.strip(blank.encode())


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
        self.tagged = False  # a tag or text was read: a doctype after it changes nothing
        self.frames = 0  # open framesets: a frameset takes only framesets
        self.frameset_ok = True  # a <frameset> would replace the body (nothing shown yet)
        self.framed = False  # it did: the rest is ignored, <title> and the like are no raw text
        self.head = True  # nothing has begun the body yet: a <noscript> goes in the head
        self.noscript: Element | None = None  # that <noscript>, which takes head elements only
        self.headed = False  # </head> was read

    def step(self) -> bool:
        """Read up to the next tag's end; False at the end of the page or past the limit."""
        body, tree = self.body, self.tree
        lt = body.find(b"<", self.pos)
        if lt < 0:
            return False
        if lt > self.pos and (
            self.head or tree.closed or self.frameset_ok or tree.stack[-1].name == b"colgroup"
        ):
            self._text(self.pos, lt)  # text that may change something
        self.pos, kind = lt + 1, body[lt + 1 : lt + 2]
        if body.startswith(b"!--", self.pos):
            self.pos = _comment_end(body, self.pos + 3)
        elif kind == b"!" and body.startswith(b"![CDATA[", self.pos) and self._foreign():
            self._cdata()
        elif kind in (b"!", b"?"):  # a doctype or a bogus comment
            if not self.tagged and _STANDARDS.match(body, self.pos):
                tree.quirks = False
            self._past(b">")
        elif tag := _TAG_NAME.match(body, self.pos + (kind == b"/")):
            return self._tag(tag, kind == b"/")
        elif kind == b"/" and self.pos + 1 < len(body):  # "</>" is dropped, "</ x>" bogus
            self._past(b">")
        else:
            self._text(lt, lt + 1)  # '<' as text
        return True

    def _text(self, start: int, end: int) -> None:
        """Text from ``start`` to ``end``."""
        if self.head and not _blank(self.body[start:end], _SPACE):
            self._leave_noscript()
            self.head, self.tagged = False, True  # a doctype after text changes nothing
        if self.tree.stack[-1].name == b"colgroup" and not _blank(self.body[start:end], _SPACE):
            self.tree.leave_colgroup()
        if self.tree.closed and self._reopens(start, end):
            self.tree.reopen()  # text, even a space, reopens formatting elements
        if self.frameset_ok and not self._blank_for_frameset(self.body[start:end]):
            self.frameset_ok = False

    def _blank_for_frameset(self, text: bytes) -> bool:
        if not self.tree.in_foreign():
            return _blank(text)
        # lexbor passes over replacement characters there too, even from &#0;
        return _blank(text.replace("\ufffd".encode(), b""), _BLANK + "\ufffd")

    def _reopens(self, start: int, end: int) -> bool:
        """Text that reopens formatting elements: not in SVG/MathML, not only NULs (HTML
        drops them), not only spaces among a table's rows (they stay there)."""
        text, top = self.body[start:end], self.tree.stack[-1].name
        if self.tree.in_foreign() or not text.strip(b"\0"):
            return False
        return top not in _TABLE_TEXT or not _blank(text, _SPACE)

    def _foreign(self) -> bool:
        """The current element is SVG/MathML: ``<![CDATA[`` opens a CDATA section."""
        return self.tree.stack[-1].foreign and not self.framed

    def _cdata(self) -> None:
        """Past a CDATA section (SVG/MathML only; in HTML it is a bogus comment): text."""
        start = self.pos + 8
        self._past(b"]]>")
        end = self.pos - 3 if self.body.endswith(b"]]>", 0, self.pos) else self.pos
        if end > start:
            self._text(start, end)

    def _in_head(self, name: bytes, closing: bool) -> bool:
        """Before the body: whether the tag begins it; True if a head <noscript> ignores it."""
        if self.noscript is self.tree.stack[-1]:  # not in its <style>'s text
            if closing and name not in (b"noscript", b"br"):
                return True  # ignored there
            if not closing and name in _HEAD_NOSCRIPT_IGNORES:
                return True
            if not (closing or name in _HEAD_NOSCRIPT) or (closing and name == b"br"):
                self._leave_noscript()
        self.head = name not in (b"body", b"html", b"br") if closing else name in _HEAD
        if closing and name == b"head":
            self.headed = True  # after it, a <noscript> begins the body
        if name == b"noscript" and not closing and self.headed:
            self.head = False
        elif name == b"noscript" and not closing and self.head:
            self.noscript = Element(b"noscript")
            self.tree.push(self.noscript)
            self.deepest = max(self.deepest, self.tree.depth)
            return True
        if closing and name == b"noscript" and self.noscript is not None:
            self._leave_noscript()
            return True
        return False

    def _leave_noscript(self) -> None:
        if self.noscript is not None:
            self.tree.remove(self.tree.stack.index(self.noscript))
            self.noscript = None

    def _frameset(self, name: bytes, closing: bool, attrs: bytes) -> None:
        """Whether a <frameset> still takes the page: first one does, or a tag rules it out."""
        if closing:
            self.frameset_ok = self.frameset_ok and name != b"br"  # </br> is a <br>
        elif not html_rules(self.tree, name, attrs):
            return  # an SVG/MathML element
        elif name == b"frameset":
            self.framed = True
        elif name in FRAMESET_OFF:
            hidden = name == b"input" and attributes(attrs).get(b"type", b"").lower() == b"hidden"
            self.frameset_ok = hidden

    def _past(self, token: bytes) -> None:
        found = self.body.find(token, self.pos)
        self.pos = found + len(token) if found >= 0 else len(self.body)

    def _tag(self, tag: re.Match[bytes], closing: bool) -> bool:
        attrs = _ATTRS.match(self.body, tag.end())
        if attrs is None:
            return False  # a tag cut off by the end of the page: the parser drops it
        tree, name, self.pos = self.tree, tag.group().lower(), attrs.end()
        self.tagged = True
        before_body = False
        if self.head:
            # before the body a <frameset> replaces it, whatever came (unless in a <template>)
            before_body = not tree.count.get(b"template")
            if self._in_head(name, closing):
                return True
        attributes = b"" if closing else self.body[tag.end() : attrs.start(1)]
        if self.frameset_ok or before_body:
            self._frameset(name, closing, attributes)
        if name == b"frameset":
            self.frames = max(0, self.frames - 1) if closing else self.frames + 1
            self.deepest = max(self.deepest, self.frames + 1)
            if not closing and html_rules(tree, name, attributes):
                return True  # it replaced the body (counted apart), or it was ignored
        elif self.framed and self.frames and name in (b"frame", b"noframes"):
            self.deepest = max(self.deepest, self.frames + 2)  # inside the open frameset
        if tree.columns and tree.stack[-1].content == b"col" and name not in (b"col", b"template"):
            return True  # a template of <col>s ignores every other tag
        if closing:
            # </br> is a <br>, and a </p> with no open p an empty <p>: a level each
            leaf = name == b"br" or (name == b"p" and tree.find(P, BUTTON_SCOPE) < 0)
            end(tree, name)
            self.deepest = max(self.deepest, tree.depth + leaf)
            return True
        leaf = start(tree, name, attributes, attrs.group(1)[-1:] == b"/")
        self.deepest = max(self.deepest, tree.depth + leaf)  # an empty element is a level too
        top = tree.stack[-1]
        if top.name == name and not top.foreign and (not self.framed or name == b"noframes"):
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
