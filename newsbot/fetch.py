"""The network edge: one shared httpx client, robots.txt, host_map, retries and limits.

Every httpx exception is translated here into a ``FetchError`` whose ``status``
is a word from the run report's vocabulary; nothing above this module sees httpx.
Per request: one connection per host, spaced by the host delay (``hosts``); a total
deadline outside httpx (a slow drip cannot run for ever); a cap on the decoded body
(``body``); at most ``max_redirects`` hops, each to an allowed http(s) host. Failed
attempts are retried by tenacity with full-jitter backoff or the server's Retry-After.
"""

from __future__ import annotations

import asyncio
import random
import socket
import time
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from newsbot import __version__
from newsbot.body import ACCEPT_ENCODING, check_page, read_capped
from newsbot.charset import decode
from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.hosts import Hosts, Sleep
from newsbot.models import Page, SourceResult
from newsbot.redact import guard_logger

ROBOTS_TOKEN = "newsbot"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_HEAD_BYTES = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
RETRY_CODES = {408, 429, 500, 502, 503, 504, 522, 524}  # Scrapy's RETRY_HTTP_CODES

# httpx logs every request URL at INFO, secrets included (L9); httpcore logs headers at DEBUG
for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.proxy"):
    guard_logger(_name)


def user_agent(config: FetchConfig) -> str:
    """``newsbot/<version> (+<contact URL>)``; robots.txt is matched on ``newsbot``."""
    contact = f" (+{config.contact_url})" if config.contact_url else ""
    return f"{ROBOTS_TOKEN}/{__version__}{contact}"


def map_url(url: str, host_map: dict[str, str]) -> str:
    """Send a request for a mapped host to its replacement origin, path and query kept."""
    parts = urlsplit(url)
    origin = host_map.get((parts.hostname or "").lower())
    if origin is None:
        return url
    target = urlsplit(origin)
    return urlunsplit((target.scheme, target.netloc, parts.path or "/", parts.query, ""))


def unmap_url(url: str, host_map: dict[str, str]) -> str:
    """The logical URL of a wire URL that points at a host_map origin (a redirect's target)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    for host, mapped in host_map.items():
        if mapped.lower() == origin:
            return urlunsplit(("https", host, parts.path, parts.query, parts.fragment))
    return url


def host_key(url: str) -> str:
    """``host`` or ``host:port``: what politeness and the breaker count by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


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


