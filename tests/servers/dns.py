"""A stand-in for DNS: names resolve as a table says, and no other name resolves at all."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

Lookup = Callable[[str, int], Awaitable[list[str]]]


def fake_dns(table: dict[str, list[str]]) -> Lookup:
    """A lookup for ``newsbot.fetch.gate`` (set as ``gate.resolve``): no query leaves."""

    async def lookup(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: not in the test's table")

    return lookup
