"""The URL gate: every spelling of an inside address is refused, before and at connect time.

The connect-time half runs against real loopback servers: a name that resolves to
127.0.0.1 (a resolver stands in for DNS) must reach no server, and the address the
gate checked is the one connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from typing import Any

import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.fetch import gate as gate_mod
from newsbot.fetch.client import Fetcher
from newsbot.fetch.gate import Gate, GatedBackend, Refused, host_refusal, spelled_address
from tests.servers.dns import fake_dns
from tests.servers.faults import FaultServer, respond, start_fault_server

INSIDE = [
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "2130706433",
    "0177.0.0.1",
    "0x7f.1",
    "localhost",
    "LOCALHOST.",
    "ip6-localhost",
    "x.localhost",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::7f00:1]",  # IPv4-compatible
    "[64:ff9b::7f00:1]",  # NAT64 of loopback
    "[2002:7f00:1::]",  # 6to4 of loopback
    "169.254.169.254",  # cloud metadata
    "[fd00:ec2::254]",  # its IPv6 form
    "metadata.google.internal",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "0",
    "[::]",
    "224.0.0.1",
    "[ff02::1]",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "[fe80::1%25eth0]",
    "printer.local",
    "router.home.arpa",
    "intranet",  # one label: the resolver's search domains
]
OUTSIDE = [
    "news.naver.com",
    "93.184.216.34",
    "8.8.8.8",
    "[2001:4860:4860::8888]",
    "[64:ff9b::5db8:d822]",  # NAT64 of a public address
    "한국.kr",
    "xn--80ak6aa92e.com",
    "cafe.be",  # hex digits, still a name
]


@pytest.mark.parametrize("host", INSIDE)
def test_S10_every_spelling_of_an_inside_host_is_refused(host: str) -> None:
    for url in (f"http://{host}/x", f"https://{host}:8443/x"):
        assert Gate().refusal(url) is not None, url


@pytest.mark.parametrize("host", OUTSIDE)
def test_public_hosts_pass(host: str) -> None:
    assert Gate().refusal(f"https://{host}/x") is None


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "ftp://8.8.8.8/", "data:,x", "//8.8.8.8/"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    assert Gate().refusal(url) is not None


@pytest.mark.parametrize("url", ["http://a.com:99999/", "http://[::1/", "http://[zz]/"])
def test_a_malformed_url_is_refused_not_raised(url: str) -> None:
    assert "malformed" in (Gate().refusal(url) or "")


def test_a_host_map_key_is_the_one_way_to_an_inside_address() -> None:
    gate = Gate.of({"news.naver.com": "http://127.0.0.1:8080"})
    assert gate.refusal("https://news.naver.com/section/105") is None
    assert gate.refusal("http://127.0.0.1:8080/section/105") is not None  # not a key
    assert gate.is_origin("127.0.0.1", 8080) and not gate.is_origin("127.0.0.1", 8081)
    assert Gate.of({"a.kr": "https://mirror.test"}).is_origin("mirror.test", 443)


@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_spelling_means_the_same_address(n: int) -> None:
    ip = ipaddress.IPv4Address(n)
    a, b, c, d = ip.packed
    spellings = [str(n), hex(n), f"0{a:o}.0{b:o}.0{c:o}.0{d:o}", f"{a}.{(b << 16) | (c << 8) | d}"]
    for spelling in spellings:
        assert spelled_address(spelling) == ip, spelling
        assert (host_refusal(spelling) is None) == (host_refusal(str(ip)) is None)


@given(st.ip_addresses(v=4))
def test_a_mapped_ipv6_address_is_judged_as_its_ipv4(ip: ipaddress.IPv4Address) -> None:
    mapped = f"[::ffff:{ip}]"
    assert (Gate().refusal(f"http://{mapped}/") is None) == (
        Gate().refusal(f"http://{ip}/") is None
    )


# ---- at connect time -------------------------------------------------------------------


@pytest.fixture
def internal() -> Iterator[FaultServer]:
    """The server that stands for the inside network: it must never be asked anything."""
    server, stop = start_fault_server()
    server.routes["/"] = respond(200, b"<html>INTERNAL-SECRET</html>")
    try:
        yield server
    finally:
        stop()


class Inner(httpcore.AsyncNetworkBackend):
    """Records where the gated backend connects, and connects for real."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self.real = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, *a: Any, **kw: Any) -> Any:
        self.targets.append(host)
        return await self.real.connect_tcp(host, port, *a, **kw)


