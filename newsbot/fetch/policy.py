"""The retry policy: what an answer means, whether to try again, how long to wait, when to quit.

Every failure becomes a ``FetchError`` whose ``status`` is a word of the run
report's vocabulary, with ``retryable`` set for what another attempt may cure.
A retry waits the server's ``Retry-After`` or full jitter, ``U(0, backoff x 2^n)``;
after ``breaker_failures`` failed attempts in a row, or a ``Retry-After`` too long
to wait, the host is given up for the run (the circuit breaker).
"""

from __future__ import annotations

import random
import socket
import time
from dataclasses import dataclass
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


def wait(error: BaseException | None, attempt: int, backoff: float) -> float:
    """Seconds before retry ``attempt`` (1-based): Retry-After if sent, else full jitter."""
    if isinstance(error, FetchError) and error.retry_after is not None:
        return error.retry_after
    return random.uniform(0, backoff * 2 ** (attempt - 1))


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
    header = headers.get("retry-after") if status in (429, 503) else None
    raise FetchError(
        source,
        url,
        f"HTTP {status}",
        status=kind,
        retryable=status in RETRY_CODES,
        retry_after=retry_after(header) if header is not None else None,
        http_code=status,
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


@dataclass
class _HostState:
    failures: int = 0
    stopped: tuple[str, str] | None = None  # (status, why)


class Breaker:
    """Per-host circuit breaker for one run, keyed by ``host[:port]``."""

    def __init__(self, failures: int, retry_after_max: float) -> None:
        self.failures = failures
        self.retry_after_max = retry_after_max
        self._hosts: dict[str, _HostState] = {}

    def _get(self, host: str) -> _HostState:
        return self._hosts.setdefault(host, _HostState())

    def check(self, host: str, source: str, url: str) -> None:
        """Fail fast, with the status that stopped it, when ``host`` was given up."""
        stopped = self._get(host).stopped
        if stopped is not None:
            raise FetchError(
                source, url, f"{host} stopped for this run: {stopped[1]}", status=stopped[0]
            )

    def succeeded(self, host: str) -> None:
        self._get(host).failures = 0

    def failed(self, host: str, exc: FetchError) -> FetchError:
        """Count a failed attempt; the error to raise (final if the host is given up)."""
        state = self._get(host)
        if exc.retry_after is not None and exc.retry_after > self.retry_after_max:
            why = f"Retry-After of {exc.retry_after:.0f}s is over {self.retry_after_max}s"
            self._stop(state, exc, why)
            message = f"{exc.message}; {why}: {host} given up for this run"
            return FetchError(exc.source, exc.url, message, status=exc.status)
        state.failures += 1
        if state.failures >= self.failures:
            self._stop(state, exc, f"{state.failures} failed attempts in a row")
            exc.retryable = False
        return exc

    @staticmethod
    def _stop(state: _HostState, exc: FetchError, why: str) -> None:
        state.stopped = (exc.status, f"{why}; last: {exc.message}")
