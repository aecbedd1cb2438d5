"""The network edge: one httpx client per run, robots.txt, host_map, retries and limits.

Every httpx exception is translated here into a ``FetchError`` whose ``status``
is a word of the run report's vocabulary; nothing above this package sees httpx.
Per request: the URL gate (``gate``: http(s), public addresses or host_map hosts
only, checked again at connect time); one connection per host, spaced by the host
delay (``hosts``); a total deadline outside httpx (a slow drip cannot run for ever);
a cap on the decoded body (``limits``); at most ``max_redirects`` hops, each to an
allowed http(s) host that passes the gate. A Location naming the host_map origin the
request went to stays on its key (the mirror naming itself); any other origin address
is refused like every inside address. Failed attempts are retried as ``policy`` says.
The Fetcher also holds the run's ``workers``, where fetched pages are parsed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.fetch import policy
from newsbot.fetch.gate import Gate, Refused, network_transport
from newsbot.fetch.hosts import HostMemory, Hosts, Sleep, host_key
from newsbot.fetch.limits import ACCEPT_ENCODING, check_head, check_page, read_capped
from newsbot.fetch.page import Page
from newsbot.fetch.robots import ROBOTS_TOKEN, Robots
from newsbot.fetch.urls import map_url, same_site, unmap_url
from newsbot.fetch.workers import Workers
from newsbot.models import Tally
from newsbot.redact import guard_logger
from newsbot.version import __version__

REDIRECTS = (301, 302, 303, 307, 308)
T = TypeVar("T")

# httpx logs every request URL at INFO, secrets included (L9); httpcore logs headers at DEBUG
for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.proxy"):
    guard_logger(_name)


def user_agent(config: FetchConfig) -> str:
    """``newsbot/<version> (+<contact URL>)``; robots.txt is matched on ``newsbot``."""
    contact = f" (+{config.contact_url})" if config.contact_url else ""
    return f"{ROBOTS_TOKEN}/{__version__}{contact}"


class Fetcher:
    """Fetch pages for sources. Use as ``async with Fetcher(config) as f``; one per run."""

    def __init__(
        self,
        config: FetchConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        memory: HostMemory | None = None,
    ) -> None:
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None
        self.hosts = Hosts(config.host_delay, sleep=sleep, memory=memory)
        self.breaker = policy.Breaker(config.breaker_failures, config.retry_after_max)
        self.robots = Robots(self._robots_request, self.hosts, config.max_crawl_delay)
        self.gate = Gate.of(config.host_map)
        self.workers = Workers(config.parse_timeout)
        # The CA bundle takes ~0.1 s to load: made once, shared with any other client of the run.
        self.ssl_context = httpx.create_ssl_context(trust_env=False) if transport is None else None

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        self.workers.warm()  # while the first requests are on their way
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": user_agent(cfg),
                "Accept-Language": "ko,zh;q=0.8,en;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            timeout=httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout),
            follow_redirects=False,  # followed by hand so each hop is checked
            trust_env=False,  # a stray proxy variable on a CI runner must not reroute us
            transport=self._transport or network_transport(self.gate, self.ssl_context),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.workers.close()
        if self._client is not None:
            await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        source: str,
        obey_robots: bool,
        tally: Tally | None = None,
        accept: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        """Fetch ``url`` for ``source``; raises FetchError with a report status.

        ``tally`` counts what the request cost (the source's report counters);
        ``accept`` lists the MIME types the source can parse (default: ``content_types``);
        ``headers`` are extra request headers the site needs (e.g. Sina's ``Referer``).
        """
        self._check_gate(url, source)  # before robots.txt is asked for
        if obey_robots:
            await self.robots.check(url, source, tally)
        types = accept or self.config.content_types
        return await self._with_retries(
            url, source, tally, lambda: self._follow(url, source, tally, types, headers)
        )

    def _check_gate(self, url: str, source: str) -> None:
        """FetchError ``redirect_blocked`` unless the gate lets ``url`` be requested."""
        why = self.gate.refusal(url)
        if why is not None:
            raise FetchError(source, url, f"not fetched: {why}", status="redirect_blocked")

    async def _with_retries(
        self, url: str, source: str, tally: Tally | None, once: Callable[[], Awaitable[T]]
    ) -> T:
        """``once()`` until it succeeds, fails for good, or the attempts are used up."""
        host = host_key(url)

        def count_retry(state: RetryCallState) -> None:
            if tally is not None:
                tally.retries += 1

        def pause(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return policy.wait(error, state.attempt_number, self.config.backoff)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.config.retries + 1),
            wait=pause,
            retry=retry_if_exception(lambda e: isinstance(e, FetchError) and e.retryable),
            before_sleep=count_retry,
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                self.breaker.check(host, source, url)
                try:
                    result = await once()
                except FetchError as exc:
                    if exc.retryable:
                        raise self.breaker.failed(host, exc) from None
                    raise
                self.breaker.succeeded(host)
                return result
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _follow(
        self,
        url: str,
        source: str,
        tally: Tally | None,
        accept: list[str],
        extra: Mapping[str, str] | None = None,
    ) -> Page:
        cfg = self.config
        current, status, headers, body = await self._final(url, source, tally, extra)
        policy.raise_for_status(status, headers, current, source)
        content_type = headers.get("content-type", "")
        check_page(
            body,
            content_type,
            accept=accept,
            min_bytes=cfg.min_bytes,
            marker=cfg.complete_marker,
            block_markers=cfg.block_markers,
            source=source,
            url=current,
        )
        if tally is not None and len(body) > cfg.warn_bytes:
            tally.notes.append(
                f"{source}: {current} is {len(body)} bytes (warn_bytes {cfg.warn_bytes})"
            )
        # decoded on first use: an HTML parser may read UTF-8 bytes directly
        return Page(current, status=status, content_type=content_type, body=body)

    async def _final(
        self,
        url: str,
        source: str,
        tally: Tally | None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[str, int, dict[str, str], bytes]:
        """Follow ``url``'s redirects; the last URL and its answer."""
        current = url
        for _hop in range(self.config.max_redirects + 1):
            status, headers, body = await self._request(current, source, tally, extra)
            if status not in REDIRECTS or "location" not in headers:
                return current, status, headers, body
            current = self._next_hop(url, current, headers["location"], source)
        raise FetchError(
            source, url, f"more than {self.config.max_redirects} redirects", status="redirect_loop"
        )

    async def _robots_request(
        self, url: str, source: str, tally: Tally | None
    ) -> tuple[int, dict[str, str], bytes]:
        """robots.txt with the same hops, checks and retries (RFC 9309: follow at least 5)."""
        _, status, headers, body = await self._with_retries(
            url, source, tally, lambda: self._final(url, source, tally)
        )
        return status, headers, body

    def _next_hop(self, first: str, current: str, location: str, source: str) -> str:
        """The next URL, if it is http(s) on an allowed host; redirect_blocked otherwise."""
        try:
            target = self._own_origin(current, urljoin(current, location.strip()))
            parts = urlsplit(target)
            parts.port  # noqa: B018 - a port over 65535 raises here, not later
        except ValueError as exc:
            message = f"redirect to a malformed URL refused ({exc}): {location[:80]}"
            raise FetchError(source, current, message, status="redirect_blocked") from None
        if parts.scheme not in ("http", "https"):
            raise FetchError(
                source,
                current,
                f"redirect to a non-http(s) URL refused: {target[:80]}",
                status="redirect_blocked",
            )
        why = self.gate.refusal(target)
        if why is not None:  # an inside address, a host_map origin among them
            message = f"redirect to {target[:80]} refused: {why}"
            raise FetchError(source, current, message, status="redirect_blocked")
        if not same_site(first, target, self.config.allowed_hosts):
            home = urlsplit(first)
            if parts.hostname == home.hostname and parts.port != home.port:
                why = f"another port than {first[:80]} (a redirect keeps the page's own port)"
            else:
                why = "another site, not in [fetch] allowed_hosts"
            raise FetchError(
                source,
                current,
                f"redirect to {target[:80]} refused: {why}",
                status="redirect_blocked",
            )
        return target

    def _own_origin(self, current: str, target: str) -> str:
        """``target`` on the host of ``current`` when it names the origin ``current`` was
        sent to (a mirror writing its own address into Location, as a relative one would);
        any other URL as it is, so a host_map origin reached from elsewhere stays an inside
        address that the gate refuses, and never becomes some other host_map key."""
        host = (urlsplit(current).hostname or "").lower()
        origin = self.config.host_map.get(host)
        if origin is None:
            return target
        scheme = urlsplit(current).scheme  # the logical URL's, not the mirror's
        return unmap_url(target, {host: origin}, scheme)

    async def _request(
        self,
        url: str,
        source: str,
        tally: Tally | None,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None, "use Fetcher as an async context manager"
        cfg = self.config
        self._check_gate(url, source)  # every hop, robots.txt included
        wire_url = map_url(url, cfg.host_map)
        async with self.hosts.slot(host_key(url)):
            if tally is not None:
                tally.attempts += 1
            try:
                async with asyncio.timeout(cfg.deadline):
                    async with self._client.stream("GET", wire_url, headers=extra) as response:
                        headers = {k.lower(): v for k, v in response.headers.items()}
                        check_head(response, source, url)
                        if tally is not None:
                            tally.http_codes.append(response.status_code)
                        chunks, wire = _raw(response, headers)
                        body = await read_capped(
                            chunks, wire, cfg.max_bytes, source=source, url=url
                        )
            except TimeoutError:
                message = f"no complete answer within the deadline of {cfg.deadline}s"
                raise FetchError(source, url, message, status="timeout", retryable=True) from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # httpx parses a bad Location
                raise policy.translate(exc, url, source) from None
            except Refused as exc:  # the name resolved to a non-public address
                raise FetchError(source, url, str(exc), status="redirect_blocked") from None
            except UnicodeError as exc:  # an IDNA host httpx cannot encode (xn--zz…)
                message = f"malformed host name ({type(exc).__name__}: {exc})"
                raise FetchError(source, url, message, status="redirect_blocked") from None
        if tally is not None:
            tally.bytes += len(body)
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
