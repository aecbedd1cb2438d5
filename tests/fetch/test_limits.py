"""The fetch layer's pure parts: Retry-After, redaction, the decoded cap, allow-list, breaker."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import AsyncIterator
from email.utils import formatdate

import pytest

from newsbot.errors import FetchError
from newsbot.fetch.hosts import host_key
from newsbot.fetch.limits import check_page, read_capped
from newsbot.fetch.policy import STATUSES, Breaker, retry_after
from newsbot.fetch.urls import same_site, unmap_url
from newsbot.redact import redact
from tests.conftest import ROOT


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after("120") == 120.0
    now = time.time()
    assert retry_after(formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert retry_after(formatdate(now - 30, usegmt=True), now) == 0.0
    assert retry_after("soon") is None


@pytest.mark.parametrize(
    "text",
    [
        "https://user:SECRET1@host/x",
        "GET /x?apikey=SECRET1&a=1",
        "/x?access_token=SECRET1",
        "Authorization: Bearer SECRET1abcdef",
        "token ghp_" + "S" * 36,
        "password=SECRET1",
        "https://host/x?client_secret=SECRET1#frag",
    ],
)
def test_redact_removes_each_secret_form(text: str) -> None:
    out = redact(text)
    assert "SECRET1" not in out and "SSSS" not in out and "***" in out


def test_redact_keeps_ordinary_urls() -> None:
    url = "https://news.naver.com/breakingnews/section/105/230?date=20250204&page=2"
    assert redact(url) == url


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def read(data: bytes, encoding: str = "", cap: int = 10_000) -> bytes:
    headers = {"content-encoding": encoding} if encoding else {}
    return asyncio.run(read_capped(chunks(data), headers, cap, source="s", url="u"))


@pytest.mark.parametrize("encoding", ["", "gzip", "deflate", "deflate-raw"])
def test_read_capped_decodes_up_to_the_cap_exactly(encoding: str) -> None:
    body = bytes(range(256)) * 39 + b"end"  # 9,987 bytes
    wire = {
        "": body,
        "gzip": gzip.compress(body),
        "deflate": zlib.compress(body),
        "deflate-raw": zlib.compress(body, wbits=-15),
    }[encoding]
    name = "deflate" if encoding == "deflate-raw" else encoding
    assert read(wire, name, cap=len(body)) == body
    with pytest.raises(FetchError) as err:
        read(wire, name, cap=len(body) - 1)
    assert err.value.status == "too_large"


def test_read_capped_refuses_a_declared_length_before_reading() -> None:
    async def never() -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""

    with pytest.raises(FetchError) as err:
        asyncio.run(read_capped(never(), {"content-length": "10001"}, 10_000, source="s", url="u"))
    assert err.value.status == "too_large"


@pytest.mark.parametrize(
    ("wire", "encoding"),
    [
        (gzip.compress(b"x" * 5000)[:-20], "gzip"),
        (b"not gzip at all", "gzip"),
        (b"abc", "br"),
    ],
)
def test_read_capped_bad_compression(wire: bytes, encoding: str) -> None:
    with pytest.raises(FetchError) as err:
        read(wire, encoding)
    assert err.value.status in ("protocol_error", "unexpected_content")


def check(body: bytes, content_type: str = "text/html") -> None:
    check_page(
        body,
        content_type,
        accept=["text/html"],
        min_bytes=10,
        marker="</html>",
        block_markers=["captcha"],
        source="s",
        url="u",
    )


def test_check_page_markers_only_in_the_title() -> None:
    check(b"<html><head><title>News</title></head><body>solve the captcha</body></html>")
    with pytest.raises(FetchError, match="block or captcha"):
        check(b"<html><head><title>Captcha</title></head><body>x</body></html>")


def test_check_page_incomplete_is_retryable() -> None:
    with pytest.raises(FetchError) as err:
        check(b"<html><body><ul><li>cut he")
    assert err.value.status == "incomplete" and err.value.retryable


def test_check_page_wants_the_marker_only_from_a_page_that_opened_html() -> None:
    check(b'<?xml version="1.0"?><rss><channel><item>x</item></channel></rss>')


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("https://news.naver.com/x", True),
        ("https://n.news.naver.com/x", True),
        ("https://naver.com/", True),
        ("https://naver.com.evil.com/", False),
        ("https://evilnaver.com/", False),
        ("https://news.naver.com:8443/", False),
        ("https://cdn.example/", True),  # listed in allowed_hosts
    ],
)
def test_redirect_allow_list(target: str, allowed: bool) -> None:
    assert same_site("https://news.naver.com/section/105", target, ["cdn.example"]) is allowed


def test_unmap_url_turns_a_mapped_origin_back_into_its_host() -> None:
    host_map = {"news.naver.com": "http://127.0.0.1:8080"}
    assert unmap_url("http://127.0.0.1:8080/a?b=1", host_map) == "https://news.naver.com/a?b=1"
    assert unmap_url("http://127.0.0.1:9090/a", host_map) == "http://127.0.0.1:9090/a"
    assert unmap_url("http://127.0.0.1:8080/a", host_map, "http") == "http://news.naver.com/a"
    assert host_key("http://127.0.0.1:9090/a") == "127.0.0.1:9090"


def test_breaker_opens_after_n_failures_and_a_success_resets() -> None:
    breaker = Breaker(3, retry_after_max=60)
    error = FetchError("s", "u", "HTTP 503", status="http_5xx", retryable=True)
    breaker.failed("h", error)
    breaker.failed("h", error)
    breaker.succeeded("h")
    breaker.failed("h", error)
    breaker.failed("h", error)
    breaker.check("h", "s", "u")  # 2 in a row: still open for business
    assert breaker.failed("h", error).retryable is False  # the third stops the host
    with pytest.raises(FetchError) as err:
        breaker.check("h", "other", "u2")
    assert err.value.status == "http_5xx" and err.value.source == "other"


def test_every_status_the_code_sets_is_in_the_vocabulary() -> None:
    """A status word outside the fixed vocabulary fails here (RELIABILITY.md §1.3)."""
    import re

    used = set()
    package = ROOT / "newsbot"
    setters = [*(package / "fetch").glob("*.py"), *(package / "sources").glob("*.py"),
               package / "pipeline" / "lists.py", package / "errors.py"]  # fmt: skip
    for path in setters:
        text = path.read_text()
        used |= set(re.findall(r'status="(\w+)"', text))  # FetchError(..., status="…")
        used |= (
            set(re.findall(r'status(?:, retryable)? = "(\w+)"', text))
            if path.name in ("policy.py", "errors.py")
            else set()
        )
    used.discard("error")  # SourceError's placeholder; every subclass sets its own
    assert len(used) > 10 and used <= set(STATUSES), used - set(STATUSES)
