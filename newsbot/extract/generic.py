"""The generic extractor, for article pages no site rule covers.

1. Boilerplate goes (``clean.strip_page``): navigation, hidden boxes, small forms and
   signup boxes, boxes whose class or id token names boilerplate — unless they hold most
   of the text.
2. Every paragraph of running text scores (length, commas, few links) for its
   container, half for the container's parent, a third for the next: the best
   container, weighted by its class hints and link density, is the article. A
   story split over sibling blocks scores for the parent that holds them all; a story
   whose longer half sits boxes down (an unclosed table's box swallowed it) climbs to the
   box whose own paragraphs are its first half.
3. Siblings of the winner with text of their own join it, in page order, and so do blocks
   like it under its parent's siblings (a story cut into chunks).
4. Inside, captions, credits and link lists go (``clean.strip_inside``; link lists that
   are most of the text stay: a post of links), and so do lines that only label an ad slot
   ("ADVERTISEMENT") or a teaser's link ("Read more »"), or credit a picture ("Foto: dpa"),
   and headings left at the end with nothing under them ("Comments").
5. A standfirst above the winner (a block that says what the page's description says)
   opens the text: story headers often hold it outside the article's container.

A page without one line of running text (a stub: "Test") reads as its lines, links aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.extract import clean
from newsbot.extract.dom import ALWAYS_DROP, BLOCKS, first_text, paragraphs, remove
from newsbot.normalize import WORD, clean_text, word_grams

DESCRIPTION = (
    'meta[property="og:description"], meta[name="description"], meta[name="twitter:description"]'
)
SKIP_LINK = re.compile(r"건너뛰기|바로가기|skip|跳过|跳至", re.I)
PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "li", "dd", "dt", "font"}
)
GOOD_NAME = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|hentry|news|view|read|detail|"
    r"본문|기사|artic|cont",
    re.I,
)
CALL = re.compile(
    r"클릭|바로가기|구독|다운로드|앱 설치|下载|快来|点击|关注|订阅|扫码|"
    r"\b(subscribe|sign up|download|click here|follow us|read more)\b",
    re.I,
)
LABELS = frozenset(  # words that, alone on a line, label an ad slot or the comments below
    {"advertisement", "advertising", "advert", "ad", "anzeige", "werbung", "publicité",
     "annonce", "publicidad", "anuncio", "publicidade", "pubblicità", "reclame", "advertentie",
     "reklama", "reklam", "mainos", "реклама", "iklan", "sponsored", "광고", "广告", "廣告",
     "広告", "comment", "comments", "kommentare"}
)  # fmt: skip
# a link's label alone on a line: "Read more »", "Weiterlesen", "Lire la suite", "더보기"
MORE = re.compile(
    r"\W*((read|see|show|view|load) (the )?(more|all|full (story|article))|continue reading|"
    r"weiterlesen|mehr lesen|lire la suite|en savoir plus|leer más|leia mais|leggi tutto|"
    r"czytaj dalej|lees meer|läs mer|더\s?보기|기사 더보기|阅读全文|查看更多|閱讀全文|続きを読む)"
    r"[^\w:]*",
    re.I,
)
CREDIT = re.compile(  # a line opening so ("Foto:", "Photo by") credits a picture
    r"(fotos?|photos?|bild(er)?|titelbild|credits?|crédits?|images?|imagen|pictures?|source|"
    r"quelle|fuente|illustration|grafik|사진|图片|图|写真)\s*[:：©=]|"
    r"(photo|image|picture|foto|bild)\s+(by|courtesy|via|von)\b",
    re.I,
)
CREDIT_LINE = 120  # characters a credit line has at most
COMMAS = re.compile(r"[,，、。;；]")
URL = re.compile(r"https?://\S+")
MIN_TEXT = 25  # characters a paragraph needs to count as running text
TOP = 8  # candidates whose link density is measured (it costs a walk of the subtree)
OWN_PARAS = 0.2  # an ancestor's own paragraphs, against the winner's text, to climb to it
SIBLING_SHARE = 0.2  # a sibling scoring this share of the winner joins it
JOIN_MIN = 10.0  # nothing scoring less joins the winner (about two paragraphs)
LEAD = 80  # characters a standfirst has at least
LEAD_PARAS = 2  # blocks above the article that may be its standfirst
SAME = 0.5  # share of word 3-grams a standfirst has in common with the page's description


class Reading(NamedTuple):
    """What the generic pass read, and how much of the page's running text its choice holds
    (near 1: no other box could have been the article)."""

    paras: list[str]
    share: float
    running: int = 0  # characters of running text on the page, boilerplate aside
    stripped: str = ""  # the page once the boilerplate went, when asked for (``read``)


def body(tree: LexborHTMLParser) -> list[str]:
    """The main text's paragraphs, standfirst first, or [] when the page has none."""
    return read(tree).paras


