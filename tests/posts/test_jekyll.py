"""Debian's jekyll builds the generated posts: dates, permalinks, no Liquid from scraped text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.models import Article
from newsbot.posts.daily_list import render as render_post
from newsbot.posts.files import PostWriter, post_name
from tests.conftest import GOLDEN, SHARED
from tests.posts.test_daily_list import krnews_job

pytestmark = pytest.mark.jekyll

CONFIG = """timezone: Asia/Seoul
permalink: /posts/:title/
defaults:
  - scope: {type: posts}
    values: {layout: post}
"""
LAYOUT = (
    "<h1>{{ page.title }}</h1><time>{{ page.date | date_to_xmlschema }}</time>"
    '{{ page.categories | join: "/" }}|{{ page.tags | join: "," }}{{ content }}\n'
)
PAYLOADS = ["{{ site.time }} {% raw %}", "<script>alert(1)</script>", '{: onclick="x"}', "a [ b"]


def build(site: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("jekyll") is None:
        pytest.skip("Debian's jekyll is not installed (apt-get install jekyll)")
    (site / "_config.yml").write_text(CONFIG)
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text(LAYOUT)
    return subprocess.run(
        ["jekyll", "build", "--strict_front_matter", "-s", str(site), "-d", str(site / "_site")],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_golden_and_hostile_posts_build(tmp_path: Path) -> None:
    """Catalogue: S02, S03, S04."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    shutil.copy(GOLDEN / "2025-02-04-krnews-it-20250204.md", posts)
    day = datetime(2025, 2, 5, 12, 30, tzinfo=KST)
    hostile = [
        Article(
            id=f"x:{i}",
            title=f"제목 {p}",
            url=f"https://n.news.naver.com/a/{i}",
            thumbnail="https://img.kr/a.jpg",
            snippet=p,
            source="naver",
        )
        for i, p in enumerate(PAYLOADS)
    ]
    PostWriter(posts).write(
        post_name(day.date(), "krnews-it"), render_post(krnews_job(), day, hostile)
    )
    done = build(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Conflict:" not in done.stdout + done.stderr and "Skipping:" not in done.stdout
    golden = (tmp_path / "_site/posts/krnews-it-20250204/index.html").read_text()
    assert "<time>2025-02-04T12:30:00+09:00</time>krnews/it|krnews,it,auto" in golden
    assert golden.count('class="w-10 left"') == 13
    assert 'href="https://n.news.naver.com/mnews/article/009/0005437958"' in golden
    assert "[단독] 극비리 방한 손정의 소프트뱅크 회장" in golden
    html = (tmp_path / "_site/posts/krnews-it-20250205/index.html").read_text()
    assert "{{ site.time }} {% raw %}" in html  # shown literally, not executed
    assert (
        "<script>" not in html and 'onclick="x"' not in html.replace("&quot;", '"').split("<p>")[0]
    )
    assert (
        html.count("<h2") == len(PAYLOADS) and html.count('href="https://n.news.naver.com/a/') == 4
    )


def test_digest_posts_build_and_stay_inert(tmp_path: Path) -> None:
    """The AI digest (seed 001's format) builds too, and scraped or model text stays text.

    Catalogue: S02, S03, S04.
    """
    from datetime import date

    from newsbot.models import DigestEntry
    from newsbot.posts import digest
    from newsbot.posts.frontmatter import document

    posts = tmp_path / "_posts"
    posts.mkdir()
    entries = [
        DigestEntry(
            headline=f"AI 소식 {i} {p}",
            source_name="전자신문",
            link=f"https://www.etnews.com/{i}",
            published=date(2026, 1, 3),
            summary=[f"요약 {p}", "둘째 요점"],
            implications=[f"기술 {p}", "산업", "전망"],
        )
        for i, p in enumerate(PAYLOADS)
    ]
    meta = digest.front_matter(
        "2026-01-03 AI 뉴스", datetime(2026, 1, 3, 21, 0, tzinfo=KST), ["news"]
    )
    PostWriter(posts).write("2026-01-03-ai-news-20260103.md", document(meta, digest.body(entries)))
    seed = SHARED / "seeds" / "001_4b33230c1e510781.txt"  # the blog's own digest, if present
    if seed.is_file():
        shutil.copy(seed, posts / "2026-01-03-ai-news-seed.md")
    done = build(tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "_site/posts/ai-news-20260103/index.html").read_text()
    assert "<h1>2026-01-03 AI 뉴스</h1><time>2026-01-03T21:00:00+09:00</time>news|" in html
    assert html.count("<h2") == len(PAYLOADS) and html.count("<h3") == 2 * len(PAYLOADS)
    assert html.count("{{ site.time }} {% raw %}") == 3  # headline, summary, implication
    assert "<script>" not in html and 'onclick="x"' not in html.replace("&quot;", '"')
    assert html.count('href="https://www.etnews.com/') == len(PAYLOADS)
    if seed.is_file():
        built = (tmp_path / "_site/posts/ai-news-seed/index.html").read_text()
        assert "<h1>2026-01-03 AI 뉴스</h1>" in built and "<h3" in built
