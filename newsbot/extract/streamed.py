"""A page that React streamed, put back together as a browser shows it.

React's streaming server render (Next.js's app router, among others) sends a page's late
parts after the rest, each in a hidden box at the end of the body (``<div hidden
id="S:9">``), and a script moves it into its slot: a ``<template id="P:9">`` placeholder, or
a Suspense boundary's ``<template id="B:9">`` with its fallback ("Loading…") up to the
boundary's closing comment (``<!--/$-->``). Without that script half a story can sit
hidden at the end of the page, where no extractor reads it. Here each such box takes its
slot's place, as the script would do it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

MARK = "S:"  # a page without this in its markup has no streamed part (a cheap first test)
SEGMENT = 'div[hidden][id^="S:"]'
SLOTS = 'template[id^="P:"], template[id^="B:"]'
# the script's calls, which name each part's slot: $RS("S:7","P:7"), $RC("B:0","S:0")
MOVES = re.compile(r'\$RS\("(S:[\w-]+)","(P:[\w-]+)"\)|\$RC\("(B:[\w-]+)","(S:[\w-]+)"\)')
MOST = 64  # streamed parts put back, at most: each looks its slot up in the whole page
OPEN = frozenset({"$", "$?", "$!"})  # comments that open a Suspense boundary
CLOSE = "/$"


def reassemble(root: LexborNode, markup: str) -> bool:
    """Put each streamed part of the page under ``root`` in its slot, as the calls in the
    page's ``markup`` name it (else the slot of the part's number); whether one moved.

    Parts and slots are looked up afresh for each move: a move removes nodes (the part, its
    slot, a fallback), and a part inside one of them (a hostile page nests them) is gone with
    it, never touched after. A part inside its own slot's fallback stays where it is."""
    slots: dict[str, str] = {}
    for m in MOVES.finditer(markup):
        segment_id, slot_id = (m[1], m[2]) if m[1] else (m[4], m[3])
        slots.setdefault(segment_id, slot_id)
    moved = False
    tried: set[str] = set()
    for _ in range(MOST):
        segment = next(
            (n for n in root.css(SEGMENT) if (n.attributes.get("id") or "") not in tried), None
        )
        if segment is None:
            break
        segment_id = segment.attributes.get("id") or ""
        tried.add(segment_id)
        named = slots.get(segment_id)
        slot = _slot(root, [named] if named else ["P:" + segment_id[2:], "B:" + segment_id[2:]])
        if slot is None:
            continue
        fallback = _fallback(slot) if (slot.attributes.get("id") or "").startswith("B:") else []
        if _inside(segment, fallback):
            continue
        for child in list(segment.iter(include_text=True)):
            slot.insert_before(child)  # a copy: lexbor inserts a clone
        for node in fallback:
            node.decompose()
        slot.decompose()
        segment.decompose()
        moved = True
    return moved


def _slot(root: LexborNode, ids: list[str]) -> LexborNode | None:
    """The first template of ``ids`` (in their order) on the page."""
    found = {slot.attributes.get("id"): slot for slot in root.css(SLOTS)}
    return next((found[i] for i in ids if i in found), None)


def _fallback(slot: LexborNode) -> list[LexborNode]:
    """What follows a boundary's ``slot`` ("Loading…") up to the comment that closes the
    boundary (nested boundaries inside it too); [] if it never closes."""
    found: list[LexborNode] = []
    depth = 0
    node = slot.next
    while node is not None:
        if node.is_comment_node:
            mark = (node.comment_content or "").strip()
            if mark in OPEN:
                depth += 1
            elif mark == CLOSE:
                if depth == 0:
                    return found
                depth -= 1
        found.append(node)
        node = node.next
    return []


def _inside(node: LexborNode, boxes: list[LexborNode]) -> bool:
    """Whether ``node`` is one of ``boxes`` or lies inside one."""
    ids = {box.mem_id for box in boxes}
    parent: LexborNode | None = node
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False
