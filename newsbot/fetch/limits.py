"""Limits on what one response may be: head size, body size after decompression, page checks.

(How deep a page may nest is checked where it is parsed: ``nesting``, in a worker.)

httpx's own decoder inflates a whole network chunk at once, so a 97 KB gzip bomb
becomes a 67 MB chunk before any cap can look at it (RELIABILITY.md L7). Here the
raw bytes are inflated with ``zlib`` in steps of at most ``cap + 1`` bytes, so
memory stays near the cap whatever the compression ratio.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator
from typing import Protocol

import httpx

from newsbot.errors import FetchError

MAX_HEAD_BYTES = 64 * 1024
STEP = 64 * 1024  # most bytes inflated per zlib call
ACCEPT_ENCODING = "gzip, deflate"  # only what ``_decoder`` can bound; never br/zstd
_HTML_OPEN = re.compile(rb"<html[\s>]", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.{0,300}?)</title", re.I | re.S)


class _Decoder(Protocol):
    @property
    def unconsumed_tail(self) -> bytes: ...

    @property
    def eof(self) -> bool: ...

    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...

    def flush(self, length: int = ..., /) -> bytes: ...


class _Identity:
    unconsumed_tail = b""
    eof = True

    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes:
        return data

    def flush(self, length: int = 0, /) -> bytes:
        return b""


class _Deflate:
    """``deflate`` is meant to be zlib-wrapped, but some servers send it raw: look first."""

    def __init__(self) -> None:
        self._inner: zlib._Decompress | None = None

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inner.unconsumed_tail if self._inner else b""

    @property
    def eof(self) -> bool:
        return self._inner.eof if self._inner else False

    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes:
        if self._inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self._inner.decompress(data, max_length)

    def flush(self, length: int = zlib.DEF_BUF_SIZE, /) -> bytes:
        return self._inner.flush(length) if self._inner else b""


def _decoder(encoding: str, source: str, url: str) -> _Decoder:
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return _Identity()
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return _Deflate()
    raise FetchError(
        source, url, f"unsupported Content-Encoding {encoding!r}", status="unexpected_content"
    )


async def read_capped(
    chunks: AsyncIterator[bytes], headers: dict[str, str], cap: int, *, source: str, url: str
) -> bytes:
    """The decoded body; FetchError ``too_large`` as soon as it would pass ``cap`` bytes."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > cap:
        raise FetchError(
            source,
            url,
            f"declared body of {declared} bytes is over the cap of {cap}",
            status="too_large",
        )
    decoder = _decoder(headers.get("content-encoding", ""), source, url)
    parts: list[bytes] = []
    size = 0

    def take(out: bytes) -> None:
        nonlocal size
        size += len(out)
        if size > cap:
            raise FetchError(
                source, url, f"decoded body is over the cap of {cap} bytes", status="too_large"
            )
        parts.append(out)

    def room() -> int:  # small steps: zlib grows its output buffer up to max_length
        return min(cap - size + 1, STEP)

    try:
        async for raw in chunks:
            take(decoder.decompress(raw, room()))
            while decoder.unconsumed_tail:  # more output is pending: take it in bounded steps
                take(decoder.decompress(decoder.unconsumed_tail, room()))
        while not decoder.eof and (out := decoder.flush(room())):
            take(out)
    except zlib.error as exc:
        raise FetchError(
            source, url, f"corrupt compressed body (zlib.error: {exc})", status="protocol_error"
        ) from None
    if not decoder.eof:
        raise FetchError(
            source, url, "compressed body ended early", status="protocol_error", retryable=True
        )
    return b"".join(parts)


def check_page(
    body: bytes,
    content_type: str,
    *,
    accept: list[str],
    min_bytes: int,
    marker: str,
    block_markers: list[str],
    source: str,
    url: str,
) -> None:
    """Refuse a 2xx page that is the wrong kind, too small, a block page or cut short."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime and mime not in accept:
        raise FetchError(
            source,
            url,
            f"unexpected content type {mime!r} (expected {', '.join(accept)})",
            status="unexpected_content",
        )
    if len(body) < min_bytes:
        raise FetchError(
            source,
            url,
            f"body of {len(body)} bytes is under the minimum of {min_bytes}",
            status="unexpected_content",
        )
    is_html = mime in ("", "text/html", "application/xhtml+xml")
    title = _TITLE.search(body[:65536]) if is_html else None
    text = title.group(1).decode("utf-8", "replace").lower() if title else ""
    hit = next((m for m in block_markers if m.lower() in text), None)
    if hit:
        raise FetchError(
            source, url, f"a block or captcha page (title has {hit!r})", status="unexpected_content"
        )
    # Only a page that opened <html> must close it (a feed served as text/html need not)
    opened = _HTML_OPEN.search(body[:4096]) is not None
    if is_html and opened and marker and not re.search(re.escape(marker.encode()), body, re.I):
        raise FetchError(
            source,
            url,
            f"page is incomplete: no {marker!r} (connection closed early?)",
            status="incomplete",
            retryable=True,
        )


def check_head(response: httpx.Response, source: str, url: str) -> None:
    """Refuse a response head over 64 KiB (httpcore allows 100 KiB; Nutch's bad-server set)."""
    size = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    if size > MAX_HEAD_BYTES:
        raise FetchError(
            source,
            url,
            f"response headers of {size} bytes are over {MAX_HEAD_BYTES}",
            status="protocol_error",
            retryable=True,
        )
