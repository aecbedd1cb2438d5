"""The second opinion (trafilatura) on the generic pass: each rule of ``combine``, and
what the two together do to real and hostile pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsbot.extract import consensus, generic
from newsbot.extract.consensus import combine, second_opinion
from newsbot.fetch.page import Page
from tests.extract.test_extract import extract
from tests.extract.test_generic import STORY, page

LONG = [f"{STORY[i % 3]} Part {i} of the story goes on with more words in it." for i in range(6)]


def test_when_the_two_read_different_boxes_the_second_opinion_wins() -> None:
    # ours is the longer: a box of teasers for other stories, nothing of theirs in it
    related = [
        f"Teaser {i}: what happened to the old harbour, and why it matters now" for i in range(9)
    ]
    assert combine(related, LONG[:3]) == LONG[:3]


def test_a_fragment_of_another_box_does_not_replace_our_story() -> None:
    """trafilatura sometimes reads a teaser list or the breadcrumbs: another box, but a quarter
    of our length or less is a fragment beside the story, not the story."""
    story = LONG * 2
    crumbs = ["Home", "Knowledge center", "What is an online course?"]
    assert combine(story, [*crumbs, "Posted on 3 May by the editors of the site"]) == story
    teasers = [f"Teaser {i}: the old harbour, and why it..." for i in range(4)]
    assert combine(story, teasers) == story
    assert combine(story, teasers * 3) == teasers * 3  # as long as a story: another story


def test_a_story_ours_read_only_part_of_is_taken_whole_from_theirs() -> None:
    assert combine(LONG[:2], LONG) == LONG  # theirs holds ours, adds running text


def test_a_longer_answer_that_only_adds_short_lines_does_not_win() -> None:
    menu = [f"Section {i}" for i in range(40)]  # long in total, no running text
    theirs = LONG[:3] + menu
    assert combine(LONG[:3], theirs) == LONG[:3]


def test_short_lines_at_our_edges_that_theirs_left_out_go() -> None:
    ours = ["Share this article", *LONG[:2], "Gallery", *LONG[2:4], "No ratings yet"]
    theirs = LONG[:4]
    # the edges go; "Gallery" inside the story stays: theirs may have dropped a real subhead
    assert combine(ours, theirs) == [*LONG[:2], "Gallery", *LONG[2:4]]
    edge = "A closing line of real text, long enough (a hundred characters or more) to be kept even at the edge."
    assert combine([*LONG[:4], edge], theirs) == [*LONG[:4], edge]


def test_a_story_that_repeats_its_paragraphs_still_agrees_with_theirs() -> None:
    """trafilatura keeps one copy of a repeated paragraph: repetition is not disagreement."""
    ours = [LONG[0]] * 6 + ["Like this:"]
    assert combine(ours, [LONG[0]]) == [LONG[0]] * 6


def test_either_side_empty() -> None:
    assert combine(LONG, []) == LONG
    assert combine([], LONG) == LONG
    assert combine([], ["Home", "© 2026"]) == []  # a menu is not an article


def test_a_stub_page_keeps_its_own_lines_unless_theirs_found_running_text() -> None:
    assert combine(["Short note"], ["World", "Tech", "Short note"]) == ["Short note"]
    assert combine(["Short note"], ["World", *LONG]) == ["World", *LONG]


@given(
    st.lists(st.sampled_from([*LONG, "Share", "Home", "Read more about it here"]), max_size=8),
    st.lists(st.sampled_from([*LONG, "Share", "Menu", "Sign up for the newsletter"]), max_size=8),
)
def test_combine_never_invents_or_reorders_text(ours: list[str], theirs: list[str]) -> None:
    got = combine(ours, theirs)
    if got != theirs:  # otherwise it is ours, some lines left out, order kept
        it = iter(ours)
        assert all(any(p == q for q in it) for p in got)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            '<p class="meta">Aktualisiert: 03.04.2020</p>',
            '<div class="rating">(No ratings yet)</div>',
        ),
        (
            '<p><a href="/x">Share on Facebook</a></p>',
            '<p><b>Tags:</b> <a href="/a">bus</a> <a href="/b">city</a></p>',
        ),
    ],
)
def test_the_second_opinion_trims_edge_lines_the_generic_pass_keeps(
    before: str, after: str
) -> None:
    article = "<article>" + before + "".join(f"<p>{p}</p>" for p in LONG) + after + "</article>"
    got = extract(page(article + OTHER_BOX))  # another box of text: the pass is unsure
    assert got.rule == "generic" and got.paragraphs == tuple(LONG)


OTHER_BOX = (
    "<div class='letters'>"
    + "".join(
        f"<p>Letter {i}: a reader writes at length about the harbour, the ferries and the fares.</p>"
        for i in range(3)
    )
    + "</div>"
)
# three sidebars of letters (each its own: the same box thrice reads as one), half the text
SIDEBARS = "".join(
    OTHER_BOX.replace("class='letters'", "class='sidebar'").replace("Letter ", f"Letter {n}.")
    for n in range(3)
)


def test_a_page_whose_article_holds_its_running_text_is_not_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second opinion costs more than the generic pass: it is asked only when another box
    could have been the article."""
    asked: list[str] = []

    def record(html: str, url: str, *, fast: bool = False) -> list[str]:
        asked.append(url)
        return LONG

    monkeypatch.setattr(consensus, "second_opinion", record)
    article = "<article>" + "".join(f"<p>{p}</p>" for p in LONG) + "</article>"
    assert extract(page(article + "<nav><a href='/'>Home</a></nav>")).paragraphs == tuple(LONG)
    assert asked == []
    assert extract(page(article + OTHER_BOX)).paragraphs[: len(LONG)] == tuple(LONG)
    assert len(asked) == 1


