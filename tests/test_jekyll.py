"""Debian's jekyll builds the generated posts: dates, permalinks, no Liquid from scraped text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.models import Article
from newsbot.render import render_post
from newsbot.write import PostWriter, post_name
from tests.conftest import GOLDEN
from tests.test_render import krnews_job

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
