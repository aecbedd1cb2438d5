"""DOM helpers the extractors share: removing nodes, reading text as paragraphs, selectors."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.normalize import clean_text

# rt, rp: a ruby's reading aids (furigana, pinyin), not the text they annotate
ALWAYS_DROP = (
    "script, style, noscript, template, iframe, object, svg, button, select, textarea, rt, rp"
)
BLOCKS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "blockquote", "section", "article", "pre", "dd", "dt", "dl", "figure", "figcaption",
        "header", "footer", "main", "aside", "nav", "address", "caption", "details", "summary",
        "fieldset", "legend", "form", "hgroup", "center", "menu", "hr",
    }
)  # fmt: skip
CELLS = frozenset({"td", "th"})  # a row reads as one line, its cells apart


def remove(nodes: list[LexborNode]) -> None:
    """Decompose the outermost of ``nodes`` (a node inside a removed one goes with it)."""
    for node in outermost(nodes):
        node.decompose()


def outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Those of ``nodes`` that no other of them holds, in their order."""
    marked = {n.mem_id for n in nodes}
    found = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in marked:
            parent = parent.parent
        if parent is None:
            found.append(node)
    return found


def paragraphs(node: LexborNode) -> list[str]:
    """Text of ``node`` split at block boundaries and <br>, cleaned, empties dropped."""
    parts: list[str] = []
    _walk(node, parts)
    lines = (clean_text(line) for line in "".join(parts).split("\n") if not line.isspace())
    return [line for line in lines if line]


def _walk(node: LexborNode, out: list[str]) -> None:
    """Text runs, and a newline around each block and at each <br>, in document order.

    A stack, not recursion: hostile markup nests elements thousands deep."""
    stack = [(node.iter(include_text=True), False)]
    while stack:
        children, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                out.append("\n")
        elif child.is_text_node:
            out.append((child.text_content or "").replace("\n", " "))
        elif child.tag == "br":
            out.append("\n")
        elif child.is_element_node:
            inner = child.tag in BLOCKS
            if inner:
                out.append("\n")
            elif child.tag in CELLS:
                out.append(" ")
            stack.append((child.iter(include_text=True), inner))


def in_order(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    """Matches of each comma-separated part in turn: the selector order is the priority."""
    found: list[LexborNode] = []
    for part in split_selector(selector):
        found.extend(tree.css(part))
    return found


def split_selector(selector: str) -> list[str]:
    """``a, b[x="1,2"]`` → ``["a", 'b[x="1,2"]']``: commas inside () and [] stay."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(selector):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(selector[start:i].strip())
            start = i + 1
    parts.append(selector[start:].strip())
    return [p for p in parts if p]


def first_text(tree: LexborHTMLParser, selector: str) -> str:
    """The cleaned text (a meta's ``content``) of the first match that has any."""
    for node in in_order(tree, selector):
        value = node.attributes.get("content") if node.tag == "meta" else node.text()
        text = clean_text(value or "")
        if text:
            return text
    return ""