def test_a_page_left_with_little_running_text_is_checked_whatever_its_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A box holding all of a page's running text holds nothing much when that is one line:
    the strip may have taken a story told in widgets, or one of short lines. trafilatura is
    asked, and its longer reading wins."""
    asked: list[str] = []
    theirs = [f"{STORY[i % 3]} Item {i} of the guide, hidden in a widget box." for i in range(6)]

    def record(html: str, url: str, *, fast: bool = False) -> list[str]:
        asked.append(html)
        return theirs

    monkeypatch.setattr(consensus, "second_opinion", record)
    widgets = "".join(f"<div class='widget w{i}'><p>{p}</p></div>" for i, p in enumerate(theirs))
    got = extract(page(f"<h1>Price guide</h1><p>Rated 4.9 out of 26048 reviews</p>{widgets}"))
    assert asked and got.paragraphs == tuple(theirs)
    asked.clear()
    story = "".join(f"<p>{p}</p>" for p in LONG)  # 600 characters: enough to be sure of
    assert extract(page(f"<article>{story}</article>")).paragraphs == tuple(LONG)
    assert asked == []


def test_its_fast_pass_reads_the_page_our_strip_left_unless_the_strip_took_much(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fast pass reads the page without the boilerplate our strip removed (half the
    elements: half its time). When the strip took more than ``KEPT`` of the page's running
    text, it may have taken the story: then trafilatura reads the page as it came, less the
    scripts and styles it drops unread, and its fallbacks read it as it came."""
    asked: list[tuple[bool, str]] = []

    def record(html: str, url: str, *, fast: bool = False) -> list[str]:
        asked.append((fast, html))
        return LONG if not fast else []

    monkeypatch.setattr(consensus, "second_opinion", record)
    menu = (
        "<nav>" + "".join(f"<a href='/s{i}'>Section number {i}</a>" for i in range(30)) + "</nav>"
    )
    story = "<article>" + "".join(f"<p>{p}</p>" for p in LONG) + "</article>"
    head = "<title>A story</title><script>var tracking = 'x'.repeat(90000);</script>"
    raw = page(menu + story + OTHER_BOX, head=head)
    extract(raw)  # unsure (another box of text); the strip took only the menu
    (fast, lighter), (full, whole) = asked
    assert fast and "Section number" not in lighter and all(p in lighter for p in LONG)
    assert lighter.startswith("<html><head>") and not full and whole == raw.text
    assert "<title>A story</title>" in lighter and "tracking" not in lighter  # nor head scripts
    asked.clear()
    script = "<script>var story = 'a long line of script text that is not the story';</script>"
    style = "<style>.sidebar { float: right; }</style>"
    raw = page(SIDEBARS + script + story + style + OTHER_BOX)  # the strip took half the text
    extract(raw)
    (fast, lean), (full, whole) = asked
    assert fast and not full and whole == raw.text
    assert "<script" not in lean and "<style" not in lean and "float: right" not in lean
    assert all(p in lean for p in LONG)
    assert lean.count("<p") == raw.text.count("<p")  # nothing else went
    # and the stripped page is not written out for nothing
    reading = generic.read(LexborHTMLParser(raw.text), consensus.unsure, consensus.KEPT)
    assert reading.share < consensus.SURE and reading.stripped == ""


