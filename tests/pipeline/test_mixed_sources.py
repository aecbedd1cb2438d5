"""The shipped source jobs, and jobs that mix sources (grouped or interleaved)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot import pipeline, readers, sources
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import Job, load_job, load_jobs
from newsbot.pipeline.plan import interleave
from newsbot.posts.frontmatter import read_metadata
from tests.conftest import FAST_FETCH, PAGES, ROOT, PageServer

DAY = date(2018, 9, 28)
NOW = datetime(2018, 9, 28, 18, 0, tzinfo=KST)


@pytest.mark.parametrize(
    ("job", "source", "title"),
    [
        ("krnews-it", "naver", "2018.09.28 IT/과학 뉴스"),
        ("sina-tech", "sina", "2018.09.28 중국 테크 뉴스 (新浪科技)"),
        ("nate-it", "nate", "2018.09.28 네이트 IT/과학 뉴스"),
        ("etnews-it", "etnews", "2018.09.28 전자신문 IT 뉴스"),
    ],
)
def test_each_source_has_a_list_job(job: str, source: str, title: str) -> None:
    loaded = load_job(ROOT / "jobs" / f"{job}.toml")
    assert [s.name for s in loaded.sources] == [source]
    assert source in sources.SOURCES
    assert loaded.post_title(DAY) == title
    assert loaded.style == "daily_list" and "auto" in loaded.tags
    assert not loaded.allow_partial  # a broken source never yields a half-empty post


def test_shipped_job_slugs_are_unique() -> None:
    jobs = load_jobs(ROOT / "jobs")
    assert len({j.slug for j in jobs}) == len(jobs) >= 4


def _refuse_preload() -> None:
    raise AssertionError("a run of list posts preloaded the article extractor's second opinion")


def _mixed(order: str) -> Job:
    return Job.model_validate(
        {
            "name": "kr-it-mix",
            "title": "{date:%Y.%m.%d} IT 뉴스 모음",
            "slug": "kr-it-mix",
            "order": order,
            "sources": [{"name": "nate", "section": "n0105"}, {"name": "etnews", "section": "04"}],
        }
    )


def _run_mixed(server: PageServer, tmp_path: Path, order: str) -> list[str]:
    """One dry run; a list post reads no article text, so trafilatura is never preloaded."""
    server.add(
        "/recent", (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes()
    )
    server.add("/04.xml", (PAGES / "etnews" / "rss_04_20180928.xml").read_bytes())
    hosts = {h: server.origin for h in ("news.nate.com", "rss.etnews.com")}
    cfg = Config.model_validate(
        {"fetch": {"host_map": hosts, **FAST_FETCH}, "output": {"dir": str(tmp_path)}}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "expect_article_text", _refuse_preload)
        report, posts = pipeline.run([_mixed(order)], DAY, config=cfg, now=NOW, dry_run=True)
    assert report.exit_code == 0 and len(posts) == 1
    assert read_metadata(posts[0].text)["title"] == "2018.09.28 IT 뉴스 모음"
    return [i.split(":")[0] for i in posts[0].ids]


def test_grouped_jobs_list_each_source_in_a_block(page_server: PageServer, tmp_path: Path) -> None:
    assert _run_mixed(page_server, tmp_path, "grouped") == ["nate"] * 6 + ["etnews"] * 7


def test_interleaved_jobs_take_sources_in_turn(page_server: PageServer, tmp_path: Path) -> None:
    assert _run_mixed(page_server, tmp_path, "interleaved") == ["nate", "etnews"] * 6 + ["etnews"]


def test_interleave_is_pure_and_keeps_leftovers() -> None:
    def art(i: str) -> object:
        from newsbot.models import Article

        return Article(id=i, title=i, url=f"https://x/{i}", source="s")

    groups = [[art("a1"), art("a2"), art("a3")], [], [art("b1")]]
    assert [a.id for a in interleave(groups)] == ["a1", "b1", "a2", "a3"]  # type: ignore[attr-defined]


def test_unknown_order_is_a_job_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\nslug = "x"\norder = "random"\n[[sources]]\nname = "nate"\n')
    with pytest.raises(Exception, match="order"):
        load_job(path)
