"""The nesting guard counts depth as lexbor builds it: never shallower, exact on real pages.

lexbor itself is the oracle: its tree's depth is walked in Python and compared.
NEWSBOT_NESTING_EXAMPLES sets how many cases each property test tries (300 by default).
Catalogue: S14.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsbot.errors import FetchError
from newsbot.fetch.nesting import nesting, refuse_deep
from newsbot.fetch.page import Page
from tests.conftest import PAGES, shared_files


def lexbor_depth(html: bytes) -> int:
    """The deepest element of lexbor's tree (html = 1), text and comments not counted."""
    root = LexborHTMLParser(html).root
    deepest, todo = 0, [(root, 1)] if root is not None else []
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            if not child.tag.startswith(("-", "#", "_")):
                todo.append((child, depth + 1))
            child = child.next
    return deepest


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        (b"<html><body><div><p>x</p><br><img src=x></div></body></html>", 4),
        (b"<div>" * 50, 52),
        (b"<div/>" * 50, 52),  # '/>' opens a div in HTML
        (b"<div>" * 10 + b"</span>" * 50 + b"<div>" * 10, 22),  # stray closers close nothing
        (b"<div>" * 5 + b"</div>" * 20 + b"<div>" * 5, 7),
        (b"<br/>" * 100 + b"<img><hr><input>", 3),  # void elements never open
        (b"<script>" + b"<div>" * 100 + b"</script><div>", 3),  # raw text
        (b"<style>" + b"<div>" * 100 + b"</style>", 3),
        (b"<textarea>" + b"<div>" * 100 + b"</textarea>", 3),
        (b"<title>" + b"<div>" * 100 + b"</title>", 3),
        (b"<!--" + b"<div>" * 100 + b"-->", 2),
        (b"<!-->" + b"<div>" * 100 + b"-->", 102),  # a comment that ends at once
        (b"<svg>" + b"<path/>" * 100 + b"</svg>", 4),  # '/>' is honoured in SVG
        (b"<svg>" + b"<div/>" * 100, 102),  # <div> leaves SVG, then opens
        (b'<b x=a"><div>' * 10, 22),  # an unquoted value holds a quote
        (b'<a title="><div><div>">x</a>', 3),  # a quoted '>' ends no tag
        (b"<ul>" + b"<li>x" * 100 + b"</ul>", 4),  # <li> closes the open one
        (b"<li><section>" * 50, 102),  # ... but not across a section
        (b"<table>" + b"<tr><td>x" * 100 + b"</table>", 6),
        (b"<p><table>", 4),  # no doctype: quirks mode, where <table> opens inside the <p>
        (b"<!DOCTYPE html><p><table>", 3),  # no-quirks: it closes the <p> first
        (b"<p><!DOCTYPE html><table>", 4),  # a doctype after a tag changes nothing
        (b"".join(b"<p><b id=%d>x</p>" % i for i in range(100)), 103),  # reopened formatting
        (b"<p><b>x</p>" * 100, 7),  # at most three identical ones are reopened
        (b"<div></body>" * 50, 52),  # </body> closes nothing
        (b"<span><div></span>" * 50, 102),  # a span does not close across a div
        (b"<frameset>" * 30, 31),  # a frameset replaces the body
        (b"<math><mi><b/></mi>" * 30, 92),  # </mi> does not close an open HTML <b>
        (b"<svg><![CDATA[></svg>]]>" * 30, 32),  # CDATA is text in SVG: no </svg> there
        (b"<![CDATA[<div>]]>" * 30, 2),  # ... and a bogus comment in HTML
        (b"<math><svg><mo><b>" * 30, 122),  # an <svg> in MathML is MathML: its <mo> takes HTML
        (b'<svg><g><font x=" color ">' * 30, 92),  # only a real color/face/size leaves SVG
        (b"<svg><g><font color=red>" * 30, 33),
        (b"<math><annotation-xml><div>", 4),  # HTML only with an HTML encoding
        (b"<math><annotation-xml encoding='text&#47;HTML'><div>", 5),
        (b"<math><mi><mglyph/><mglyph><b>", 5),  # <mglyph> is MathML even in <mi>
        (b"<a><svg><a></a>" * 30, 63),  # </a> closes the SVG <a>
    ],
)
def test_S14_depth_is_counted_as_the_parser_builds_it(html: bytes, depth: int) -> None:
    assert nesting(html) == depth
    assert nesting(html) >= lexbor_depth(html)


