"""An item of a feed or list with no title or link is counted, never silently lost.

A stranger's feed served on 127.0.0.1, read by ``newsbot run --report``: every
item is found, the broken ones are named in ``items_dropped``, and when over 10 %
are broken the source is ``incomplete`` (no half-empty post), while one broken
item in twenty costs only itself. RSS, Atom, JSON Feed and an html list alike.
Catalogue: F25, F31.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsbot.dates import KST
from tests.cli.test_cli import newsbot
from tests.conftest import FAST_FETCH_TOML, PageServer

HOST = "feeds.example.com"
Card = tuple[str, str]  # (title, link): "" for a missing one


def rss(cards: list[Card]) -> tuple[str, str]:
    items = "".join(
        f"<item><title>{t}</title>{f'<link>{u}</link>' if u else ''}</item>" for t, u in cards
    )
    body = f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
    return body, "application/rss+xml"


def atom(cards: list[Card]) -> tuple[str, str]:
    entries = "".join(
        f"<entry><id>urn:x:{n}</id><title>{t}</title>"
        f"{f'<link href={chr(34)}{u}{chr(34)}/>' if u else ''}"
        "<updated>2026-01-01T00:00:00Z</updated></entry>"
        for n, (t, u) in enumerate(cards)
    )
    body = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><id>urn:x</id>"
        f"<updated>2026-01-01T00:00:00Z</updated>{entries}</feed>"
    )
    return body, "application/atom+xml"


def json_feed(cards: list[Card]) -> tuple[str, str]:
    items = [{"id": str(n)} | ({"title": t} if t else {}) | ({"url": u} if u else {})
             for n, (t, u) in enumerate(cards)]  # fmt: skip
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items})
    return body, "application/feed+json"


def html_list(cards: list[Card]) -> tuple[str, str]:
    rows = "".join(
        f"<li class='item'>{f'<a class=lnk href={u}>' if u else '<span>'}"
        f"<h3 class='t'>{t}</h3>{'</a>' if u else '</span>'}</li>"
        for t, u in cards
    )
    return f"<html><body><ul>{rows}</ul></body></html>", "text/html; charset=utf-8"


FORMATS: dict[str, Callable[[list[Card]], tuple[str, str]]] = {
    "rss": rss,
    "atom": atom,
    "json": json_feed,
    "html": html_list,
}
BLANK_TITLES = ["", " ", "\u00a0", "\u3000"]  # empty, a space, NBSP, an ideographic space


def cards(good: int, no_title: int, no_link: int) -> list[Card]:
    made = [(f"Story {n}", f"https://{HOST}/a/{n}") for n in range(good)]
    made += [(BLANK_TITLES[n % 4], f"https://{HOST}/t/{n}") for n in range(no_title)]
    made += [(f"Unlinked {n}", "") for n in range(no_link)]
    return made


def serve(server: PageServer, fmt: str, items: list[Card]) -> None:
    body, content_type = FORMATS[fmt](items)
    server.add("/list", body, Content_Type=content_type)


def run(
    server: PageServer, tmp: Path, name: str = "feed", date: str = ""
) -> tuple[int, dict[str, Any]]:
    """``newsbot run`` for ``date`` (today) on the ``name`` source at /list; (exit, report)."""
    jobs = tmp / "jobs"
    jobs.mkdir(parents=True)
    sel = ', selectors = { item = "li.item", link = "a.lnk", title = "h3.t" }'
    options = f'url = "https://{HOST}/list", tz = "UTC"' + (sel if name == "html" else "")
    (jobs / "j.toml").write_text(
        f'title = "{{date}} j"\nslug = "j"\n[[sources]]\nname = "{name}"\nsection = "s"\n'
        f"options = {{ {options} }}\n",
        encoding="utf-8",
    )
    (tmp / "newsbot.toml").write_text(FAST_FETCH_TOML)
    report = tmp / "r.json"
    done = newsbot(
        "run", "--date", date or datetime.now(KST).date().isoformat(), "--dry-run",
        "--jobs-dir", str(jobs), "--config", str(tmp / "newsbot.toml"),
        "--host-map", f"{HOST}={server.origin}", "--report", str(report),
    )  # fmt: skip
    (source,) = json.loads(report.read_text())["jobs"][0]["sources"]
    return done.returncode, source | {"stdout": done.stdout, "stderr": done.stderr}


@pytest.mark.parametrize("fmt", FORMATS)
def test_three_broken_items_of_ten_are_counted_and_make_the_source_incomplete(
    page_server: PageServer, tmp_path: Path, fmt: str
) -> None:
    serve(page_server, fmt, cards(4, 3, 3))
    code, source = run(page_server, tmp_path, "html" if fmt == "html" else "feed")
    assert source["items_found"] == 10, source
    assert source["items_dropped"] == {"empty_title": 3, "no_link": 3}, source
    assert source["status"] == "incomplete" and "only 4 of 10 items" in source["message"]
    assert code == 1 and "## [" not in source["stdout"]  # no half-empty post


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_broken_item_of_twenty_costs_only_itself(
    page_server: PageServer, tmp_path: Path, fmt: str
) -> None:
    serve(page_server, fmt, cards(19, 0, 1))
    code, source = run(page_server, tmp_path, "html" if fmt == "html" else "feed")
    assert (code, source["status"]) == (0, "ok"), source["stderr"]
    assert (source["items_found"], source["items_dropped"]) == (20, {"no_link": 1})
    assert source["stdout"].count("\n## [") == 19


def test_a_malformed_json_feed_item_is_counted_and_the_valid_ones_are_posted(
    page_server: PageServer, tmp_path: Path
) -> None:
    """A title that is an array, a url that is a number, an item that is a string: each is
    dropped as what it lacks; a date that is a number costs only the date."""
    bad = [
        {"id": "a", "url": f"https://{HOST}/j/a", "title": ["array", "title"]},
        {"id": "u", "url": 5, "title": "Number url"},
        "just a string",
        {"id": "d", "url": f"https://{HOST}/j/d", "title": "Number date", "date_published": 5},
    ]
    for good, status, code in ((19, "incomplete", 1), (38, "ok", 0)):  # 3 of 23 is over 10 %
        body, _ = json_feed(cards(good, 0, 0))
        feed = json.loads(body)
        page_server.add("/list", json.dumps(feed | {"items": feed["items"] + bad}))
        got, source = run(page_server, tmp_path / str(good))
        assert (source["items_found"], source["status"], got) == (good + 4, status, code)
        assert source["items_dropped"] == {"empty_title": 2, "no_link": 1}
    assert "Number date" in source["stdout"] and source["stdout"].count("\n## [") == 39


def test_a_past_day_counts_the_items_whose_date_cannot_be_read(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Undated feed, past day: an unreadable date is counted as ``undated``, and a day
    with such items is still an ordinary day, not a layout change."""
    day = datetime.now(KST).date() - timedelta(days=1)
    stamp = f"{day:%a, %d %b %Y} 03:00:00 +0000"
    items = "".join(
        f"<item><title>Story {n}</title><link>https://{HOST}/a/{n}</link>"
        f"<pubDate>{stamp if n < 6 else ('garbage', 'yesterday')[n % 2]}</pubDate></item>"
        for n in range(10)
    )
    body = f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
    page_server.add("/list", body, Content_Type="application/rss+xml")
    code, source = run(page_server, tmp_path, date=day.isoformat())
    assert (code, source["status"]) == (0, "ok"), source["message"]
    assert (source["items_found"], source["items_dropped"]) == (10, {"undated": 4})
    assert source["stdout"].count("\n## [") == 6


