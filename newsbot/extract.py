"""Article pages → title, publication time, lead image and main text.

A page whose host has a rule in ``RULES`` is read with that rule's selectors
(``newsbot.toml`` ``[extract.NAME]`` replaces any of them); every other page,
and a site page whose body selector finds nothing, goes through the generic
fallback: drop navigation, skip links, forms and link lists (board lists,
"most read" boxes), then keep the block that holds the most running text.
No I/O here: ``fetch`` brings the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.dates import KST, parse_korean
from newsbot.errors import Rejected
from newsbot.extract_rules import RULES, SELECTOR_NAMES, Rule, rule_for, rules_with
from newsbot.models import Page
from newsbot.normalize import clean_text, clean_url

__all__ = [
    "RULES",
    "SELECTOR_NAMES",
    "Extracted",
    "Rule",
    "extract",
    "parse_time",
    "rule_for",
    "rules_with",
]

# The generic fallback's vocabulary.
ALWAYS_DROP = "script, style, noscript, template, iframe, object, svg, button, select, textarea"
GENERIC_DROP = (
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
GENERIC_TITLE = 'meta[property="og:title"], h1, title'
GENERIC_PUBLISHED = (
    'meta[property="article:published_time"], meta[property="og:article:published_time"], '
    'meta[name="pubdate"], meta[name="publish-date"], meta[itemprop="datePublished"], '
    "time[datetime]"
)
IMAGE = 'meta[property="og:image"], meta[name="og:image"], meta[name="twitter:image"]'
BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "blockquote",
        "section",
        "article",
        "pre",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "header",
        "footer",
        "main",
    }
)
PARAGRAPHS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "li",
        "dd",
        "dt",
        "figcaption",
    }
)
MIN_BLOCK_TEXT = 20  # characters a text run needs to count as running text
LINK_DENSITY_MAX = 0.5  # a block more than half link text is a list of links
TZ_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}$|Z$")
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Extracted:
    """What one article page yields."""

    url: str
    title: str
    text: str  # paragraphs separated by blank lines
    published: datetime | None = None
    image: str | None = None
    rule: str = "generic"
    paragraphs: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "image": self.image,
            "rule": self.rule,
            "text": self.text,
        }


def extract(page: Page, rules: Mapping[str, Rule] = RULES) -> Extracted:
    """Read ``page`` with its site's rule, or the generic fallback."""
    tree = LexborHTMLParser(page.text)
    rule = rule_for(page.url, rules)
    image = lead_image(tree, page.url)
    if rule is not None:
        body = _site_body(tree, rule)
        if body:
            title = _first_text(tree, rule.selectors["title"]) or _generic_title(tree)
            published = _published(tree, rule.selectors["published"], rule.tz)
            published = published or _published(tree, GENERIC_PUBLISHED, rule.tz)
            return _result(page.url, title, body, published, image, rule.name)
    tz = rule.tz if rule is not None else KST
    title = _generic_title(tree)
    published = _published(tree, GENERIC_PUBLISHED, tz)
    return _result(page.url, title, _generic_body(tree), published, image, "generic")


def _result(
    url: str,
    title: str,
    paragraphs: list[str],
    published: datetime | None,
    image: str | None,
    rule: str,
) -> Extracted:
    return Extracted(url, title, "\n\n".join(paragraphs), published, image, rule, tuple(paragraphs))


# -- site rules ---------------------------------------------------------------


def _site_body(tree: LexborHTMLParser, rule: Rule) -> list[str]:
    found = _in_order(tree, rule.selectors["body"])
    if not found:
        return []
    node = found[0]
    _remove(node.css(ALWAYS_DROP))
    if rule.selectors.get("drop"):
        _remove(node.css(rule.selectors["drop"]))
    paragraphs = _paragraphs(node)
    for i, para in enumerate(paragraphs):
        if rule.cut_from and para.startswith(rule.cut_from):
            return paragraphs[:i]
    return paragraphs


