"""Assertions on a post page built by Chirpy: what a reader sees, and that nothing else is there.

``daily`` and ``digest`` check one post body item by item: every heading, link and
image present, every scraped string shown as the literal text it was (kramdown's
typography aside), and no element or link that newsbot did not write.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.posts import digest as digest_style
from newsbot.posts import markdown as md
from tests.posts.chirpy import content, words
from tests.posts.samples import Entry, Item

DAILY_TAGS = {"div", "h2", "span", "a", "i", "p", "img"}
DIGEST_TAGS = {"div", "h2", "h3", "span", "a", "i", "p", "ul", "li", "strong", "hr"}
SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
# kramdown's typographic output back to what was typed (smart quotes, dashes, ellipsis)
TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\xa0": " "})


def shown(value: str) -> str:
    """``value`` as a reader sees it: one line, whitespace collapsed, plain quotes."""
    text = md.CONTROLS.sub(" ", value).translate(TYPOGRAPHY)
    return " ".join(text.replace("—", "---").replace("–", "--").split())


def alt_shown(title: str) -> str:
    """The alt Chirpy gives an image titled ``title``: it edits the ``<img>`` tag as a
    string, dropping " /" and renaming " w=" and " h=" even inside the alt."""
    text = md.CONTROLS.sub(" ", title).strip(" ")
    return shown(text.replace(" /", "").replace(" w=", " width=").replace(" h=", " height="))


def sections(body: LexborNode) -> list[list[LexborNode]]:
    """The body's elements, cut at each ``<h2>``: one list per item."""
    found: list[list[LexborNode]] = []
    for child in body.iter():
        if child.tag == "h2":
            found.append([])
        assert found, f"content before the first item: {child.html[:120]}"
        found[-1].append(child)
    return found


def daily(page: LexborHTMLParser, items: Sequence[Item], *, contained: bool) -> None:
    """Every item's heading link, image and snippet, and nothing else."""
    body = content(page)
    cut = sections(body)
    assert len(cut) == len(items)
    for (heading, *rest), item in zip(cut, items, strict=True):
        link = _heading_link(heading)
        assert link.attributes.get("href") == item.url, item
        assert shown(words(link)) == shown(item.title), item
        assert len(rest) == (1 if item.thumbnail or md.text(item.snippet) else 0), item
        para = rest[0] if rest else None
        if para is not None:
            assert para.tag == "p", item
            assert ("overflow-hidden" in _classes(para)) == contained, item
            assert shown(words(para)) == shown(item.snippet), (item, para.html)
        _thumbnail(para, item)
    only_ours(body, DAILY_TAGS, {i.url for i in items} | {i.thumbnail for i in items} - {None})


def digest(page: LexborHTMLParser, entries: Sequence[Entry]) -> None:
    """Every entry's headline, source link, bullets and implications, and nothing else."""
    body = content(page)
    cut = sections(body)
    assert len(cut) == len(entries)
    for section, entry in zip(cut, entries, strict=True):
        tags = [n.tag for n in section]
        lists = 2 if entry.implications else 1
        assert tags == ["h2", "p", *(["h3", "ul"] * lists), "hr"], (tags, entry)
        assert shown(words(section[0])) == shown(entry.headline), entry
        source = section[1].css("a")
        assert [a.attributes.get("href") for a in source] == [entry.link], entry
        assert shown(words(source[0])) == shown(entry.source), entry
        bullets = [shown(words(li)) for li in section[3].css("li")]
        assert bullets == [shown(b) for b in entry.summary], entry
        if entry.implications:
            said = [shown(words(li)) for li in section[5].css("li")]
            labelled = zip(digest_style.IMPLICATION_LABELS, entry.implications, strict=True)
            assert said == [shown(f"{label}: {text}") for label, text in labelled], entry
    labels = sum(len(e.implications) for e in entries)
    assert len(body.css("strong")) == labels
    only_ours(body, DIGEST_TAGS, {e.link for e in entries})


def only_ours(body: LexborNode, tags: set[str], urls: set[str]) -> None:
    """No element, link, image, handler or scheme in ``body`` that newsbot did not write."""
    ids = {n.attributes.get("id") for n in body.css("h2, h3")}
    for node in body.traverse():
        assert node.tag in tags, f"foreign <{node.tag}>: {node.html[:120]}"
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), f"event handler: {node.html[:120]}"
            assert not (value or "").strip().lower().startswith(SCHEMES), node.html[:120]
    for a in body.css("a"):
        href = a.attributes.get("href") or ""
        anchor = href.startswith("#") and href[1:] in ids and "anchor" in _classes(a)
        assert anchor or href in urls, f"a link newsbot did not write: {a.html[:120]}"
    for img in body.css("img"):
        assert img.attributes.get("src") in urls, f"an image newsbot did not write: {img.html}"


def nothing_but_the_theme(page: LexborHTMLParser, clean: LexborHTMLParser) -> None:
    """Outside its body too, ``page`` has only what a clean post page of the theme has:
    the same scripts, links to the same hosts, the same handlers and script URLs (the
    theme's javascript: e-mail link), and a description that is text only."""
    assert _scripts(page) == _scripts(clean)
    assert _outside_hosts(page) <= _outside_hosts(clean)
    assert _risky(page) == _risky(clean)
    shown_desc = page.css_first("article header p.post-desc")
    assert shown_desc is None or not list(shown_desc.iter()), shown_desc.html


def _scripts(page: LexborHTMLParser) -> list[tuple[str | None, str | None]]:
    return [(s.attributes.get("src"), s.attributes.get("type")) for s in page.css("script")]


def _risky(page: LexborHTMLParser) -> set[tuple[str, str]]:
    """Every event handler attribute and script-scheme URL on the page."""
    found = set()
    for node in page.root.traverse() if page.root is not None else ():
        for attr, value in node.attributes.items():
            url = (value or "").strip().lower()
            if attr.lower().startswith("on") or url.startswith(SCHEMES):
                found.add((attr, value or ""))
    return found


def _outside_hosts(page: LexborHTMLParser) -> set[str]:
    """Hosts linked outside the post body (theme, share buttons, CDNs)."""
    rest = LexborHTMLParser(page.html or "")
    content(rest).decompose()
    urls = (n.attributes.get("href") or n.attributes.get("src") for n in rest.css("[href], [src]"))
    return {urlsplit(url or "").hostname or "" for url in urls}


def _heading_link(heading: LexborNode) -> LexborNode:
    links = [a for a in heading.css("a") if "anchor" not in _classes(a)]
    assert len(links) == 1, heading.html
    return links[0]


def _thumbnail(para: LexborNode | None, item: Item) -> None:
    images = para.css("img") if para is not None else []
    srcs = [i.attributes.get("src") for i in images]
    assert srcs == ([item.thumbnail] if item.thumbnail else []), item
    if images:
        assert shown(images[0].attributes.get("alt") or "") == alt_shown(item.title), item
        wrapper = images[0].parent
        assert wrapper is not None and wrapper.tag == "a"
        assert wrapper.attributes.get("href") == item.thumbnail
        assert {"popup", "img-link", "left", "w-10"} <= _classes(wrapper)


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").split())
