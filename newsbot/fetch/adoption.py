"""The adoption agency: an end tag of a formatting element, as lexbor runs it."""

from __future__ import annotations

from newsbot.fetch.stack import Element, Tree
from newsbot.fetch.tags import SCOPE, SPECIAL


def adopt(tree: Tree, name: bytes) -> None:
    """The adoption agency, as lexbor runs it: the end tag of formatting element ``name``.

    lexbor keeps list positions as indexes: when a round drops a fourth formatting element
    listed before the one adopted, it then unlists a neighbour instead and leaves the
    adopted element listed, closed, to be reopened by what follows
    (``<b><s><menu><u><x><y><z><ul></b>Q`` puts Q in a new ``<b>``). The same happens here.
    """
    top = tree.stack[-1]
    if top.name == name and not top.listed:
        tree.remove(len(tree.stack) - 1)
        return
    for _ in range(8):
        at = _last_listed(tree, name)
        if at < 0:
            return
        element = tree.active[at]
        assert element is not None
        if not element.open:
            tree.unlist(element)
            return
        index = tree.stack.index(element)
        above = tree.stack[index + 1 :]
        if any(e.name in SCOPE for e in above):
            return  # not in scope: ignored
        block = next((index + 1 + k for k, e in enumerate(above) if e.name in SPECIAL), None)
        if block is None:  # nothing special inside: it closes with all it holds
            tree.pop_to(index)
            tree.unlist(element)
            return
        _adopt_round(tree, element, at, block)


def _last_listed(tree: Tree, name: bytes) -> int:
    """Where the last formatting element ``name`` since the last marker is listed, or -1."""
    for i in range(len(tree.active) - 1, -1, -1):
        entry = tree.active[i]
        if entry is None:
            return -1
        if entry.name == name:
            return i
    return -1


def _adopt_round(tree: Tree, element: Element, at: int, block: int) -> None:
    """One round: what lies between ``element`` (listed at ``at``) and the special ``block``
    above it is closed (its formatting elements, up to three, stay), and a copy of
    ``element`` opens inside ``block``. The tree gets no deeper than the stack."""
    stack, active = tree.stack, tree.active
    bookmark, counter, k, first = at, 0, block, True
    furthest = stack[block]
    while (node := stack[k - 1]) is not element:
        k -= 1
        if not node.name:  # a ghost: no longer on the parser's stack
            tree.remove(k)
            continue
        counter += 1
        if counter > 3 and node.listed:
            tree.unlist(node)  # later entries move down: ``at`` and ``bookmark`` do not
        if not node.listed:
            tree.remove(k)
        elif first:
            bookmark, first = active.index(node) + 1, False
    if at < len(active):
        tree.unlist_at(at)
    copy = Element(element.name, key=element.key)
    copy.listed = True
    active.insert(min(bookmark, len(active)), copy)
    tree.remove(stack.index(element))  # still listed if ``at`` had gone stale: then closed
    tree.insert_after(furthest, copy)
