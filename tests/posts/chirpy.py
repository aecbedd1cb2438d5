"""Build posts in the real Chirpy 7.3.1 theme (``../shared/chirpy/build.sh``) and read the pages.

A build takes about a second, so tests put many posts into one build. Skips, with the
reason, when the kit, Debian's jekyll or the theme's apt-packaged plugins are absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from tests.conftest import SHARED

KIT = SHARED / "chirpy"
BUILD = KIT / "build.sh"
PLUGINS = (
    "jekyll-paginate",
    "jekyll-seo-tag",
    "jekyll-archives",
    "jekyll-sitemap",
    "jekyll-include-cache",
)
APT = "jekyll " + " ".join(f"ruby-{p}" for p in PLUGINS)
# Markdown that newsbot writes itself; none of it may survive into text a reader sees.
RAW_MARKDOWN = re.compile(r"\]\(https?:|!\[|\{:|^#{2,3} |\*\*|\\[\[\]|*_`$#-]", re.M)


def require_kit() -> None:
    """Skip the calling test, saying why, unless Chirpy can be built here."""
    if not BUILD.is_file():
        pytest.skip(
            f"Chirpy kit not available: {BUILD} is absent (clone ../shared beside the repo)"
        )
    if shutil.which("jekyll") is None:
        pytest.skip(f"Debian's jekyll is not installed (apt-get install {APT})")
    if not _plugins_load():
        pytest.skip(f"Chirpy's jekyll plugins are not installed (apt-get install {APT})")


@cache
def _plugins_load() -> bool:
    script = "; ".join(f"require '{p}'" for p in ("jekyll", *PLUGINS))
    done = subprocess.run(["ruby", "-e", script], capture_output=True, timeout=60, check=False)
    return done.returncode == 0


def build(posts: Mapping[str, str], tmp: Path) -> Site:
    """``posts`` (file name → text) built into one Chirpy site under ``tmp``."""
    require_kit()
    source = tmp / "_posts"
    source.mkdir(parents=True)
    for name, text in posts.items():
        (source / name).write_text(text, encoding="utf-8")
    out = tmp / "site"
    done = subprocess.run(
        ["bash", str(BUILD), str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"build.sh failed:\n{done.stdout}\n{done.stderr}"
    return Site(out)


@dataclass(frozen=True)
class Site:
    """A built Chirpy site."""

    root: Path

    def page(self, path: str) -> LexborHTMLParser:
        """The HTML page at ``path`` (``posts/x/`` means ``posts/x/index.html``)."""
        file = self.root / path / "index.html" if path.endswith("/") else self.root / path
        return LexborHTMLParser(file.read_text(encoding="utf-8"))

    def post(self, slug: str) -> LexborHTMLParser:
        """The page of the post whose file name ends in ``slug.md``."""
        return self.page(f"posts/{slug}/")

    def home_pages(self) -> Iterator[LexborHTMLParser]:
        """The home page and its pagination pages."""
        yield self.page("index.html")
        for extra in sorted(self.root.glob("page*/index.html")):
            yield LexborHTMLParser(extra.read_text(encoding="utf-8"))

    def text(self, path: str) -> str:
        """A built file as text (the feed, search.json)."""
        return (self.root / path).read_text(encoding="utf-8")


def content(page: LexborHTMLParser) -> LexborNode:
    """A post page's article body (Chirpy's ``div.content``)."""
    node = page.css_first("article div.content")
    assert node is not None, "no article div.content in the page"
    return node


def words(node: LexborNode | None) -> str:
    """The text a reader sees in ``node``, whitespace collapsed."""
    return " ".join((node.text(deep=True) if node is not None else "").split())
