"""The generic ``html`` source: a list page read by selectors from the job file alone.

The proof that selectors suffice: the same list page through a built-in adapter
and through an ``html`` source with that adapter's selectors gives the same post,
byte for byte.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from newsbot.dates import KST
from newsbot.errors import LayoutChanged, Rejected
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.normalize import to_article
from newsbot.sources import html as html_source
from newsbot.sources.base import ListRequest
from tests.cli.test_cli import newsbot
from tests.conftest import FAST_FETCH_TOML, PAGES, ROOT, PageServer

NOW = datetime(2025, 2, 4, 15, 0, tzinfo=KST)
NATE_HTML = """title = "{date:%Y.%m.%d} 네이트 IT/과학 뉴스"
slug = "nate-it"
categories = ["krnews", "it"]
tags = ["krnews", "nate", "it", "auto"]
schedule = "35 12 * * *"
[[sources]]
name = "html"
section = "nate-it"
[sources.options]
url = "https://news.nate.com/recent?mid=n0105&type=c&date={date:%Y%m%d}&page={page}"
pages = 1
label = "네이트 뉴스"
selectors = { item = "#newsContents div.mlt01", link = "a.lt1", title = "h2.tit", snippet = "span.tb", thumbnail = "span.ib img, img", press = "span.medium", time = "span.medium em" }
"""
ETNEWS_HTML = """title = "{date:%Y.%m.%d} 전자신문 IT 뉴스"
slug = "etnews-it"
categories = ["krnews", "it"]
tags = ["krnews", "etnews", "it", "auto"]
schedule = "45 12 * * *"
thumbnails = true
[[sources]]
name = "html"
section = "etnews-sw"
[sources.options]
url = "https://www.etnews.com/news/section.html?id1=04&page={page}"
label = "전자신문"
selectors = { item = "ul.news_list > li", link = "div.text > strong > a", thumbnail = "figure.thumb img, div.thumb img", snippet = "p.summary, div.text > p", press = "span.writer, .writer", time = "span.date, .date" }
"""


def run_job(server: PageServer, tmp: Path, name: str, job: str, day: str, host: str) -> str:
    jobs, out = tmp / f"jobs-{name}", tmp / f"out-{name}"
    jobs.mkdir()
    (jobs / "job.toml").write_text(job, encoding="utf-8")
    fast = tmp / "fast.toml"
    fast.write_text(
        FAST_FETCH_TOML + "[sources.nate]\nmin_items = 1\n[sources.etnews]\nmin_items = 1\n"
    )
    done = newsbot(
        "run", "--date", day, "--jobs-dir", str(jobs), "--output", str(out), "--config", str(fast),
        "--host-map", f"{host}={server.origin}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (post,) = out.glob("*.md")
    return post.read_text(encoding="utf-8")


def test_an_html_source_reproduces_the_nate_post_from_the_same_page(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Nate's list is addressed by day: {date:%Y%m%d} in the URL; cp949 declared in <meta>."""
    page_server.add(
        "/recent", (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes()
    )
    built_in = (ROOT / "jobs" / "nate-it.toml").read_text(encoding="utf-8")
    want = run_job(page_server, tmp_path, "nate", built_in, "2025-02-04", "news.nate.com")
    got = run_job(page_server, tmp_path, "html", NATE_HTML, "2025-02-04", "news.nate.com")
    assert got == want and want.count("\n## [") >= 5
    assert "?mid=" not in got  # the built-in site's canonical link, through the html source


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2025-02-03", r"only \d+ items listed for 2025-02-03, fewer than min_items 50 \(a quiet"),
        ("today", r"only \d+ usable items, fewer than min_items 50: layout changed\?"),
    ],
)
def test_too_few_items_on_a_past_day_is_not_called_a_layout_change(
    page_server: PageServer, tmp_path: Path, day: str, why: str
) -> None:
    page_server.add(
        "/recent", (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes()
    )
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "job.toml").write_text(NATE_HTML.replace("pages = 1", "pages = 1\nmin_items = 50"))
    fast = tmp_path / "fast.toml"
    fast.write_text(FAST_FETCH_TOML)
    if day == "today":
        day = datetime.now(KST).date().isoformat()
    done = newsbot(
        "run", "--date", day, "--jobs-dir", str(jobs), "--dry-run", "--config", str(fast),
        "--host-map", f"news.nate.com={page_server.origin}",
    )  # fmt: skip
    assert done.returncode != 0 and re.search(why, done.stderr), done.stderr