def real_pages() -> list[Path]:
    mine = sorted(PAGES.rglob("*.html"))
    return mine + [p for p in shared_files("naver") + shared_files("sina") if p.suffix == ".html"]


@pytest.mark.parametrize("path", real_pages(), ids=lambda p: p.name[:50])
def test_real_pages_are_counted_exactly(path: Path) -> None:
    html = path.read_bytes()
    assert nesting(html) == lexbor_depth(html)


TAGS = [
    "div",
    "p",
    "b",
    "i",
    "a",
    "span",
    "li",
    "ul",
    "ol",
    "section",
    "br",
    "img",
    "script",
    "style",
    "textarea",
    "title",
    "em",
    "strong",
    "h1",
    "h2",
    "dd",
    "dt",
    "form",
    "button",
    "font",
    "nobr",
    "code",
    "u",
    "s",
    "small",
    "svg",
    "path",
    "math",
    "mi",
    "table",
    "tr",
    "td",
]
PIECES = ["x", " ", "<!--", "-->", "<!-->", '"', "'", "=", "/>", ">", "<", "</", "<!DOCTYPE html>"]
ATTRS = ["", " id=1", " id=2", " a=x/", ' a="y"', " /"]


def tokens(tags: list[str], attrs: list[str], pieces: list[str]) -> st.SearchStrategy[str]:
    """Start tags (with attributes), self-closing ones, end tags and loose pieces."""
    return st.one_of(
        st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(tags), st.sampled_from(attrs)),
        st.builds(lambda t: f"<{t}/>", st.sampled_from(tags)),
        st.builds(lambda t: f"</{t}>", st.sampled_from(tags)),
        st.sampled_from(pieces),
    )


