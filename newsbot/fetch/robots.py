"""robots.txt for the fetch layer: RFC 9309 rules via protego, fail-closed on 5xx/429.

Fetched once per origin with newsbot's own client (and its limits), matched on
the ``newsbot`` token; a ``Crawl-delay`` spaces the host's requests, and one
over ``max_crawl_delay`` skips the source.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from newsbot.errors import FetchError
from newsbot.fetch.charset import decode
from newsbot.fetch.hosts import Hosts, host_key
from newsbot.models import Tally

ROBOTS_TOKEN = "newsbot"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB

Request = Callable[[str, str, Tally | None], Awaitable[tuple[int, dict[str, str], bytes]]]


class Robots:
    """robots.txt rules by origin, loaded on first use through ``request(url, source)``."""

    def __init__(self, request: Request, hosts: Hosts, max_crawl_delay: float) -> None:
        self._request = request
        self._hosts = hosts
        self._max_crawl_delay = max_crawl_delay
        self._rules: dict[str, object] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str, source: str, tally: Tally | None = None) -> None:
        """Raise ``robots_disallowed`` unless ``url`` may be fetched; note any Crawl-delay."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._rules:
                self._rules[origin] = await self._load(origin, source, tally)
        rules = self._rules[origin]
        if isinstance(rules, FetchError):
            raise FetchError(source, rules.url, rules.message, status=rules.status)
        if rules is None:
            return
        delay = rules.crawl_delay(ROBOTS_TOKEN)  # type: ignore[attr-defined]
        if delay is not None and delay > self._max_crawl_delay:
            raise FetchError(
                source,
                f"{origin}/robots.txt",
                f"Crawl-delay of {delay}s is over "
                f"max_crawl_delay {self._max_crawl_delay}s; source skipped",
                status="robots_disallowed",
            )
        if delay is not None:
            self._hosts.set_crawl_delay(host_key(url), float(delay))
        if not rules.can_fetch(url, ROBOTS_TOKEN):  # type: ignore[attr-defined]
            raise FetchError(
                source, url, "robots.txt disallows this URL for newsbot", status="robots_disallowed"
            )

    async def _load(self, origin: str, source: str, tally: Tally | None) -> object:
        """Protego rules; None means allow all; a FetchError means disallow all."""
        from protego import Protego  # imported lazily: only sources that obey robots need it

        url = f"{origin}/robots.txt"
        try:
            status, headers, body = await self._request(url, source, tally)
        except FetchError as exc:  # the host is down, not forbidding: keep the network status
            return FetchError(
                source,
                url,
                f"robots.txt unreachable, so nothing is fetched from {_host(origin)} "
                f"({exc.message})",
                status=exc.status,
            )
        if status == 429 or status >= 500:  # RFC 9309 §2.3.1.4: assume complete disallow
            return FetchError(
                source,
                url,
                f"robots.txt answered {status}, so all of {_host(origin)} is disallowed",
                status="robots_disallowed",
            )
        if status >= 300:
            return None  # 4xx (or a 3xx without Location): no robots.txt, RFC 9309 allows all
        text, _ = decode(body[:ROBOTS_MAX_BYTES], headers.get("content-type", ""))
        return Protego.parse(text)


def _host(origin: str) -> str:
    """``https://rss.etnews.com`` → ``rss.etnews.com``: a message names the host it stops."""
    return origin.split("://", 1)[-1]