def read(
    tree: LexborHTMLParser, unsure: Callable[[float, int], bool] | None = None, kept: float = 0.0
) -> Reading:
    """The main text's paragraphs and the share of the page's running text they come from;
    with the page as the boilerplate strip left it when ``unsure`` of that share and the
    page's running text, and the strip kept ``kept`` of the running text (a second opinion
    reads it in half the time)."""
    root = tree.body
    if root is None:
        return Reading([], 0.0)
    remove(root.css(ALWAYS_DROP))
    runs = clean.running_text(root, MIN_TEXT)
    before = runs.get(root.mem_id, 0)
    clean.strip_page(root, runs)
    remove([a for a in root.css('a[href^="#"]') if SKIP_LINK.search(a.text())])
    parts = _article(root)
    if not parts:
        return Reading(_stub(root), 0.0)
    running = clean.running_total(root, MIN_TEXT)
    share = sum(clean.running_total(p, MIN_TEXT) for p in parts) / max(1, running)  # disjoint
    stripped = ""
    # written out before the article's captions go
    if unsure is not None and unsure(share, running) and running >= kept * before:
        head = tree.head
        if head is not None:
            remove(head.css(ALWAYS_DROP))  # its scripts and styles: often most of the page
        stripped = f"<html>{head.html if head else ''}{root.html or ''}</html>"
    lead = _lead(root, parts[0], first_text(tree, DESCRIPTION))
    out: list[str] = []
    links: set[str] = set()
    heads: set[str] = set()
    clean.strip_inside(parts)
    for part in parts:
        out.extend(paragraphs(part))
        links.update(t for a in part.css("a") if len(t := clean_text(a.text())) > 1)
        heads.update(clean_text(h.text()) for h in part.css("h1, h2, h3, h4, h5, h6"))
    out = [
        line for line in out if not _label(line) and not _credit(line) and not MORE.fullmatch(line)
    ]
    # a heading with nothing after it introduced a box that went ("Comments"): it goes too
    last = max((i for i, line in enumerate(out) if line not in heads), default=len(out) - 1)
    out = out[: last + 1]
    text = " ".join(out)
    paras = _trim_edges([line for line in lead if line not in text] + out, links)
    return Reading(paras, share, running, stripped)


def _label(line: str) -> bool:
    """A label, not a line of the story: "ADVERTISEMENT", "— Anzeige —", "12 Comments"."""
    labelled = False
    for word in WORD.finditer(line.casefold()):  # most lines end at their first word
        if word[0] in LABELS:
            labelled = True
        elif not word[0].isdigit():
            return False
    return labelled


def _credit(line: str) -> bool:
    """A picture's credit or source, on a line of its own: "Foto: Ingo Pertramer",
    "Titelbild: dpa", "Source: Reuters", "사진=연합뉴스"."""
    return len(line) < CREDIT_LINE and CREDIT.match(line) is not None


def _stub(root: LexborNode) -> list[str]:
    """A page without one line of running text: its short lines that are not links (a stub,
    "Test"), or [] for a page of menus. A script link (``javascript:``) is not a link."""
    for a in root.css("a"):
        if (a.attributes.get("href") or "").strip().lower().startswith("javascript:"):
            a.unwrap()
    remove(root.css("a"))
    return paragraphs(root)


