"""Scraped text made inert for kramdown, as text: what each escape is for, and the round trip.

The built-HTML checks (real Debian jekyll in the real Chirpy theme) are in test_chirpy.py
and test_markup_property.py; these pin the markdown each rule writes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.errors import WriteError
from newsbot.posts import description
from newsbot.posts import markdown as md

CASES = [
    ("[x](javascript:alert(1))", "&#91;x&#93;(javascript:alert(1))"),  # link syntax
    (
        "[a][x] and [x]: javascript:y",
        "&#91;a&#93;&#91;x&#93; and &#91;x&#93;: javascript:y",
    ),  # references
    ("&#106;avascript:", "&amp;#106;avascript:"),  # an entity the renderer would decode
    ("<http://evil.example/>", "&lt;http://evil.example/&gt;"),  # autolink
    ("삼성 | 애플 | 구글", "삼성 \\| 애플 \\| 구글"),  # a kramdown table row
    ("$$x^2$$", "\\$\\$x^2\\$\\$"),  # math
    ('{: onclick="x"} {::nomarkdown}', '&#123;: onclick="x"&#125; &#123;::nomarkdown&#125;'),
    ("*[HTML]: abbr", "\\*&#91;HTML&#93;: abbr"),  # an abbreviation definition
    ("note[^1]", "note&#91;^1&#93;"),  # a footnote
    ("~~gone~~", "&#126;&#126;gone&#126;&#126;"),  # GFM strikethrough
    ("`code` **b** _i_ a\\", "\\`code\\` \\*\\*b\\*\\* \\_i\\_ a\\\\"),
    ("a\nb\r\nc\u2028d\x85e\tf\x00g", "a b  c d e f g"),  # one line, no control characters
    ("    indented", "indented"),  # never a code block
    ("# h", "\\# h"),
    ("+ x", "\\+ x"),
    ("- x", "\\- x"),
    ("= x", "\\= x"),
    (": def", "\\: def"),
    ("^", "&#94;"),  # a lone ^ line ends a block
    ("2025. 1. 1", "2025\\. 1. 1"),  # an ordered list marker
    ("ends with #", "ends with \\#"),  # a closing ATX run would be cut
    ("#", "\\#"),
    ("'quotes' \"stay\" (MIT)", "'quotes' \"stay\" (MIT)"),  # as seed 000 writes them
]


@pytest.mark.parametrize(("raw", "written"), CASES, ids=[c[0][:20] for c in CASES])
def test_S04_text_escapes_every_kramdown_construct(raw: str, written: str) -> None:
    """Catalogue: S03, S04."""
    assert md.text(raw) == written


def test_link_text_keeps_brackets_balanced_one_deep_and_escapes_the_rest() -> None:
    """Catalogue: S04."""
    assert md.link_text("[단독] 제목") == "[단독] 제목"  # seed 000's headings
    assert md.link_text("a [ b") == "a &#91; b"
    assert md.link_text("[a](b)") == "&#91;a&#93;(b)"
    assert md.link_text("[a][b]") == "&#91;a&#93;&#91;b&#93;"
    assert md.link_text("[^1] x") == "&#91;^1&#93; x"
    assert md.link_text("[[a]] x") == "&#91;&#91;a&#93;&#93; x"
    assert md.link_text("S [x]: y") == "S &#91;x&#93;: y"  # a digest source line starts with [
    assert md.link_text("![x] y") == "\\![x] y"


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " https://x.kr/",
        "data:text/html,x",
        "//evil.example/x",
        "http://user:pass@x.kr/",
        "https:///path",
        "https://\nx.kr/",
        "ftp://x.kr/",
    ],
)
def test_S05_only_http_urls_with_a_host_are_written(bad: str) -> None:
    """Catalogue: S05."""
    with pytest.raises(WriteError, match="not http"):
        md.url(bad)


def test_urls_cannot_break_out_of_their_parentheses_or_decode_entities() -> None:
    """Catalogue: S05."""
    assert md.url("https://x.kr/a b(c)") == "https://x.kr/a%20b%28c%29"
    assert md.url("https://x.kr/?a=1&b=2|{x}") == "https://x.kr/?a=1&b=2%7C%7Bx%7D"
    assert md.url("https://x.kr/&#64;evil&amp;") == "https://x.kr/%26#64;evil%26amp;"
    assert md.url("https://x.kr/a\nb\x00\u2028") == "https://x.kr/a%0Ab%00%E2%80%A8"


def shown(value: str) -> str:
    return " ".join(md.CONTROLS.sub(" ", value).split())


@given(st.text())
def test_plain_reads_back_what_text_wrote(value: str) -> None:
    assert shown(md.plain(md.text(value))) == shown(value)


@given(st.text())
def test_link_text_reads_back_too(value: str) -> None:
    assert shown(md.plain(md.link_text(value))) == shown(value)


def test_description_is_the_first_titles_within_the_limit() -> None:
    titles = ["첫 기사", "둘째 <기사>", "R&D 셋째", "a&lt;b", "x" * 200]
    assert description.summary(titles) == "첫 기사 / 둘째 ＜기사＞ / R&D 셋째 / a＆lt;b"
    long = description.summary(["y" * 400, "z"])
    assert long == "y" * 149 + "…" and len(long) == description.MAX_CHARS
    assert description.summary(["", " \n "]) == ""
