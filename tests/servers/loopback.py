"""Real HTTP servers on 127.0.0.1 for tests: a handler in a thread, or named routes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Loopback:
    """A real threaded HTTP server on 127.0.0.1 for ``handler``; ``close`` stops it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 for the ``with`` block; yields the origin."""
    loop = Loopback(handler)
    try:
        yield loop.origin
    finally:
        loop.close()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


@dataclass
class PageServer:
    """A real HTTP server on 127.0.0.1 serving named routes and logging every request."""

    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)  # (path with query, User-Agent)
    headers: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, headers)
    origin: str = ""
    stop: Callable[[], None] = lambda: None  # close the port now (the fixture does it at the end)

    def add(self, path: str, body: bytes | str, status: int = 200, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        hdrs = {"Content-Type": "text/html"} | {k.replace("_", "-"): v for k, v in headers.items()}
        self.routes[path] = Route(status, data, hdrs)


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    """Answer the request ``handler`` is serving with ``body`` (its length declared)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
