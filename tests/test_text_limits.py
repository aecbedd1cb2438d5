"""How long an item's text may be: titles and press names are capped, snippets cut.

A hostile list (or article page) can post a title of thousands of characters; it is cut
to ``normalize.TITLE_CHARS`` with "…", between two graphemes, and the item is kept.
"""

from __future__ import annotations

import html
import random
import re
from datetime import date, datetime, time
from pathlib import Path

import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsbot import pipeline
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.extract import extract, meta
from newsbot.fetch.page import Page
from newsbot.jobs import Job
from newsbot.models import Article, RawItem
from newsbot.normalize import (
    ELLIPSIS,
    PRESS_CHARS,
    TITLE_CHARS,
    clean_text,
    cut,
    shorten,
    to_article,
)
from newsbot.posts import description
from tests.conftest import FAST_FETCH, PageServer

CAP = TITLE_CHARS
GRAPHEME = regex.compile(r"\X")
DAY = date(2026, 12, 2)
NOW = datetime.combine(DAY, time(13, 0), tzinfo=KST)
SITE = "news.example.com"


def article(title: str = "제목", press: str = "", snippet: str = "", chars: int = 120) -> Article:
    raw = RawItem(title=title, url=f"https://{SITE}/a/1", press=press, snippet=snippet)
    return to_article(
        raw,
        source="html",
        section="x",
        base_url=f"https://{SITE}/",
        now=NOW,
        snippet_chars=chars,
        canonical=lambda url: url,
        article_id=lambda url: None,
    )


def boundaries(text: str) -> set[int]:
    """Every offset of ``text`` between two graphemes (its ends included)."""
    return {0} | {m.end() for m in GRAPHEME.finditer(text)}


# --- the cap, by example


def test_a_5000_character_title_is_cut_at_a_space_with_an_ellipsis() -> None:
    words = "가나다라마바 " * 715  # 5005 characters; the cap falls inside a word
    got = article(words).title
    assert got == "가나다라마바 " * 41 + "가나다라마바" + ELLIPSIS  # 293 + 1: the last word whole
    many = " ".join(f"낱말{n}" for n in range(1000))
    got = article(many).title
    assert len(got) <= CAP and got.endswith(ELLIPSIS)
    assert many.startswith(got[: -len(ELLIPSIS)] + " ")


def test_a_title_without_spaces_is_cut_between_graphemes() -> None:
    flags = "🇰🇷🇯🇵" * 200  # each flag is two code points: never keep half of one
    got = article(flags).title
    assert len(got) <= CAP and got == flags[: CAP - 2] + ELLIPSIS  # 298 = 149 whole flags
    marked = "e\u0301\u0302" * 200  # e with two marks NFC cannot fold in: 2 code points each
    got = article(marked).title
    assert got[: -len(ELLIPSIS)] == clean_text(marked)[: len(got) - 1]
    assert (len(got) - 1) % 2 == 0 and len(got) <= CAP
    hangul = "\u1100\u1161\u11a8\u1100\u1161\u11a8"  # conjoining jamo NFC folds to 각각
    assert article(hangul * 400).title == "각" * (CAP - 1) + ELLIPSIS


def test_a_title_at_the_cap_is_unchanged_and_one_over_is_cut() -> None:
    assert article("가" * CAP).title == "가" * CAP
    assert article("가" * (CAP + 1)).title == "가" * (CAP - 1) + ELLIPSIS


def test_press_is_capped_and_snippets_never_split_a_character() -> None:
    got = article(press="통신" * 500)
    assert got.press == "통신" * (PRESS_CHARS // 2 - 1) + "통" + ELLIPSIS
    assert len(got.press) == PRESS_CHARS
    assert article(snippet="가" * 10 + "🇰🇷" + "나", chars=11).snippet == "가" * 10
    assert article(snippet="가" * 10 + " 나다", chars=11).snippet == "가" * 10
    assert article(snippet="가" * 12, chars=11).snippet == "가" * 11  # no ellipsis, as before


def test_an_article_page_title_is_capped_as_a_list_title_is() -> None:
    """The digest's headline is the page's title first (``summaries``), else the list's."""
    long = "반도체 " * 2000
    page = f"<html><head><title>t</title></head><body><h1>{long}</h1><p>x</p></body></html>"
    got = meta.title(LexborHTMLParser(page))
    assert got == shorten(clean_text(long), CAP) and len(got) <= CAP
    extracted = extract(Page(f"https://{SITE}/a/1", page), {})
    assert extracted.title == got


def test_the_front_matter_description_cuts_its_title_between_graphemes() -> None:
    got = description.summary(["🇰🇷" * 100])
    assert got == "🇰🇷" * 74 + ELLIPSIS and len(got) <= description.MAX_CHARS


# --- any title at all

PIECES = st.sampled_from(
    ["a", "가", "國", " ", "  ", "e\u0301", "q\u0307\u0323", "🇰🇷", "🇯", "👍🏽", "क्षि",
     "\u1100\u1161", "\u11a8", "🏴\U000e0067\U000e0062\U000e007f", "&amp;", "&#x1F1F0;", "\u200d",
     "\t\n", "\u0600", "\ufe0f", "\U0001F1E6"]
)  # fmt: skip


def worded(rnd: random.Random) -> str:
    """Over ``CAP`` characters of words from ``WORDS``, each 1 to 40 pieces long."""
    words: list[str] = []
    while sum(map(len, words)) < CAP + 50:
        words.append("".join(rnd.choices(WORDS, k=rnd.randint(1, 40))))
    return " ".join(words)


WORDS = ["a", "가", "國", "e\u0301", "q\u0307\u0323", "🇰🇷", "👍🏽", "क्षि", "\u1100\u1161", "\u0600"]
TITLES = st.one_of(
    st.lists(PIECES, min_size=1, max_size=400).map("".join),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=700),
    st.builds(
        lambda n, tail: "가" * n + tail, st.integers(CAP - 20, CAP + 20), st.text(max_size=5)
    ),
    # long worded titles: words of any length, so the cap falls anywhere in one
    st.randoms(use_true_random=False).map(worded),
)


