"""Scraped text never becomes markup: hostile strings from hypothesis, built by real Chirpy.

Each example is a batch of strings put into every scraped field of three posts (a
list with contained thumbnails, one in seed 000's markup, a digest), built in one
Chirpy build (about a second); the pages must show each string as literal text and
hold no element, link, image, handler or URL scheme that newsbot did not write.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from newsbot.dates import KST
from newsbot.jobs import load_job
from newsbot.posts import daily_list, digest
from newsbot.posts.files import post_name
from tests.conftest import GOLDEN, ROOT
from tests.posts import pagecheck, samples
from tests.posts.chirpy import build, require_kit

pytestmark = pytest.mark.jekyll

# Pieces of every kramdown, GFM, HTML and Liquid construct, joined at random
PIECES = [
    *"[]()<>&#{}:|$*_`~\\!^-+=.'\"%@/;",
    *["\n", "\r\n", "\t", "    ", " ", "\u2028", "\x85", "\x00", "\x0b", "\xa0", "\u3000"],
    *["javascript:", "JaVaScRiPt:", "&#106;", "&#x6A;", "&#58;", "&lt;", "&amp;", "&quot;"],
    *["http://elsewhere.example/", "//evil.example", "data:text/html,x", "mailto:a@b.example"],
    *["<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=", "onclick=", "<!--"],
    *["{:", "{::", "{::nomarkdown}", "{:/}", '{: .x #y onmouseover="z"}', "{#id}"],
    *["[^1]", "[x]: ", "*[x]: ", "1. ", "- ", "* ", "> ", "# ", "## ", "|---|", "| a |"],
    *["{{", "}}", "{%", "%}", "$$", "```", "~~~", ": ", "[x][y]", "](", "![", "---", "==="],
    *["**", "__", "~~", "<<", ">>", "...", "--", " w=", " /", "\\\\", "  \n"],
    *["삼성", "애플", "新浪", "AI", "x", "1"],
]
HOSTILE = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1, max_size=14).map(
    "".join
)
DAY = date(2025, 11, 1)
CLEAN = GOLDEN / "2018-09-28-etnews-it-20180928.md"  # the theme's page, as a baseline


@settings(
    max_examples=12,
    deadline=None,
    # A build per example: no shrinking (minutes); each assertion names its string.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(HOSTILE, min_size=20, max_size=40))
def test_S03_S04_hostile_strings_render_as_literal_text_in_chirpy(batch: list[str]) -> None:
    """Catalogue: S03, S04, S05."""
    require_kit()
    jobs = {slug: load_job(ROOT / "jobs" / f"{slug}.toml") for slug in ("etnews-it", "krnews-it")}
    lists = {slug: samples.list_articles(job, batch) for slug, job in jobs.items()}
    entries = samples.digest_entries(batch)
    at = datetime(2025, 11, 1, 12, 0, tzinfo=KST)
    posts = {post_name(DAY, s): daily_list.render(jobs[s], at, a) for s, a in lists.items()}
    ai = load_job(ROOT / "jobs" / "ai-news.toml")
    posts[post_name(DAY, "ai-news")] = digest.render(ai, at, entries)
    posts[CLEAN.name] = CLEAN.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        site = build(posts, Path(tmp))
        clean = site.post(CLEAN.name[len("YYYY-MM-DD-") : -len(".md")])
        for slug, articles in lists.items():
            page = site.post(f"{slug}-20251101")
            contained = jobs[slug].contain_thumbnails
            pagecheck.daily(page, samples.items(articles), contained=contained)
            pagecheck.nothing_but_the_theme(page, clean)
        page = site.post("ai-news-20251101")
        pagecheck.digest(page, samples.entries(entries))
        pagecheck.nothing_but_the_theme(page, clean)