def test_an_html_source_reproduces_the_etnews_list_post(
    page_server: PageServer, tmp_path: Path
) -> None:
    """An undated list: a past day keeps that day's items; og:image thumbnails as the job asks."""
    page_server.add(
        "/news/section.html", (PAGES / "etnews" / "section_04_page1_20180928.html").read_bytes()
    )
    for page in (PAGES / "etnews").glob("article_*.html"):
        page_server.add("/" + page.stem.split("_")[1], page.read_bytes())
    built_in = (ROOT / "jobs" / "etnews-it.toml").read_text(encoding="utf-8")
    built_in = built_in.replace('options = { feed = "04" }', 'options = { via = "html" }')
    want = run_job(page_server, tmp_path, "etnews", built_in, "2018-09-28", "www.etnews.com")
    got = run_job(page_server, tmp_path, "html", ETNEWS_HTML, "2018-09-28", "www.etnews.com")
    assert got == want and want.count("\n## [") >= 3


def request(options: dict[str, object], day: date = date(2025, 2, 4)) -> ListRequest:
    opts = html_source.Options.model_validate(options)
    return ListRequest(day=day, section="x", now=NOW, options=opts, max_pages=3)


BASE = {"url": "https://news.example/list?d={date:%Y%m%d}&p={page}", "selectors": {"item": "li"}}


def test_urls_fill_the_date_and_pages_up_to_the_cap() -> None:
    req = request(BASE | {"pages": 5})
    assert html_source.urls(req) == [
        f"https://news.example/list?d=20250204&p={n}" for n in (1, 2, 3)
    ]
    assert html_source.notes(req) == []  # dated: a past day has its own list
    undated = request(BASE | {"url": "https://news.example/list"}, day=date(2025, 2, 1))
    assert html_source.urls(undated) == ["https://news.example/list"]
    assert "keeps no date archive" in html_source.notes(undated)[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"selectors": {"item": "li"}}, "url"),
        (BASE | {"selectors": {"itme": "li"}}, "unknown selector itme"),
        (BASE | {"selectors": {"title": "h2"}}, "item is required"),
        ({"url": BASE["url"]}, "item is required"),  # no selectors at all: the same message
        (BASE | {"selectors": {"item": " "}}, "item is required"),
        (BASE | {"selectors": {"item": "li[["}}, "is not a CSS selector"),
        (BASE | {"url": "javascript:alert(1)"}, "not an http"),
        (BASE | {"url": "https://x.example/{date.__class__}"}, "only {date"),
        (BASE | {"tz": "Mars/Olympus"}, "unknown time zone"),
        (BASE | {"language": "English"}, "not a language code"),
        (BASE | {"lable": "X"}, "lable"),
    ],
)
def test_bad_options_are_refused_with_the_key_named(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("{", r"\{")):
        html_source.Options.model_validate(options)


LIST = """<html><body><ul>
<li><a href="/a/1"><h2>First story</h2></a><p>First story Snippet one</p>
  <img data-src="/i/1.jpg" src="data:image/gif;base64,R0lGOD"><span class="by">Daily 오후 3:05</span>
  <time datetime="2025-02-04T09:30:00Z">Feb 4</time></li>
<li><a href="javascript:alert(1)"><h2>Hostile link</h2></a></li>
<li><h2>No link at all</h2></li>
<li><a href="/a/3?utm_source=x&amp;id=3"><h2>&lt;script&gt;alert(1)&lt;/script&gt; Third</h2></a>
  <span class="by">Weekly</span><time>Jan 3, 2025 9:05 AM</time></li>
</ul></body></html>"""