@pytest.mark.parametrize(
    "trap",
    [
        "<plaintext></body></html><p>forged</p>",  # the rest of the page is text
        "<xmp></xmp><p title='</html><body>'>x</p>",
        "<template><p>inside a template</p></template>",
        "<svg><style><![CDATA[</svg><p>]]></style></svg>",
        "<noscript><p>no script</p></noscript><!-- </body> -->",
    ],
)
@pytest.mark.parametrize("strip_took_much", [False, True])
def test_the_page_we_reserialize_from_a_hostile_page_still_reads(
    trap: str, strip_took_much: bool
) -> None:
    """What we serialize from a stranger's markup (the stripped page, or the page less its
    scripts when the strip took much) goes to trafilatura as a page of its own: the story
    still comes out, and nothing of the trap's is taken for it."""
    story = "<article>" + "".join(f"<p>{p}</p>" for p in LONG) + "</article>"
    raw = page((SIDEBARS if strip_took_much else "") + story + OTHER_BOX + trap)
    reading = generic.read(LexborHTMLParser(raw.text), consensus.unsure, consensus.KEPT)
    assert reading.share < consensus.SURE and (reading.stripped == "") is strip_took_much
    got = extract(raw)
    assert got.rule == "generic" and all(p in got.text for p in LONG)
    assert "forged" not in got.text.split("\n\n")[0]


def test_its_fallbacks_run_only_when_its_fast_pass_reads_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura in full costs twice its fast pass: asked only when that says much less."""
    asked: list[bool] = []

    def answer(short: list[str]) -> object:
        def opinion(html: str, url: str, *, fast: bool = False) -> list[str]:
            asked.append(fast)
            return short if fast else LONG

        return opinion

    monkeypatch.setattr(consensus, "second_opinion", answer(LONG[:4]))
    assert consensus.check(LONG, "<p>x</p>", "https://a.example/") == LONG
    assert asked == [True]
    monkeypatch.setattr(consensus, "second_opinion", answer(LONG[:2]))
    assert consensus.check(LONG, "<p>x</p>", "https://a.example/") == LONG
    assert asked == [True, True, False]


def test_its_fallbacks_run_when_its_fast_pass_reads_another_box_than_ours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One of us read the wrong box, and its fast pass, without fallbacks, is the likelier:
    a list of one restaurant each is read whole by its fallbacks, its intro by its fast pass,
    one entry by us. A stub of ours ("Test") is no box to disagree with: no second call."""
    intro = ["Houston has no shortage of great restaurants, and new ones keep opening."] * 3
    entries = [f"{STORY[i % 3]} Restaurant {i} opened this year downtown." for i in range(8)]
    asked: list[bool] = []

    def opinion(html: str, url: str, *, fast: bool = False) -> list[str]:
        asked.append(fast)
        return intro if fast else intro + entries

    monkeypatch.setattr(consensus, "second_opinion", opinion)
    assert consensus.check(entries[3:4], "<p>x</p>", "https://a.example/") == intro + entries
    assert asked == [True, False]
    asked.clear()
    assert consensus.check(["Test"], "<p>x</p>", "https://a.example/") == intro
    assert asked == [True]