def _lead(root: LexborNode, first: LexborNode, description: str) -> list[str]:
    """The standfirst: a block above the article container that says what the page's
    description says (a story's header often holds it outside the block that wins).
    Captions and links there are not it."""
    if not description:
        return []
    texts: dict[int, list[str]] = {}
    for node in root.traverse(include_text=True):
        if node.mem_id == first.mem_id:
            break
        text = (node.text_content or "").strip() if node.is_text_node else ""
        if text and not _inside(node, ("a", "h1", "figure", "figcaption")):
            block = _block_parent(node)
            if block is not None:
                texts.setdefault(block.mem_id, []).append(text)
    leads = [clean_text(" ".join(t)) for t in texts.values()]
    return [t for t in leads if len(t) >= LEAD and _says(t, description)][:LEAD_PARAS]


def _says(text: str, description: str) -> bool:
    a, b = word_grams(text.casefold(), 3), word_grams(description.casefold(), 3)
    return bool(a and b) and len(a & b) >= SAME * min(len(a), len(b))


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _unlinked_block(node: LexborNode) -> LexborNode | None:
    """``_block_parent(node)``, or None when a link holds ``node``: one walk up for both."""
    block, parent = None, node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag == "a":
            return None
        if block is None and parent.tag in BLOCKS:
            block = parent
        parent = parent.parent
    if block is None and parent is not None and parent.tag == "body":
        return parent
    return block


def _mostly_urls(text: str) -> bool:
    """Half the text or more is addresses (a gallery's data, a link list): no credit as prose."""
    if "://" not in text:
        return False
    return 2 * sum(len(m) for m in URL.findall(text)) >= len(text) > 0


def _trim_edges(paras: list[str], links: set[str]) -> list[str]:
    """Drop a call to action that opens or closes the article ("快来…新浪众测", "#흥(클릭!)")."""

    def promo(para: str) -> bool:
        linked = para in links or any(link in para for link in links)
        return linked and len(para) < 300 and (para in links or CALL.search(para) is not None)

    start, end = 0, len(paras)
    while start < end and promo(paras[start]) and CALL.search(paras[start]):
        start += 1
    while end > start and promo(paras[end - 1]):
        end -= 1
    return paras[start:end]


def _article(root: LexborNode) -> list[LexborNode]:
    """The winning container and the siblings that join it."""
    scores, nodes = _scores(root)
    if not scores:
        return []
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)[:TOP]
    links: dict[int, int] = {}
    final = {
        k: scores[k] * (1 - clean.link_density(nodes[k], links=links)) + _name_bonus(nodes[k])
        for k in ranked
    }
    best = nodes[max(final, key=lambda k: final[k])]
    best = _climb(best, scores)
    parts = _with_siblings(best, scores, final.get(best.mem_id, scores[best.mem_id]))
    return _with_cousins(best, parts, [nodes[k] for k in ranked], scores)


def _climb(best: LexborNode, scores: dict[int, float]) -> LexborNode:
    """The winner, or the ancestor whose own paragraphs are the rest of its story.

    Up from the winner, the first ancestor scoring more than the box below it on the way
    (readability's climb) takes the winner's place if paragraphs directly under it hold at
    least ``OWN_PARAS`` of the winner's running text: a table's box left unclosed swallows
    the rest of the story, or a "read more" box holds its second half. Captions and headers
    beside the winner are not paragraphs, and keep it where it is."""
    last = scores.get(best.mem_id, 0.0)
    floor = last / 3
    node = best.parent
    while node is not None and node.tag not in ("body", "html"):
        score = scores.get(node.mem_id)
        if score is None:
            node = node.parent
            continue
        if score < floor:
            break
        if score > last:
            mine = clean.running_total(best, MIN_TEXT)
            own = sum(clean.running_total(p, MIN_TEXT) for p in node.iter() if p.tag == "p")
            return node if own >= OWN_PARAS * mine else best
        last = score
        node = node.parent
    return best


