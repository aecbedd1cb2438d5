"""A published post is never rewritten: its bytes stay, front matter included; new items append.

Digest posts follow the list posts' rule. A re-run of an earlier day after later
days were posted, or a same-day re-run that finds new and better-ranked items
(or a page that now fails), keeps every published entry where it was.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from newsbot import config as config_mod
from newsbot import pipeline
from newsbot.dates import KST
from newsbot.jobs import Job
from tests.conftest import FAST_FETCH, PageServer
from tests.pipeline.days import Story, config, links, list_job, naver_url, run, serve
from tests.servers import digestsite

DAY = date(2026, 1, 3)
NOW = datetime(2026, 1, 6, 8, 0, tzinfo=KST)
POST = "2026-01-03-ai-news-20260103.md"
SENTENCES = (
    "생성형 AI 스타트업이 3일 대규모 투자를 유치했다고 밝혔다.",
    "회사는 이번 투자로 AI 반도체 설계 인력을 두 배로 늘릴 계획이다.",
    "업계는 생성형 AI 시장의 경쟁이 더 치열해질 것으로 보고 있다.",
)
LATE = (  # two AI stories ranked above every published entry (more keyword mentions)
    digestsite.Story(8, "생성형 AI 스타트업, AI 반도체 AI 투자 유치", SENTENCES),
    digestsite.Story(9, "AI 비서 경쟁, 생성형 AI 모델 AI 공개 잇따라", SENTENCES),
)


def digest_config(server: PageServer, out: Path) -> config_mod.Config:
    return config_mod.load(
        None,
        {
            "fetch": {"host_map": digestsite.host_map(server), **FAST_FETCH},
            "output": {"dir": str(out)},
        },
    )


def first_digest(server: PageServer, tmp_path: Path) -> tuple[config_mod.Config, Job, Path]:
    """Day 1's ai-news digest (Naver only) written; its config, job and posts dir."""
    digestsite.serve(server)
    out = tmp_path / "posts"
    cfg, job = digest_config(server, out), digestsite.naver_only_job()
    pipeline.run([job], DAY, config=cfg, now=NOW)
    return cfg, job, out


def serve_late(server: PageServer, path: str = digestsite.LIST_PATH) -> None:
    """The list grew two top-ranked stories, and story 2's page now fails."""
    server.add(path, digestsite.list_page((*LATE, *digestsite.STORIES)))
    for story in LATE:
        server.add(digestsite.article_path(story.n), digestsite.article_page(story))
    server.add(digestsite.article_path(2), b"gone", status=404)


def entries(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[네이버 뉴스](")]


def test_a_same_day_digest_rerun_keeps_every_entry_and_appends(
    page_server: PageServer, tmp_path: Path
) -> None:
    cfg, job, out = first_digest(page_server, tmp_path)
    first = (out / POST).read_text(encoding="utf-8")
    assert len(entries(first)) == 3
    serve_late(page_server)
    report, _ = pipeline.run([job], DAY, config=cfg, now=NOW)
    second = (out / POST).read_text(encoding="utf-8")
    assert second.startswith(first)  # byte for byte, story 2 included though its page is gone
    assert entries(second)[3:] == [
        f"[네이버 뉴스](https://n.news.naver.com{digestsite.article_path(n)}) - 발행일: 2026-01-03"
        for n in (8, 9)
    ]
    assert report.jobs[0].status == "written" and report.jobs[0].items == 5


def test_a_digest_fills_only_the_room_left_under_max_articles(
    page_server: PageServer, tmp_path: Path
) -> None:
    digestsite.serve(page_server)
    out = tmp_path / "posts"
    cfg = digest_config(page_server, out)
    base = digestsite.naver_only_job()
    job = base.model_copy(update={"digest": base.digest.model_copy(update={"max_articles": 3})})
    pipeline.run([job], DAY, config=cfg, now=NOW)  # 3 candidates, one a 404: 2 entries
    first = (out / POST).read_text(encoding="utf-8")
    assert len(entries(first)) == 2
    serve_late(page_server)
    pipeline.run([job], DAY, config=cfg, now=NOW)
    second = (out / POST).read_text(encoding="utf-8")
    assert second.startswith(first) and len(entries(second)) == 3 and "/0000000008)" in second
    report, _ = pipeline.run([job], DAY, config=cfg, now=NOW)  # full: story 9 never comes
    assert report.jobs[0].status == "unchanged" and "/0000000009)" not in second


def test_rerunning_an_earlier_digest_after_a_later_day_changes_nothing(
    page_server: PageServer, tmp_path: Path
) -> None:
    cfg, job, out = first_digest(page_server, tmp_path)
    first = (out / POST).read_bytes()
    nxt = DAY + timedelta(days=1)
    serve_late(page_server, f"{digestsite.LIST_PATH}?date={nxt:%Y%m%d}")
    pipeline.run([job], nxt, config=cfg, now=NOW)  # the next day posts 8 and 9
    page_server.add(digestsite.LIST_PATH, digestsite.list_page((*LATE, *digestsite.STORIES)))
    report, _ = pipeline.run([job], DAY, config=cfg, now=NOW)  # day 1's list now shows them
    assert (out / POST).read_bytes() == first and report.jobs[0].status == "unchanged"


def test_a_digest_rerun_keeps_the_owners_front_matter(
    page_server: PageServer, tmp_path: Path
) -> None:
    cfg, job, out = first_digest(page_server, tmp_path)
    edited = (out / POST).read_text(encoding="utf-8").replace("layout: post\n", "pin: true\n", 1)
    (out / POST).write_text(edited, encoding="utf-8")
    serve_late(page_server)
    pipeline.run([job], DAY, config=cfg, now=NOW)
    assert (out / POST).read_text(encoding="utf-8").startswith(edited)


def krnews(tmp_path: Path, server: PageServer) -> tuple[Job, config_mod.Config, Path]:
    out = tmp_path / "_posts"
    return list_job("naver", slug="krnews-it"), config(server, out), out


def test_a_list_rerun_keeps_front_matter_and_hand_edits_and_appends(
    page_server: PageServer, tmp_path: Path
) -> None:
    job, cfg, out = krnews(tmp_path, page_server)
    day = date(2025, 2, 4)
    serve(page_server, day, naver=[Story(n, f"제목 {n}번 기사 {n * 37}") for n in range(1, 4)])
    run([job], day, cfg)
    path = out / "2025-02-04-krnews-it-20250204.md"
    text = path.read_text(encoding="utf-8")
    front_end = text.index("\n---\n") + len("\n---\n")
    edited = (
        text[:front_end].replace("---\n", "---\npin: true\n", 1)
        + "오늘의 소개 한 줄.\n\n"
        + text[front_end:]
    )
    path.write_text(edited, encoding="utf-8")
    serve(page_server, day, naver=[Story(n, f"제목 {n}번 기사 {n * 37}") for n in range(2, 6)])
    report, _ = run([job], day, cfg)
    again = path.read_text(encoding="utf-8")
    assert again.startswith(edited) and "pin: true" in again
    assert links(path) == [naver_url(n) for n in range(1, 6)]
    assert report.jobs[0].status == "written" and report.jobs[0].sources[0].items_new == 2
    report, _ = run([job], day, cfg)
    assert report.jobs[0].status == "unchanged" and path.read_text(encoding="utf-8") == again
