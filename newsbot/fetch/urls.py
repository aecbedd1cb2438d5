"""URLs at the network edge: host_map rewriting and which hosts a redirect may reach."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit


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


def same_site(first: str, target: str, allowed_hosts: Iterable[str] = ()) -> bool:
    """Same host, or a host of the same site (news.naver.com → *.naver.com), or listed."""
    a, b = urlsplit(first), urlsplit(target)
    home, host = (a.hostname or "").lower(), (b.hostname or "").lower()
    if b.port is not None and b.port != a.port:
        return False
    if host in (h.lower() for h in allowed_hosts):
        return True
    labels = home.split(".")
    is_ip = home.replace(".", "").isdigit()
    site = ".".join(labels[1:]) if len(labels) >= 3 and not is_ip else home
    return host in (home, site) or host.endswith("." + site)
