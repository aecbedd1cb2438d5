"""The generic ``feed`` source: RSS 2.0, Atom and JSON Feed, and feeds a stranger wrote."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.fetch.page import Page
from newsbot.jobs import Job
from newsbot.models import RawItem
from newsbot.sources import feed
from newsbot.sources.base import ListRequest
from newsbot.sources.settings import for_options, resolve
from tests.cli.test_cli import newsbot
from tests.servers import feedsites

NOW = datetime(2026, 1, 3, 15, 0, tzinfo=KST)
URL = "https://feeds.example/ai.xml"


def request(day: date = date(2026, 1, 3), **options: object) -> ListRequest:
    opts = feed.Options.model_validate({"url": URL, "tz": "UTC"} | options)
    return ListRequest(day=day, section="ai", now=NOW, options=opts)


def parse(body: bytes | str, req: ListRequest | None = None) -> list[RawItem]:
    text = body.decode() if isinstance(body, bytes) else body
    return feed.parse(Page(URL, text), {}, req or request())


def when(item: RawItem) -> datetime:
    return datetime.fromisoformat(item.published)


def test_rss_items_with_media_thumbnails_and_rfc822_times() -> None:
    items = parse(feedsites.rss())
    assert [i.title for i in items] == [s.title for s in feedsites.TC]
    first = items[0]
    assert first.url == "https://techcrunch.com/2026/01/03/tc-story-1/"
    assert first.thumbnail == "https://techcrunch.com/img/1.jpg"
    assert first.snippet.startswith("OpenAI on Friday released")  # tags of the description gone
    assert when(first) == datetime(2026, 1, 3, 1, 30, tzinfo=UTC)


def test_atom_links_and_updated_times() -> None:
    (item,) = parse(feedsites.atom())
    assert item.url == "https://www.theverge.com/2026/01/03/verge-story-1/"
    assert when(item) == datetime(2026, 1, 3, 2, 0, tzinfo=UTC)


def test_json_feed_with_authors_and_a_time_without_offset_in_the_source_zone() -> None:
    (item,) = parse(feedsites.json_feed(), request(tz="America/New_York"))
    assert item.press == "Will Douglas Heaven"
    assert when(item) == datetime(2026, 1, 3, 14, 15, tzinfo=UTC)  # 09:15 in New York
    old = {"version": "https://jsonfeed.org/version/1", "items": [
        {"url": "https://a.example/1", "title": "T", "author": {"name": "A"}, "image": "https://a.example/i.png"}
    ]}  # fmt: skip
    (one,) = parse(json.dumps(old))
    assert (one.press, one.thumbnail) == ("A", "https://a.example/i.png")


def test_enclosures_give_images_and_media_of_other_kinds_do_not() -> None:
    body = (
        "<rss version='2.0' xmlns:media='http://search.yahoo.com/mrss/'><channel><title>x</title>"
        "<item><title>A</title><link>https://a.example/1</link>"
        "<enclosure url='https://a.example/a.mp3' type='audio/mpeg' length='1'/>"
        "<enclosure url='https://a.example/a.png' type='image/png' length='1'/></item>"
        "<item><title>B</title><link>https://a.example/2</link>"
        "<media:content url='https://a.example/v.mp4' medium='video'/></item></channel></rss>"
    )
    assert [i.thumbnail for i in parse(body)] == ["https://a.example/a.png", None]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("<html><body><p>Not a feed</p></body></html>", "not a feed"),
        ("{\"version\": \"1\", \"items\": []}", "not a JSON Feed: version"),
        ("{\"items\": \"nope\"}", "not a JSON Feed"),
        ("{" * 100_000, "not a JSON Feed"),
        ('{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000, "not a JSON"),
        ("<rss version='2.0'><channel><item><title>no link</title></item></channel></rss>", "no items"),
    ],
)  # fmt: skip
def test_unusable_feeds_are_layout_changes(body: str, match: str) -> None:
    with pytest.raises(LayoutChanged, match=match):
        parse(body)


def test_hostile_entities_expand_to_nothing_and_read_no_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}'
        f'<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss version='2.0'><channel><title>x</title><item><title>&l8; &xxe;</title>"
        "<link>https://a.example/1</link></item></channel></rss>"
    )
    start = time.perf_counter()
    try:
        items = parse(body)
    except LayoutChanged:
        items = []
    assert time.perf_counter() - start < 5
    assert all("TOP-SECRET" not in i.title and len(i.title) < 10_000 for i in items)


def test_hostile_titles_stay_text() -> None:
    body = (
        "<rss version='2.0'><channel><title>x</title><item>"
        "<title>&lt;img src=x onerror=alert(1)&gt;Real title</title>"
        "<link>javascript:alert(1)</link></item></channel></rss>"
    )
    (item,) = parse(body)
    assert item.title == "Real title"  # markup in a title is read as markup, its text kept
    assert item.url == "javascript:alert(1)"  # normalize drops it as bad_scheme


def test_a_past_day_keeps_that_days_items_and_says_so() -> None:
    past = request(day=date(2026, 1, 2))
    assert parse(feedsites.rss(), past) == []
    assert "keeps no date archive" in feed.notes(past)[0] and feed.notes(request()) == []


def test_links_to_built_in_sites_keep_their_ids_and_canonical_links() -> None:
    naver = "https://n.news.naver.com/mnews/article/001/0000000001?sid=105"
    assert feed.article_id(naver) == "naver:001/0000000001"
    assert feed.canonical_url(naver) == "https://n.news.naver.com/mnews/article/001/0000000001"
    assert feed.article_id("https://techcrunch.com/2026/01/03/x/") is None  # the URL is its id


def test_each_feed_has_its_own_settings_on_top_of_sources_feed() -> None:
    settings = resolve(
        Config.model_validate({"sources": {"feed": {"min_items": 3, "obey_robots": False}}})
    )
    mine = for_options(settings["feed"], feed.Options.model_validate({"url": URL, "max_items": 5}))
    assert (mine.min_items, mine.max_items, mine.obey_robots) == (3, 5, False)
    own = feed.Options.model_validate({"url": URL, "min_items": 0})
    assert for_options(settings["feed"], own).min_items == 0


def job(*sources: dict[str, object]) -> dict[str, object]:
    return {"name": "j", "title": "{date}", "slug": "j", "sources": list(sources)}


def test_a_job_needs_a_section_per_feed() -> None:
    one = {"name": "feed", "section": "a", "options": {"url": URL}}
    Job.model_validate(job(one, one | {"section": "b"}))
    with pytest.raises(ValueError, match="feed/a is listed twice"):
        Job.model_validate(job(one, one))
    with pytest.raises(ValueError, match="needs a section"):
        Job.model_validate(job({"name": "feed", "options": {"url": URL}}))


def test_a_typo_in_a_feed_is_refused_by_newsbot_jobs(tmp_path: Path) -> None:
    (tmp_path / "j.toml").write_text(
        'title = "{date}"\nslug = "j"\n[[sources]]\nname = "feed"\nsection = "a"\n'
        f'options = {{ url = "{URL}", lable = "Typo" }}\n'
    )
    done = newsbot("jobs", "--jobs-dir", str(tmp_path))
    assert done.returncode == 64
    assert "options.lable" in done.stderr and "j.toml" in done.stderr


def test_newsbot_sources_lists_the_feeds_of_the_job_files(tmp_path: Path) -> None:
    (tmp_path / "j.toml").write_text(
        'title = "{date}"\nslug = "j"\n[[sources]]\nname = "feed"\nsection = "a"\n'
        f'options = {{ url = "{URL}", label = "Example", language = "en", tz = "UTC" }}\n'
    )
    done = newsbot("sources", "--jobs-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("feed/a"))
    assert line.split("\t")[:3] == ["feed/a", "Example", URL]
    assert "job=j language=en tz=UTC min_items=1" in line and "robots.txt obeyed" in line