@pytest.mark.parametrize(
    "addresses", [["127.0.0.1"], ["93.184.216.34", "127.0.0.1"], ["::1"], ["169.254.169.254"]]
)
def test_S10_a_name_resolving_inside_is_never_connected(
    internal: FaultServer, addresses: list[str]
) -> None:
    backend = GatedBackend(Gate(), lookup=fake_dns({"rebind.test": addresses}))
    with pytest.raises(Refused, match="non-public"):
        asyncio.run(backend.connect_tcp("rebind.test", internal.port, timeout=1))
    assert internal.hits == []


def test_the_checked_address_is_the_one_connected_to(internal: FaultServer) -> None:
    """No second lookup between check and connect, so rebinding cannot slip in."""
    calls: list[str] = []

    async def lookup(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["93.184.216.34"] if len(calls) == 1 else ["127.0.0.1"]

    backend = GatedBackend(Gate(), lookup=lookup)
    inner = backend._inner = Inner()  # type: ignore[assignment]

    async def connect() -> None:
        try:
            stream = await backend.connect_tcp("news.example", internal.port, timeout=0.3)
            await stream.aclose()
        except (httpcore.ConnectError, httpcore.ConnectTimeout):
            pass  # 93.184.216.34 is not reachable from here; where it went is the point

    asyncio.run(connect())
    assert calls == ["news.example"] and inner.targets == ["93.184.216.34"]
    assert internal.hits == []


def test_a_host_map_origin_is_connected_without_a_lookup(internal: FaultServer) -> None:
    backend = GatedBackend(Gate.of({"a.kr": internal.origin}), lookup=fake_dns({}))

    async def connect() -> None:
        stream = await backend.connect_tcp("127.0.0.1", internal.port, timeout=1)
        await stream.aclose()

    asyncio.run(connect())


def fetch(url: str, host_map: dict[str, str]) -> FetchError:
    cfg = FetchConfig(host_map=host_map, retries=0, host_delay=0.0, connect_timeout=1.0)

    async def go() -> None:
        async with Fetcher(cfg) as fetcher:
            await fetcher.get(url, source="t", obey_robots=False)

    with pytest.raises(FetchError) as err:
        asyncio.run(go())
    return err.value


def test_S10_the_fetcher_connects_through_the_gate(
    internal: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx really uses the gated backend: a name resolving to the inside is refused."""
    monkeypatch.setattr(gate_mod, "resolve", fake_dns({"rebind.test": ["127.0.0.1"]}))
    err = fetch(f"http://rebind.test:{internal.port}/", {})
    assert err.status == "redirect_blocked" and "non-public" in err.message
    assert internal.hits == []


def test_S10_a_redirect_to_a_name_resolving_inside_is_refused(
    internal: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gate_mod, "resolve", fake_dns({"x.site.test": ["127.0.0.1"]}))
    front, stop = start_fault_server()
    front.routes["/"] = respond(302, Location=f"http://x.site.test:{internal.port}/")
    try:
        err = fetch("http://site.test/", {"site.test": front.origin})
    finally:
        stop()
    assert err.status == "redirect_blocked" and internal.hits == []


@pytest.mark.parametrize("host", ["10.0.0.1", "0x7f000001", "localhost", "[::1]"])
def test_S10_a_list_url_on_an_inside_host_is_never_requested(host: str) -> None:
    err = fetch(f"http://{host}/list", {})
    assert err.status == "redirect_blocked" and "not fetched" in err.message
