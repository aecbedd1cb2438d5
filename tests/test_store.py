"""The state store's digest parts: the LLM answer cache and digest posts' links."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsbot import app, posts, sources
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.jobs import load_job, load_jobs
from newsbot.models import Article
from newsbot.posts import daily_list, digest
from newsbot.posts.files import post_name
from newsbot.store import MIGRATIONS, Store
from tests.conftest import ROOT


def test_summary_cache_is_per_article_model_and_text(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.put_summary("naver:001/1", "m1", "sha-a", '{"headline": "x"}', 120)
    assert store.get_summary("naver:001/1", "m1", "sha-a") == '{"headline": "x"}'
    assert store.get_summary("naver:001/1", "m2", "sha-a") is None  # another model
    assert store.get_summary("naver:001/1", "m1", "sha-b") is None  # the article changed
    store.put_summary("naver:001/1", "m1", "sha-b", '{"headline": "y"}', 90)
    assert store.get_summary("naver:001/1", "m1", "sha-b") == '{"headline": "y"}'
    store.close()
    store = Store(tmp_path / "s.sqlite")  # kept across runs
    assert store.get_summary("naver:001/1", "m1", "sha-b") == '{"headline": "y"}'
    store.close()


def test_a_store_from_before_the_cache_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:5]:  # the seen-set and run history, as a release before the cache
        db.execute(step)
    db.execute("PRAGMA user_version = 5")
    db.execute("INSERT INTO seen VALUES ('ai-news', 'a', '2026-01-02', 'p.md')")
    db.commit()
    db.close()
    store = Store(path)
    store.put_summary("a", "m", "s", "{}", 1)
    assert store.get_summary("a", "m", "s") == "{}" and not store.is_empty()
    assert store.known("ai-news", ["a", "b"]) == {"a"}  # the seen-set carried over
    store.close()


def test_digest_post_links_are_read_in_order() -> None:
    post = (
        "---\nlayout: post\n---\n\n## 제목 하나\n\n[新浪新闻](https://news.sina.com.cn/a.shtml) - "
        "발행일: 2026-01-03\n\n### 요약\n- [링크](https://not.this/one) 본문\n\n---\n\n"
        "## [리스트 제목](https://n.news.naver.com/mnews/article/001/0000000001)\n\n"
        "## 둘\n\n[Nate 뉴스](https://news.nate.com/view/20260103n02527) - 발행일: 2026-01-03\n"
    )
    assert digest.links(post) == [  # source lines only: not a bullet's link nor a list heading
        "https://news.sina.com.cn/a.shtml",
        "https://news.nate.com/view/20260103n02527",
    ]
    assert daily_list.links(post) == ["https://n.news.naver.com/mnews/article/001/0000000001"]


def krnews_posts(out: Path, days: int, items: int = 13) -> None:
    """``days`` daily posts of krnews-it, ``items`` distinct Naver articles each."""
    job = load_job(ROOT / "jobs" / "krnews-it.toml")
    out.mkdir(parents=True)
    for d in range(days):
        day = date(2020, 1, 1) + timedelta(days=d)
        arts = [
            Article(
                id=f"naver:001/{d:05d}{i:05d}",
                title=f"{day} 기사 {i}",
                url=f"https://n.news.naver.com/mnews/article/001/{d:05d}{i:05d}",
                source="naver",
            )
            for i in range(items)
        ]
        posted_at = datetime.combine(day, time(12, 30), KST)
        (out / post_name(day, job.slug)).write_text(daily_list.render(job, posted_at, arts))


def test_reindex_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit per post made the nightly reindex grow with the history."""
    out = tmp_path / "_posts"
    krnews_posts(out, 40)
    cfg = Config.model_validate({"output": {"dir": str(out)}})
    Store(tmp_path / ".newsbot-state.sqlite").close()
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    count, _ = app.reindex(cfg, load_jobs(ROOT / "jobs"))
    assert count == 40
    assert sum(s.strip().upper() == "COMMIT" for s in statements) <= 2  # opening, the rebuild
    store = Store(tmp_path / ".newsbot-state.sqlite")
    assert len(store.known("krnews-it", [f"naver:001/{d:05d}00012" for d in range(40)])) == 40
    store.close()


def test_an_item_cut_from_a_post_stays_known_until_a_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "_posts"
    krnews_posts(out, 1, items=3)
    jobs = [load_job(ROOT / "jobs" / "krnews-it.toml")]
    store = Store(tmp_path / "s.sqlite")
    index = posts.index(jobs, sources.article_id)
    post = next(out.glob("*.md"))
    ids = [i for i, _ in index.items("krnews-it", post.read_text())]
    assert store.sync(out, index) == 1
    head, _cut, rest = post.read_text().split("\n## [", 2)
    post.write_text(head + "\n## [" + rest)  # the owner cuts the first item out
    assert store.sync(out, index) == 1  # read in: changed
    assert store.known("krnews-it", ids) == set(ids)
    store.record_post("krnews-it", date(2020, 1, 1), post.name, [], sha="x", stamp="x")
    assert store.known("krnews-it", ids) == set(ids)  # a later record adds, never takes away
    assert store.rebuild(out, index) == 1  # only what the post holds now
    assert store.known("krnews-it", ids) == set(ids[1:])
    store.close()


def test_sync_reads_a_changed_post_and_forgets_a_deleted_one(tmp_path: Path) -> None:
    out = tmp_path / "_posts"
    krnews_posts(out, 2, items=3)
    jobs = [load_job(ROOT / "jobs" / "krnews-it.toml")]
    store = Store(tmp_path / "s.sqlite")
    index = posts.index(jobs, sources.article_id)
    assert store.sync(out, index) == 2 and store.sync(out, index) == 0  # known: not read again
    first, second = sorted(out.glob("*.md"))
    text = first.read_text()
    extra = "## [덧붙인 기사](https://n.news.naver.com/mnews/article/001/9999999999)\n\n"
    first.write_text(text + extra)  # rewritten after it was recorded (a killed run)
    second.unlink()  # deleted by hand
    assert store.sync(out, index) == 1
    assert store.known("krnews-it", ["naver:001/9999999999", "naver:001/0000100000"]) == {
        "naver:001/9999999999"
    }
    assert ("naver:001/9999999999", "덧붙인 기사") in store.recent(
        "krnews-it", date(2020, 1, 1), date(2020, 1, 1)
    )
    store.close()
