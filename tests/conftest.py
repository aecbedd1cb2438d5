"""Shared test fixtures: the real pages in ../shared, a loopback page server, paths."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.servers.loopback import Loopback, PageServer, Route, serving

__all__ = ["FAST_FETCH", "GOLDEN", "PAGES", "ROOT", "SHARED", "Loopback", "PageServer", "serving"]

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


def krnews(
    server: PageServer, out: Path, *args: str, command: str = "run"
) -> subprocess.CompletedProcess[str]:
    """``python -m newsbot COMMAND --job krnews-it`` with Naver mapped to ``server``."""
    cmd = [sys.executable, "-m", "newsbot", command, "--job", "krnews-it", "--output", str(out),
           "--host-map", f"news.naver.com={server.origin}", *args]  # fmt: skip
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
