"""The HTML tree builder's stack, reduced to what decides how deep elements nest.

``Tree`` keeps the stack of open elements and the list of active formatting elements;
``start`` and ``end`` apply a tag as the HTML standard's "in body" rules do (the
adoption agency once round, table parts, foreign content), far enough to count depth.
"""

from __future__ import annotations

import functools

from newsbot.fetch.tags import (
    BLOCK_END,
    BREAKOUT,
    BUTTON_SCOPE,
    CELLS,
    CLOSES_P,
    END_SCOPE,
    FONT_ATTRS,
    FOREIGN_ROOTS,
    FORMATTING,
    HEADINGS,
    INTEGRATION,
    MARKERS,
    NOAHS_ARK,
    REOPENS,
    ROW_GROUPS,
    SCOPE,
    SIBLINGS,
    SPECIAL,
    TABLE_CONTEXT,
    TABLE_PARTS,
    TABLE_SCOPE,
    VOID,
    P,
)


class Element:
    __slots__ = ("foreign", "key", "listed", "name", "open")

    def __init__(self, name: bytes, foreign: bool = False, key: bytes = b"") -> None:
        self.name, self.foreign, self.key = name, foreign, key
        self.open = False
        self.listed = False  # in the list of active formatting elements


class Tree:
    """The stack of open elements and the list of active formatting elements."""

    def __init__(self) -> None:
        self.stack: list[Element] = []
        self.active: list[Element | None] = []  # None: a marker (a cell, caption, object)
        self.closed = 0  # listed formatting elements off the stack: content reopens them
        self.count: dict[bytes, int] = {}
        self.quirks = True  # until ``<!DOCTYPE html>`` opens the page: then <table> closes a <p>

    @property
    def depth(self) -> int:
        return len(self.stack) + self.closed

    def in_foreign(self) -> bool:
        top = self.stack[-1] if self.stack else None
        return top is not None and top.foreign and top.name not in INTEGRATION

    def push(self, element: Element) -> None:
        self.stack.append(element)
        element.open = True
        self.count[element.name] = self.count.get(element.name, 0) + 1
        if element.name in MARKERS and not element.foreign:
            self.active.append(None)

    def remove(self, index: int) -> None:
        """Take the element at ``index`` off the stack, and nothing above it."""
        element = self.stack.pop(index)
        element.open = False
        self.count[element.name] -= 1
        if element.listed:
            self.closed += 1
        if element.name in MARKERS and not element.foreign:
            self._clear_to_marker()

    def pop_to(self, index: int) -> None:
        """Close the element at ``index`` and everything above it."""
        while len(self.stack) > index:
            self.remove(len(self.stack) - 1)

    def find(self, names: frozenset[bytes], stop: frozenset[bytes] = SCOPE) -> int:
        """The topmost open element in ``names`` before one in ``stop``, or -1."""
        if not any(self.count.get(n) for n in names):
            return -1
        for i in range(len(self.stack) - 1, -1, -1):
            name = self.stack[i].name
            if name in names:
                return i
            if name in stop:
                return -1
        return -1

    def unlist(self, element: Element) -> None:
        self.active.remove(element)
        element.listed = False
        if not element.open:
            self.closed -= 1

    def listed(self, name: bytes) -> list[Element]:
        """The active formatting elements called ``name`` since the last marker."""
        found: list[Element] = []
        for entry in reversed(self.active):
            if entry is None:
                break
            if entry.name == name:
                found.append(entry)
        return found

    def reopen(self) -> None:
        """Content arrived: the formatting elements since the last marker open again."""
        for entry in self.active[self._after_marker() :]:
            if entry is not None and not entry.open:
                self.closed -= 1
                self.push(entry)

    def _after_marker(self) -> int:
        for i in range(len(self.active) - 1, -1, -1):
            if self.active[i] is None:
                return i + 1
        return 0

    def _clear_to_marker(self) -> None:
        while self.active:
            entry = self.active.pop()
            if entry is None:
                return
            entry.listed = False
            if not entry.open:
                self.closed -= 1


