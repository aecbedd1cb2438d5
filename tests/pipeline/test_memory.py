"""Memory across runs: no repost, idempotent re-runs, reindex, locks and backfill."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.jobs import load_jobs
from newsbot.lock import Busy, lock_path, run_lock
from newsbot.models import Article
from newsbot.normalize import url_id
from newsbot.pipeline import memory
from newsbot.pipeline.plan import merge
from newsbot.store import Store
from tests.conftest import ROOT, PageServer
from tests.servers.pagegen import archive_page, article_url

ARCHIVE = "/breakingnews/section/105/230"


def serve_day(server: PageServer, day: date, numbers: list[int]) -> None:
    server.add(f"{ARCHIVE}?date={day:%Y%m%d}", archive_page(numbers))


def newsbot(server: PageServer, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    job = ["--job", "krnews-it"] if args[0] in ("run", "backfill") else []
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        *args,
        *job,
        "--output",
        str(out),
        "--host-map",
        f"news.naver.com={server.origin}",
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)


def run_day(server: PageServer, out: Path, day: date) -> subprocess.CompletedProcess[str]:
    return newsbot(server, out, "run", "--date", day.isoformat())


def links(path: Path) -> list[str]:
    return [
        line.split("](", 1)[1].rstrip(")")
        for line in path.read_text().splitlines()
        if line.startswith("## [")
    ]


def tree_digest(out: Path) -> str:
    return hashlib.sha256(
        b"".join(p.name.encode() + p.read_bytes() for p in sorted(out.glob("*.md")))
    ).hexdigest()


D1, D2 = date(2025, 2, 4), date(2025, 2, 5)
POST1, POST2 = "2025-02-04-krnews-it-20250204.md", "2025-02-05-krnews-it-20250205.md"


@pytest.fixture
def two_days(page_server: PageServer) -> PageServer:
    serve_day(page_server, D1, list(range(1, 11)))
    serve_day(page_server, D2, list(range(6, 14)))  # 6–10 are still listed the next day
    return page_server


def test_next_day_post_has_none_of_yesterdays_items(two_days: PageServer, tmp_path: Path) -> None:
    """Catalogue: F28."""
    out = tmp_path / "_posts"
    assert run_day(two_days, out, D1).returncode == 0
    done = run_day(two_days, out, D2)
    assert done.returncode == 0, done.stderr
    assert links(out / POST1) == [article_url(n) for n in range(1, 11)]
    assert links(out / POST2) == [article_url(n) for n in range(11, 14)]


def test_three_reruns_give_the_same_bytes(two_days: PageServer, tmp_path: Path) -> None:
    """Catalogue: F27."""
    out = tmp_path / "_posts"
    run_day(two_days, out, D1)
    digest = tree_digest(out)
    for _ in range(3):
        done = run_day(two_days, out, D1)
        assert done.returncode == 0 and "unchanged" in done.stderr
    assert tree_digest(out) == digest and len(list(out.glob("*.md"))) == 1


def test_deleted_store_is_rebuilt_from_the_posts(two_days: PageServer, tmp_path: Path) -> None:
    out = tmp_path / "_posts"
    run_day(two_days, out, D1)
    run_day(two_days, out, D2)
    expected = (out / POST2).read_bytes()
    (out / POST2).unlink()
    (tmp_path / ".newsbot-state.sqlite").unlink()
    reindexed = newsbot(two_days, out, "reindex")
    assert reindexed.returncode == 0 and "reindexed 1 posts" in reindexed.stderr
    assert run_day(two_days, out, D2).returncode == 0
    assert (out / POST2).read_bytes() == expected


def test_missing_or_corrupt_store_is_rebuilt_with_a_note(
    two_days: PageServer, tmp_path: Path
) -> None:
    """Catalogue: S12."""
    out = tmp_path / "_posts"
    run_day(two_days, out, D1)
    (tmp_path / ".newsbot-state.sqlite").write_bytes(b"!!python/object garbage" * 100)
    done = run_day(two_days, out, D2)
    assert done.returncode == 0, done.stderr
    assert "unreadable" in done.stderr and "rebuilt" in done.stderr
    assert links(out / POST2) == [article_url(n) for n in range(11, 14)]


def test_new_items_later_in_the_day_are_appended_and_nothing_dropped(
    page_server: PageServer, tmp_path: Path
) -> None:
    out = tmp_path / "_posts"
    serve_day(page_server, D1, [1, 2, 3, 4, 5])
    run_day(page_server, out, D1)
    first = (out / POST1).read_text()
    serve_day(page_server, D1, [3, 4, 5, 6, 7])  # 1 and 2 fell off the list, 6 and 7 are new
    assert run_day(page_server, out, D1).returncode == 0
    second = (out / POST1).read_text()
    assert second.startswith(first)  # published items kept verbatim, date unchanged
    assert links(out / POST1) == [article_url(n) for n in [1, 2, 3, 4, 5, 6, 7]]


def test_concurrent_run_exits_75(two_days: PageServer, tmp_path: Path) -> None:
    """Catalogue: F38."""
    out = tmp_path / "_posts"
    with run_lock(lock_path(out)):
        start = time.monotonic()
        done = run_day(two_days, out, D1)
        assert time.monotonic() - start < 10
    assert done.returncode == 75 and "another newsbot run" in done.stderr
    assert not out.exists() or not list(out.glob("*.md"))
    assert run_day(two_days, out, D1).returncode == 0  # released: the next run goes ahead


def test_lock_is_exclusive_within_a_process(tmp_path: Path) -> None:
    """Catalogue: F38."""
    with run_lock(tmp_path / "l"), pytest.raises(Busy), run_lock(tmp_path / "l"):
        pass


def test_backfill_interrupted_then_resumed(page_server: PageServer, tmp_path: Path) -> None:
    """Catalogue: F34, F42."""
    days = [date(2025, 2, d) for d in range(1, 8)]
    for i, day in enumerate(days):  # consecutive days share two items
        serve_day(page_server, day, list(range(i * 3 + 1, i * 3 + 6)))
    out = tmp_path / "_posts"
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        "backfill",
        "--from",
        "2025-02-01",
        "--to",
        "2025-02-07",
        "--job",
        "krnews-it",
        "--output",
        str(out),
        "--host-map",
        f"news.naver.com={page_server.origin}",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(list(out.glob("*.md"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    interrupted = len(list(out.glob("*.md")))
    assert 2 <= interrupted <= 7
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    posts = sorted(out.glob("*.md"))
    assert [p.name[:10] for p in posts] == [d.isoformat() for d in days]
    every = [url for p in posts for url in links(p)]
    assert len(every) == len(set(every)) == 3 * 7 + 2  # each article once
    assert not list(out.glob(".newsbot-*"))  # no temp file left behind
    assert "every post exists, skipped" in done.stderr


def article(n: int, title: str, source: str = "naver") -> Article:
    return Article(id=f"{source}:{n}", title=title, url=f"https://{source}.kr/{n}", source=source)


def test_one_story_once_across_sources() -> None:
    naver = [article(1, "[단독] 삼성전자, 2나노 양산 돌입"), article(2, "카카오 신작 공개")]
    nate = [
        article(7, "삼성전자 2나노 양산 본격 돌입", "nate"),
        article(8, "LG 배터리 증설", "nate"),
    ]
    kept = merge([naver, nate], similarity=0.9)
    assert [a.id for a in kept] == ["naver:1", "naver:2", "nate:8"]
    kept = merge([naver, nate], similarity=1.0)  # exact titles only
    assert len(kept) == 4


def test_store_knows_what_was_posted_on_any_day(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.record_post("job", date(2025, 2, 5), "b.md", [("x", "엑스")], sha="1", stamp="1")
    store.record_post("job", date(2025, 2, 4), "a.md", [("y", "와이")], sha="2", stamp="2")
    assert store.known("job", ["x", "y", "z"]) == {"x", "y"}  # earlier and later days alike
    assert store.known("other", ["x"]) == set()
    assert store.recent("job", date(2025, 2, 5), date(2025, 2, 9)) == [("x", "엑스")]
    store.close()
    again = Store(tmp_path / "s.sqlite")  # kept on disk: a later run sees the same
    assert again.known("job", ["x"]) == {"x"} and not again.created
    again.close()


def test_a_feed_that_moves_to_https_does_not_post_its_articles_again(
    page_server: PageServer, tmp_path: Path
) -> None:
    """A site's feed switches its links from http to https: the articles it still lists are
    the ones already posted (an article no source knows is its URL read as https), even past
    the title window, and against a store written when ids were the links as they came."""
    today = datetime.now(KST).date()
    past = today - timedelta(days=10)  # far outside the 3-day title window
    stamp = f"{past:%a, %d %b %Y} 03:00:00 +0000"

    def feed(scheme: str) -> str:
        items = "".join(
            f"<item><title>Story number {n} of the feed</title>"
            f"<link>{scheme}://feeds.example.com/a/{n}</link><pubDate>{stamp}</pubDate></item>"
            for n in range(6)
        )
        return f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"

    jobs, out = tmp_path / "jobs", tmp_path / "_posts"
    jobs.mkdir()
    (jobs / "f.toml").write_text(
        'title = "{date} f"\nslug = "f"\n[[sources]]\nname = "feed"\nsection = "s"\n'
        'options = { url = "https://feeds.example.com/list", tz = "UTC" }\n',
        encoding="utf-8",
    )
    (tmp_path / "newsbot.toml").write_text("[fetch]\nhost_delay = 0.0\nbackoff = 0.05\n")

    def run(day: date) -> subprocess.CompletedProcess[str]:
        cmd = [
            sys.executable, "-m", "newsbot", "run", "--date", day.isoformat(),
            "--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml"),
            "--output", str(out), "--host-map", f"feeds.example.com={page_server.origin}",
        ]  # fmt: skip
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)

    page_server.add("/list", feed("http"), Content_Type="application/rss+xml")
    done = run(past)
    assert done.returncode == 0, done.stderr
    (first,) = out.glob("*.md")
    assert len(links(first)) == 6 and links(first)[0].startswith("http://")
    # the store as an older newsbot wrote it: an unknown link's id was the link itself
    store = sqlite3.connect(next(tmp_path.glob("**/.newsbot-state.sqlite")))
    with store:
        store.execute("UPDATE items SET article_id = REPLACE(article_id, 'https://', 'http://')")
    store.close()
    page_server.add("/list", feed("https"), Content_Type="application/rss+xml")
    done = run(today)
    assert done.returncode == 0, done.stderr
    assert sorted(out.glob("*.md")) == [first], "the same six articles were posted again"


def test_a_store_of_links_as_they_came_knows_them_in_every_form(tmp_path: Path) -> None:
    """An older newsbot stored an unknown site's article under its link as it came: http or
    https, with ``www.`` or without. Asked for the id an article now has (https, no
    ``www.``), the store finds each of those forms, and nothing else."""
    job = next(j for j in load_jobs(ROOT / "jobs") if j.name == "krnews-it")
    links = ["http://blog.example.com/1", "https://www.blog.example.com/2",
             "http://www.blog.example.com/3", "https://blog.example.com/4"]  # fmt: skip
    store = Store(tmp_path / "s.sqlite")
    store.record_post(
        job.name, D1, POST1, [(link, f"Title {n}") for n, link in enumerate(links)],
        sha="x", stamp="y",
    )  # fmt: skip
    asked = [url_id(f"https://blog.example.com/{n}") for n in range(1, 6)]
    known = memory.known(store, job, D2, asked, window=3)
    assert known.ids == frozenset(asked[:4])  # /5 was never posted
    assert memory.known(store, job, D2, ["https://example.com/1"], window=3).ids == frozenset()
    store.close()
