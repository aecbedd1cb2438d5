"""The network edge: one shared httpx client, robots.txt, host_map and decoding.

Every httpx exception is translated here into a ``FetchError`` whose ``status``
is a word from the run report's vocabulary; nothing above this module sees httpx.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from newsbot import __version__
from newsbot.charset import decode
from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.models import Page, SourceResult

ROBOTS_TOKEN = "newsbot"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB


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


class Fetcher:
    """Fetch pages for sources. Use as ``async with Fetcher(config) as f``."""

    def __init__(
        self, config: FetchConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._robots: dict[str, object] = {}

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent(cfg), "Accept-Language": "ko,zh;q=0.8,en;q=0.5"},
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
        self, url: str, *, source: str, obey_robots: bool, stats: SourceResult | None = None
    ) -> Page:
        """Fetch ``url`` for ``source``; raises FetchError with a report status."""
        if obey_robots:
            await self._check_robots(url, source)
        start = time.monotonic()
        try:
            return await self._follow(url, source, stats)
        finally:
            if stats is not None:
                stats.elapsed_s += time.monotonic() - start

    async def _follow(self, url: str, source: str, stats: SourceResult | None) -> Page:
        current = url
        for _hop in range(self.config.max_redirects + 1):
            status, headers, body = await self._request(current, source, stats)
            if status in (301, 302, 303, 307, 308) and "location" in headers:
                current = self._next_hop(current, headers["location"], source)
                continue
            _raise_for_status(status, current, source)
            # decoded on first use: an HTML parser may read UTF-8 bytes directly
            return Page(current, status=status, content_type=headers.get("content-type", ""),
                        body=body)
        raise FetchError(
            source, url, f"more than {self.config.max_redirects} redirects", status="redirect_loop"
        )

    def _next_hop(self, current: str, location: str, source: str) -> str:
        target = urljoin(current, location.strip())
        if urlsplit(target).scheme not in ("http", "https"):
            raise FetchError(
                source, current, f"redirect to a non-http(s) URL refused: {target[:80]}",
                status="redirect_blocked",
            )
        return target

    async def _request(
        self, url: str, source: str, stats: SourceResult | None
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None, "use Fetcher as an async context manager"
        wire_url = map_url(url, self.config.host_map)
        if stats is not None:
            stats.attempts += 1
        try:
            async with asyncio.timeout(self.config.deadline):
                async with self._client.stream("GET", wire_url) as response:
                    body = await self._read_capped(response, url, source)
        except TimeoutError:
            raise FetchError(
                source, url, f"no complete answer within {self.config.deadline}s",
                status="timeout",
            ) from None
        except httpx.HTTPError as exc:
            raise _translate(exc, url, source) from None
        if stats is not None:
            stats.http_codes.append(response.status_code)
            stats.bytes += len(body)
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status_code, headers, body

    async def _read_capped(self, response: httpx.Response, url: str, source: str) -> bytes:
        cap = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and not response.is_redirect:
            raise FetchError(
                source, url, f"declared body {declared} bytes exceeds cap {cap}", status="too_large"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(source, url, f"body exceeds cap {cap} bytes", status="too_large")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _check_robots(self, url: str, source: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = await self._load_robots(origin, source)
        rules = self._robots[origin]
        if isinstance(rules, FetchError):
            raise rules
        if rules is not None and not rules.can_fetch(url, ROBOTS_TOKEN):  # type: ignore[attr-defined]
            raise FetchError(
                source, url, "robots.txt disallows this URL for newsbot",
                status="robots_disallowed",
            )

    async def _load_robots(self, origin: str, source: str) -> object:
        """Protego rules; None means allow all; a FetchError means disallow all."""
        from protego import Protego  # imported lazily: only sources that obey robots need it

        url = f"{origin}/robots.txt"
        try:
            status, headers, body = await self._request(url, source, None)
        except FetchError as exc:
            return FetchError(
                source, url, f"robots.txt unreachable, so disallowed ({exc.message})",
                status="robots_disallowed",
            )
        if status in (429,) or status >= 500:
            return FetchError(
                source, url, f"robots.txt answered {status}, so everything is disallowed",
                status="robots_disallowed",
            )
        if status >= 300:
            return None  # 3xx/4xx: no usable robots.txt, RFC 9309 allows access
        text, _ = decode(body[:ROBOTS_MAX_BYTES], headers.get("content-type", ""))
        return Protego.parse(text)


def _raise_for_status(status: int, url: str, source: str) -> None:
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
    raise FetchError(source, url, f"HTTP {status}", status=kind)


def _translate(exc: httpx.HTTPError, url: str, source: str) -> FetchError:
    """Map an httpx exception to the report vocabulary, keeping its class name."""
    name = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        status = "timeout"
    elif isinstance(exc, httpx.ConnectError):
        status = "dns_error" if "name" in str(exc).lower() and "resol" in str(exc).lower() \
            else "unreachable"
    elif isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        status = "redirect_blocked"
    else:
        status = "protocol_error"
    return FetchError(source, url, f"{name}: {exc}", status=status)
