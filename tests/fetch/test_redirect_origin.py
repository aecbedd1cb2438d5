"""A redirect to a host_map origin's own address, with several keys on one origin.

Only host_map keys are ways inside. A Location that names the origin the current
request was sent to is that server naming itself (a relative Location would reach
the same place): it stays on the current key. Any other way to an origin address,
from another key or another origin, is an inside address and refused like one, and
no error names a host_map key the page never used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from newsbot.config import FetchConfig
from newsbot.errors import FetchError
from newsbot.fetch.client import Fetcher
from newsbot.fetch.page import Page
from tests.servers.faults import FaultServer, respond, start_fault_server

BODY = b"<html><head><title>ok</title></head><body>" + b"x" * 300 + b"</body></html>"


@pytest.fixture
def mirrors() -> Iterator[tuple[FaultServer, FaultServer]]:
    """Two loopback origins: ``one`` behind three keys, ``two`` behind one."""
    one, stop_one = start_fault_server()
    two, stop_two = start_fault_server()
    try:
        yield one, two
    finally:
        stop_one()
        stop_two()


def host_map(one: FaultServer, two: FaultServer) -> dict[str, str]:
    # the unrelated key first: the old code named the first key of an origin
    return {
        "bad-redir10.example.com": one.origin,
        "bad-redir127.example.com": one.origin,
        "good.example.com": one.origin,
        "feeds.example.com": two.origin,
    }


def get(one: FaultServer, two: FaultServer, url: str) -> Page:
    cfg = FetchConfig(host_map=host_map(one, two), host_delay=0.0, backoff=0.0, retries=0)

    async def fetch() -> Page:
        async with Fetcher(cfg) as fetcher:
            return await fetcher.get(url, source="feed", obey_robots=False)

    return asyncio.run(fetch())


def test_a_location_on_the_own_origin_stays_on_the_key_it_came_from(
    mirrors: tuple[FaultServer, FaultServer],
) -> None:
    one, two = mirrors
    one.routes["/redirect"] = respond(302, Location=f"{one.origin}/rss.xml")
    one.routes["/rss.xml"] = respond(200, BODY)
    page = get(one, two, "https://bad-redir127.example.com/redirect")
    assert page.url == "https://bad-redir127.example.com/rss.xml"  # not bad-redir10's
    assert [h.path for h in one.hits] == ["/redirect", "/rss.xml"]


def test_an_error_after_it_names_the_url_really_asked_for(
    mirrors: tuple[FaultServer, FaultServer],
) -> None:
    one, two = mirrors
    one.routes["/redirect"] = respond(302, Location=f"{one.origin}/secret")
    with pytest.raises(FetchError) as caught:
        get(one, two, "https://bad-redir127.example.com/redirect")
    assert caught.value.status == "http_4xx"
    assert caught.value.url == "https://bad-redir127.example.com/secret"
    assert "bad-redir10" not in str(caught.value)


def test_another_keys_origin_is_an_inside_address(
    mirrors: tuple[FaultServer, FaultServer],
) -> None:
    """good.example.com may not reach feeds.example.com's origin by its address."""
    one, two = mirrors
    one.routes["/redirect"] = respond(302, Location=f"{two.origin}/rss.xml")
    two.routes["/rss.xml"] = respond(200, BODY)
    with pytest.raises(FetchError) as caught:
        get(one, two, "https://good.example.com/redirect")
    assert caught.value.status == "redirect_blocked"
    assert two.hits == []
    message = str(caught.value)
    assert f"{two.origin}/rss.xml" in message and "non-public address" in message
    assert "feeds.example.com" not in message


def test_the_key_itself_is_still_a_fine_redirect(
    mirrors: tuple[FaultServer, FaultServer],
) -> None:
    one, two = mirrors
    one.routes["/redirect"] = respond(302, Location="https://feeds.example.com/rss.xml")
    two.routes["/rss.xml"] = respond(200, BODY)
    page = get(one, two, "https://good.example.com/redirect")
    assert page.url == "https://feeds.example.com/rss.xml" and len(two.hits) == 1


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/rss.xml",
        "http://localhost:{port}/rss.xml",
        "http://2130706433:{port}/rss.xml",
        "http://[::ffff:127.0.0.1]:{port}/rss.xml",
        "http://10.0.0.1/rss.xml",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_refused_hop_names_its_url_and_why(
    mirrors: tuple[FaultServer, FaultServer], location: str
) -> None:
    """The message says the real target and that it is inside, not "not on the allow-list"."""
    one, two = mirrors
    target = location.format(port=two.port)
    one.routes["/redirect"] = respond(302, Location=target)
    with pytest.raises(FetchError) as caught:
        get(one, two, "https://good.example.com/redirect")
    assert caught.value.status == "redirect_blocked" and two.hits == []
    assert f"redirect to {target} refused" in str(caught.value)


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("https://good.example.com:8443/rss.xml", "another port than https://good.example.com/"),
        ("https://elsewhere.example.org/rss.xml", "another site, not in [fetch] allowed_hosts"),
    ],
)
def test_a_redirect_off_the_page_names_where_and_what_is_wrong_with_it(
    mirrors: tuple[FaultServer, FaultServer], location: str, why: str
) -> None:
    one, two = mirrors
    one.routes["/redirect"] = respond(302, Location=location)
    with pytest.raises(FetchError) as caught:
        get(one, two, "https://good.example.com/redirect")
    assert caught.value.status == "redirect_blocked" and two.hits == []
    assert f"redirect to {location} refused: {why}" in str(caught.value)