def _with_cousins(
    best: LexborNode, parts: list[LexborNode], ranked: list[LexborNode], scores: dict[int, float]
) -> list[LexborNode]:
    """A story cut into chunks (``<div class="grid"><div class="body">`` twice): blocks like
    the winner (same tag and class) one level over, under its parent's siblings, join it.
    Being alike is the evidence, so a chunk needs only ``JOIN_MIN``, not a share of the top."""
    klass, grand = best.attributes.get("class"), _grandparent(best)
    if not klass or grand is None or grand.tag in ("body", "html"):
        return parts
    have = {p.mem_id for p in parts}
    extra = {
        n.mem_id
        for n in ranked
        if n.mem_id not in have
        and (n.tag, n.attributes.get("class")) == (best.tag, klass)
        and (g := _grandparent(n)) is not None
        and g.mem_id == grand.mem_id
        and scores.get(n.mem_id, 0.0) >= JOIN_MIN
    }
    if not extra:
        return parts
    joined = have | extra
    return [n for n in grand.traverse() if n.mem_id in joined]  # page order


def _grandparent(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    return parent.parent if parent is not None else None


def _join_floor(top: float) -> float:
    """The score a block beside the winner needs to join it."""
    return max(JOIN_MIN, top * SIBLING_SHARE)


def _scores(root: LexborNode) -> tuple[dict[int, float], dict[int, LexborNode]]:
    """Each container's credit from the paragraphs under it."""
    sizes: dict[int, float] = {}
    blocks: dict[int, LexborNode] = {}
    for text_node in root.traverse(include_text=True):
        if not text_node.is_text_node:
            continue
        text = (text_node.text_content or "").strip()
        if len(text) < MIN_TEXT or _mostly_urls(text):
            continue
        block = _unlinked_block(text_node)
        if block is None:
            continue
        sizes[block.mem_id] = sizes.get(block.mem_id, 0.0) + 1 + len(COMMAS.findall(text))
        sizes[block.mem_id] += min(len(text) / 100, 3)
        blocks[block.mem_id] = block
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for key, block in blocks.items():
        target = block.parent if block.tag in PARAGRAPHS else block
        for level in range(3):
            if target is None or target.tag in ("html",):
                break
            scores[target.mem_id] = scores.get(target.mem_id, 0.0) + sizes[key] / (level + 1)
            nodes[target.mem_id] = target
            target = target.parent
    return scores, nodes


def _name_bonus(node: LexborNode) -> float:
    if node.tag in ("article", "main") or node.attributes.get("itemprop") == "articleBody":
        return 25.0
    attrs = node.attributes
    name = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if clean.is_noise_name(node):
        return -25.0
    return 15.0 if GOOD_NAME.search(name) else 0.0


def _with_siblings(best: LexborNode, scores: dict[int, float], top: float) -> list[LexborNode]:
    parent = best.parent
    if parent is None or best.tag == "body":
        return [best]
    floor = _join_floor(top)
    klass = best.attributes.get("class") or ""
    joined = []
    for sibling in parent.iter():
        if sibling.mem_id == best.mem_id:
            joined.append(sibling)
            continue
        bonus = top * 0.2 if klass and sibling.attributes.get("class") == klass else 0.0
        if scores.get(sibling.mem_id, 0.0) + bonus >= floor or _lone_paragraph(sibling):
            joined.append(sibling)
    return joined


def _lone_paragraph(node: LexborNode) -> bool:
    """A ``<p>`` beside the article block with real text and few links (readability's rule)."""
    if node.tag != "p":
        return False
    size = clean.text_size(node)
    density = clean.link_density(node, size)
    text = node.text() or ""
    return (size > 80 and density < 0.25) or (0 < size <= 80 and density == 0 and ". " in text)


def _block_parent(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in BLOCKS and parent.tag != "body":
        parent = parent.parent
    return parent
