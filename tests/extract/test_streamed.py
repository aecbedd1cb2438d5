"""A page React streamed: its late parts, hidden at the end, read where a browser shows them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsbot.extract import streamed
from tests.extract.test_generic import page, para, text_of


def order(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"Paragraph (\d+),", text)]


def paras(numbers: range) -> str:
    return "".join(para(i) for i in numbers)


def boundary(n: int) -> str:
    """A Suspense boundary still pending: its slot and its fallback."""
    return f'<!--$?--><template id="B:{n}"></template><div>Loading paragraph...</div><!--/$-->'


def test_a_story_whose_second_half_was_streamed_reads_whole_and_in_order() -> None:
    """The layout of a Next.js story page: two boundaries in the article, their parts (the
    second holding a placeholder that a third part fills) hidden after it, and the calls."""
    article = f"<article><h1>Buses</h1>{paras(range(3))}{boundary(0)}{paras(range(10, 12))}{boundary(1)}</article>"
    parts = (
        f'<div hidden id="S:0">{paras(range(3, 6))}</div>'
        f'<div hidden id="S:1">{paras(range(12, 15))}<div><template id="P:2"></template></div></div>'
        f'<div hidden id="S:2">{paras(range(15, 17))}</div>'
        '<script>$RC("B:0","S:0")</script><script>$RS("S:2","P:2")</script>'
        '<script>$RC("B:1","S:1")</script>'
    )
    got = text_of(article + "<footer>About us</footer>" + parts)
    assert order(got) == [*range(6), *range(10, 17)], got
    assert "Loading" not in got


def test_the_calls_name_the_slot_when_numbers_differ() -> None:
    html = (
        f"<div class='story'>{paras(range(3))}{boundary(7)}</div>"
        f'<div hidden id="S:3">{paras(range(3, 8))}</div><script>$RC("B:7","S:3")</script>'
    )
    assert order(text_of(html)) == list(range(8))


def test_without_the_calls_a_part_fills_the_slot_of_its_number() -> None:
    html = f"<div class='story'>{paras(range(3))}{boundary(4)}</div><div hidden id='S:4'>{paras(range(3, 8))}</div>"
    assert order(text_of(html)) == list(range(8))


def test_a_part_with_no_slot_stays_hidden_and_a_fallback_never_closed_stays() -> None:
    """Only what a script would show is shown: a hidden box named like a part, with no slot
    for it, is still a hidden box; a boundary that never closes loses nothing."""
    secret = '<div hidden id="S:9"><p>Hidden draft text that nobody was ever meant to read here.</p></div>'
    got = text_of(f"<article>{paras(range(4))}</article>{secret}")
    assert order(got) == list(range(4)) and "Hidden draft" not in got
    tree = LexborHTMLParser(
        page('<div><template id="B:0"></template><p>Kept, no closing comment.</p></div>'
             '<div hidden id="S:0"><p>Part</p></div>').text
    )  # fmt: skip
    assert streamed.reassemble(tree.body, "") is True
    assert "Kept, no closing comment." in tree.body.text() and "Part" in tree.body.text()


def test_a_part_whose_slot_sits_inside_itself_is_dropped_without_harm() -> None:
    html = (
        f"<article>{paras(range(4))}</article>"
        '<div hidden id="S:1"><div><p>Loop</p><template id="P:1"></template></div></div>'
    )
    tree = LexborHTMLParser(page(html).text)
    streamed.reassemble(tree.body, "")
    assert order(tree.body.text()) == list(range(4)) and "Loop" not in tree.body.text()


def test_parts_nested_in_parts_or_in_their_own_fallback_are_never_touched_once_gone() -> None:
    """A hostile page nests a part in another part, or puts a part inside the fallback its
    own move removes: each is looked up afresh after every move, so none is read once freed
    (lexbor frees what a move removes), and nothing visible is lost."""
    nested = (
        '<div><template id="P:0"></template><template id="P:1"></template></div>'
        '<div hidden id="S:0"><p>zero</p><div hidden id="S:1"><p>one</p></div></div>'
    )
    tree = LexborHTMLParser(page(nested).text)
    assert streamed.reassemble(tree.body, "")
    assert [p.text() for p in tree.body.css("p")] == ["zero", "one"]
    assert tree.body.css_first("[hidden]") is None
    own = (
        '<div><!--$?--><template id="B:0"></template><div hidden id="S:0"><p>inside</p></div>'
        "<!--/$--></div><p>after</p>"
    )
    tree = LexborHTMLParser(page(own).text)
    assert streamed.reassemble(tree.body, "") is False
    assert tree.body.css_first("#S\\:0") is not None and "after" in tree.body.text()


def test_thousands_of_parts_move_at_most_the_bound() -> None:
    """A hostile page of 5,000 parts and slots: each move looks its slot up in the page, so
    only ``MOST`` move; the rest stay hidden, and the page's own text stays."""
    n = 5000
    slots = "".join(f'<template id="P:{i}"></template>' for i in range(n))
    parts = "".join(f'<div hidden id="S:{i}"><p>part {i}</p></div>' for i in range(n))
    tree = LexborHTMLParser(
        page(f"<article>{paras(range(3))}<div>{slots}</div></article>{parts}").text
    )
    assert streamed.reassemble(tree.body, "")
    shown = [p for p in tree.body.css("article p") if p.text().startswith("part ")]
    assert len(shown) == streamed.MOST
    assert order(tree.body.text()) == list(range(3))


@given(
    st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["P", "B", "X"])), max_size=8),
    st.lists(st.integers(0, 6), max_size=8),
)
def test_no_visible_text_is_ever_lost(slots: list[tuple[int, str]], parts: list[int]) -> None:
    """Whatever slots and parts a page has, and whether they match, every visible line of it
    is still there after the parts moved, once each, in its order."""
    body = ""
    for i, (n, kind) in enumerate(slots):
        slot = boundary(n) if kind == "B" else f'<template id="{kind}:{n}"></template>'
        body += f"<p>visible {i}</p>{slot}"
    body += "".join(f'<div hidden id="S:{n}"><p>streamed {n}</p></div>' for n in parts)
    tree = LexborHTMLParser(page(body).text)
    streamed.reassemble(tree.body, body)
    text = tree.body.text()
    assert re.findall(r"visible (\d+)", text) == [str(i) for i in range(len(slots))]
