"""Posts as text: the seed reproduced byte for byte, and scraped text kept inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import yaml

from newsbot.dates import KST
from newsbot.jobs import Job, load_job
from newsbot.models import Article
from newsbot.posts import markdown as md
from newsbot.posts.daily_list import render as render_post
from newsbot.posts.frontmatter import document, read_metadata
from tests.conftest import ROOT, SHARED

SEED_000 = SHARED / "seeds" / "000_38172c7fe81eb4f9.txt"
ITEM = re.compile(r"## \[(.*)\]\((.*)\)\n\n!\[.*\]\((.*)\)\{: [^}]*\}\n(.*)\n")


def krnews_job() -> Job:
    return load_job(ROOT / "jobs" / "krnews-it.toml")


def article(title: str, snippet: str = "본문", **kw: str) -> Article:
    fields = {
        "url": "https://n.news.naver.com/mnews/article/001/0000000001",
        "thumbnail": "https://mimgnews.pstatic.net/a.jpg?type=nf220_150",
    } | kw
    return Article(
        id="naver:001/0000000001", title=title, snippet=snippet, source="naver", **fields
    )


def test_seed_000_reproduced_byte_for_byte() -> None:
    if not SEED_000.is_file():
        pytest.skip(f"seed post not available: {SEED_000} is absent")
    seed = SEED_000.read_text(encoding="utf-8")
    articles = [
        Article(id=f"naver:{i}", title=t, url=u, thumbnail=th, snippet=s, source="naver")
        for i, (t, u, th, s) in enumerate(ITEM.findall(seed))
    ]
    assert len(articles) == 13
    posted = datetime(2025, 2, 4, 12, 30, 17, tzinfo=KST)
    assert render_post(krnews_job(), posted, articles) == seed


HOSTILE_TITLES = [
    "Breaking: x",
    "---",
    "a\n---\nlayout: evil",
    "key: v\nlayout: home",
    '!!python/object/apply:os.system ["id"]',
    "&a *a",
    "? x",
    "yes",
    "null",
    "2024-01-01",
    "- x",
    "@x",
    "%",
    "a\r\nb",
    "{{ site.github }} {% include x %}",
    "# x",
    "'quoted' \"double\"",
    "`tick`",
    "[단독] 🚀 이모지",
    "x" * 5000,
]


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=range(len(HOSTILE_TITLES)))
def test_hostile_titles_round_trip_through_front_matter(title: str) -> None:
    """Catalogue: S01."""
    meta = {"title": title, "date": "2025-02-04 12:30:17 +0900", "categories": ["a", "b"]}
    text = document(meta, "body\n")
    assert read_metadata(text) == meta
    head = text.split("\n---\n", 1)[0]
    assert yaml.safe_load(head.removeprefix("---\n")) == meta
    assert text.count("\n---\n") == 1  # Jekyll's boundary matches once


INJECTIONS = [
    "{{ site.github }}",
    "{% include ../../_config.yml %}",
    "{% raw %}x{% endraw %}{{ x }}",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<!-- hide",
    "<iframe src=x>",
    '{: onclick="alert(1)"}',
    "{::nomarkdown}<b>x</b>",
    "# heading",
    "> quote",
    "* list",
    "1. list",
    "| a | b |",
    "[x]: javascript:alert(1)",
    "unbalanced [ bracket",
    "a ](evil) b",
    "![img](http://evil/x.png)",
]


@pytest.mark.parametrize("payload", INJECTIONS, ids=range(len(INJECTIONS)))
def test_scraped_text_cannot_become_markup(payload: str) -> None:
    """Catalogue: S02, S03, S04."""
    job = krnews_job()
    post = render_post(job, datetime(2025, 2, 4, 12, 30, tzinfo=KST), [article(payload, payload)])
    body = post.split("\n---\n", 1)[1]
    assert "{{" not in body and "{%" not in body and "{:" not in body.replace(md_ial(), "")
    assert "<script" not in body and "<iframe" not in body and "<!--" not in body
    assert "onerror=" not in body or "&lt;img" in body
    heading, _, _, snippet = body.split("\n")[:4]
    assert heading.startswith("## [") and heading.endswith(")")
    assert re.fullmatch(r"## \[.*\]\(https://n\.news\.naver\.com/[^()\s]*\)", heading)
    assert not re.match(r"[#>*|]|\d+\.", snippet)


def md_ial() -> str:
    return '{: width="100" height="150" .w-10 .left}'


def test_balanced_brackets_stay_raw_and_unbalanced_are_escaped() -> None:
    """Catalogue: S04."""
    assert md.link_text("[단독] 제목") == "[단독] 제목"
    assert md.link_text("a [ b") == "a &#91; b"
    assert md.link_text("[a](b)") == "&#91;a&#93;(b)"


def test_urls_cannot_break_out_of_their_parentheses() -> None:
    assert md.url("https://x.kr/a b(c)") == "https://x.kr/a%20b%28c%29"


def test_missing_thumbnail_leaves_out_the_image_line() -> None:
    post = render_post(
        krnews_job(), datetime(2025, 2, 4, 12, 30, tzinfo=KST), [article("제목", thumbnail=None)]
    )  # type: ignore[arg-type]
    assert "![" not in post and "## [제목]" in post


def test_title_and_date_agree_for_kst_readers_whatever_zone_the_time_is_in() -> None:
    """00:30 on 2025-02-05 in Seoul is still the 4th in UTC: the post says the 5th twice."""
    utc = datetime(2025, 2, 4, 15, 30, tzinfo=UTC)
    post = render_post(krnews_job(), utc, [article("제목")])
    assert post.startswith("---\ntitle: 2025.02.05 IT/과학 뉴스\ndate: 2025-02-05 00:30:00 +0900\n")


def test_other_list_jobs_contain_thumbnails_and_describe_themselves() -> None:
    job = load_job(ROOT / "jobs" / "etnews-it.toml")
    items = [
        article("첫 <기사>", "한 줄."),
        article("사진 없는 기사", "둘째.", thumbnail=None),  # type: ignore[arg-type]
        article("요약 없는 기사", "", thumbnail=None),  # type: ignore[arg-type]
    ]
    post = render_post(job, datetime(2025, 2, 4, 12, 45, tzinfo=KST), items)
    assert "\ndescription: 첫 ＜기사＞ / 사진 없는 기사 / 요약 없는 기사\n---\n" in post
    assert post.count("\n{: .overflow-hidden}\n") == 2  # both paragraphs; none for a bare heading
    assert post.endswith(
        "## [요약 없는 기사](https://n.news.naver.com/mnews/article/001/0000000001)\n\n\n"
    )
