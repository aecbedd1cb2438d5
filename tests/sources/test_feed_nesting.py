"""A JSON Feed nested deeper than it can be read is refused as hostile content, like HTML
nested past max_nesting, and fails its own source only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PageServer
from tests.sources.test_counted_drops import run


@pytest.mark.parametrize(
    ("depth", "closed"), [(100_000, True), (2_000_000, True), (100_000, False)]
)
def test_a_json_feed_nested_too_deep_is_unexpected_content(
    page_server: PageServer, tmp_path: Path, depth: int, closed: bool
) -> None:
    body = '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * depth
    body += "]" * depth + "}" if closed else ""  # cut off, too: the depth fails it first
    page_server.add("/list", body, Content_Type="application/feed+json")
    code, source = run(page_server, tmp_path)
    assert (code, source["status"]) == (1, "unexpected_content"), source["message"]
    assert "nested deeper than it can be read" in source["message"]
    assert "Traceback" not in source["stderr"]
