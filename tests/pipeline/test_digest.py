"""The ai-news digest end to end, offline: list → candidates → article pages → extractive post."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot import config as config_mod
from newsbot import pipeline, readers
from newsbot.dates import KST
from newsbot.jobs import DigestOptions, load_job
from newsbot.models import Article
from newsbot.pipeline.plan import by_keywords
from tests.conftest import FAST_FETCH, FAST_FETCH_TOML, ROOT, PageServer
from tests.servers import digestsite

JOB = ROOT / "jobs" / "ai-news.toml"
DAY = date(2026, 1, 3)
NOW = datetime(2026, 1, 4, 8, 0, tzinfo=KST)


def run_cli(server: PageServer, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """ai-news with Naver as its only source, from a jobs dir beside ``out``."""
    jobs = out.parent / "jobs"
    jobs.mkdir(exist_ok=True)
    (jobs / "ai-news.toml").write_text(digestsite.naver_only_toml(), encoding="utf-8")
    fast = out.parent / "fast.toml"
    fast.write_text(FAST_FETCH_TOML)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot",
            "run",
            "--job",
            "ai-news",
            "--date",
            DAY.isoformat(),
            "--jobs-dir",
            str(jobs),
            "--config",
            str(fast),
            "--output",
            str(out),
            "--host-map",
            f"news.naver.com={server.origin}",
            "--host-map",
            f"n.news.naver.com={server.origin}",
            "--config",
            str(fast),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def article(n: int, title: str, snippet: str = "") -> Article:
    return Article(
        id=f"t:{n}", title=title, url=f"https://e.x/{n}", snippet=snippet, source="naver"
    )


def test_select_matches_keywords_in_several_languages_ranks_and_caps() -> None:
    items = [
        article(1, "스마트폰 출하량 감소"),
        article(2, "MAIN 보드 가격 인상"),  # "AI" inside a Latin word is not a match
        article(3, "生成式人工智能新规发布"),
        article(4, "오픈AI, 새 모델 공개", "AI 비서와 인공지능 검색"),
        article(5, "LLM 경량화 연구"),
        article(6, "Generative AI enters factories"),
    ]
    got = by_keywords(items, DigestOptions(max_articles=3))
    assert [a.id for a in got] == ["t:3", "t:6", "t:4"]  # two title hits, then one + snippet
    assert [a.id for a in by_keywords(items, DigestOptions(max_articles=9))] == [
        "t:3",
        "t:6",
        "t:4",
        "t:5",
    ]
    assert by_keywords(items, DigestOptions(keywords=["반도체"])) == []


def test_ai_news_offline_post_and_report(page_server: PageServer, tmp_path: Path) -> None:
    digestsite.serve(page_server)
    out = tmp_path / "posts"
    report_path = tmp_path / "report.json"
    done = run_cli(page_server, out, "--report", str(report_path))
    assert done.returncode == 0, done.stderr
    post = (out / "2026-01-03-ai-news-20260103.md").read_text(encoding="utf-8")

    assert post.startswith(
        '---\nlayout: post\ntitle: "2026-01-03 AI 뉴스"\n'
        "date: 2026-01-03 21:00:00 +0900\ncategories: news\ndescription: "
    )
    description = post.split("\ndescription: ", 1)[1].split("\n", 1)[0]
    headlines = re.findall(r"^## (.+)$", post, re.M)
    assert description.startswith(headlines[0] + " / ")  # the first headlines, plain text
    assert f"\ndescription: {description}\n---\n\n## " in post
    link = "https://n.news.naver.com/mnews/article/001/{:010d}"
    # Story 1 and 2 first (two keyword hits in the title), the board repost (3), 404 (4) skipped.
    assert post.count("\n## ") == 3 and post.count("\n---\n") == 4 and post.endswith("---\n")
    assert (
        f"## 오픈AI, GPT-5 기반 기업용 AI 비서 공개\n\n[네이버 뉴스]({link.format(1)}) - 발행일: 2026-01-03\n\n### 요약\n- 오픈AI가 3일 GPT-5 기반의 기업용 AI 비서 서비스를 공개했다.\n"
        in post
    )
    assert f"[네이버 뉴스]({link.format(2)}) - 발행일: 2026-01-02" in post
    assert '## 카카오,"딥시크 사내 업무 목적 이용 금지"' in post
    assert "주요 내용 및 시사점" not in post  # extractive: nothing made up
    assert "hong@example.com" not in post and "랭크뉴스" not in post and "메뉴 건너뛰기" not in post
    bullets = [line[2:] for line in post.splitlines() if line.startswith("- ")]
    assert len(bullets) == 9
    bodies = "".join(
        p.decode() for p in (page_server.routes[digestsite.article_path(n)].body for n in (1, 2, 3))
    )
    assert all(b in bodies for b in bullets)  # every bullet is the article's own sentence

    report = json.loads(report_path.read_text())
    stats = report["jobs"][0]["digest"]
    assert stats["candidates"] == 4 and stats["fetched"] == 3
    assert stats["failed"] == {"http_4xx": 1} and stats["summaries"] == {"extractive": 3}
    assert report["jobs"][0]["status"] == "written" and report["jobs"][0]["items"] == 3
    fetched = [p for p, _ in page_server.log if p.startswith("/mnews/")]
    assert sorted(fetched) == [digestsite.article_path(n) for n in (1, 2, 3, 4)]

    again = run_cli(page_server, out)
    assert again.returncode == 0 and "unchanged" in again.stderr
    # the published entries stay as they are: only the one never posted (404) is tried again
    assert "digest: 1 candidates, 0 summarized (none), skipped http_4xx 1" in again.stderr
    assert (out / "2026-01-03-ai-news-20260103.md").read_text(encoding="utf-8") == post


def test_an_article_page_with_next_to_no_text_is_skipped_and_counted(
    page_server: PageServer, tmp_path: Path
) -> None:
    """A script-rendered shell says only "Loading…": the extractor reads that much, and the
    digest's ``min_chars`` keeps it out of the post, counted as too_short."""
    digestsite.serve(page_server)
    shell = "<html><body><div id='root'>Loading…</div><a href='/'>Home</a></body></html>"
    page_server.add(digestsite.article_path(2), shell.encode())
    cfg = config_mod.load(
        None,
        {
            "fetch": {"host_map": digestsite.host_map(page_server), **FAST_FETCH},
            "output": {"dir": str(tmp_path / "posts")},
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "expect_article_text", lambda: None)
        report, posts = pipeline.run([digestsite.naver_only_job()], DAY, config=cfg, now=NOW)
    stats = report.jobs[0].digest
    assert stats is not None and stats.fetched == 2
    assert stats.failed == {"http_4xx": 1, "too_short": 1}
    (post,) = posts
    assert "Loading" not in post.text and "인공지능 반도체" not in post.text
    assert post.text.count("\n## ") == 2


@pytest.mark.parametrize("lose_store", [False, True])
def test_articles_posted_on_an_earlier_day_are_not_repeated(
    page_server: PageServer, tmp_path: Path, lose_store: bool
) -> None:
    digestsite.serve(page_server)
    cfg = config_mod.load(
        None,
        {
            "fetch": {"host_map": digestsite.host_map(page_server), **FAST_FETCH},
            "output": {"dir": str(tmp_path / "posts")},
        },
    )
    job = digestsite.naver_only_job()
    preloads: list[bool] = []
    with pytest.MonkeyPatch.context() as patch:  # a digest reads article text: preloaded
        patch.setattr(readers, "expect_article_text", lambda: preloads.append(True))
        pipeline.run([job], DAY, config=cfg, now=NOW)
    assert preloads == [True]
    if lose_store:  # a fresh CI runner: the store is rebuilt from the digest post's links
        (tmp_path / ".newsbot-state.sqlite").unlink()
    page_server.add(f"{digestsite.LIST_PATH}", digestsite.list_page())  # same list next day
    later = datetime(2026, 1, 5, 8, 0, tzinfo=KST)  # 01-04 is a past day: the archive list
    report, posts = pipeline.run([job], date(2026, 1, 4), config=cfg, now=later)
    assert [s.status for s in report.jobs[0].sources] == ["ok"]
    digest_stats = report.jobs[0].digest  # only story 4 (404, never posted) is left
    assert digest_stats is not None and digest_stats.candidates == 1
    assert report.jobs[0].status == "skipped" and posts == []
    assert "no new article" in report.jobs[0].message


def test_dry_run_writes_nothing(page_server: PageServer, tmp_path: Path) -> None:
    digestsite.serve(page_server)
    done = run_cli(page_server, tmp_path / "posts", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "## 오픈AI, GPT-5 기반 기업용 AI 비서 공개" in done.stdout
    assert not (tmp_path / "posts").exists() or not list((tmp_path / "posts").glob("*.md"))


@pytest.mark.parametrize("name", ["ai-news"])
def test_job_file_is_valid(name: str) -> None:
    job = load_job(ROOT / "jobs" / f"{name}.toml")
    assert job.style == "digest" and job.categories == ["news"]
    assert {"AI", "인공지능", "生成式", "人工智能", "LLM"} <= set(job.digest.keywords)


def test_extract_replays_an_article_page_from_a_recorded_run(
    page_server: PageServer, tmp_path: Path
) -> None:
    """The morning-after tool: a digest run was recorded; its article pages can be
    re-extracted offline while the extraction rules are being fixed."""
    digestsite.serve(page_server)
    tape = tmp_path / "tape"
    assert run_cli(page_server, tmp_path / "posts", "--record", str(tape)).returncode == 0
    page_server.stop()  # from here on, no server
    url = f"https://n.news.naver.com{digestsite.article_path(1)}"
    mapped = ("--host-map", f"n.news.naver.com={page_server.origin}")  # as when recorded
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", "extract", url, "--replay", str(tape), "--json", *mapped],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["title"] == "오픈AI, GPT-5 기반 기업용 AI 비서 공개"
    assert "오픈AI가 3일 GPT-5 기반의 기업용 AI 비서 서비스를 공개했다." in got["text"]
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot",
            "extract",
            url.replace("0000000001", "0000000099"),
            "--replay",
            str(tape),
            *mapped,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "is not in the recording" in missing.stderr
