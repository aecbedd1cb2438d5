"""What the generic extractor removes: boilerplate by tag, role, class token and shape.

Class and id names are read as whole tokens: a token is noise when it *starts*
or *ends* with a noise word (``related-posts``, ``article-share``, ``comments``).
Words inside a token do not count, so ``l-article-body-segment``,
``Page-ad-margins``, ``non-ad-column`` or ``header-style-header-2`` are kept; a camelCase
hump is a separator (``relatedArticles``, ``socialShareBar``). A page builder's prefix is
read past (``elementor-widget-theme-post-content`` is content; HubSpot's grid,
``widget-span widget-type-cell``, says nothing), and so is a negation
(``no_caption``).
Nothing that holds most of the running text a reader sees (hidden boxes aside) is removed,
whatever its name, nor three or more boxes of one class side by side that hold it together (a
review's product cards), nor a section whose id spells out its own heading
(``sharing-with-a-single-developer``). Hidden text goes unless it holds three quarters of
the page's (a story a script will reveal), alone or as a gallery's slides of one class side
by side, and so does a slideshow's list of captions. Of sibling boxes that say the same
paragraphs word for word (a story rendered once per screen size), only the first is read.
A box round an email or phone field (a newsletter's pitch, whatever its classes) goes with
the field; the boxes round an embedded social post stay, whatever their names. On a
WordPress page, whose body names the post it shows (``postid-1806``), the boxes of other
posts (``post-7816``: related, next, recent) go, unless one holds the shown post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import islice

from selectolax.lexbor import LexborNode

from newsbot.extract.dom import outermost, paragraphs, remove
from newsbot.normalize import WORD

STRUCTURE = (
    "nav, aside, footer, menu, dialog, "
    '[role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], '
    '[role="dialog"]'
)
HIDDEN = (
    '[aria-hidden="true"], [hidden], '
    '[style*="display:none" i], [style*="display: none" i], [style*="visibility:hidden" i], '
    '[style*="visibility: hidden" i], '
    ".w-condition-invisible"  # Webflow's conditional visibility: display none, at every width
)
# a class or id token is noise when it is one of these, or starts or ends with one at a
# separator (``related-posts``, ``article-share``; not ``l-article-body-segment``)
NOISE_WORDS = frozenset(
    {
        "comment", "comments", "comment-list", "commentlist", "disqus", "reply", "replies",
        "sidebar", "side-bar", "widget", "widgets", "related", "recommend", "recommended",
        "recommendation", "more-stories", "morestories", "popular", "most-read", "mostread",
        "trending", "share", "sharing", "sharebar", "social", "sns",
        "newsletter", "subscribe", "subscription", "signup", "promo", "promotion", "advert",
        "advertisement", "ad", "ads", "adslot", "ad-slot", "sponsor", "sponsored", "banner",
        "breadcrumb", "breadcrumbs", "pagination", "paging", "pager", "navbar", "nav", "navi",
        "menu", "footer", "cookie", "cookies", "consent", "gdpr", "modal", "popup", "overlay",
        "toolbar", "tags", "tag-list", "taglist", "keywords", "copyright", "gnb", "lnb", "snb",
        "bd_lst", "board_list", "list_board", "skip", "jump", "print", "author-bio", "author-box",
        "bio", "newsletter-signup", "outbrain", "taboola", "caption", "credit", "credits",
        "sharedaddy", "relatedposts", "likes", "post-views",
    }
)  # fmt: skip
_NOISE_EDGES = tuple(NOISE_WORDS)
# Page builders wrap every block in a "widget" or "module": only what follows says what it is
# (``elementor-widget-theme-post-content``, ``elementor-widget-share-buttons``; HubSpot's
# ``widget-span widget-type-cell``, ``hs_cos_wrapper_widget``, ``widget-type-social_sharing``)
BUILDER = re.compile(
    r"^(elementor|et_pb|vc|fl)[-_]((widget|module|element)s?([-_]|$))*"
    r"|^widget-(span$|type-(custom_(widget|module)$)?)|^hs_cos_wrapper(_type|_widget)?(_|$)",
    re.I,
)
CAMEL = re.compile(r"([a-z])([A-Z])")  # ``relatedArticles`` reads as ``related-articles``
BUILDER_PREFIXES = ("elementor", "et_pb", "vc", "fl", "widget-span", "widget-type-", "hs_cos_")
# ``no_caption``, ``non-ad``: the opposite of noise; ``no-print`` (left out of a printout) is not
NEGATED = re.compile(r"(no|non|not|without)[-_](?!print)", re.I)
# Inside the article: captions, credits, galleries and embedded promos
INNER_DROP = (
    "figure figcaption, figcaption, .wp-caption-text, .caption, .credit, "
    "[itemprop='caption'], [class*='gallery-label']"
)
POST_ID = re.compile(r"(?:^|\s)(?:postid|page-id)-(\d+)(?:\s|$)")  # the post a page shows
POST_BOX = re.compile(r"(?:^|\s)post-(\d+)(?:\s|$)")  # a post's box, whichever post
SIGNUP = "input[type=email], input[type=tel]"
SIGNUP_TEXT = 800  # a signup box's heading, pitch, consent line and thank-you; not a story
# the markup each network's embed code leaves before its script runs (X, Instagram, TikTok,
# Bluesky, Mastodon, Threads)
EMBEDS = (
    "blockquote.twitter-tweet, blockquote.instagram-media, blockquote.tiktok-embed, "
    "blockquote.bluesky-embed, blockquote.mastodon-embed, blockquote.text-post-media"
)
EMBED_WRAPPERS = 3  # boxes round an embedded post that it spares (1 spares less, 5 no more)
KEEP_TAGS = frozenset({"html", "body", "article", "main"})
INLINE = frozenset({"a", "span", "em", "i", "b", "strong", "small", "sup", "sub", "abbr", "cite",
                    "q", "mark", "u", "time", "code", "font"})  # fmt: skip
CAPTION = 200  # characters of text an image box may hold and still be only a caption
LABELS = 3  # short lines beside an image that make it a graphic or a card, not text
LABEL = 60  # a label is shorter than this (characters)
ANCHOR_WORDS = 4  # an id of this many words may be a heading's anchor, not a widget's name
HIDDEN_SHARE = 0.75  # a hidden box holding more of the page's running text stays
KEEP_SHARE = 0.5  # a box holding more of the page's running text than this stays
SIDE_BY_SIDE = 3  # boxes of one class under one parent that may hold that text together
# a slide's counter, at the start of each item of a slideshow's captions: "1/50", "2 of 12"
COUNTER = re.compile(r"\s*(\d{1,3})\s*(?:/|of)\s*(\d{1,3})\b", re.I)
LINK_POST = 0.4  # link lists holding more of the article's text than this are its text
SAID = 3  # words outside its links that make a list item a sentence of its own
VARIANT = 200  # running text (characters) a box needs to count as a copy of its sibling
VARIANT_TAGS = "div, section, article"
VARIANT_PARAS = "p, li, h1, h2, h3, h4, h5, h6, blockquote"  # a copy holds two of these or more
SLIDES = 3  # items in a row numbered 1, 2, 3… of one total that make a list a slideshow


def running_text(root: LexborNode, min_run: int = 25) -> dict[int, int]:
    """Per element (by ``mem_id``): characters in its text runs of at least ``min_run``.

    Short runs (menu entries, labels, buttons) do not count; one walk serves the page.
    """
    sizes: dict[int, int] = {}
    for n in root.traverse(include_text=True):
        if not n.is_text_node:
            continue
        run = len((n.text_content or "").strip())
        parent = n.parent if run >= min_run else None
        while parent is not None:
            sizes[parent.mem_id] = sizes.get(parent.mem_id, 0) + run
            parent = parent.parent
    return sizes


def running_total(node: LexborNode, min_run: int = 25) -> int:
    """Characters in ``node``'s text runs of at least ``min_run``: ``running_text``'s figure
    for one element, read in one pass of the parser's own code."""
    runs = (len(t.strip()) for t in node.text(deep=True, separator="\0", strip=False).split("\0"))
    return sum(run for run in runs if run >= min_run)


