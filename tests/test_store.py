"""The state store's digest parts: the LLM answer cache and digest posts' links."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsbot.posts import daily_list, digest
from newsbot.store import MIGRATIONS, Store


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