def test_parse_reads_each_field_by_its_selector() -> None:
    sel = {"item": "li", "title": "h2", "snippet": "p", "press": ".by", "time": "time"}
    req = request(BASE | {"selectors": sel, "tz": "UTC"})
    items = html_source.parse(Page("https://news.example/list", LIST), html_source.SELECTORS, req)
    assert [(i.title, i.url) for i in items] == [
        ("First story", "/a/1"),
        ("Hostile link", "javascript:alert(1)"),
        ("No link at all", ""),  # handed on: normalize counts it as no_link
        ("<script>alert(1)</script> Third", "/a/3?utm_source=x&id=3"),
    ]
    first = items[0]
    assert (first.url, first.thumbnail, first.snippet) == ("/a/1", "/i/1.jpg", "Snippet one")
    assert datetime.fromisoformat(first.published) == datetime(2025, 2, 4, 9, 30, tzinfo=UTC)
    # English, in the source's zone
    assert datetime.fromisoformat(items[3].published) == datetime(2025, 1, 3, 9, 5, tzinfo=UTC)
    assert items[1].url == "javascript:alert(1)"  # normalize drops it as bad_scheme


def test_a_page_without_items_is_a_layout_change() -> None:
    req = request(BASE | {"selectors": {"item": "div.gone"}})
    with pytest.raises(LayoutChanged, match=r"item='div\.gone'"):
        html_source.parse(Page("https://news.example/list", LIST), html_source.SELECTORS, req)


def test_item_may_come_from_the_config_and_the_refusal_names_both_places() -> None:
    job = {"url": BASE["url"], "selectors": {"title": "h2"}}
    with pytest.raises(ValidationError) as refused:
        html_source.Options.model_validate(job)
    assert "selectors.item in the job's options" in str(refused.value)
    assert "[sources.html.selectors]" in str(refused.value)
    given = html_source.Options.model_validate(job, context={"selectors": {"item": "li"}})
    assert given.selectors == {"title": "h2"}  # the config's item applies at parse time
    bare = html_source.Options.model_validate(
        {"url": BASE["url"]}, context={"selectors": {"item": "li"}}
    )
    assert bare.selectors == {}
    for context in ({"selectors": {"item": ""}}, {"selectors": {"title": "h2"}}, {}, "junk"):
        with pytest.raises(ValidationError, match="item is required"):
            html_source.Options.model_validate(job, context=context)
    with pytest.raises(ValidationError, match="item is required"):  # the job's blank item wins
        html_source.Options.model_validate(
            job | {"selectors": {"item": ""}}, context={"selectors": {"item": "li"}}
        )


def test_parse_uses_the_configs_item_when_the_job_has_none() -> None:
    opts = html_source.Options.model_validate(
        {"url": BASE["url"], "selectors": {"title": "h2"}}, context={"selectors": {"item": "li"}}
    )
    req = ListRequest(day=date(2025, 2, 4), section="x", now=NOW, options=opts)
    page = Page("https://news.example/list", LIST)
    items = html_source.parse(page, {**html_source.SELECTORS, "item": "li"}, req)
    assert [i.title for i in items][:2] == ["First story", "Hostile link"]
    with pytest.raises(LayoutChanged, match="item is required"):  # never a bare CSS error
        html_source.parse(page, html_source.SELECTORS, req)


def test_newsbot_jobs_accepts_a_job_whose_item_is_in_the_config(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date}"\nslug = "j"\n[[sources]]\nname = "html"\nsection = "a"\n'
        'options = { url = "https://news.example/list", selectors = { title = "h3" } }\n'
    )
    (tmp_path / "newsbot.toml").write_text('[sources.html.selectors]\nitem = "li.item"\n')
    done = newsbot("jobs", "--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml"))
    assert done.returncode == 0, done.stderr


