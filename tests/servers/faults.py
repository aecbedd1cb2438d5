"""Loopback servers that misbehave on purpose, for the fault suite (RELIABILITY.md §1.5).

``FaultServer`` is an ``http.server.ThreadingHTTPServer``: each path is a named
behaviour, a function of the request handler that may answer properly or write
raw bytes to the socket (garbage status lines, short bodies, resets, drips).
``SilentServer`` is a bare socket that accepts and never answers. Both log every
request with a monotonic timestamp, and the fault server counts connections in
flight per moment, so politeness is measured at the server.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Behaviour = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    at: float  # time.monotonic() when the request head arrived
    path: str
    user_agent: str
    headers: dict[str, str]


@dataclass
class FaultServer:
    """Named behaviours by path (query ignored unless the full path is routed)."""

    routes: dict[str, Behaviour] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    origin: str = ""
    port: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    closing: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, prefix: str) -> int:
        return sum(1 for h in self.hits if h.path.startswith(prefix))

    def times(self, prefix: str = "") -> list[float]:
        return [h.at for h in self.hits if h.path.startswith(prefix)]


def start_fault_server(
    tls: tuple[Path, Path] | None = None,
) -> tuple[FaultServer, Callable[[], None]]:
    """Start a fault server; ``tls`` = (certificate, key) serves HTTPS."""
    state = FaultServer()

    class Handler(BaseHTTPRequestHandler):
        waiting = False  # received and not yet answered

        def do_GET(self) -> None:
            with state._lock:
                state.hits.append(
                    Hit(
                        time.monotonic(),
                        self.path,
                        self.headers.get("User-Agent", ""),
                        dict(self.headers),
                    )
                )
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            self.waiting = True
            try:
                route = state.routes.get(self.path) or state.routes.get(self.path.split("?")[0])
                (route or respond(404, b"not found"))(self)
            except OSError:
                pass  # the client gave up: that is what many faults are about
            finally:
                self._answered()

        def send_response(self, code: int, message: str | None = None) -> None:
            # A request stops counting as in flight before its first byte goes out:
            # counting until the handler returns would race the client's next request.
            self._answered()
            super().send_response(code, message)

        def _answered(self) -> None:
            if self.waiting:
                self.waiting = False
                with state._lock:
                    state.in_flight -= 1

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    state.origin = f"http://127.0.0.1:{state.port}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def stop() -> None:
        state.closing.set()
        server.shutdown()
        server.server_close()

    return state, stop


class SilentServer:
    """Accepts connections and never sends a byte (F03)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # kept open, unread, unanswered

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- behaviours -------------------------------------------------------------------------


def respond(status: int, body: bytes = b"", **headers: str) -> Behaviour:
    """A well-formed answer with Content-Length."""
    hdrs = {"Content-Type": "text/html; charset=UTF-8"} | {
        k.replace("_", "-"): v for k, v in headers.items()
    }

    def behave(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for key, value in hdrs.items():
            h.send_header(key, value)
        if "Content-Length" not in hdrs:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return behave


def sequence(*steps: Behaviour) -> Behaviour:
    """The n-th request gets the n-th behaviour; the last one repeats."""
    served = [0]

    def behave(h: BaseHTTPRequestHandler) -> None:
        n = served[0]
        served[0] += 1
        steps[min(n, len(steps) - 1)](h)

    return behave


def raw(data: bytes, *, reset: bool = False) -> Behaviour:
    """Write ``data`` as is and close; ``reset`` closes with RST (SO_LINGER 0)."""

    def behave(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        if reset:
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True

    return behave


def head(status: str = "200 OK", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def hang_after(data: bytes, server: FaultServer) -> Behaviour:
    """Send ``data`` (e.g. headers), then nothing until the test ends."""

    def behave(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        server.closing.wait(30)

    return behave


def drip(interval: float, server: FaultServer) -> Behaviour:
    """Headers, then one byte every ``interval`` seconds for ever (a slowloris server)."""

    def behave(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(head(Content_Type="text/html", Connection="close"))
        h.wfile.flush()
        while not server.closing.wait(interval):
            h.wfile.write(b"<")
            h.wfile.flush()

    return behave


def stream_bytes(total: int, chunk: int = 65536) -> Behaviour:
    """``total`` bytes of HTML with no Content-Length, closed at the end."""

    def behave(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(head(Content_Type="text/html", Connection="close"))
        sent = 0
        while sent < total:
            h.wfile.write(b"a" * min(chunk, total - sent))
            sent += chunk

    return behave


def bomb(encoding: str, size: int = 100 * 1024 * 1024) -> Behaviour:
    """A compressed body that inflates to ``size`` bytes of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
    block = b"\0" * (1 << 20)
    body = b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()
    return respond(200, body, Content_Encoding=encoding)
