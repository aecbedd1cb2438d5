"""Catalogue cases (RELIABILITY.md §3, §4) that the feature tests left partly open.

Each runs the real pipeline against a loopback server: in process where the case
needs a clock (``now``) or a failing ``os.replace``, as ``python -m newsbot`` where it
is about what a user or a scheduler sees.
"""

from __future__ import annotations

import ast
import html
import os
import pickle
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from newsbot import cli, pipeline
from newsbot.config import Config, FetchConfig, OutputConfig, StateConfig
from newsbot.dates import KST
from newsbot.errors import UsageError
from newsbot.jobs import load_job
from newsbot.models import RawItem, RunReport
from newsbot.normalize import TITLE_CHARS, clean_text, to_article
from newsbot.posts.frontmatter import document, read_metadata
from newsbot.store import default_path
from tests.conftest import FAST_FETCH, PAGES, ROOT, PageServer, krnews
from tests.servers.pagegen import archive_page, article_url

ARCHIVE = "/breakingnews/section/105/230"
SECTION = "/section/105"
DAY = date(2025, 2, 4)
NAME = "2025-02-04-krnews-it-20250204.md"
NOW = datetime(2025, 2, 5, 9, 0, tzinfo=KST)


def list_page(cards: list[tuple[str, str]]) -> bytes:
    """A Naver date-archive page with one card per (href, title), both put in as given."""
    items = "".join(
        f'<li class="sa_item"><a class="sa_text_title" href="{html.escape(href)}">'
        f'<strong class="sa_text_strong">{html.escape(title)}</strong></a>'
        '<div class="sa_text_lede">본문</div><div class="sa_text_press">연합뉴스</div></li>'
        for href, title in cards
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div class="section_latest_article _CONTENT_LIST"><ul class="sa_list">'
        f"{items}</ul></div></body></html>"
    ).encode()


def run(server: PageServer, tmp: Path, day: date = DAY, now: datetime = NOW) -> RunReport:
    cfg = Config(
        fetch=FetchConfig(**FAST_FETCH, host_map={"news.naver.com": server.origin}),
        output=OutputConfig(dir=tmp / "_posts", jobs_dir=ROOT / "jobs"),
        state=StateConfig(path=tmp / "state.sqlite"),
    )
    report, _ = pipeline.run([load_job(ROOT / "jobs" / "krnews-it.toml")], day, config=cfg, now=now)
    return report


def links(post: Path) -> list[str]:
    return [
        line.split("](", 1)[1].rstrip(")")
        for line in post.read_text().splitlines()
        if line.startswith("## [")
    ]


# -- F26 duplicates inside one run ----------------------------------------------------


def test_F26_one_article_under_many_urls_is_one_item(
    page_server: PageServer, tmp_path: Path
) -> None:
    first = article_url(1)
    variants = [
        first + "?sid=105",
        first.replace("https://", "http://"),
        first.replace("n.news.naver.com", "N.News.Naver.COM") + "#comment",
        first + "?utm_source=naver&utm_medium=news",
        "https://n.news.naver.com/article/001/0000000001?cds=news_edit",
    ]
    cards = [(first, "기사 1")] + [(v, f"기사 1 ({i})") for i, v in enumerate(variants)]
    cards += [(article_url(n), f"기사 {n}") for n in range(2, 7)]
    page_server.add(ARCHIVE, list_page(cards))
    report = run(page_server, tmp_path)
    [src] = report.jobs[0].sources
    assert report.exit_code == 0, src.message
    assert links(tmp_path / "_posts" / NAME) == [article_url(n) for n in range(1, 7)]
    assert (src.items_found, src.items_new, src.items_dropped) == (11, 6, {"duplicate": 5})


def test_F26_generic_urls_share_an_id_after_canonicalisation() -> None:
    """A site without its own article ids: case, fragment, tracking and order removed."""

    def article(url: str) -> str:
        raw = RawItem(title="제목", url=url)
        return to_article(
            raw,
            source="x",
            section="",
            base_url="https://example.kr/list",
            now=NOW,
            snippet_chars=10,
            canonical=lambda u: u,
            article_id=lambda u: None,
        ).id

    ids = {
        article(u)
        for u in [
            "https://example.kr/a?b=2&a=1",
            "HTTPS://Example.KR/a?a=1&b=2#comment",
            "https://example.kr/a?utm_source=x&a=1&b=2&fbclid=y",
            " /a?b=2&a=1 ",
        ]
    }
    assert ids == {"https://example.kr/a?a=1&b=2"}
    assert article("https://example.kr/a?a=1&b=3") not in ids  # a real difference stays


# -- F29 hostile or odd hrefs ---------------------------------------------------------