@settings(max_examples=400, deadline=None)
@given(TITLES)
def test_any_title_fits_the_cap_and_is_cut_only_between_graphemes(raw: str) -> None:
    whole = clean_text(raw)
    if not whole:
        return  # an empty title drops the item (empty_title), as before
    got = article(raw).title
    assert len(got) <= CAP
    if len(whole) <= CAP:
        assert got == whole
        return
    assert got.endswith(ELLIPSIS)
    head = got[: -len(ELLIPSIS)]
    assert whole.startswith(head) and len(head) in boundaries(whole)
    assert not head or not GRAPHEME.findall(head)[-1].isspace()
    spaces = [i for i in boundaries(whole) if CAP * 4 // 5 <= i < CAP and whole[i] == " "]
    if spaces:  # a space near the end: cut there, the last word whole
        assert len(head) == max(spaces)
    else:  # else as close to the cap as graphemes allow
        assert len(head) == max(i for i in boundaries(whole) if i < CAP)


@settings(max_examples=300, deadline=None)
@given(TITLES, st.integers(1, 400))
def test_any_snippet_is_a_prefix_cut_between_graphemes(raw: str, chars: int) -> None:
    whole = clean_text(raw)
    got = cut(whole, chars)
    assert len(got) <= chars and whole.startswith(got) and len(got) in boundaries(whole)
    graphemes = GRAPHEME.findall(got)
    assert not graphemes or not graphemes[-1].isspace()  # "\u0600 " is one: it stays
    if len(whole) <= chars:
        assert got == whole


# --- end to end: a hostile list's titles in a post, nothing dropped

SELECTORS = {"item": "li.item", "link": "a.lnk", "title": "h3.t"}


def job(style: str) -> Job:
    ref = {"name": "html", "section": "t", "options": {"url": f"https://{SITE}/list.html",
           "selectors": SELECTORS}}  # fmt: skip
    extra = {"digest": {"keywords": ["AI"], "min_chars": 20}} if style == "digest" else {}
    return Job.model_validate(
        {"name": "t", "title": "{date} t", "slug": "t", "style": style, "sources": [ref], **extra}
    )


def run(server: PageServer, tmp: Path, style: str) -> tuple[str, dict[str, int]]:
    cfg = Config.model_validate(
        {
            "fetch": {"host_map": {SITE: server.origin}, **FAST_FETCH},
            "output": {"dir": str(tmp / "_posts")},
            "sources": {"html": {"min_items": 1}},
        }
    )
    report, posts = pipeline.run([job(style)], DAY, config=cfg, now=NOW)
    (result,) = report.jobs
    assert report.exit_code == 0, (result.status, result.message)
    (post,) = posts
    return post.text, dict(result.sources[0].items_dropped)


def list_page(titles: list[str]) -> str:
    return "<html><body><ul>" + "".join(
        f'<li class="item"><a class="lnk" href="/a/{n}.html"><h3 class="t">{html.escape(t)}</h3>'
        "</a></li>"
        for n, t in enumerate(titles)
    ) + "</ul></body></html>"  # fmt: skip


def test_a_hostile_list_posts_every_item_with_its_title_capped(
    page_server: PageServer, tmp_path: Path
) -> None:
    titles = ["AI 소식 " * 900, "가" * 5000, "짧은 제목"]
    page_server.add("/list.html", list_page(titles))
    text, dropped = run(page_server, tmp_path, "daily_list")
    headings = re.findall(r"^## \[(.*)\]\(", text, re.M)
    assert len(headings) == 3 and dropped == {}
    assert headings[2] == "짧은 제목"
    assert all(len(h) <= CAP and h.endswith(ELLIPSIS) for h in headings[:2])
    assert headings[1] == "가" * (CAP - 1) + ELLIPSIS
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["description"].startswith("AI 소식") and len(front["description"]) <= 150


def test_a_digest_headline_from_a_hostile_page_title_is_capped(
    page_server: PageServer, tmp_path: Path
) -> None:
    page_server.add("/list.html", list_page(["AI 기사 하나"]))
    body = "<p>인공지능 AI 기사의 본문입니다. 문장이 충분히 깁니다, 정말로 깁니다.</p>" * 3
    page_server.add(
        "/a/0.html",
        f"<html><head><title>t</title></head><body><article><h1>{'AI 제목 ' * 1500}</h1>"
        f"{body}</article></body></html>",
    )
    text, _ = run(page_server, tmp_path, "digest")
    (headline,) = re.findall(r"^## (.*)$", text, re.M)
    assert len(headline) <= CAP and headline.endswith(ELLIPSIS)
    assert headline.startswith("AI 제목 AI 제목")
