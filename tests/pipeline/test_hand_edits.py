"""An owner's hand edits to the posts, over several days, through the CLI.

A feed job (daily list and digest) on 127.0.0.1: an item removed from a post by
hand stays posted as far as memory goes, on its own day and every other; a post
deleted whole is forgotten; ``newsbot reindex`` knows only what the posts hold;
a run killed between writing a post and recording it is read in whole.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FAST_FETCH_TOML, ROOT, PageServer
from tests.servers.feedsites import article_page

HOST = "news.example.com"
FEED = "/feed.xml"
D1, D2 = date(2025, 2, 4), date(2025, 2, 5)
STORE = ".newsbot-state.sqlite"
LIST_JOB = """title = "{date:%Y.%m.%d} 예제 뉴스"
slug = "hand"
[[sources]]
name = "feed"
section = "ex"
options = { url = "https://news.example.com/feed.xml", label = "Example", language = "en" }
"""
DIGEST_JOB = """title = "{date:%Y-%m-%d} AI 뉴스"
slug = "hand"
style = "digest"
[digest]
keywords = ["AI"]
[[sources]]
name = "feed"
section = "ex"
options = { url = "https://news.example.com/feed.xml", label = "Example", language = "en" }
"""
# kill -9 exactly where a run has written a post but not yet recorded it
KILL_BEFORE_RECORD = """
import os, signal
from newsbot.store import Store
def _die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
Store.record_post = _die
"""


@dataclass(frozen=True)
class Story:
    n: int
    day: date

    @property
    def url(self) -> str:
        return f"https://{HOST}/a/{self.n}"

    @property
    def title(self) -> str:
        return f"AI story number {self.n} of the example site"


def serve(server: PageServer, stories: list[Story]) -> None:
    """The feed as it stands now, and every story's article page."""
    items = "".join(
        f"<item><title>{s.title}</title><link>{s.url}</link>"
        f"<description>About AI, story {s.n}.</description>"
        f"<pubDate>{s.day:%a, %d %b %Y} 10:00:00 +0900</pubDate></item>"
        for s in stories
    )
    feed = (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Ex</title>{items}</channel></rss>"
    )
    server.add(FEED, feed.encode(), Content_Type="application/rss+xml")
    for s in stories:
        paragraphs = (
            f"The example company released AI model number {s.n} on the day, it said.",
            f"Model {s.n} answers questions about documents faster than the one before it.",
            "Analysts said the AI market would keep growing through the rest of the year.",
        )
        server.add(f"/a/{s.n}", article_page(s.title, paragraphs, HOST))


@dataclass
class Site:
    server: PageServer
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "_posts"

    def post(self, day: date) -> Path:
        return self.out / f"{day.isoformat()}-hand-{day:%Y%m%d}.md"

    def today(self) -> Path:
        """The post of the run without ``--date`` (the real today's)."""
        old = {D1.isoformat(), D2.isoformat()}
        found = [p for p in self.out.glob("*.md") if p.name[:10] not in old]
        assert len(found) == 1, found
        return found[0]

    def newsbot(self, *args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
        """``newsbot ARGS`` for the job ``hand``, the feed's host on the page server."""
        code = f"{prelude}\nimport sys\nfrom newsbot.cli import main\nsys.exit(main(sys.argv[1:]))"
        job = ["--job", "hand"] if args[0] == "run" else []
        cmd = [sys.executable, "-c", code, *args, *job, "--jobs-dir", str(self.root / "jobs"),
               "--config", str(self.root / "newsbot.toml"), "--output", str(self.out),
               "--host-map", f"{HOST}={self.server.origin}"]  # fmt: skip
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)

    def run(self, day: date | None, *, prelude: str = "") -> subprocess.CompletedProcess[str]:
        when = ["--date", day.isoformat()] if day else []
        return self.newsbot("run", *when, prelude=prelude)


def make_site(server: PageServer, root: Path, job: str) -> Site:
    (root / "jobs").mkdir()
    (root / "jobs" / "hand.toml").write_text(job, encoding="utf-8")
    (root / "newsbot.toml").write_text(FAST_FETCH_TOML, encoding="utf-8")
    return Site(server, root)


@pytest.fixture
def site(page_server: PageServer, tmp_path: Path) -> Site:
    return make_site(page_server, tmp_path, LIST_JOB)


@pytest.fixture
def digest_site(page_server: PageServer, tmp_path: Path) -> Site:
    return make_site(page_server, tmp_path, DIGEST_JOB)