def text_size(node: LexborNode) -> int:
    """Characters of text in ``node``, whitespace excluded."""
    return len("".join((node.text(deep=True) or "").split()))


def link_density(
    node: LexborNode, size: int | None = None, links: dict[int, int] | None = None
) -> float:
    """The share of ``node``'s text that sits in links (1.0 for an empty node). ``links``
    keeps each link's size across calls on nested boxes, which share their links."""
    total = text_size(node) if size is None else size
    if not total:
        return 1.0
    if links is None:
        links = {}
    linked = 0
    for a in node.css("a"):
        key = a.mem_id
        if key not in links:
            links[key] = text_size(a)
        linked += links[key]
    return min(1.0, linked / total)


def is_noise_name(node: LexborNode) -> bool:
    """Whether a class or id token of ``node`` names boilerplate."""
    if node.tag in KEEP_TAGS:
        return False
    attrs = node.attributes
    ident = attrs.get("id")
    return _noisy(attrs.get("class") or "") or any(map(_noise_token, (ident or "").split()))


@lru_cache(maxsize=4096)
def _noisy(names: str) -> bool:
    # a page repeats its class strings hundreds of times (an id, once: not cached here)
    return any(map(_noise_token, names.split()))


@lru_cache(maxsize=16384)
def _noise_token(token: str) -> bool:
    """Whether one class or id token names boilerplate: it is a noise word, or starts with
    one followed by a separator, or ends with one after a separator (``related-posts``,
    ``article-share``). Set lookups, not a regex: a page holds thousands of tokens, most of
    them its own."""
    if token[:1] in "nNwW" and NEGATED.match(token):
        return False
    name = token.lower()
    if name != token:  # capitals: a camelCase hump may part two words
        name = CAMEL.sub(r"\1-\2", token).lower()
    if name.startswith(BUILDER_PREFIXES):
        name = BUILDER.sub("", name)
    if not (name.startswith(_NOISE_EDGES) or name.endswith(_NOISE_EDGES)):
        return False  # most tokens: one C call
    if name in NOISE_WORDS:
        return True
    cuts = [i for i, ch in enumerate(name) if ch in "-_"]
    return any(name[:i] in NOISE_WORDS or name[i + 1 :] in NOISE_WORDS for i in cuts)