def test_F29_hostile_hrefs_are_resolved_against_the_final_url_or_dropped(
    page_server: PageServer, tmp_path: Path
) -> None:
    good = [(article_url(n), f"기사 {n}") for n in range(4, 42)]  # 38 plain ones
    odd = [
        ("//n.news.naver.com/mnews/article/001/0000000001", "protocol-relative"),
        ("\n   https://n.news.naver.com/mnews/article/001/0000000002  \n", "whitespace"),
        ("../story.html?id=7", "relative"),
        ("https://한국.kr/기사", "IDN host"),
    ]
    hostile = [
        ("javascript:void(0)", "js"),
        ("#", "fragment only"),
        ("mailto:desk@yna.co.kr", "mail"),
        ("https://n.news.naver.com/" + "a" * 3000, "3 KB URL"),
    ]
    page_server.add(ARCHIVE, "", status=302, Location="/moved/list/")
    page_server.add("/moved/list/", list_page(odd + hostile + good))
    report = run(page_server, tmp_path)
    [src] = report.jobs[0].sources
    assert report.exit_code == 0, src.message
    assert "/moved/list/" in [p for p, _ in page_server.log]
    written = links(tmp_path / "_posts" / NAME)
    assert written[:3] == [
        article_url(1),
        article_url(2),
        "https://news.naver.com/moved/story.html?id=7",  # the final URL's folder, not ARCHIVE's
    ]
    assert written[3] == "https://한국.kr/기사"  # an IDN host is a host: kept as written
    assert all(u.startswith(("https://", "http://")) and len(u) <= 2083 for u in written)
    assert len(written) == 42
    assert src.items_dropped == {"bad_scheme": 2, "self_link": 1, "url_too_long": 1}


# -- F30 dates and time zones ---------------------------------------------------------


def test_F30_a_run_at_2330_utc_posts_for_the_next_day_in_seoul(
    page_server: PageServer, tmp_path: Path
) -> None:
    page_server.add(
        SECTION, (PAGES / "naver" / "section_105_headline_lazy_blind_dup.html").read_bytes()
    )
    now = datetime(2025, 2, 3, 23, 30, tzinfo=UTC)  # 08:30 on 4 February in Seoul
    with pytest.raises(UsageError, match="future"):
        run(page_server, tmp_path, date(2025, 2, 5), now)
    report = run(page_server, tmp_path, date(2025, 2, 4), now)
    assert report.exit_code == 0, [s.message for s in report.jobs[0].sources]
    assert [p for p, _ in page_server.log] == [SECTION]  # today's list, not an archive
    meta = read_metadata((tmp_path / "_posts" / NAME).read_text())
    posted = meta["date"]
    posted = (
        posted
        if isinstance(posted, datetime)
        else datetime.strptime(posted, "%Y-%m-%d %H:%M:%S %z")
    )
    # the run time itself, in +09:00: never later than now, so Jekyll's future: false keeps it
    assert posted == now and posted.utcoffset() == KST.utcoffset(posted)
    assert str(meta["date"]).startswith("2025-02-04 08:30:00")


def test_F30_a_past_day_is_posted_at_its_scheduled_time_not_the_wall_clock(
    page_server: PageServer, tmp_path: Path
) -> None:
    page_server.add(ARCHIVE, archive_page(list(range(1, 8))))
    report = run(page_server, tmp_path, DAY, datetime(2025, 2, 9, 3, 0, tzinfo=KST))
    assert report.exit_code == 0
    text = (tmp_path / "_posts" / NAME).read_text()
    assert "\ndate: 2025-02-04 12:30:00 +0900\n" in text


# -- F31 extremes ---------------------------------------------------------------------


def test_F31_huge_title_thousand_items_and_blank_titles(
    page_server: PageServer, tmp_path: Path
) -> None:
    long_title = "가" * 2000
    cards = [
        (article_url(1), long_title),
        (article_url(2), "   "),
        (article_url(3), "\n\t\u200b"),
        (article_url(4), "\u00a0"),
    ]
    cards += [(article_url(n), f"기사 {n}") for n in range(5, 1001)]
    page_server.add(ARCHIVE, list_page(cards))
    report = run(page_server, tmp_path)
    [src] = report.jobs[0].sources
    assert report.exit_code == 0, src.message
    assert (src.items_found, src.items_new) == (1000, 50)
    assert src.items_dropped == {"empty_title": 3, "over_cap": 947}
    [post] = (tmp_path / "_posts").iterdir()
    assert post.name == NAME and len(post.name.encode()) <= 100  # names never come from titles
    assert links(post) == [article_url(1)] + [article_url(n) for n in range(5, 54)]
    # the item is kept, its title cut to the cap (normalize.TITLE_CHARS) between characters
    assert f"## [{long_title[: TITLE_CHARS - 1]}…]" in post.read_text()