def links(path: Path) -> list[str]:
    """A post's article links, daily list or digest alike."""
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^(?:## |)\[[^\]\n]*\]\((https://\S+)\)(?: - 발행일: \S+)?$", text, re.M)


def remove_item(path: Path, url: str) -> bytes:
    """Cut the ``## `` block that links ``url`` out of the post, as an owner would; its bytes."""
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^## ", text, re.M)] + [len(text)]
    for begin, end in itertools.pairwise(starts):
        if f"]({url})" in text[begin:end]:
            edited = (text[:begin] + text[end:]).encode()
            path.write_bytes(edited)
            return edited
    raise AssertionError(f"{url} is not in {path}")


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stderr


S = [Story(n, D1) for n in range(1, 5)]  # day 1's stories
LATER = Story(5, D1)  # came out later on day 1
NEXT = Story(6, D2)
NEW = Story(7, D2)  # one more, for the run of today


def test_an_item_removed_by_hand_is_never_posted_again(site: Site) -> None:
    serve(site.server, S)
    ok(site.run(D1))
    assert links(site.post(D1)) == [s.url for s in S]
    edited = remove_item(site.post(D1), S[1].url)  # the owner does not want story 2
    assert "unchanged" in ok(site.run(D1))  # re-run: story 2 is still in the feed
    assert site.post(D1).read_bytes() == edited
    serve(site.server, [*S, LATER])
    ok(site.run(D1))  # only what is new is appended; the edited post stays as it is
    assert site.post(D1).read_bytes().startswith(edited)
    assert links(site.post(D1)) == [S[0].url, S[2].url, S[3].url, LATER.url]
    serve(site.server, [*S, LATER, NEXT])
    ok(site.run(D2))
    assert links(site.post(D2)) == [NEXT.url]
    serve(site.server, [*S, LATER, NEXT, NEW])
    ok(site.run(None))  # today: the feed's every item is a candidate
    assert links(site.today()) == [NEW.url]
    assert "unchanged" in ok(site.run(D1))
    assert links(site.post(D1)) == [S[0].url, S[2].url, S[3].url, LATER.url]


def test_a_digest_entry_removed_by_hand_is_never_posted_again(digest_site: Site) -> None:
    site = digest_site
    serve(site.server, S)
    ok(site.run(D1))
    assert sorted(links(site.post(D1))) == sorted(s.url for s in S)
    edited = remove_item(site.post(D1), S[1].url)
    assert "unchanged" in ok(site.run(D1))
    assert site.post(D1).read_bytes() == edited
    serve(site.server, [*S, LATER])
    ok(site.run(D1))
    assert site.post(D1).read_bytes().startswith(edited)
    assert sorted(links(site.post(D1))) == sorted([S[0].url, S[2].url, S[3].url, LATER.url])
    serve(site.server, [*S, LATER, NEW])
    ok(site.run(None))
    assert links(site.today()) == [NEW.url]


def test_a_post_deleted_whole_is_forgotten(site: Site) -> None:
    serve(site.server, S)
    ok(site.run(D1))
    remove_item(site.post(D1), S[1].url)
    site.post(D1).unlink()  # the item removed from it goes with it
    ok(site.run(D1))
    assert links(site.post(D1)) == [s.url for s in S]


def test_reindex_knows_only_what_the_posts_hold(site: Site) -> None:
    serve(site.server, S)
    ok(site.run(D1))
    edited = remove_item(site.post(D1), S[1].url)
    assert "reindexed 1 posts" in ok(site.newsbot("reindex"))
    ok(site.run(D1))  # story 2 is unknowable now: appended after the edited post
    assert site.post(D1).read_bytes().startswith(edited)
    assert links(site.post(D1)) == [S[0].url, S[2].url, S[3].url, S[1].url]


def test_a_run_killed_before_recording_its_post_is_read_in_with_the_removed_item(
    site: Site,
) -> None:
    serve(site.server, S)
    ok(site.run(D1))
    edited = remove_item(site.post(D1), S[1].url)
    serve(site.server, [*S, LATER])
    killed = site.run(D1, prelude=KILL_BEFORE_RECORD)
    assert killed.returncode == -9, killed.stderr
    assert site.post(D1).read_bytes().startswith(edited)  # written, not recorded
    assert links(site.post(D1)) == [S[0].url, S[2].url, S[3].url, LATER.url]
    serve(site.server, [*S, LATER, NEW])
    ok(site.run(None))  # neither the removed story nor the unrecorded one comes back
    assert links(site.today()) == [NEW.url]
    assert "unchanged" in ok(site.run(D1))
    assert links(site.post(D1)) == [S[0].url, S[2].url, S[3].url, LATER.url]