def strip_page(root: LexborNode, runs: dict[int, int]) -> None:
    """Remove boilerplate from the whole page. A box holding most of the text a reader sees
    (``runs``, measured against what is left once hidden boxes go) stays, and a hidden box or
    a slideshow only with three quarters of all of it."""
    page_text = runs.get(root.mem_id, 0)

    def small(node: LexborNode) -> bool:
        return runs.get(node.mem_id, 0) <= KEEP_SHARE * page_text

    remove([n for n in root.css(STRUCTURE) if n.tag not in KEEP_TAGS and small(n)])
    # hidden text is not read, unless it is plainly the story (a paywall's, until a script)
    hidden = HIDDEN_SHARE * page_text
    # and a gallery's slides, each hidden until a script shows it, are its story together
    unseen = [
        n for n in root.css(HIDDEN) if n.tag not in KEEP_TAGS and runs.get(n.mem_id, 0) <= hidden
    ]
    remove(_less_cards(unseen, runs, hidden))
    # a responsive page can render its story once per screen size, each copy shown by CSS
    remove(_variants(root, runs))
    # what is left is what a reader sees: "most of the text" means most of that
    page_text = running_total(root)
    # an embedded post is quoted in the story, whatever its wrapper's name (``social-embed``)
    spared = _embed_wrappers(root)
    # a layout wrapper (``and-w-sidebar``) holds the headline; a sidebar or comments do not
    named = [
        n
        for n in root.css("[class], [id]")
        if is_noise_name(n)
        and small(n)
        and not _in_sentence(n)
        and not _heading_anchor(n)
        and n.mem_id not in spared
    ]
    named = _less_cards(named, runs, KEEP_SHARE * page_text)
    remove([n for n in named if n.css_first("h1") is None])
    # a WordPress page's teasers of other posts (related, next, recent): their boxes say so
    remove([n for n in _other_posts(root) if small(n) and n.css_first("h1") is None])
    # a slideshow's captions can outweigh the story they illustrate (fifty of them)
    remove([n for n in root.css("ul, ol") if _slideshow(n) and runs.get(n.mem_id, 0) <= hidden])
    # a box around a field for an email or a phone number pitches a newsletter, or asks for
    # a comment: its copy goes with the field
    sizes: dict[int, int] = {}  # each box's text is measured once, however many fields it holds
    remove(outermost([_signup_box(field, small, sizes) for field in root.css(SIGNUP)]))
    # ASP.NET pages wrap the whole page in one <form>: only a small form is a form
    remove([f for f in root.css("form") if f.css_first("input, textarea") and small(f)])
    remove(root.css("label, input"))  # form controls' captions ("自动播放", "Remember me")