# -- F32 dependency drift -------------------------------------------------------------


def test_F32_dependencies_are_pinned_and_the_installed_ones_match() -> None:
    """CI fails before production: every runtime dependency has an upper bound we run."""
    for line in requires("newsbot") or []:
        req = Requirement(line)
        if req.marker is not None:
            continue  # an extra (dev, bench): not shipped to production
        assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), (
            f"{req.name} has no upper bound in pyproject.toml"
        )
        assert req.specifier.contains(version(req.name)), (
            f"{req.name} {version(req.name)} is installed, outside {req.specifier}"
        )
    from selectolax.lexbor import LexborHTMLParser  # L13: the backend 1.0 kept

    node = LexborHTMLParser("<p>x</p>").css_first("p")
    assert node is not None and node.text() == "x"


# -- F33 a write that fails midway ----------------------------------------------------


def test_F33_no_space_while_writing_commits_nothing_and_exits_1(
    page_server: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blog = tmp_path / "blog"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(blog), *args], check=True, env=env, capture_output=True, text=True
        ).stdout.strip()

    subprocess.run(["git", "init", "-q", "-b", "main", str(blog)], check=True)
    (blog / "README.md").write_text("blog\n")
    git("add", "README.md")
    git("commit", "-q", "-m", "init")
    head = git("rev-parse", "HEAD")
    page_server.add(ARCHIVE, archive_page(list(range(1, 8))))
    real_replace = os.replace

    def no_space(src: str, dst: str) -> None:
        if str(dst).endswith(".md"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", no_space)
    code = cli.main(
        [
            "run",
            "--date",
            DAY.isoformat(),
            "--job",
            "krnews-it",
            "--jobs-dir",
            str(ROOT / "jobs"),
            "--output",
            str(blog / "_posts"),
            "--host-map",
            f"news.naver.com={page_server.origin}",
            "--publish",
            "--publish-repo",
            str(blog),
        ]
    )
    assert code == 1
    assert git("rev-parse", "HEAD") == head  # no commit
    status = git("status", "--porcelain", "--untracked-files=all").splitlines()
    assert set(status) <= {"?? .newsbot-state.sqlite", "?? .newsbot.lock"}  # newsbot's own
    assert not (blog / "_posts").exists() or not list((blog / "_posts").iterdir())


# -- F41 bad CLI input: an empty day --------------------------------------------------


def test_F41_a_day_with_no_items_fails_as_parse_empty_not_ok(
    page_server: PageServer, tmp_path: Path
) -> None:
    page_server.add(ARCHIVE, archive_page([]))
    out = tmp_path / "_posts"
    done = krnews(page_server, out, "--date", DAY.isoformat(), "--report", str(tmp_path / "r.json"))
    assert done.returncode == 1, done.stderr  # the job's only source failed (README: exit codes)
    assert "parse_empty" in (tmp_path / "r.json").read_text()
    assert not out.exists() or not list(out.iterdir())  # no empty post


# -- F42 a dropped scheduled run, caught up --------------------------------------------


def test_F42_a_skipped_day_is_caught_up_by_date_without_duplicates(
    page_server: PageServer, tmp_path: Path
) -> None:
    days = {
        date(2025, 2, 3): [1, 2, 3, 4, 5],
        date(2025, 2, 4): [4, 5, 6, 7, 8, 9],
        date(2025, 2, 5): [8, 9, 10, 11, 12, 13],
    }
    for day, numbers in days.items():
        page_server.add(f"{ARCHIVE}?date={day:%Y%m%d}", archive_page(numbers))
    out = tmp_path / "_posts"
    d1, d2, d3 = days
    assert krnews(page_server, out, "--date", d1.isoformat()).returncode == 0
    # the run for d2 never happened; days later d2, then d3, are run by --date
    for day in (d2, d3):
        done = krnews(page_server, out, "--date", day.isoformat())
        assert done.returncode == 0, done.stderr
    posts = sorted(out.glob("*.md"))
    assert [p.name for p in posts] == [f"{d}-krnews-it-{d:%Y%m%d}.md" for d in days]
    for post, day in zip(posts, days, strict=True):
        assert f"\ndate: {day} 12:30:00 +0900\n" in post.read_text()  # --date, not the clock
    every = [u for p in posts for u in links(p)]
    assert every == [article_url(n) for n in range(1, 14)]  # each article once, in order
    before = {p.name: p.read_bytes() for p in posts}
    for day in (d2, d3):  # catching up twice changes nothing
        done = krnews(page_server, out, "--date", day.isoformat())
        assert done.returncode == 0 and "unchanged" in done.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.md")} == before


# -- S07 Unicode spoofing -------------------------------------------------------------

SPOOFS = [
    "\u202eevil\u202c",
    "zero\u200bwidth\u200djoin",
    "\ufeffbom",
    "c0\x01\x07\x1bctl",
    "c1\x85\x9bctl",
    "lone\ud800surrogate",
    "e\u0301 nfc",
    "\u2066iso\u2069",
]


def spoofing(c: str) -> bool:
    """A control, bidi, zero-width or surrogate code point (what S07 strips)."""
    return (
        ord(c) < 0x20
        or 0x7F <= ord(c) <= 0x9F
        or 0xD800 <= ord(c) <= 0xDFFF
        or c in "\u200b\u200d\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    )


def test_S07_spoofing_characters_never_reach_a_post(
    page_server: PageServer, tmp_path: Path
) -> None:
    cards = [(article_url(n), f"제목 {n} {s}") for n, s in enumerate(SPOOFS, 1)]
    page_server.add(
        ARCHIVE, list_page([(h, t.encode("utf-8", "replace").decode()) for h, t in cards])
    )
    report = run(page_server, tmp_path)
    assert report.exit_code == 0, [s.message for s in report.jobs[0].sources]
    text = (tmp_path / "_posts" / NAME).read_text(encoding="utf-8")
    assert [c for c in text if c != "\n" and spoofing(c)] == []
    assert "제목 1 evil" in text and "zerowidthjoin" in text and "\u00e9 nfc" in text


@pytest.mark.parametrize("payload", SPOOFS)
def test_S07_cleaned_titles_round_trip_through_front_matter(payload: str) -> None:
    title = clean_text(payload)
    assert title and not any(spoofing(c) for c in title)
    assert unicodedata.is_normalized("NFC", title)
    meta = {"title": title, "date": "2025-02-04 12:30:17 +0900"}
    assert read_metadata(document(meta, "body\n")) == meta


# -- S12 unsafe deserialisation of state -------------------------------------------------


class _Pwn:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("kind", ["pickle", "yaml"])
def test_S12_a_malicious_state_file_is_never_executed(
    page_server: PageServer, tmp_path: Path, kind: str
) -> None:
    """The store is SQLite; a hostile file there is moved aside and rebuilt from the posts.

    RELIABILITY.md asks for exit 1 on a corrupt state file; newsbot instead treats the
    posts as the truth and the store as a cache (README "Memory across runs", D5), so the
    run goes on with a note. What S12 guards against holds: nothing in the file runs and
    no traceback carries its data.
    """
    marker = tmp_path / "pwned"
    payload = (
        pickle.dumps(_Pwn(marker))
        if kind == "pickle"
        else f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    )
    page_server.add(ARCHIVE, archive_page(list(range(1, 8))))
    out = tmp_path / "_posts"
    state = default_path(out)
    state.write_bytes(payload)
    done = krnews(page_server, out, "--date", DAY.isoformat())
    assert not marker.exists()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "unreadable" in done.stderr
    assert "os.system" not in done.stderr and "_Pwn" not in done.stderr
    assert list(tmp_path.glob(".newsbot-state.sqlite.corrupt-*"))  # kept aside for a human
    assert links(out / NAME) == [article_url(n) for n in range(1, 8)]


def test_S12_a_malicious_post_front_matter_is_a_clear_error(
    page_server: PageServer, tmp_path: Path
) -> None:
    """The posts are the state too: a hostile one is refused with exit 1, untouched."""
    marker = tmp_path / "pwned"
    out = tmp_path / "_posts"
    out.mkdir()
    hostile = f'---\ndate: !!python/object/apply:os.system ["touch {marker}"]\n---\nbody\n'
    (out / NAME).write_text(hostile)
    page_server.add(ARCHIVE, archive_page(list(range(1, 8))))
    done = krnews(page_server, out, "--date", DAY.isoformat())
    assert done.returncode == 1 and not marker.exists()
    assert "broken front matter" in done.stderr and "Traceback" not in done.stderr
    assert (out / NAME).read_text() == hostile


def test_S12_no_unsafe_deserialiser_anywhere_in_newsbot() -> None:
    unsafe_modules = {"pickle", "cPickle", "dill", "marshal", "shelve", "jsonpickle"}
    unsafe_calls = {"load", "load_all", "unsafe_load", "full_load", "unsafe_load_all"}
    for path in (ROOT / "newsbot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & unsafe_modules, f"{path} imports {names & unsafe_modules}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert not (node.value.id == "yaml" and node.attr in unsafe_calls), (
                    f"{path} calls yaml.{node.attr}"
                )
