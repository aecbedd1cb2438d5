"""The generic ``feed`` source: RSS 2.0, Atom and JSON Feed, and feeds a stranger wrote."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import LayoutChanged, Rejected
from newsbot.fetch.page import Page
from newsbot.jobs import Job
from newsbot.models import RawItem
from newsbot.normalize import to_article
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
        ("{\"version\": \"1\", \"items\": []}", "not a JSON Feed: version '1'"),
        ("{\"items\": \"nope\"}", "not a JSON Feed: version: Field required"),
        ('{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}', "items: Input should be a valid list"),
        ('{"version": "https://jsonfeed.org/version/1.1"}', "items: Field required"),
        ('{"version": 1.1, "items": []}', "version: Input should be a valid string"),
        ('[{"url": "https://a.example/1", "title": "T"}]', "the top level is a list"),
        ("{" * 100_000, "not a JSON Feed"),
        ("<rss version='2.0'><channel><title>x</title></channel></rss>", "no items"),
        ('{"version": "https://jsonfeed.org/version/1.1", "items": []}', "no items"),
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


def test_a_past_day_marks_the_items_it_cannot_place_and_leaves_other_days_out() -> None:
    stamps = ["Fri, 02 Jan 2026 09:00:00 +0000", "Thu, 01 Jan 2026 09:00:00 +0000", "soon", ""]
    body = "".join(
        f"<item><title>S{n}</title><link>https://a.example/{n}</link>"
        + (f"<pubDate>{stamp}</pubDate>" if stamp else "")
        + "</item>"
        for n, stamp in enumerate(stamps)
    )
    rss = f"<rss version='2.0'><channel><title>x</title>{body}</channel></rss>"
    past = parse(rss, request(day=date(2026, 1, 2)))
    assert [(i.title, i.dropped) for i in past] == [
        ("S0", ""),
        ("S2", "undated"),
        ("S3", "undated"),
    ]
    assert [i.dropped for i in parse(rss)] == [""] * 4  # today: every item, none marked


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


BLANKS = ["", "   ", "\u00a0", "\u3000", "\u200b", " \u00a0\u3000\t\n "]  # NBSP, ideographic, ZWSP


def rss_items(*items: str) -> str:
    return f"<rss version='2.0'><channel><title>x</title>{''.join(items)}</channel></rss>"


@pytest.mark.parametrize("blank", BLANKS)
def test_an_item_with_a_blank_title_or_no_link_is_handed_on_to_be_counted(blank: str) -> None:
    body = rss_items(
        "<item><title>Good</title><link>https://a.example/1</link></item>",
        f"<item><title>{blank}</title><link>https://a.example/2</link></item>",
        "<item><title>No link</title></item>",
        f"<item><title>No link, blank link</title><link>{blank}</link></item>",
    )
    items = parse(body)
    assert [i.title for i in items] == ["Good", blank.strip(), "No link", "No link, blank link"]
    assert [reason(i) for i in items] == ["", "empty_title", "no_link", "no_link"]


def reason(item: RawItem) -> str:
    """The reason normalize drops ``item`` for, or "" when it keeps it."""
    try:
        to_article(
            item, source="feed", section="ai", base_url=URL, now=NOW, snippet_chars=100,
            canonical=feed.canonical_url, article_id=feed.article_id,
        )  # fmt: skip
    except Rejected as exc:
        return exc.reason
    return ""


ATOM = (
    "<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title><id>urn:x</id>"
    "<updated>2026-01-03T00:00:00Z</updated>{}</feed>"
)


def test_an_atom_entry_without_a_link_has_none_and_its_id_is_not_taken_for_one() -> None:
    entries = (
        "<entry><id>urn:x:1</id><title>No link</title></entry>",
        "<entry><id>https://a.example/2</id><title>Id only</title></entry>",
        "<entry><id>https://a.example/3</id><title>Same</title><link href='https://a.example/3'/></entry>",
        "<entry><id>urn:x:4</id><title>Image only</title>"
        "<link rel='enclosure' type='image/png' href='https://a.example/4.png'/></entry>",
        "<entry><id>urn:x:5</id><title>Alternate</title><link rel='alternate' href='/a/5'/></entry>",
    )  # fmt: skip
    items = parse(ATOM.format("".join(entries)))
    assert [i.url for i in items] == ["", "", "https://a.example/3", "", "/a/5"]
    assert reason(items[0]) == "no_link"  # was bad_scheme: the id urn:x:1 stood in for a link


def test_an_rss_guid_is_a_link_only_when_it_is_a_permalink_url() -> None:
    body = rss_items(
        "<item><title>A</title><guid>https://a.example/1</guid></item>",
        "<item><title>B</title><guid>abc123</guid></item>",
        "<item><title>C</title><guid isPermaLink='false'>https://a.example/3</guid></item>",
        "<item><title>D</title><link>https://a.example/4</link><guid>https://a.example/g</guid></item>",
    )
    assert [i.url for i in parse(body)] == ["https://a.example/1", "", "", "https://a.example/4"]


def json_feed(*items: object) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": list(items)})


GOOD_JSON = {"url": "https://a.example/ok", "title": "OK", "date_published": "2026-01-03T01:00:00Z"}


@pytest.mark.parametrize(
    ("bad", "title", "url"),
    [
        ({"url": "https://a.example/b", "title": ["array", "title"]}, "", "https://a.example/b"),
        ({"url": 5, "title": "Number url"}, "Number url", ""),
        ({"url": {"href": "https://a.example/b"}, "title": "Object url"}, "Object url", ""),
        ({"url": 5, "external_url": "https://a.example/e", "title": "E"}, "E", "https://a.example/e"),
        ({"url": "https://a.example/b", "title": None}, "", "https://a.example/b"),
        ({"url": "https://a.example/b", "title": 7}, "", "https://a.example/b"),
        ("just a string", "", ""),
        (None, "", ""),
        ([1, 2], "", ""),
    ],
)  # fmt: skip
def test_a_malformed_json_item_loses_the_bad_field_and_the_others_stay(
    bad: object, title: str, url: str
) -> None:
    first, ok = parse(json_feed(bad, GOOD_JSON))
    assert (first.title, first.url) == (title, url)
    assert (ok.title, ok.url, when(ok)) == (
        "OK",
        "https://a.example/ok",
        datetime(2026, 1, 3, 1, tzinfo=UTC),
    )


def test_a_json_item_with_a_bad_optional_field_is_kept_without_it() -> None:
    bad = {
        "url": "https://a.example/b", "title": "Kept", "date_published": 5, "image": ["x"],
        "summary": {"a": 1}, "authors": "me", "author": 3,
    }  # fmt: skip
    (item,) = parse(json_feed(bad))
    assert (item.title, item.url, item.published, item.thumbnail, item.snippet, item.press) == (
        "Kept", "https://a.example/b", "", None, "", ""
    )  # fmt: skip
    assert reason(item) == ""
    some = {"url": "https://a.example/c", "title": "T", "authors": [{"name": 5}, {"name": "B"}]}
    assert parse(json_feed(some))[0].press == "B"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
JSON_FIELDS = st.sampled_from(sorted(feed._JsonItem.model_fields))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(JSON_FIELDS, JSON_VALUES, max_size=6) | JSON_VALUES)
def test_any_json_value_as_an_item_or_its_fields_costs_that_item_at_most(bad: object) -> None:
    items = parse(json_feed(GOOD_JSON, bad, GOOD_JSON))
    assert len(items) == 3
    assert items[0] == items[2] and (items[0].title, items[0].url) == ("OK", "https://a.example/ok")
    assert all(isinstance(v, str) for v in (items[1].title, items[1].url, items[1].published))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\u00a0\u3000\u2002\u200b\ufeff"), max_size=8))
def test_a_title_of_any_blank_characters_is_counted_as_empty(blank: str) -> None:
    body = json_feed({"url": "https://a.example/b", "title": blank}, GOOD_JSON)
    first, _ = parse(body)
    assert reason(first) == "empty_title"
