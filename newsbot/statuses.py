"""Turn what the network did into a report status: an HTTP answer or an httpx error.

Every result is a ``FetchError`` whose ``status`` is a word of the run report's
vocabulary, with ``retryable`` set for what another attempt may cure.
"""

from __future__ import annotations

import socket
import time
from email.utils import parsedate_to_datetime

import httpx

from newsbot.errors import FetchError

# The report's fixed vocabulary (RELIABILITY.md §1.3); README lists when each is set.
STATUSES = (
    "ok",
    "unreachable",
    "dns_error",
    "timeout",
    "http_4xx",
    "http_5xx",
    "rate_limited",
    "blocked",
    "redirect_loop",
    "redirect_blocked",
    "protocol_error",
    "too_large",
    "unexpected_content",
    "encoding_error",
    "parse_empty",
    "incomplete",
    "robots_disallowed",
)
MAX_HEAD_BYTES = 64 * 1024
RETRY_CODES = {408, 429, 500, 502, 503, 504, 522, 524}  # Scrapy's RETRY_HTTP_CODES


def retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


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


def raise_for_status(status: int, headers: dict[str, str], url: str, source: str) -> None:
    """Raise the report status of a 4xx/5xx answer, with Retry-After when sent."""
    if status < 400:
        return
    if status == 403:
        kind = "blocked"
    elif status == 429:
        kind = "rate_limited"
    elif status >= 500:
        kind = "http_5xx"
    else:
        kind = "http_4xx"
    wait = headers.get("retry-after") if status in (429, 503) else None
    raise FetchError(
        source,
        url,
        f"HTTP {status}",
        status=kind,
        retryable=status in RETRY_CODES,
        retry_after=retry_after(wait) if wait is not None else None,
    )


def _is_dns(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "temporary failure in name resolution" in text
    )


def translate(exc: httpx.HTTPError | httpx.InvalidURL, url: str, source: str) -> FetchError:
    """Map an httpx exception to the report vocabulary, keeping its class name."""
    name = type(exc).__name__
    retryable = True
    if isinstance(exc, httpx.TimeoutException):
        status = "timeout"
    elif isinstance(exc, httpx.ConnectError):
        status = "dns_error" if _is_dns(exc) else "unreachable"
    elif isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        status, retryable = "redirect_blocked", False
    else:
        status = "protocol_error"
    return FetchError(source, url, f"{name}: {exc}", status=status, retryable=retryable)
