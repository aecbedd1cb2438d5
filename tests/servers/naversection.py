"""Naver's IT section page on 127.0.0.1, answering after a delay the test sets."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from tests.conftest import PAGES
from tests.servers.loopback import Loopback, reply

SECTION = (PAGES / "naver" / "section_105_headline_lazy_blind_dup.html").read_bytes()


class Naver:
    """Naver's IT section on 127.0.0.1; each response waits ``delay`` seconds."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.requests = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests += 1
                time.sleep(site.delay)
                found = self.path.split("?")[0] == "/section/105"
                body = SECTION if found else b"not found"
                reply(self, 200 if found else 404, body, "text/html; charset=UTF-8")

            def log_message(self, *args: object) -> None:
                pass

        self.loop = Loopback(Handler)
