"""The generic extractor, for article pages no site rule covers.

Drop navigation, skip links, forms and link lists (board lists, "most read"
boxes), then keep the block that holds the most running text.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.extract.dom import ALWAYS_DROP, BLOCKS, paragraphs, remove

DROP = (
    "nav, header, footer, aside, form, menu, "
    '[role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], '
    '[aria-hidden="true"]'
)
NOISE_WORDS = re.compile(
    r"(^|[\s_-])(gnb|lnb|snb|nav|navi|navbar|menu|skip|breadcrumbs?|sidebar|footer|"
    r"comments?|reply|related|recommend|popular|ranking|share|sns|banner|ad|ads|advert|"
    r"bd_lst|board_list|list_board|pagination|paging|copyright|header)($|[\s_-])",
    re.I,
)
SKIP_LINK = re.compile(r"건너뛰기|바로가기|skip|跳过|跳至", re.I)
PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "li", "dd", "dt", "figcaption"}
)
MIN_BLOCK_TEXT = 20  # characters a text run needs to count as running text
LINK_DENSITY_MAX = 0.5  # a block more than half link text is a list of links


def body(tree: LexborHTMLParser) -> list[str]:
    """The main text's paragraphs, or [] when the page has none."""
    root = tree.body
    if root is None:
        return []
    remove(root.css(f"{ALWAYS_DROP}, {DROP}"))
    remove([n for n in root.css("[class], [id]") if _is_noise(n)])
    remove([a for a in root.css('a[href^="#"]') if SKIP_LINK.search(a.text())])
    remove([n for n in root.css("ul, ol, table, dl") if _link_density(n) > LINK_DENSITY_MAX])
    best = _densest_block(root)
    return paragraphs(best) if best is not None else []


def _is_noise(node: LexborNode) -> bool:
    if node.tag in ("body", "html", "article", "main"):
        return False
    attrs = node.attributes
    words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return bool(NOISE_WORDS.search(words))


def _link_density(node: LexborNode) -> float:
    text = len(node.text(strip=True))
    if not text:
        return 1.0
    linked = sum(len(a.text(strip=True)) for a in node.css("a"))
    return linked / text


def _densest_block(root: LexborNode) -> LexborNode | None:
    """The element credited with the most running text (container full, its parent half)."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for text_node in root.traverse(include_text=True):
        if not text_node.is_text_node:
            continue
        size = len((text_node.text_content or "").strip())
        if size < MIN_BLOCK_TEXT or _inside_link(text_node):
            continue
        block = _block_parent(text_node)
        if block is not None and block.tag in PARAGRAPHS:
            block = block.parent  # a paragraph's container is the candidate, not the paragraph
        for weight, target in ((1.0, block), (0.5, block.parent if block else None)):
            if target is not None:
                scores[target.mem_id] = scores.get(target.mem_id, 0.0) + weight * size
                nodes[target.mem_id] = target
    if not scores:
        return None
    return nodes[max(scores, key=lambda k: scores[k])]


def _inside_link(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


def _block_parent(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in BLOCKS and parent.tag != "body":
        parent = parent.parent
    return parent
