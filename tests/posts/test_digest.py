"""The digest post reproduces seed 001 byte for byte, from the seed's own data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from newsbot.dates import KST
from newsbot.jobs import load_job
from newsbot.models import DigestEntry
from newsbot.posts import digest
from newsbot.posts.frontmatter import document
from tests.conftest import ROOT, SHARED

SEED = SHARED / "seeds"
ENTRY = re.compile(
    r"## (?P<headline>.+)\n\n\[(?P<source>[^\]]+)\]\((?P<link>\S+)\) - 발행일: (?P<day>[\d-]+)\n\n"
    r"### 요약\n(?P<summary>(?:- .+\n)+)\n"
    r"(?:### 주요 내용 및 시사점\n(?P<impl>(?:- .+\n)+)\n)?---\n"
)
LABELLED = re.compile(r"- \*\*(?:기술적 의미|산업적 영향|향후 전망)\*\*: (.+)")


@pytest.fixture
def seed_001() -> str:
    found = sorted(SEED.glob("001_*.txt"))
    if not found:
        pytest.skip(f"seed 001 not available in {SEED}")
    return found[0].read_text(encoding="utf-8")


def entries_of(text: str) -> list[DigestEntry]:
    """The seed's data: what a summarizer would have produced for each article."""
    out = []
    for m in ENTRY.finditer(text):
        impl = LABELLED.findall(m["impl"]) if m["impl"] else []
        out.append(
            DigestEntry(
                headline=m["headline"],
                source_name=m["source"],
                link=m["link"],
                published=date.fromisoformat(m["day"]),
                summary=[line[2:] for line in m["summary"].splitlines()],
                implications=impl,
            )
        )
    return out


def test_seed_001_byte_for_byte(seed_001: str) -> None:
    entries = entries_of(seed_001)
    assert len(entries) == 6 and all(len(e.implications) == 3 for e in entries)
    meta = digest.front_matter(
        "2026-01-03 AI 뉴스", datetime(2026, 1, 3, 0, 31, 5, tzinfo=KST), ["news"]
    )
    assert document(meta, digest.body(entries)) == seed_001


def test_entry_without_implications_leaves_the_section_out() -> None:
    entry = DigestEntry(
        "제목",
        "네이버 뉴스",
        "https://n.news.naver.com/article/001/0000000001",
        date(2026, 1, 3),
        ["첫 문장.", "둘째 문장."],
    )
    text = digest.body([entry, entry])
    assert "주요 내용" not in text
    one = (
        "## 제목\n\n[네이버 뉴스](https://n.news.naver.com/article/001/0000000001) - 발행일: "
        "2026-01-03\n\n### 요약\n- 첫 문장.\n- 둘째 문장.\n\n---\n"
    )
    assert text == "\n" + one + "\n" + one


def test_scraped_text_cannot_inject_markup() -> None:
    entry = DigestEntry(
        "<script>x</script> *AI*",
        "a](javascript:x)",
        "https://e.x/a b",
        date(2026, 1, 3),
        ["- {{ site.secret }}"],
        ["`a`", "b", "c"],
    )
    text = digest.body([entry])
    assert "<script>" not in text and "{{" not in text
    assert "[a&#93;(javascript:x)](https://e.x/a%20b)" in text  # the bracket is escaped
    assert "(https://e.x/a%20b)" in text and "- \\- &#123;&#123;" in text
    assert "- **기술적 의미**: \\`a\\`" in text


def test_multiple_categories_stay_a_list() -> None:
    meta = digest.front_matter("T", datetime(2026, 1, 3, tzinfo=KST), ["news", "ai"], ["ai"])
    text = document(meta, digest.body([]))
    assert "categories: [news, ai]\ntags: [ai]\n" in text and 'title: "T"' in text


def test_render_dates_the_title_in_kst_and_describes_the_headlines() -> None:
    job = load_job(ROOT / "jobs" / "ai-news.toml")
    entry = DigestEntry(
        "첫 소식 <AI>", "전자신문", "https://www.etnews.com/1", date(2026, 1, 3), ["a"]
    )
    text = digest.render(job, datetime(2026, 1, 2, 15, 31, 5, tzinfo=UTC), [entry, entry])
    assert text.startswith(
        '---\nlayout: post\ntitle: "2026-01-03 AI 뉴스"\ndate: 2026-01-03 00:31:05 +0900\n'
        "categories: news\ndescription: 첫 소식 ＜AI＞ / 첫 소식 ＜AI＞\n---\n\n## 첫 소식 &lt;AI&gt;\n"
    )