class Fetcher:
    """Fetch pages for sources. Use as ``async with Fetcher(config) as f``."""

    def __init__(
        self, config: FetchConfig, *, transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None
        self._robots: dict[str, object] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.hosts = Hosts(config.host_delay, config.breaker_failures, sleep=sleep)

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent(cfg), "Accept-Language": "ko,zh;q=0.8,en;q=0.5",
                     "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout),
            follow_redirects=False,  # followed by hand so each hop is checked
            trust_env=False,  # a stray proxy variable on a CI runner must not reroute us
            transport=self._transport,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def get(
        self, url: str, *, source: str, obey_robots: bool, stats: SourceResult | None = None,
        accept: list[str] | None = None,
    ) -> Page:
        """Fetch ``url`` for ``source``; raises FetchError with a report status.

        ``accept`` lists the MIME types the source can parse (default: ``content_types``).
        """
        start = time.monotonic()
        try:
            if obey_robots:
                await self._check_robots(url, source)
            return await self._with_retries(url, source, stats, accept or self.config.content_types)
        finally:
            if stats is not None:
                stats.elapsed_s += time.monotonic() - start

    async def _with_retries(
        self, url: str, source: str, stats: SourceResult | None, accept: list[str]
    ) -> Page:
        host = host_key(url)

        def count_retry(state: RetryCallState) -> None:
            if stats is not None:
                stats.retries += 1

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.config.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, FetchError) and e.retryable),
            before_sleep=count_retry,
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                self.hosts.check(host, source, url)
                try:
                    page = await self._follow(url, source, stats, accept)
                except FetchError as exc:
                    if exc.retryable:
                        raise self._failed(host, exc) from None
                    raise
                self.hosts.succeeded(host)
                return page
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _failed(self, host: str, exc: FetchError) -> FetchError:
        """Count a failed attempt against ``host``; the error to raise (final if given up)."""
        if exc.retry_after is not None and exc.retry_after > self.config.retry_after_max:
            why = f"Retry-After of {exc.retry_after:.0f}s is over {self.config.retry_after_max}s"
            self.hosts.stop(host, exc, why)
            return FetchError(exc.source, exc.url, f"{exc.message}; {why}: {host} given up "
                              "for this run", status=exc.status)  # not waiting that long
        self.hosts.failed(host, exc)
        if self.hosts.is_stopped(host):
            exc.retryable = False
        return exc

    def _wait(self, state: RetryCallState) -> float:
        """The server's Retry-After if it sent one, else full jitter: U(0, backoff x 2^n)."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, FetchError) and exc.retry_after is not None:
            return exc.retry_after
        return random.uniform(0, self.config.backoff * 2 ** (state.attempt_number - 1))

    async def _follow(
        self, url: str, source: str, stats: SourceResult | None, accept: list[str]
    ) -> Page:
        cfg = self.config
        current = url
        for _hop in range(cfg.max_redirects + 1):
            status, headers, body = await self._request(current, source, stats)
            if status in REDIRECTS and "location" in headers:
                current = self._next_hop(url, current, headers["location"], source)
                continue
            _raise_for_status(status, headers, current, source)
            content_type = headers.get("content-type", "")
            check_page(body, content_type, accept=accept, min_bytes=cfg.min_bytes,
                       marker=cfg.complete_marker, block_markers=cfg.block_markers,
                       max_nesting=cfg.max_nesting, source=source, url=current)
            if stats is not None and len(body) > cfg.warn_bytes:
                stats.notes.append(f"{source}: {current} is {len(body)} bytes (warn_bytes "
                                   f"{cfg.warn_bytes})")
            # decoded on first use: an HTML parser may read UTF-8 bytes directly
            return Page(current, status=status, content_type=content_type, body=body)
        raise FetchError(source, url, f"more than {cfg.max_redirects} redirects",
                         status="redirect_loop")

    def _next_hop(self, first: str, current: str, location: str, source: str) -> str:
        """The next URL, if it is http(s) on an allowed host; redirect_blocked otherwise."""
        target = unmap_url(urljoin(current, location.strip()), self.config.host_map)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(source, current, f"redirect to a non-http(s) URL refused: "
                             f"{target[:80]}", status="redirect_blocked")
        if not self._allowed(first, target):
            raise FetchError(source, current, f"redirect to {parts.hostname} refused: not "
                             "on the allow-list", status="redirect_blocked")
        return target

    def _allowed(self, first: str, target: str) -> bool:
        """Same host, or a host of the same site (news.naver.com → *.naver.com), or listed."""
        a, b = urlsplit(first), urlsplit(target)
        home, host = (a.hostname or "").lower(), (b.hostname or "").lower()
        if b.port is not None and b.port != a.port:
            return False
        if host in (h.lower() for h in self.config.allowed_hosts):
            return True
        labels = home.split(".")
        site = ".".join(labels[1:]) if len(labels) >= 3 and not home.replace(".", "").isdigit() \
            else home
        return host in (home, site) or host.endswith("." + site)

    async def _request(
        self, url: str, source: str, stats: SourceResult | None
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None, "use Fetcher as an async context manager"
        wire_url = map_url(url, self.config.host_map)
        async with self.hosts.slot(host_key(url)):
            if stats is not None:
                stats.attempts += 1
            try:
                async with asyncio.timeout(self.config.deadline):
                    async with self._client.stream("GET", wire_url) as response:
                        headers = {k.lower(): v for k, v in response.headers.items()}
                        _check_head(response, source, url)
                        if stats is not None:
                            stats.http_codes.append(response.status_code)
                        body = await read_capped(*_raw(response, headers),
                                                 self.config.max_bytes, source=source, url=url)
            except TimeoutError:
                error = FetchError(source, url, f"no complete answer within the deadline of "
                                   f"{self.config.deadline}s", status="timeout")
                error.retryable = True
                raise error from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # httpx parses a bad Location
                raise _translate(exc, url, source) from None
        if stats is not None:
            stats.bytes += len(body)
        return response.status_code, headers, body

    async def _check_robots(self, url: str, source: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin, source)
        rules = self._robots[origin]
        if isinstance(rules, FetchError):
            raise FetchError(source, rules.url, rules.message, status=rules.status)
        if rules is None:
            return
        delay = rules.crawl_delay(ROBOTS_TOKEN)  # type: ignore[attr-defined]
        if delay is not None and delay > self.config.max_crawl_delay:
            raise FetchError(source, f"{origin}/robots.txt", f"Crawl-delay of {delay}s is over "
                             f"max_crawl_delay {self.config.max_crawl_delay}s; source skipped",
                             status="robots_disallowed")
        if delay is not None:
            self.hosts.set_crawl_delay(host_key(url), float(delay))
        if not rules.can_fetch(url, ROBOTS_TOKEN):  # type: ignore[attr-defined]
            raise FetchError(source, url, "robots.txt disallows this URL for newsbot",
                             status="robots_disallowed")

    async def _load_robots(self, origin: str, source: str) -> object:
        """Protego rules; None means allow all; a FetchError means disallow all."""
        from protego import Protego  # imported lazily: only sources that obey robots need it

        url = f"{origin}/robots.txt"
        try:
            status, headers, body = await self._request(url, source, None)
        except FetchError as exc:
            return FetchError(source, url, f"robots.txt unreachable, so disallowed ({exc.message})",
                              status="robots_disallowed")
        if status == 429 or status >= 500:  # RFC 9309 §2.3.1.4: assume complete disallow
            return FetchError(source, url, f"robots.txt answered {status}, so everything is "
                              "disallowed", status="robots_disallowed")
        if status >= 300:
            return None  # 3xx/4xx: no usable robots.txt, RFC 9309 allows access
        text, _ = decode(body[:ROBOTS_MAX_BYTES], headers.get("content-type", ""))
        return Protego.parse(text)


def _check_head(response: httpx.Response, source: str, url: str) -> None:
    """Refuse a response head over 64 KiB (httpcore allows 100 KiB; Nutch's bad-server set)."""
    size = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    if size > MAX_HEAD_BYTES:
        error = FetchError(source, url, f"response headers of {size} bytes are over "
                           f"{MAX_HEAD_BYTES}", status="protocol_error")
        error.retryable = True
        raise error


def _raw(
    response: httpx.Response, headers: dict[str, str]
) -> tuple[AsyncIterator[bytes], dict[str, str]]:
    """The wire bytes and their headers; an in-memory response (replay) is already decoded."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return response.aiter_raw(), headers

    async def once() -> AsyncIterator[bytes]:
        yield content

    return once(), {k: v for k, v in headers.items() if k != "content-encoding"}


def _raise_for_status(status: int, headers: dict[str, str], url: str, source: str) -> None:
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
    error = FetchError(source, url, f"HTTP {status}", status=kind)
    error.retryable = status in RETRY_CODES
    if status in (429, 503) and "retry-after" in headers:
        error.retry_after = retry_after(headers["retry-after"])
    raise error


def _is_dns(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return "name or service not known" in text or "nodename nor servname" in text \
        or "temporary failure in name resolution" in text


def _translate(exc: httpx.HTTPError | httpx.InvalidURL, url: str, source: str) -> FetchError:
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
    error = FetchError(source, url, f"{name}: {exc}", status=status)
    error.retryable = retryable
    return error