def test_its_fallbacks_run_when_both_read_a_sliver_of_a_long_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its fast answer as long as ours, but both a sliver of the page's running text: the
    story is elsewhere, and its fallbacks may find it."""
    asked: list[bool] = []

    def opinion(html: str, url: str, *, fast: bool = False) -> list[str]:
        asked.append(fast)
        return LONG[:1] if fast else LONG

    monkeypatch.setattr(consensus, "second_opinion", opinion)
    running = len(" ".join(LONG)) * 4  # ours and theirs: a sixth of it each, or less
    assert consensus.check(LONG[:1], "<p>x</p>", "https://a.example/", running) == LONG
    assert asked == [True, False]
    short = len(LONG[0])  # a page with no more running text than ours: the fast answer stands
    assert consensus.check(LONG[:1], "<p>x</p>", "https://a.example/", short) == LONG[:1]
    assert asked == [True, False, True]


def test_a_failing_second_opinion_costs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def boom(*args: object, **kwargs: object) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "extract", boom)
    assert second_opinion("<p>x</p>", "https://a.example/") == []
    assert second_opinion("<p>x</p>", "https://a.example/", fast=True) == []
    body = "<article>" + "".join(f"<p>{p}</p>" for p in LONG) + "</article>"
    assert all(p in extract(page(body)).text for p in LONG)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "\x00\x01<<<>>>",
        "<html>" + "<p>" * 5000,
        "<?xml version='1.0'?><a/>" * 100,
        # a share-named box whose id is 20,000 words long, beside the story
        f"<div id='share-{'-w' * 20000}'><h2>share w w</h2><p>{'x' * 300}</p></div>"
        + "<p>Some words, and more words, at length.</p>" * 100,
        # 2,000 chunks of one class, and a stub of script links only
        "<div class='c'>" + "<div><div class='b'><p>" + "y " * 40 + "</p></div></div>" * 2000,
        "<a href='javascript:x'>" * 3000,
        # 3,000 nested hidden boxes round the story, 5,000 negated noise names, ruby in ruby
        "<div hidden><p style='visibility: hidden'>" * 3000 + "<p>" + "z " * 200,
        "<div class='no_caption non-ad not-share'>" * 5000 + "<p>" + "w, " * 100,
        "<ruby>" * 2000 + "字<rt>zì</rt><rp>(</rp>" * 2000,
        # 3,000 nested slideshows, and one of 20,000 slides
        "<ul><li>1/3 <ul><li>1/3 " * 1500 + "</li><li>2/3</li><li>3/3" * 3000,
        "<ul>" + "".join(f"<li>{k}/20000 {'v ' * 20}</li>" for k in range(1, 20001)) + "</ul>",
        # 20,000 items of links that read as sentences, 3,000 link lists nested, the article
        # a post of links; a camelCase class 20,000 humps long; 5,000 hidden slides of a class
        "<article><ul>" + "<li>See <a href='/x'>the story</a> of the day here.</li>" * 20000,
        "<article>" + "<ul><li><a href='/y'>a link of a list</a>" * 3000,
        f"<div class='{'aB' * 20000}'><p>{'u, ' * 100}</p></div>",
        "<div class='slide' hidden><p>" + "s " * 30 + "</p></div>" * 5000,
        # 5,000 sibling boxes of one length and other words; 5,000 copies of one box
        "<main>"
        + "".join(
            f"<div><p>{k:05d} {'r ' * 100}</p><p>{'q ' * 100}</p></div>" for k in range(5000)
        ),
        "<main>" + f"<div><p>{'c ' * 100}</p><p>{'d ' * 100}</p></div>" * 5000,
        # 3,000 signup fields in one box, and a field in each of 900 nested boxes
        "<main><p>" + "e, " * 200 + "</p><div>" + "<div>Sign up <input type=email></div>" * 3000,
        "<div>f <input type=tel>" * 900 + "<p>" + "g " * 300,
        # 3,000 embedded posts nested in share-named boxes
        "<div class='share'><blockquote class='twitter-tweet'><p>h " * 3000,
    ],
)
def test_hostile_markup_gets_an_answer_not_an_exception(html: str) -> None:
    assert isinstance(second_opinion(html, "https://a.example/"), list)
    assert isinstance(extract(Page("https://a.example/", html)).text, str)


def test_site_rules_never_ask_for_a_second_opinion(
    shared_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(html: str, url: str, *, fast: bool = False) -> list[str]:
        raise AssertionError("a page with a site rule went to the second opinion")

    monkeypatch.setattr(consensus, "second_opinion", refuse)
    name = "naver/article-421-0008770777-20260212.html"
    html = (shared_fixtures / name).read_text(encoding="utf-8")
    got = extract(Page("https://n.news.naver.com/mnews/article/421/0008770777", html))
    assert got.rule != "generic" and len(got.text) > 250
