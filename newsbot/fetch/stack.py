"""The HTML tree builder's stack of open elements and list of active formatting elements.

Only what decides how deep elements nest is kept: names (SVG and MathML ones as
``svg:NAME``, ``math:NAME``), which are open, which are listed, and which are markers.
"""

from __future__ import annotations

from newsbot.fetch.tags import ANNOTATION, CLOSING_CLEARS, MARKERS, SCOPE, TEXT_POINT_FOREIGN

# Where start tags and text are foreign content, not HTML
FOREIGN, TEXT_POINT, HTML_POINT = 0, 1, 2


class Element:
    __slots__ = ("content", "foreign", "key", "listed", "name", "open", "point")

    def __init__(self, name: bytes, foreign: bool = False, key: bytes = b"") -> None:
        self.name, self.foreign, self.key = name, foreign, key
        self.open = False
        self.listed = False  # in the list of active formatting elements
        self.point = FOREIGN if foreign else HTML_POINT
        # for a template, what its first tag made it: b"col" (it takes <col>s only), b"table"
        # (it takes table parts), b"body" (it takes no table parts); b"" before any
        self.content = b""


class Tree:
    """The stack of open elements and the list of active formatting elements."""

    def __init__(self) -> None:
        self.stack: list[Element] = []
        self.active: list[Element | None] = []  # None: a marker (a cell, caption, object)
        self.closed = 0  # listed formatting elements off the stack: content reopens them
        self.count: dict[bytes, int] = {}
        self.quirks = True  # until ``<!DOCTYPE html>`` opens the page: then <table> closes a <p>
        self.form: Element | None = None  # the open form: another <form> is ignored
        self.columns = False  # a template took a <col>: see Element.content
        self.ghosts = 0  # elements left in place, named b"": see ghost()

    @property
    def depth(self) -> int:
        return len(self.stack) + self.closed

    def in_foreign(self) -> bool:
        """Text here is foreign content (it reopens no formatting element)."""
        return bool(self.stack) and self.stack[-1].point == FOREIGN

    def foreign_start(self, name: bytes) -> bool:
        """A start tag ``name`` here follows the rules for foreign content."""
        top = self.stack[-1]
        if top.point == TEXT_POINT:
            return name in TEXT_POINT_FOREIGN
        return top.point == FOREIGN and not (top.name == ANNOTATION and name == b"svg")

    def push(self, element: Element) -> None:
        self.stack.append(element)
        element.open = True
        self.count[element.name] = self.count.get(element.name, 0) + 1
        if element.name in MARKERS and not element.foreign:
            self.active.append(None)

    def remove(self, index: int, markers: bool = True) -> None:
        """Take the element at ``index`` off the stack, and nothing above it; a cell,
        caption or template clears its marker (unless not ``markers``)."""
        element = self.stack.pop(index)
        element.open = False
        self.count[element.name] -= 1
        if element.listed:
            self.closed += 1
        if markers and element.name in CLOSING_CLEARS and not element.foreign:
            self.clear_to_marker()
        if self.ghosts:
            if not element.name:
                self.ghosts -= 1
            if index == len(self.stack) and not self.stack[-1].name:
                self.remove(index - 1)  # a ghost left on top goes too

    def pop_to(self, index: int, markers: bool = True) -> None:
        """Close the element at ``index`` and everything above it."""
        while len(self.stack) > index:
            self.remove(len(self.stack) - 1, markers)

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
        self.unlist_at(self.active.index(element))

    def unlist_at(self, index: int) -> None:
        element = self.active.pop(index)
        if element is not None:
            element.listed = False
            if not element.open:
                self.closed -= 1

    def insert_after(self, below: Element, element: Element) -> None:
        """Open ``element`` just above ``below``, in the middle of the stack."""
        self.stack.insert(self.stack.index(below) + 1, element)
        element.open = True
        self.count[element.name] = self.count.get(element.name, 0) + 1

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
        """Content arrived: the closed formatting elements after the last open one (or
        marker) open again."""
        first = len(self.active)
        while first and (entry := self.active[first - 1]) is not None and not entry.open:
            first -= 1
        for entry in self.active[first:]:
            assert entry is not None
            self.closed -= 1
            self.push(entry)

    def leave_colgroup(self, name: bytes = b"") -> None:
        """A colgroup holds only <col> and <template>: any other tag or text closes it."""
        if self.stack[-1].name == b"colgroup" and name not in (b"col", b"colgroup", b"template"):
            self.remove(len(self.stack) - 1)

    def ghost(self, element: Element) -> None:
        """Take ``element`` off the lists but leave it in place: it still holds what is
        above it in the tree, as an element the parser took off its stack does."""
        if element.listed:
            self.unlist(element)
        if element is self.stack[-1]:
            return self.remove(len(self.stack) - 1)
        if element.open:
            self.count[element.name] -= 1
            self.count[b""] = self.count.get(b"", 0) + 1
            self.ghosts += 1
        element.name, element.key = b"", b""

    def clear_to_marker(self) -> None:
        while self.active:
            entry = self.active.pop()
            if entry is None:
                return
            entry.listed = False
            if not entry.open:
                self.closed -= 1