def test_a_run_posts_the_items_of_a_job_whose_item_is_in_the_config(
    page_server: PageServer, tmp_path: Path
) -> None:
    rows = "".join(
        f"<li class='item'><a href='/a/{n}'><h3>Story {n}</h3></a></li>" for n in range(3)
    )
    page_server.add("/list", f"<html><body><ul>{rows}</ul></body></html>")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date} j"\nslug = "j"\n[[sources]]\nname = "html"\nsection = "a"\n'
        'options = { url = "https://news.example/list", selectors = { title = "h3" } }\n'
    )
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text(
        FAST_FETCH_TOML + '[publish]\npush = false\n[sources.html.selectors]\nitem = "li.item"\n'
    )
    blog = tmp_path / "blog"
    subprocess.run(["git", "init", "-q", "-b", "main", str(blog)], check=True)
    done = newsbot(
        "run", "--jobs-dir", str(jobs), "--config", str(cfg), "--publish", "--publish-repo",
        str(blog), "--host-map", f"news.example={page_server.origin}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (post,) = (blog / "_posts").glob("*.md")  # written and committed: the publish read the jobs too
    text = post.read_text(encoding="utf-8")
    assert [f"[Story {n}](https://news.example/a/{n})" in text for n in range(3)] == [True] * 3
    log = subprocess.run(["git", "-C", str(blog), "log", "--name-only"], capture_output=True)
    assert post.name in log.stdout.decode()


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('itme = "li"', "[sources.html.selectors]: unknown selector itme"),
        ('item = "li[["', "[sources.html.selectors] item = 'li[[' is not a CSS selector"),
        ('item = "li"\ntitle = "h3 >"', "[sources.html.selectors] title = 'h3 >'"),
    ],
)
@pytest.mark.parametrize("command", ["jobs", "run"])
def test_a_bad_selectors_table_in_the_config_is_refused_with_its_key(
    tmp_path: Path, table: str, named: str, command: str
) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date}"\nslug = "j"\n[[sources]]\nname = "html"\nsection = "a"\n'
        'options = { url = "https://news.example/list", selectors = { item = "li" } }\n'
    )
    (tmp_path / "newsbot.toml").write_text(f"[sources.html.selectors]\n{table}\n")
    args = ["--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml")]
    done = newsbot(command, *args, *(["--dry-run"] if command == "run" else []))
    assert done.returncode == 64, done.stderr
    assert named in done.stderr and "Traceback" not in done.stderr


def test_newsbot_jobs_refuses_an_html_job_with_no_item_anywhere(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date}"\nslug = "j"\n[[sources]]\nname = "html"\nsection = "a"\n'
        'options = { url = "https://news.example/list" }\n'
    )
    (tmp_path / "newsbot.toml").write_text('[sources.html.selectors]\ntitle = "h3"\n')
    done = newsbot("jobs", "--jobs-dir", str(jobs), "--config", str(tmp_path / "newsbot.toml"))
    assert done.returncode == 64
    assert "options.selectors" in done.stderr and "item is required" in done.stderr
    assert "[sources.html.selectors]" in done.stderr and "j.toml" in done.stderr


CARD = st.fixed_dictionaries(
    {
        "link": st.sampled_from(["<a class='l' href='/a/{n}'>", "<a class='l'>", "<a class='l' href=''>", "<span class='l'>", ""]),
        "title": st.sampled_from(["Story {n}", "", " ", "\u00a0", "\u3000", "&nbsp;", "\u200b"]),
    }
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(CARD, min_size=1, max_size=12), st.booleans())
def test_every_item_is_handed_on_and_counted_as_what_it_lacks(
    cards: list[dict[str, str]], title_selector: bool
) -> None:
    """Whatever each item lacks, there is one raw item per match and normalize names the lack."""
    rows = []
    for n, card in enumerate(cards):
        close = "</a>" if card["link"].startswith("<a") else "</span>" if card["link"] else ""
        title = card["title"].format(n=n)
        rows.append(f"<li>{card['link'].format(n=n)}<h2>{title}</h2>{close}</li>")
    sel = {"item": "li", "link": "a.l[href]"} | ({"title": "h2"} if title_selector else {})
    req = request(BASE | {"selectors": sel})
    page = Page("https://news.example/list", f"<ul>{''.join(rows)}</ul>")
    items = html_source.parse(page, html_source.SELECTORS, req)
    assert len(items) == len(cards)
    for n, (card, item) in enumerate(zip(cards, items, strict=True)):
        titled = card["title"].startswith("Story")
        linked = f"href='/a/{n}'" in card["link"].format(n=n)
        want = "" if titled and linked else "empty_title" if not titled else "no_link"
        assert reason(item) == want, (card, item)


def reason(item: RawItem) -> str:
    """The reason normalize drops ``item`` for, or "" when it keeps it."""
    try:
        to_article(
            item, source="html", section="x", base_url="https://news.example/list", now=NOW,
            snippet_chars=100, canonical=html_source.canonical_url, article_id=html_source.article_id,
        )  # fmt: skip
    except Rejected as exc:
        return exc.reason
    return ""
