"""The URL gate: newsbot requests public http(s) addresses only, or the host_map origins.

Two checks, one rule. ``Gate.refusal`` reads a URL before any request (list items in
the list phase, every request and redirect hop in ``client``): http(s) only, and no
host that spells a non-public address or names the local machine or network. The
``GatedBackend`` under httpx runs at connect time: it resolves the name off the event
loop, refuses unless every address is public, and connects to the address it checked,
so a DNS answer that changes between check and connect (rebinding) changes nothing.
A host_map key skips the first check (it is sent to its origin), and the origins are
the only non-public places the second connects to. An origin's own address in a URL is
no key: the first check refuses it like any inside address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[str]]]

# Names that mean this machine or its network (RFC 6761, 6762, 8375; ICANN's .internal)
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".home.arpa")
# What inet_aton reads as IPv4 (0x7f000001, 2130706433, 0177.0.0.1, 127.1): resolvers do too
NUMERIC = re.compile(r"^[0-9a-fx.]+$", re.I)
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class Refused(Exception):
    """A connection the gate does not allow; ``client`` turns it into ``redirect_blocked``."""


def spelled_address(host: str) -> Address | None:
    """The IP address ``host`` spells in any form a resolver accepts, or None for a name."""
    bare = host.strip("[]").split("%", 1)[0]
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare)
        except ValueError:
            return None
    if not NUMERIC.match(bare):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def is_public(ip: Address) -> bool:
    """Globally reachable, and not an address that leads back inside (mapped v4 included)."""
    embedded = _embedded_v4(ip)
    if embedded is not None:
        return is_public(embedded)
    special = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


def _embedded_v4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it goes."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None or ip.sixtofour is not None:
        return ip.ipv4_mapped or ip.sixtofour
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def host_refusal(host: str) -> str | None:
    """Why ``host`` may not be fetched (a non-public address or a local name), or None."""
    name = host.lower().rstrip(".")
    ip = spelled_address(name)
    if ip is not None:
        return None if is_public(ip) else f"{host} is a non-public address ({ip})"
    if not name or name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES) or "." not in name:
        return f"{host} names the local machine or network"
    return None


@dataclass(frozen=True)
class Gate:
    """The gate of one configuration: which hosts are mapped and where they go."""

    mapped: frozenset[str] = frozenset()  # host_map keys: sent to their origin
    origins: frozenset[tuple[str, int]] = frozenset()  # (host, port) of the host_map origins

    @classmethod
    def of(cls, host_map: Mapping[str, str]) -> Gate:
        """The gate for ``[fetch] host_map``."""
        origins = set()
        for origin in host_map.values():
            parts = urlsplit(origin)
            default = 443 if parts.scheme == "https" else 80
            origins.add(((parts.hostname or "").lower(), parts.port or default))
        return cls(frozenset(h.lower() for h in host_map), frozenset(origins))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched, or None; reads the URL only, no DNS."""
        try:
            parts = urlsplit(url)
            host, _ = parts.hostname or "", parts.port
        except ValueError as exc:  # a port over 65535, a broken [IPv6] literal
            return f"malformed URL ({exc})"
        if parts.scheme.lower() not in ("http", "https"):
            return f"{parts.scheme or 'a schemeless'} URL is never fetched"
        if host in self.mapped:
            return None
        return host_refusal(host)

    def is_origin(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is a host_map origin (the wire side of a mapped host)."""
        return (host.lower().strip("[]"), port) in self.origins


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, looked up off the event loop."""
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class GatedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only where the gate allows."""

    def __init__(self, gate: Gate, *, lookup: Resolve | None = None) -> None:
        self.gate = gate
        self._lookup = lookup or resolve
        self._inner: httpcore.AsyncNetworkBackend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to a checked address of ``host`` (the first that answers)."""
        if self.gate.is_origin(host, port):
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        last: Exception | None = None
        for address in await self._checked(host, port, timeout):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"{host} has no address")

    async def _checked(self, host: str, port: int, timeout: float | None) -> list[str]:
        """``host``'s addresses, all of them public; Refused otherwise."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._lookup(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout}s") from None
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        bad = [a for a in addresses if not is_public(ipaddress.ip_address(a.split("%", 1)[0]))]
        if bad:
            raise Refused(f"{host} resolves to a non-public address ({', '.join(bad)})")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("newsbot never connects to a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def network_transport(
    gate: Gate, ssl_context: ssl.SSLContext | None = None, *, lookup: Resolve | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection passes ``gate`` (httpx's default limits)."""
    context = ssl_context or httpx.create_ssl_context(trust_env=False)
    transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
    # httpx 0.28 takes no network backend, so its pool is replaced by one that has ours
    # (the same settings); tests/fetch/test_gate.py fails if httpx stops using it.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GatedBackend(gate, lookup=lookup),
    )
    return transport
