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
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from newsbot import __version__
from newsbot.body import ACCEPT_ENCODING, check_page, read_capped
from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.hosts import RECENT_STARTS, Hosts, Sleep, host_key
from newsbot.models import Page, SourceResult
from newsbot.redact import guard_logger
from newsbot.robots import ROBOTS_TOKEN, Robots
from newsbot.statuses import check_head, raise_for_status, retry_after, translate

__all__ = ["Fetcher", "host_key", "map_url", "retry_after", "unmap_url", "user_agent"]

REDIRECTS = (301, 302, 303, 307, 308)
T = TypeVar("T")

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


def unmap_url(url: str, host_map: dict[str, str], scheme: str = "https") -> str:
    """The logical URL of a wire URL that points at a host_map origin (a redirect's target)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    for host, mapped in host_map.items():
        if mapped.lower() == origin:
            return urlunsplit((scheme, host, parts.path, parts.query, parts.fragment))
    return url


class Fetcher:
    """Fetch pages for sources. Use as ``async with Fetcher(config) as f``."""

    def __init__(
        self,
        config: FetchConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None
        # Real time only: then spacing carries over to the next run in this process.
        recent = RECENT_STARTS if sleep is asyncio.sleep else None
        self.hosts = Hosts(config.host_delay, config.breaker_failures, sleep=sleep, recent=recent)
        self.robots = Robots(self._robots_request, self.hosts, config.max_crawl_delay)

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": user_agent(cfg),
                "Accept-Language": "ko,zh;q=0.8,en;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
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
        self,
        url: str,
        *,
        source: str,
        obey_robots: bool,
        stats: SourceResult | None = None,
        accept: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        """Fetch ``url`` for ``source``; raises FetchError with a report status.

        ``accept`` lists the MIME types the source can parse (default: ``content_types``);
        ``headers`` are extra request headers the site needs (e.g. Sina's ``Referer``).
        """
        start = time.monotonic()
        try:
            if obey_robots:
                await self.robots.check(url, source, stats)
            types = accept or self.config.content_types
            return await self._with_retries(
                url, source, stats, lambda: self._follow(url, source, stats, types, headers)
            )
        finally:
            if stats is not None:
                stats.elapsed_s += time.monotonic() - start

    async def _with_retries(
        self, url: str, source: str, stats: SourceResult | None, once: Callable[[], Awaitable[T]]
    ) -> T:
        """``once()`` until it succeeds, fails for good, or the attempts are used up."""
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
                    result = await once()
                except FetchError as exc:
                    if exc.retryable:
                        raise self._failed(host, exc) from None
                    raise
                self.hosts.succeeded(host)
                return result
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _failed(self, host: str, exc: FetchError) -> FetchError:
        """Count a failed attempt against ``host``; the error to raise (final if given up)."""
        if exc.retry_after is not None and exc.retry_after > self.config.retry_after_max:
            why = f"Retry-After of {exc.retry_after:.0f}s is over {self.config.retry_after_max}s"
            self.hosts.stop(host, exc, why)
            return FetchError(
                exc.source,
                exc.url,
                f"{exc.message}; {why}: {host} given up for this run",
                status=exc.status,
            )  # not waiting that long
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
        self,
        url: str,
        source: str,
        stats: SourceResult | None,
        accept: list[str],
        extra: Mapping[str, str] | None = None,
    ) -> Page:
        cfg = self.config
        current, status, headers, body = await self._final(url, source, stats, extra)
        raise_for_status(status, headers, current, source)
        content_type = headers.get("content-type", "")
        check_page(
            body,
            content_type,
            accept=accept,
            min_bytes=cfg.min_bytes,
            marker=cfg.complete_marker,
            block_markers=cfg.block_markers,
            max_nesting=cfg.max_nesting,
            source=source,
            url=current,
        )
        if stats is not None and len(body) > cfg.warn_bytes:
            stats.notes.append(
                f"{source}: {current} is {len(body)} bytes (warn_bytes {cfg.warn_bytes})"
            )
        # decoded on first use: an HTML parser may read UTF-8 bytes directly
        return Page(current, status=status, content_type=content_type, body=body)

    async def _final(
        self,
        url: str,
        source: str,
        stats: SourceResult | None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[str, int, dict[str, str], bytes]:
        """Follow ``url``'s redirects; the last URL and its answer."""
        current = url
        for _hop in range(self.config.max_redirects + 1):
            status, headers, body = await self._request(current, source, stats, extra)
            if status not in REDIRECTS or "location" not in headers:
                return current, status, headers, body
            current = self._next_hop(url, current, headers["location"], source)
        raise FetchError(
            source, url, f"more than {self.config.max_redirects} redirects", status="redirect_loop"
        )

    async def _robots_request(
        self, url: str, source: str, stats: SourceResult | None
    ) -> tuple[int, dict[str, str], bytes]:
        """robots.txt with the same hops, checks and retries (RFC 9309: follow at least 5)."""
        _, status, headers, body = await self._with_retries(
            url, source, stats, lambda: self._final(url, source, stats)
        )
        return status, headers, body

    def _next_hop(self, first: str, current: str, location: str, source: str) -> str:
        """The next URL, if it is http(s) on an allowed host; redirect_blocked otherwise."""
        scheme = urlsplit(current).scheme  # the logical URL's, not the mirror's
        target = unmap_url(urljoin(current, location.strip()), self.config.host_map, scheme)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(
                source,
                current,
                f"redirect to a non-http(s) URL refused: {target[:80]}",
                status="redirect_blocked",
            )
        if not self._allowed(first, target):
            raise FetchError(
                source,
                current,
                f"redirect to {parts.hostname} refused: not on the allow-list",
                status="redirect_blocked",
            )
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
        site = (
            ".".join(labels[1:])
            if len(labels) >= 3 and not home.replace(".", "").isdigit()
            else home
        )
        return host in (home, site) or host.endswith("." + site)

    async def _request(
        self,
        url: str,
        source: str,
        stats: SourceResult | None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None, "use Fetcher as an async context manager"
        wire_url = map_url(url, self.config.host_map)
        async with self.hosts.slot(host_key(url)):
            if stats is not None:
                stats.attempts += 1
            try:
                async with asyncio.timeout(self.config.deadline):
                    async with self._client.stream("GET", wire_url, headers=extra) as response:
                        headers = {k.lower(): v for k, v in response.headers.items()}
                        check_head(response, source, url)
                        if stats is not None:
                            stats.http_codes.append(response.status_code)
                        body = await read_capped(
                            *_raw(response, headers), self.config.max_bytes, source=source, url=url
                        )
            except TimeoutError:
                raise FetchError(
                    source,
                    url,
                    f"no complete answer within the deadline of {self.config.deadline}s",
                    status="timeout",
                    retryable=True,
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # httpx parses a bad Location
                raise translate(exc, url, source) from None
        if stats is not None:
            stats.bytes += len(body)
        return response.status_code, headers, body


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