def test_a_past_day_with_only_undated_and_other_days_items_is_quiet(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Undated items are no sign of a broken layout; another day's items are not counted.
    Nothing falls on the day: no post, and no failure."""
    day = datetime.now(KST).date() - timedelta(days=2)
    other = f"{day + timedelta(days=1):%a, %d %b %Y} 03:00:00 +0000"
    items = "".join(
        f"<item><title>Story {n}</title><link>https://{HOST}/a/{n}</link>"
        f"<pubDate>{other if n < 3 else 'garbage'}</pubDate></item>"
        for n in range(5)
    )
    body = f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
    page_server.add("/list", body, Content_Type="application/rss+xml")
    code, source = run(page_server, tmp_path, date=day.isoformat())
    assert (source["items_found"], source["items_dropped"]) == (2, {"undated": 2})
    assert (source["status"], code) == ("ok", 0) and "## [" not in source["stdout"]
    assert f"nothing listed on {day} (a quiet day" in source["stderr"]


# A link that is no article: a page's own "more" button, or one hostile item.
NOT_ARTICLES = {
    "javascript:void(0)": "bad_scheme",
    "mailto:desk@example.com": "bad_scheme",
    "tel:+82-2-000-0000": "bad_scheme",
    "data:text/html,hi": "bad_scheme",
    "#": "self_link",
    "#more": "self_link",
    "http://127.0.0.1/admin": "non_public_host",
    "https://feeds.example.com:99999/a": "bad_url",
}


@pytest.mark.parametrize("fmt", ["html", "rss"])
@pytest.mark.parametrize(("href", "reason"), NOT_ARTICLES.items())
def test_a_link_that_is_no_article_costs_only_its_item(
    page_server: PageServer, tmp_path: Path, fmt: str, href: str, reason: str
) -> None:
    """Eight stories and a 더보기 button: the button is counted, the night is not lost."""
    serve(page_server, fmt, [*cards(8, 0, 0), ("더보기", href)])
    code, source = run(page_server, tmp_path, "html" if fmt == "html" else "feed")
    assert (code, source["status"]) == (0, "ok"), source["message"]
    assert (source["items_found"], source["items_dropped"]) == (9, {reason: 1})
    assert source["stdout"].count("\n## [") == 8


def test_a_page_of_nothing_but_links_that_are_no_articles_is_parse_empty(
    page_server: PageServer, tmp_path: Path
) -> None:
    """No usable item at all is a changed page, whatever the reasons."""
    serve(
        page_server,
        "html",
        [*((f"공유 {n}", "javascript:void(0)") for n in range(6)), ("맨 위로", "#")],
    )
    code, source = run(page_server, tmp_path, "html")
    assert (code, source["status"]) == (1, "parse_empty"), source["message"]
    assert source["items_dropped"] == {"bad_scheme": 6, "self_link": 1}
    assert "only 0 usable items" in source["message"] and "## [" not in source["stdout"]


def naver_section(good: int, no_title: int, no_link: int) -> str:
    """Naver's section page (its headline cards), some cards without a title or a link."""

    def card(n: int, title: bool, link: bool) -> str:
        head = f"<strong class='sa_text_strong'>기사 제목 {n}</strong>" if title else ""
        url = f"https://n.news.naver.com/mnews/article/001/{n:010d}"
        anchor = f"<a class='sa_text_title' href='{url}'>{head}</a>" if link else head
        return f"<li class='sa_item'><div class='sa_text'>{anchor}<div class='sa_text_lede'>요약 {n}</div></div></li>"

    cards = [card(n, True, True) for n in range(good)]
    cards += [card(good + n, False, True) for n in range(no_title)]
    cards += [card(good + no_title + n, True, False) for n in range(no_link)]
    return f"<html><body><ul id='_SECTION_HEADLINE_LIST_x'>{''.join(cards)}</ul></body></html>"


@pytest.mark.parametrize(
    ("counts", "status", "dropped"),
    [
        ((19, 0, 1), "ok", {"no_link": 1}),
        ((7, 1, 2), "incomplete", {"empty_title": 1, "no_link": 2}),  # 7 usable: over min_items
    ],
)
def test_a_naver_card_without_a_title_or_link_is_counted_too(
    page_server: PageServer,
    tmp_path: Path,
    counts: tuple[int, int, int],
    status: str,
    dropped: dict[str, int],
) -> None:
    """A built-in source hands a broken card on like a feed does: a link selector that
    stops matching shows as ``no_link``, never as a list silently shorter."""
    page_server.add("/section/105", naver_section(*counts), Content_Type="text/html; charset=UTF-8")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date} j"\nslug = "j"\n[[sources]]\nname = "naver"\nsection = "105"\n',
        encoding="utf-8",
    )
    (tmp_path / "newsbot.toml").write_text(FAST_FETCH_TOML)
    report = tmp_path / "r.json"
    newsbot(
        "run", "--date", datetime.now(KST).date().isoformat(), "--dry-run",
        "--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml"),
        "--host-map", f"news.naver.com={page_server.origin}", "--report", str(report),
    )  # fmt: skip
    (source,) = json.loads(report.read_text())["jobs"][0]["sources"]
    assert (source["items_found"], source["status"]) == (sum(counts), status), source["message"]
    assert source["items_dropped"] == dropped
