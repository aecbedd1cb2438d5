"""RawItem → Article: text, URLs, ids, times."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsbot import sources
from newsbot.dates import CST, KST, parse_korean
from newsbot.errors import Rejected
from newsbot.models import RawItem
from newsbot.normalize import clean_text, clean_url, strip_tracking, to_article, url_id
from newsbot.sources import naver

NOW = datetime(2025, 2, 4, 18, 0, tzinfo=KST)
BASE = "https://news.naver.com/section/105"


def norm(**kw: str) -> object:
    raw = RawItem(
        **({"title": "제목", "url": "https://n.news.naver.com/article/001/0000000001"} | kw)
    )
    return to_article(
        raw,
        source="naver",
        section="105",
        base_url=BASE,
        now=NOW,
        snippet_chars=12,
        canonical=naver.canonical_url,
        article_id=naver.article_id,
    )


def test_text_is_collapsed_and_stripped_of_invisibles_and_decoded_only_once() -> None:
    """Catalogue: S07. Parsers decode entities; text a page shows as ``&quot;`` stays so."""
    assert clean_text('  A"B"\n\t C\u202e\u200b D ') == 'A"B" C D'
    assert clean_text("AT&amp;T &lt;b&gt; &#60;x&#62;") == "AT&amp;T &lt;b&gt; &#60;x&#62;"
    assert clean_text("\uf9e1") == "李"  # CJK compatibility ideograph → NFC
    # a soft hyphen is a line-break hint: "Klima\xadwandel" is the keyword "Klimawandel"
    assert clean_text("Klima\xadwandel und Vladi\xadmir") == "Klimawandel und Vladimir"


def test_snippet_is_cut_without_trailing_space() -> None:
    art = norm(snippet="가나다라마바사 아자차카타파하")
    assert art.snippet == "가나다라마바사 아자차카"
    assert norm(snippet="가나다라마바사아자차카 타").snippet == "가나다라마바사아자차카"


def test_link_is_canonical_and_id_stable() -> None:
    """Catalogue: F26."""
    art = norm(url=" /article/029/0002932972?sid=105#comment ")
    assert art.url == "https://n.news.naver.com/mnews/article/029/0002932972"
    assert art.id == "naver:029/0002932972"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:x",
        "&#x6A;avascript:x",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "mailto:a@b",
        "#",
        "",
    ],
)
def test_non_http_links_are_rejected(href: str) -> None:
    """Catalogue: F29, S05."""
    with pytest.raises(Rejected):
        clean_url(href, BASE)


def test_userinfo_dropped_and_relative_resolved() -> None:
    """Catalogue: F29, S05."""
    assert clean_url("http://user:pw@Host.KR/x", BASE) == "http://host.kr/x"
    assert clean_url("//thumb.kr/a.jpg", BASE) == "https://thumb.kr/a.jpg"
    with pytest.raises(Rejected, match="url_too_long"):
        clean_url("https://x.kr/" + "a" * 3000, BASE)


def test_bad_thumbnail_loses_only_the_image() -> None:
    """Catalogue: S05."""
    art = norm(thumbnail="javascript:alert(1)")
    assert art.thumbnail is None and art.title == "제목"


def test_empty_title_rejected() -> None:
    """Catalogue: F31."""
    with pytest.raises(Rejected, match="empty_title"):
        norm(title=" \u200b ")


def test_tracking_parameters_removed_and_query_sorted() -> None:
    """Catalogue: F26."""
    assert strip_tracking("https://x.kr/a?b=2&utm_source=z&a=1") == "https://x.kr/a?a=1&b=2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017.01.01. 오후 10:20", datetime(2017, 1, 1, 22, 20, tzinfo=KST)),
        ("2024.01.02 오전 9:10", datetime(2024, 1, 2, 9, 10, tzinfo=KST)),
        ("2024.01.02. 오전 12:05", datetime(2024, 1, 2, 0, 5, tzinfo=KST)),
        ("2024.01.02. 오후 12:05", datetime(2024, 1, 2, 12, 5, tzinfo=KST)),
        ("3시간 전", datetime(2025, 2, 4, 15, 0, tzinfo=KST)),
        ("11분전", datetime(2025, 2, 4, 17, 49, tzinfo=KST)),
        ("방금", datetime(2025, 2, 4, 18, 0, tzinfo=KST)),
        # Sina's relative times: the same units in Chinese
        ("1小时前", datetime(2025, 2, 4, 17, 0, tzinfo=KST)),
        ("2个小时前", datetime(2025, 2, 4, 16, 0, tzinfo=KST)),
        ("25分钟前", datetime(2025, 2, 4, 17, 35, tzinfo=KST)),
        ("3天前", datetime(2025, 2, 1, 18, 0, tzinfo=KST)),
        ("刚刚", datetime(2025, 2, 4, 18, 0, tzinfo=KST)),
    ],
)
def test_korean_times(text: str, expected: datetime) -> None:
    """Catalogue: F30."""
    assert parse_korean(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sina: Beijing time with its offset, shown in KST (one hour later)
        ("2019-09-11T01:53:41+08:00", datetime(2019, 9, 11, 2, 53, 41, tzinfo=KST)),
        ("2026-08-10T13:13:26+09:00", datetime(2026, 8, 10, 13, 13, 26, tzinfo=KST)),
        ("2026-08-10 13:13", datetime(2026, 8, 10, 13, 13, tzinfo=KST)),
        # bare clock times on today's list (NOW is 2025-02-04 18:00 KST)
        ("오후 12:05", datetime(2025, 2, 4, 12, 5, tzinfo=KST)),
        ("오전 12:05", datetime(2025, 2, 4, 0, 5, tzinfo=KST)),
        ("오후 5:30", datetime(2025, 2, 4, 17, 30, tzinfo=KST)),
        ("오후 11:50", datetime(2025, 2, 3, 23, 50, tzinfo=KST)),  # later than now: yesterday
        ("09:40", datetime(2025, 2, 4, 9, 40, tzinfo=KST)),
        ("오후 13:05", None),
    ],
)
def test_iso_offsets_and_clock_times_become_kst(text: str, expected: datetime | None) -> None:
    """Catalogue: F30."""
    got = parse_korean(text, now=NOW)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == KST.utcoffset(got)  # stored aware, in KST


def test_beijing_time_without_offset_is_read_in_its_zone() -> None:
    """Catalogue: F30."""
    got = parse_korean("2019-11-25 18:57", now=NOW, tz=CST)
    assert got == datetime(2019, 11, 25, 19, 57, tzinfo=KST)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        # WHATWG URL: a space inside is percent-encoded, never deleted (a b.jpg is not ab.jpg)
        ("https://img.example.com/a b.jpg", "https://img.example.com/a%20b.jpg"),
        ("https://x.kr/a b?q=c d", "https://x.kr/a%20b?q=c%20d"),
        ("rel dir/x y.jpg", "https://news.naver.com/section/rel%20dir/x%20y.jpg"),
        ("https://x.kr/a\u00a0b\u3000c", "https://x.kr/a%C2%A0b%E3%80%80c"),
        # tabs and newlines are removed, as a browser removes them from an href
        (" https://x.kr/a\n\tb.jpg ", "https://x.kr/ab.jpg"),
        # the path and query encode sets; what a browser keeps as itself stays
        ('https://x.kr/a"<>`{}b', "https://x.kr/a%22%3C%3E%60%7B%7Db"),
        ("https://x.kr/a|b^c?q='\"<>", "https://x.kr/a|b^c?q=%27%22%3C%3E"),
        # a backslash before the query is a slash for http(s), also in the host part
        ("https://x.kr/a\\b.jpg", "https://x.kr/a/b.jpg"),
        ("\\\\img.kr\\a.jpg", "https://img.kr/a.jpg"),
        ("https://x.kr/a?b=\\c", "https://x.kr/a?b=\\c"),
        # letters beyond ASCII stay readable: a browser sends the same UTF-8 bytes either way
        ("https://x.kr/한글 사진.jpg", "https://x.kr/한글%20사진.jpg"),
        # what is already encoded is not encoded again
        ("https://x.kr/a%20b%2", "https://x.kr/a%20b%2"),
    ],
)
def test_url_characters_are_encoded_as_a_browser_encodes_them(href: str, expected: str) -> None:
    assert clean_url(href, BASE) == expected
    assert clean_url(expected, BASE) == expected  # clean is clean


def test_a_space_in_the_host_is_a_bad_url() -> None:
    with pytest.raises(Rejected, match="bad_url"):
        clean_url("https://img.exa mple.com/x.jpg", BASE)


def test_thumbnail_and_link_keep_their_spaces_encoded() -> None:
    art = norm(url="https://n.news.naver.com/a b/1", thumbnail="https://img.kr/a b.jpg")
    assert art.thumbnail == "https://img.kr/a%20b.jpg"
    assert art.url == "https://n.news.naver.com/a%20b/1"


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("http://blog.example.com/a?x=1", "https://blog.example.com/a?x=1"),
        ("HTTP://blog.example.com/a", "https://blog.example.com/a"),
        ("https://blog.example.com/a", "https://blog.example.com/a"),
        ("http://www.blog.example.com/a", "https://blog.example.com/a"),
        ("https://WWW.blog.example.com/a", "https://blog.example.com/a"),
        ("https://wwwblog.example.com/a", "https://wwwblog.example.com/a"),
        ("https://n.news.naver.com/mnews/article/001/0000000001", "naver:001/0000000001"),
        ("http://n.news.naver.com/mnews/article/001/0000000001", "naver:001/0000000001"),
    ],
)
def test_an_article_no_source_knows_is_its_url_read_as_https_without_www(
    url: str, found: str
) -> None:
    assert sources.article_id(url) == found
    assert url_id(url_id(url)) == url_id(url)  # read twice, the same id
    item = RawItem(title="A story", url=url)
    article = to_article(
        item, source="feed", section="s", base_url=url, now=datetime(2026, 1, 1, tzinfo=KST),
        snippet_chars=120, canonical=lambda u: u, article_id=lambda u: None,
    )  # fmt: skip
    assert article.id == url_id(article.url) and article.url.startswith(url[:5].lower())
