"""Shared test fixtures: the real pages in ../shared, a loopback page server, paths."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAGES = ROOT / "tests" / "pages"
GOLDEN = ROOT / "tests" / "golden"
# Politeness and backoff scaled down for tests that fetch several pages from one host
# (production: host_delay 2 s, backoff 1 s; the fault suite measures both for real).
FAST_FETCH = {"host_delay": 0.0, "backoff": 0.05}
FAST_FETCH_TOML = "[fetch]\nhost_delay = 0.0\nbackoff = 0.05\n"


@pytest.fixture
def shared_fixtures() -> Path:
    """../shared/fixtures, read in place; skips when that folder is not beside the repo."""
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.skip(f"real pages not available: {path} is absent (clone ../shared beside the repo)")
    return path


def shared_files(site: str, pattern: str = "*") -> list[Path]:
    """Real fixture files for parametrizing; empty when ../shared is absent."""
    folder = SHARED / "fixtures" / site
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


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


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """Start a loopback server; unknown paths answer 404 (so robots.txt is 'allow all')."""
    state = PageServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.log.append((self.path, self.headers.get("User-Agent", "")))
            state.headers.append((self.path, dict(self.headers)))
            route = state.routes.get(self.path) or state.routes.get(self.path.split("?")[0])
            route = route or Route(404, b"not found")
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    loop = Loopback(Handler)
    state.origin, state.stop = loop.origin, loop.close
    try:
        yield state
    finally:
        loop.close()
