"""Pages made from bytes: parsers read the bytes as UTF-8 directly, and a page that
was not UTF-8 after all (declared, lying or silent) is re-read through the charset chain."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.fetch.page import Page
from newsbot.sources import naver, parse_page
from newsbot.sources.base import ListRequest
from tests.conftest import PAGES, shared_files

REQ = ListRequest(day=date(2025, 2, 4), section="105", now=datetime(2025, 2, 4, 18, 0, tzinfo=KST))
ARCHIVE = "https://news.naver.com/breakingnews/section/105/230?date=20250204"
UTF8 = (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes()


def reencoded(codec: str, *, meta: str | None) -> bytes:
    """The UTF-8 page in another codec, with its <meta charset> replaced or removed."""
    text = UTF8.decode("utf-8")
    head, rest = text.split("<meta charset", 1)
    rest = rest.split(">", 1)[1]
    tag = f'<meta charset="{meta}">' if meta else ""
    return (head + tag + rest).encode(codec)


def titles(page: Page) -> list[str]:
    return [item.title for item in parse_page(naver, page, naver.SELECTORS, REQ)]


def test_utf8_bytes_are_read_without_decoding() -> None:
    page = Page(ARCHIVE, body=UTF8, content_type="text/html; charset=UTF-8")
    assert page.optimistic
    expected = titles(Page(ARCHIVE, UTF8.decode("utf-8")))
    assert titles(page) == expected and len(expected) == 13
    assert page.optimistic  # nothing needed the text, so it was never decoded


@pytest.mark.parametrize(
    ("header", "meta"),
    [
        ("text/html; charset=UTF-8", None),  # a header that lies
        ("text/html", "utf-8"),  # a meta that lies
        ("text/html", None),  # nothing declared
    ],
)
def test_cp949_bytes_claiming_utf8_or_nothing_are_reread(header: str, meta: str | None) -> None:
    expected = titles(Page(ARCHIVE, UTF8.decode("utf-8")))
    page = Page(ARCHIVE, body=reencoded("cp949", meta=meta), content_type=header)
    assert page.optimistic
    got = titles(page)
    assert got == expected and not any("\ufffd" in t for t in got)


@pytest.mark.parametrize("meta", ["euc-kr", "ks_c_5601-1987"])
def test_declared_euc_kr_falls_back_to_cp949(meta: str) -> None:
    page = Page(ARCHIVE, body=reencoded("cp949", meta=meta), content_type="text/html")
    assert titles(page) == titles(Page(ARCHIVE, UTF8.decode("utf-8")))
    assert page.encoding == "cp949"


def test_utf16_is_never_read_as_utf8() -> None:
    body = UTF8.decode("utf-8").encode("utf-16")
    page = Page(ARCHIVE, body=body, content_type="text/html; charset=utf-16")
    assert not page.optimistic
    assert titles(page) == titles(Page(ARCHIVE, UTF8.decode("utf-8")))


@pytest.mark.parametrize("path", shared_files("naver", "list-*.html"), ids=lambda p: p.name)
def test_real_pages_read_from_bytes_match_decoded_text(path: Path) -> None:
    url = "https://news.naver.com/main/list.naver?mode=LS2D&date=x"
    raw = path.read_bytes()
    from_bytes = parse_page(naver, Page(url, body=raw), naver.SELECTORS, REQ)
    from_text = parse_page(naver, Page(url, raw.decode("utf-8")), naver.SELECTORS, REQ)
    assert from_bytes == from_text and len(from_bytes) == 20
