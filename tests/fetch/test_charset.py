"""Decoding Korean and Chinese pages however (or whether) they declare their charset."""

from __future__ import annotations

import asyncio
import codecs
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from newsbot.config import FetchConfig
from newsbot.fetch import charset
from newsbot.fetch.charset import decode
from newsbot.fetch.client import Fetcher
from tests.conftest import PAGES, PageServer

# Syllables and characters outside EUC-KR / GB2312: decoded with the narrow codec they are lost.
KO = "똠방각하 햏자 뷁 - 과학기술정보통신부는 4일 인공지능 반도체 육성 전략을 발표했다. 네이트 뉴스 IT/과학 최신 기사 목록입니다."
ZH = "朱镕基 喆 堃 犇 - 新浪科技讯 北京时间9月28日消息，苹果公司发布新款手机，售价创下新高。国内厂商纷纷跟进。"
CASES = {
    # name: (text, bytes codec, label in <meta>, a header that lies about the other script)
    "ko": (KO, "cp949", "euc-kr", "gb2312"),
    "zh": (ZH, "gbk", "gb2312", "euc-kr"),
}


def _page(text: str, codec: str, meta: str | None) -> bytes:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>t</title></head><body>{f'<p>{text}</p>' * 3}</body></html>".encode(
        codec
    )


@pytest.mark.parametrize("script", CASES)
@pytest.mark.parametrize(
    ("how", "with_meta", "header"),
    [
        ("declared only in meta", True, "text/html"),
        ("header lies: utf-8", True, "text/html; charset=utf-8"),
        ("header lies: latin-1 default", True, "text/html; charset=ISO-8859-1"),
        ("header lies: the other CJK charset", True, None),
        ("undeclared", False, "text/html"),
        ("undeclared, latin-1 header", False, "text/html; charset=iso-8859-1"),
    ],
)
def test_cjk_pages_decode_without_loss(
    script: str, how: str, with_meta: bool, header: str | None
) -> None:
    text, codec, meta, other = CASES[script]
    body = _page(text, codec, meta if with_meta else None)
    with pytest.raises(UnicodeDecodeError):
        body.decode("euc-kr" if script == "ko" else "gb2312")  # the narrow codec would lose some
    decoded, used = decode(body, header or f"text/html; charset={other}")
    assert "\ufffd" not in decoded
    assert text in decoded
    assert used == ("cp949" if script == "ko" else "gb18030")


def test_a_truthful_latin1_header_still_wins_for_a_latin_page() -> None:
    body = "<p>Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9 \u00e0 la carte.</p>".encode(
        "latin-1"
    )
    decoded, used = decode(body, "text/html; charset=ISO-8859-1")
    assert "Café crème, naïve résumé" in decoded and used == "cp1252"


def test_utf8_bytes_beat_an_old_euc_kr_meta() -> None:
    body = _page(KO, "utf-8", "euc-kr")
    decoded, used = decode(body, "text/html")
    assert KO in decoded and used == "utf-8"


def test_real_gbk_page_under_utf8_meta_and_header(shared_fixtures: Path) -> None:
    body = (
        shared_fixtures / "sina" / "news-sina-cn-mobile-home-2018-gbk-bytes-utf8-meta.html"
    ).read_bytes()
    decoded, used = decode(body, "text/html; charset=utf-8")
    assert used == "gb18030" and "\ufffd" not in decoded
    assert "<title>新浪新闻_手机新浪网</title>" in decoded


@pytest.mark.parametrize("header", ["text/html", "text/html; charset=ISO-8859-1"])
def test_fetcher_decodes_a_cp949_page_over_http(page_server: PageServer, header: str) -> None:
    page_path = PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html"
    page_server.add("/recent", page_path.read_bytes(), Content_Type=header)

    async def fetch() -> tuple[str, str]:
        async with Fetcher(FetchConfig(host_map={"news.nate.com": page_server.origin})) as f:
            page = await f.get(
                "https://news.nate.com/recent?mid=n0105", source="nate", obey_robots=False
            )
        return page.text, page.encoding

    text, encoding = asyncio.run(fetch())
    assert encoding == "cp949" and "\ufffd" not in text
    assert "똠방각하 뷁 논란…햏 신조어 사전 등재 추진" in text


PL = "Sprzeciw wobec ataków na Fundację: żółć, gęślą jaźń, źdźbło — łódź"


@pytest.mark.parametrize("stray", [b"\xff", b"\xe9", b"\xc3", b"\xe2\x80"])
@pytest.mark.parametrize("meta", ["utf-8", None, "windows-1252"])
@pytest.mark.parametrize("text", [PL, KO, ZH])
def test_utf8_with_a_stray_byte_is_still_utf8(text: str, meta: str | None, stray: bytes) -> None:
    """One bad byte (a Latin-1 é pasted into a template, a cut multi-byte character) in a
    UTF-8 page costs that byte, not the page: no detector's legacy codec garbles the rest."""
    body = _page(text, "utf-8", meta).replace(b"<title>t", b"<title>t" + stray)
    decoded, used = decode(body, "text/html")
    assert used == "utf-8"
    assert decoded.count(text) == 3 and decoded.count("\ufffd") == 1


def test_a_legacy_page_with_a_few_utf8_lookalikes_is_not_utf8() -> None:
    """A cp1252 page's bytes rarely form UTF-8; where two do ("Ã©" in a name), the page's
    many other accented letters still outvote them."""
    text = "Für die Grüße: Café, Öl, Äpfel, Übermaß, naïve, Straße, Bär, Söhne, Ã©."
    body = _page(text, "cp1252", None)
    decoded, used = decode(body, "text/html")
    assert used != "utf-8" and "Für die Grüße" in decoded


# encodable characters (no lone surrogates), no tags, no U+FFFD of the page's own
ANY = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="<\ufffd"), max_size=80)
WIDE = st.text(
    st.characters(min_codepoint=0x80, exclude_categories=("Cs",), exclude_characters="\ufffd"),
    min_size=charset.MOSTLY,
)


@given(st.tuples(ANY, WIDE, ANY).map("".join), st.integers(min_value=0))
def test_one_stray_byte_costs_one_character(text: str, where: int) -> None:
    cut = where % (len(text) + 1)
    body = text[:cut].encode() + b"\xff" + text[cut:].encode()
    assume(not body.startswith(codecs.BOM_UTF8))
    decoded, used = decode(body)
    assert used == "utf-8" and decoded == text[:cut] + "\ufffd" + text[cut:]