def _other_posts(root: LexborNode) -> list[LexborNode]:
    """The outermost boxes of other posts than the one the page shows: WordPress names that
    one in the body's class (``postid-1806``, ``page-id-42``) and every post's box in its own
    (``post-1806``); a box holding the page's own post is not another post's."""
    body = root if root.tag == "body" else root.css_first("body")
    shown = POST_ID.search(body.attributes.get("class") or "") if body is not None else None
    if shown is None:
        return []
    boxes = [
        (n, m[1])
        for n in root.css('[class*="post-"]')
        if (m := POST_BOX.search(n.attributes.get("class") or ""))
    ]
    holds_shown: set[int] = set()  # the shown post's boxes and their ancestors
    for box, post in boxes:
        node: LexborNode | None = box
        while post == shown[1] and node is not None and node.mem_id not in holds_shown:
            holds_shown.add(node.mem_id)
            node = node.parent
    return outermost([n for n, post in boxes if post != shown[1] and n.mem_id not in holds_shown])


def _embed_wrappers(root: LexborNode) -> set[int]:
    """The boxes (``EMBED_WRAPPERS`` levels) round each embedded social post on the page."""
    spared = set()
    for post in root.css(EMBEDS):
        up = post.parent
        for _ in range(EMBED_WRAPPERS):
            if up is None:
                break
            spared.add(up.mem_id)
            up = up.parent
    return spared


def _signup_box(
    field: LexborNode, small: Callable[[LexborNode], bool], sizes: dict[int, int]
) -> LexborNode:
    """The largest box around ``field`` that holds at most ``SIGNUP_TEXT`` characters of text
    and is ``small`` (a short story's box is never its signup form's)."""
    box, up = field, field.parent
    while up is not None and up.tag not in KEEP_TAGS and small(up):
        if up.mem_id not in sizes:
            sizes[up.mem_id] = text_size(up)
        if sizes[up.mem_id] > SIGNUP_TEXT:
            break
        box, up = up, up.parent
    return box


def _variants(root: LexborNode, runs: dict[int, int]) -> list[LexborNode]:
    """Boxes that repeat an earlier sibling's text word for word (``VARIANT`` characters of
    running text or more): one layout per screen size, which CSS alone tells apart."""
    first: dict[tuple[int, int], LexborNode] = {}  # the first box of each size, per parent
    texts: dict[tuple[int, int], set[str]] = {}  # the texts of that size read so far
    copies = []
    for node in root.css(VARIANT_TAGS):
        size = runs.get(node.mem_id, 0)
        parent = node.parent
        if size < VARIANT or parent is None:
            continue
        key = (parent.mem_id, size)
        if key not in first:
            first[key] = node
            continue
        # text is read only beside a sibling of the same size: a nest of wrappers costs nothing
        if not _paragraphed(node):
            continue
        seen = texts.setdefault(key, {first[key].text(deep=True)})
        text = node.text(deep=True)
        if text in seen:
            copies.append(node)
        else:
            seen.add(text)
    return copies


def _paragraphed(node: LexborNode) -> bool:
    """Whether ``node`` is a layout of paragraphs, not a paragraph (a ``div`` of text)."""
    return len(node.css(VARIANT_PARAS)) >= 2


def _less_cards(
    nodes: list[LexborNode], runs: dict[int, int], most: int | float
) -> list[LexborNode]:
    """``nodes`` less three or more sibling boxes of one class that together hold over ``most``
    of the text: a review's product cards (``c-product-widget``), each small, are the review."""
    groups: dict[tuple[int, str], list[LexborNode]] = {}
    for n in nodes:
        parent = n.parent
        key = (parent.mem_id if parent is not None else 0, n.attributes.get("class") or "")
        groups.setdefault(key, []).append(n)
    keep = {
        n.mem_id
        for (_, name), group in groups.items()
        if name and len(group) >= SIDE_BY_SIDE and sum(runs.get(n.mem_id, 0) for n in group) > most
        for n in group
    }
    return [n for n in nodes if n.mem_id not in keep] if keep else nodes