EXAMPLES = int(os.environ.get("NEWSBOT_NESTING_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(tokens(TAGS, ATTRS, PIECES), min_size=1, max_size=12), st.sampled_from([1, 30]))
def test_S14_the_guard_never_counts_shallower_than_lexbor(parts: list[str], times: int) -> None:
    """Tag soup, once and repeated: a repeated fragment is how depth is made to grow."""
    html = "".join(parts).encode() * times
    assert nesting(html) >= lexbor_depth(html)


# SVG and MathML, their integration points (where HTML is read again) and HTML inside them:
# formatting elements, self-closing HTML tags (which open), stray end tags, CDATA
FOREIGN = ["svg", "math", "foreignObject", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
           "desc", "title", "g", "path", "mglyph"]  # fmt: skip
INSIDE = ["b", "i", "a", "nobr", "font", "em", "div", "p", "span", "br", "img", "table", "td",
          "li", "select"]  # fmt: skip
FOREIGN_ATTRS = ["", "", " color=red", " face=x", ' x=" color "', " encoding=text/html",
                 " encoding='application/xhtml+xml'", " encoding=x encoding=text/html", " id=1"]  # fmt: skip
FOREIGN_PIECES = ["x", " ", "<![CDATA[", "]]>", "<![CDATA[x]]>", "<!--", "-->", ">", "</"]
foreign_soup = st.lists(
    tokens(FOREIGN * 2 + INSIDE, FOREIGN_ATTRS, FOREIGN_PIECES), min_size=1, max_size=14
)


@settings(max_examples=EXAMPLES, deadline=None)
@example(["<math>", "<mi>", "<b/>", "</mi>"], 30)
@example(["<svg>", "<![CDATA[", ">", "</svg>", "]]>"], 30)
@example(["<math>", "<svg>", "<mo>", "<b>"], 30)
@example(["<svg>", "<desc>", "<b>", "</desc>"], 30)
@example(["<math>", "<mtext>", "<g/>", "</mtext>"], 30)
@example(["<math>", "<annotation-xml>", "<iframe>"], 30)
@example(["<svg>", "<g>", '<font x=" color ">'], 30)
@given(foreign_soup, st.sampled_from([1, 5, 30]))
def test_S14_svg_and_mathml_never_count_shallower(parts: list[str], times: int) -> None:
    """Foreign content: lexbor's rules there are not the body's, and a guess must err deeper."""
    html = "".join(parts).encode() * times
    assert nesting(html) >= lexbor_depth(html)


@pytest.mark.parametrize(
    "fragment",
    [
        b"<ul><a><strong/><menu><font/><malignmark><mrow/><strong>",  # lexbor's adoption agency
        b"<b><s><menu><u><x><y><z><ul></b>Q",  # ... leaves a <b> to reopen
        b"<rt><s><nobr></s>",  # a ruby annotation reopens nothing
        b"<p><b></p><noscript><li>",  # scripting is off: <noscript> reopens the <b>
        b"<dd><p><noscript>",  # a <dd> looks for an open one before it closes the <p>
        b"<button><select><button>",  # lexbor scopes a select's content
        b"<select><p><optgroup><p><marquee>",
        b"<form><p></form><mi><path><pre>",  # </form> closes the p and the form alone
        b"<object></table><a><table>",  # a marker stays when its element is popped
        b"<u><nobr></u>\0<rb><nobr/><ul>",  # a NUL is no text: it reopens nothing
        b"<frameset/><noframes><!--</noframes>",  # noframes is raw text in a frameset
        b"<math id=1/>&#0;<h1><frameset/><title>",  # lexbor: U+FFFD in MathML still lets it in
        b"<template></template><frameset/><noembed>",  # before the body, a frameset takes it
        b"<template><col><script></template><listing>",  # a template of columns ignores tags
        b"<i><noscript/><code></noscript><nobr><code><tt><mtext/><g/>",  # </noscript> closes one
        b"</noscript><noscript><mtext/>",  # ... but the first is in the head, and closed there
        b"<form><a><tt><em><u/><small><strike>",  # a second <form> is ignored
        b"<nobr/><strong><u></form><strong size=1><table/><code><form>",  # ... one in rows is empty
        b"<big/><tt/><font><s/><table> <section><a/>",  # spaces in rows reopen nothing
        b"<table/><table></table><h1><noscript><marquee><caption/>",  # it ends the first table
        b"<table/><col><button><sup></colgroup><u><dt/><div>",  # a colgroup takes only <col>
        b"<template/><td></template><menu/><header><mo><tr/><select><dl/><noframes>",
        b"</template><code><template><sup><col><tt/><object>",  # it began as a body: no columns
        b"<frameset><col><frameset><template/>",
        b"<table/><image/><rp><small><dd><nobr><s><em>",  # lexbor drops <image> in a table
        b"&#0;<!DOCTYPE html><p><span><table>",  # after text a doctype leaves quirks mode on
    ],
)
def test_S14_what_once_counted_shallower_does_not(fragment: bytes) -> None:
    """Outside SVG and MathML too: lexbor's table, select, form, frameset and template ways."""
    html = fragment * 30
    assert nesting(html) >= lexbor_depth(html)


@pytest.mark.parametrize(
    "doctype",
    [b"<!doctype" + b" " * 100_000 + b"html ", b"<!doctype html" + b" " * 100_000 + b"x>",
     b"<!doctype html>" * 10_000, b"<!doctypehtml>", b'<!doctype html system "about:legacy-compat">',
     b"<!DOCTYPE  HTML  >", b"<!doctype html"],
)  # fmt: skip
def test_S14_an_odd_doctype_never_makes_the_guard_count_shallower(doctype: bytes) -> None:
    """Only a plain ``<!DOCTYPE html>`` lets <table> close a <p>; padded, repeated, legacy or
    unfinished doctypes are read in one pass and count as quirks mode if in doubt."""
    html = doctype + b"<p><table>"
    assert nesting(html) >= lexbor_depth(html)


def page(body: bytes, content_type: str = "text/html") -> Page:
    return Page("https://news.twin.test/list", body=body, content_type=content_type)


def test_S14_the_repro_page_is_refused_at_once() -> None:
    """1.2 MB of <div/> held a run for 464 s; the guard stops after max_nesting tags."""
    with pytest.raises(FetchError) as err:
        refuse_deep(page(b"<div/>" * 200_000), 1000, "twin")
    assert err.value.status == "unexpected_content" and "max_nesting" in err.value.message


def test_only_html_is_measured() -> None:
    refuse_deep(page(b"<div>" * 5000, "application/json"), 1000, "sina")
    refuse_deep(page(b"<div>" * 998), 1000, "naver")  # html, body and 998 divs
    with pytest.raises(FetchError):
        refuse_deep(page(b"<div>" * 998, "text/html; charset=utf-8"), 999, "naver")