# -- generic fallback ---------------------------------------------------------


def _generic_body(tree: LexborHTMLParser) -> list[str]:
    root = tree.body
    if root is None:
        return []
    _remove(root.css(f"{ALWAYS_DROP}, {GENERIC_DROP}"))
    _remove([n for n in root.css("[class], [id]") if _is_noise(n)])
    _remove([a for a in root.css('a[href^="#"]') if SKIP_LINK.search(a.text())])
    _remove([n for n in root.css("ul, ol, table, dl") if _link_density(n) > LINK_DENSITY_MAX])
    best = _densest_block(root)
    return _paragraphs(best) if best is not None else []


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


# -- shared helpers -----------------------------------------------------------


def _remove(nodes: list[LexborNode]) -> None:
    """Decompose the outermost of ``nodes`` (a node inside a removed one goes with it)."""
    marked = {n.mem_id for n in nodes}
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in marked:
            parent = parent.parent
        if parent is None:
            node.decompose()


def _paragraphs(node: LexborNode) -> list[str]:
    """Text of ``node`` split at block boundaries and <br>, cleaned, empties dropped."""
    parts: list[str] = []
    _walk(node, parts)
    lines = (clean_text(line) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _walk(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.is_text_node:
            out.append((child.text_content or "").replace("\n", " "))
        elif child.tag == "br":
            out.append("\n")
        elif child.is_element_node:
            block = child.tag in BLOCKS
            if block:
                out.append("\n")
            _walk(child, out)
            if block:
                out.append("\n")


def _in_order(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    """Matches of each comma-separated part in turn: the selector order is the priority."""
    found: list[LexborNode] = []
    for part in _split_selector(selector):
        found.extend(tree.css(part))
    return found


def _split_selector(selector: str) -> list[str]:
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


def _first_text(tree: LexborHTMLParser, selector: str) -> str:
    for node in _in_order(tree, selector):
        value = node.attributes.get("content") if node.tag == "meta" else node.text()
        text = clean_text(value or "")
        if text:
            return text
    return ""


def _generic_title(tree: LexborHTMLParser) -> str:
    return _first_text(tree, GENERIC_TITLE)


def lead_image(tree: LexborHTMLParser, base: str) -> str | None:
    """The page's og:image (else twitter:image) as an absolute http(s) URL, or None."""
    for node in _in_order(tree, IMAGE):
        try:  # Sina writes protocol-relative //n.sinaimg.cn/…
            return clean_url(node.attributes.get("content") or "", base)
        except Rejected:
            continue
    return None


def _published(tree: LexborHTMLParser, selector: str, tz: ZoneInfo) -> datetime | None:
    for node in _in_order(tree, selector):
        attrs = node.attributes
        raw = (
            attrs.get("data-date-time")
            or attrs.get("datetime")
            or attrs.get("content")
            or node.text()
        )
        value = parse_time(raw or "", tz)
        if value is not None:
            return value
    return None


def parse_time(text: str, tz: ZoneInfo = KST) -> datetime | None:
    """ISO 8601 (offset or not), "2019年11月25日 18:57" or Korean "2017.04.20. 오후 3:53"."""
    text = clean_text(text)
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if TZ_OFFSET.search(text) else text
    try:
        value = datetime.fromisoformat(iso)
        return value if value.tzinfo else value.replace(tzinfo=tz)
    except ValueError:
        pass
    zh = ZH_DATE.search(text)
    if zh:
        y, mo, d, h, mi = (int(g) for g in zh.groups())
        try:
            return datetime(y, mo, d, h, mi, tzinfo=tz)
        except ValueError:
            return None
    if not re.search(r"\d{4}[.\-/]\s*\d{1,2}[.\-/]\s*\d{1,2}", text):
        return None  # parse_korean would read "3분 전" relative to now; not a publication time
    far_past = datetime(1970, 1, 1, tzinfo=timezone(timedelta(0)))
    return parse_korean(text, now=far_past, tz=tz)