def _slideshow(node: LexborNode) -> bool:
    """A list whose first items open with the counters 1/N, 2/N, 3/N: slide captions."""
    items = islice((li for li in node.iter() if li.tag == "li"), SLIDES)
    totals, seen = set(), 0
    for seen, item in enumerate(items, 1):
        found = COUNTER.match(_first_words(item))
        if found is None or int(found.group(1)) != seen:
            return False
        totals.add(int(found.group(2)))
    return seen == SLIDES and len(totals) == 1 and totals.pop() >= SLIDES


def _first_words(node: LexborNode) -> str:
    """The first text under ``node`` (a long item is not read whole)."""
    for n in node.traverse(include_text=True):
        if n.is_text_node and (text := (n.text_content or "").strip()):
            return text
    return ""


def _heading_anchor(node: LexborNode) -> bool:
    """An id that spells out the box's own heading (``id="sharing-with-a-single-developer"``
    over "Sharing with a single developer"): a document section's anchor, not a widget."""
    words = [w for w in re.split(r"[-_]", (node.attributes.get("id") or "").casefold()) if w]
    heading = node.css_first("h1, h2, h3, h4, h5, h6") if len(words) >= ANCHOR_WORDS else None
    if heading is None:
        return False
    return WORD.findall((heading.text() or "").casefold())[: len(words)] == words


def _in_sentence(node: LexborNode) -> bool:
    """An inline element with words on either side: part of a sentence, whatever its class
    (``<a class="popup">do your duty</a>``)."""
    if node.tag not in INLINE:
        return False
    for side in (node.prev, node.next):
        if side is not None and side.is_text_node and (side.text_content or "").strip():
            return True
    return False


def strip_inside(parts: list[LexborNode]) -> None:
    """Remove what sits inside an article (its ``parts``) but is not its text: captions, link
    lists and lines that are a link to another story. Link lists holding over ``LINK_POST``
    of the article's text are its text, and stay: a post of links, a catalogue of courses."""
    found: list[LexborNode] = []
    links: dict[int, int] = {}
    for node in parts:
        remove(node.css(INNER_DROP))
        boxes = node.css("div, span, figure")
        remove([n for n in boxes if _image_box(n) and not _in_sentence(n)])
        lists = node.css("ul, ol, dl, table, div, section, p")
        found.extend(n for n in lists if _link_box(n, links))
    if not found:
        return
    found = outermost(found)
    if sum(map(text_size, found)) <= LINK_POST * sum(map(text_size, parts)):
        remove(found)


def _image_box(node: LexborNode) -> bool:
    """An image with a line of text beside it (a caption, whatever its class), or with a few
    short labels and no sentence (a chart's data labels, a promo card: "Caption", "Close")."""
    if node.css_first("img") is None:
        return False
    if node.css_first("p, h1, h2, h3, h4, li, table") is None:
        return 0 < text_size(node) <= CAPTION
    if text_size(node) > CAPTION:
        return False
    lines = paragraphs(node)
    return len(lines) >= LABELS and max(map(len, lines)) < LABEL


def _link_box(node: LexborNode, links: dict[int, int]) -> bool:
    """A list of links (related stories, tags, share buttons) rather than text."""
    if node.tag not in ("ul", "ol", "dl") and node.css_first("a") is None:
        return False  # no links, and not an empty list
    size = text_size(node)
    if size == 0:
        return node.css_first("img, video, p") is None and node.tag in ("ul", "ol", "dl")
    density = link_density(node, size, links)
    if node.tag in ("div", "section", "p"):  # a <p> of a link: "Related: …", "Lea más: …"
        return density > 0.7 and size < 300
    return density > 0.5 and not _sentences(node)


def _sentences(node: LexborNode) -> bool:
    """A list whose items are mostly sentences of their own, links inside them ("This hotel
    features in my lists of the 10 best hotels in Bangkok."): text, not a list of links."""
    items = [li for li in node.iter() if li.tag in ("li", "dd")]
    said, left = 0, len(items)
    for li in items:
        if 2 * (said + left) <= len(items):
            return False  # the rest cannot make a majority
        left -= 1
        text = (li.text() or "").strip()
        if text[-1:] not in ".!?。！？":  # most links of a list end without a full stop
            continue
        linked = sum(len(WORD.findall(a.text() or "")) for a in li.css("a"))
        said += len(WORD.findall(text)) - linked >= SAID
    return 2 * said > len(items)