def start(tree: Tree, name: bytes, attrs: bytes, self_closing: bool) -> bool:
    """Apply a start tag; True if it made an element that stays empty (void, ``/>``)."""
    if tree.in_foreign() and (name in BREAKOUT or (name == b"font" and FONT_ATTRS.search(attrs))):
        while tree.in_foreign():  # an HTML tag leaves SVG/MathML
            tree.remove(len(tree.stack) - 1)
    if name in FOREIGN_ROOTS or tree.in_foreign():
        if name in FOREIGN_ROOTS and not tree.in_foreign():
            tree.reopen()
        if not self_closing:
            space = name if name in FOREIGN_ROOTS else tree.stack[-1].name.split(b":")[0]
            tree.push(Element(space + b":" + name, foreign=True))
        return self_closing
    if name == b"head" or (name in (b"html", b"body") and tree.count.get(name)):
        return False  # the head's few elements are no deeper than the body's
    if name in TABLE_PARTS and not tree.count.get(b"table"):
        return False  # a cell or row outside any table is dropped
    _close_before(tree, name)
    if name not in SPECIAL or name in REOPENS:
        tree.reopen()
    if name in VOID:
        return True
    element = Element(name, key=name + b" " + attrs.strip())
    if name in FORMATTING:
        same = [e for e in tree.listed(name) if e.key == element.key]
        if len(same) >= NOAHS_ARK:
            tree.unlist(same[-1])  # the earliest of them
        tree.active.append(element)
        element.listed = True
    tree.push(element)
    return False


def _close_before(tree: Tree, name: bytes) -> None:
    """What a start tag closes before it opens: an open p, its sibling, its table context."""
    closes_p = name in CLOSES_P and not (name == b"table" and tree.quirks)
    if closes_p and (p := tree.find(P, BUTTON_SCOPE)) >= 0:
        tree.pop_to(p)
    if name in HEADINGS and tree.stack[-1].name in HEADINGS:
        tree.remove(len(tree.stack) - 1)
    if name in SIBLINGS and (found := tree.find(*SIBLINGS[name])) >= 0:
        tree.pop_to(found)
    if name in (b"option", b"optgroup") and tree.stack[-1].name == b"option":
        tree.remove(len(tree.stack) - 1)
    if name in (b"a", b"nobr") and tree.listed(name):
        end(tree, name)  # a second <a> ends the first
    if name in TABLE_CONTEXT:
        if name != b"tr" and (cell := tree.find(CELLS, TABLE_SCOPE)) >= 0:
            tree.pop_to(cell)
        context = tree.find(TABLE_CONTEXT[name], frozenset())
        tree.pop_to(context + 1)
        top = tree.stack[-1].name
        if top == b"table":
            tree.push(Element(b"tbody"))
            top = b"tbody"
        if name != b"tr" and top in ROW_GROUPS:
            tree.push(Element(b"tr"))


def _adopt(tree: Tree, element: Element) -> None:
    """The adoption agency, once round: the end tag of an open formatting element."""
    if not element.open:
        return tree.unlist(element)
    index = tree.stack.index(element)
    above = tree.stack[index + 1 :]
    if any(e.name in SCOPE for e in above):
        return  # not in scope: ignored
    block = next((k for k, e in enumerate(above) if e.name in SPECIAL), None)
    if block is None:  # nothing special inside: it closes with all it holds
        tree.pop_to(index)
        return tree.unlist(element)
    # the element moves inside the special block (same depth); what sat between and is
    # no formatting element is closed
    for k in range(index + block, index, -1):
        if not tree.stack[k].listed:
            tree.remove(k)


@functools.cache
def _just(name: bytes) -> frozenset[bytes]:
    return frozenset([name])


@functools.cache
def _any_space(name: bytes) -> frozenset[bytes]:
    """``name`` as an HTML, SVG or MathML element."""
    return frozenset([name, b"svg:" + name, b"math:" + name])


def end(tree: Tree, name: bytes) -> None:
    if name in (b"br", b"p"):
        while tree.in_foreign():  # </br> and </p> leave SVG/MathML as <br> and <p> do
            tree.remove(len(tree.stack) - 1)
    if name == b"br":
        return tree.reopen()  # </br> is a <br>
    if name in FORMATTING and (listed := tree.listed(name)):
        return _adopt(tree, listed[0])
    if name == b"form":
        if tree.stack[-1].name == b"form":
            tree.remove(len(tree.stack) - 1)  # a misnested </form> may close nothing at all
        return
    if tree.stack[-1].name in _any_space(name) and name not in (b"body", b"html"):
        tree.remove(len(tree.stack) - 1)  # e.g. a script's end tag after its text
        return
    if name in BLOCK_END or name == b"p":
        names = HEADINGS if name in HEADINGS else _just(name)
        found = tree.find(names, END_SCOPE.get(name, SCOPE))
    else:  # </body>, </br> and the like close nothing; any other stops at a special one
        found = -1 if name in SPECIAL else tree.find(_any_space(name), SPECIAL)
    if found >= 0:
        tree.pop_to(found)
