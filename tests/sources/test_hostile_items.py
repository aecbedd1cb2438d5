"""One bad item never takes a run down: each hostile value costs its item, nothing more.

Each of these crashed whole runs with a traceback: an href with port 99999, a
relative time like ``9999999일 전``, a date near year 1 at +14:00, a redirect to
malformed punycode, an IPv6 literal link. Here they sit among good items in every
list format, with thumbnails on, next to a second healthy job; then the properties
behind them are checked on generated input.
Catalogue: F29, F30.
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot import pipeline, sources
from newsbot.config import Config, FetchConfig, OutputConfig, StateConfig
from newsbot.dates import KST, parse_korean
from newsbot.errors import LayoutChanged, Rejected
from newsbot.fetch import gate as gate_mod
from newsbot.fetch.page import Page
from newsbot.fetch.policy import STATUSES
from newsbot.jobs import load_jobs
from newsbot.models import RawItem, RunReport
from newsbot.normalize import clean_url, to_article
from newsbot.sources import naver
from newsbot.sources.base import ListRequest
from tests.conftest import PageServer
from tests.servers.dns import fake_dns
from tests.servers.listpages import FORMATS, HOSTS, NOW, headline, when

GOOD = 30  # so three bad links stay under the 10 % that fails a source as incomplete
BAD_HREFS = {
    "http://news.example.com:99999/a": "bad_url",  # port out of range
    "http://xn--zz.example.com/a": "bad_url",  # malformed punycode
    "http://[2606:4700::1/a": "bad_url",  # an IPv6 literal cut short
}
BAD_TIMES = [
    "9999999일 전",
    "99999999999999999999999999시간 전",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "1" * 5000 + "분 전",  # past int's 4300-digit limit
    "2025.99.99. 오후 99:99",
]
IPV6_LINK = "http://[2606:4700:4700::1111]/news/1"  # a public IPv6 literal: kept, bracketed
EARLY, LATE = datetime(1971, 1, 1), datetime(9000, 1, 1)  # noqa: DTZ001 - hypothesis bounds are naive
IPV6_HOST = "2606:4700:4700::1111"  # mapped to the page server, so its thumbnail is asked there


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """No name is looked up for real: every host these tests reach is mapped."""
    monkeypatch.setattr(gate_mod, "resolve", fake_dns({}))


def serve(site: PageServer, name: str) -> None:
    build, path, content_type, _table, article, fmt = FORMATS[name]
    cards = [(article.format(n=n), headline(name, n), when(fmt)) for n in range(GOOD)]
    cards += [(href, f"나쁜 링크 {i}", when(fmt)) for i, href in enumerate(BAD_HREFS)]
    cards += [
        (article.format(n=900 + i), f"이상한 시각 {i} " + headline("t", i), t)
        for i, t in enumerate(BAD_TIMES)
    ]
    cards.append((IPV6_LINK, "IPv6 링크", when(fmt)))
    site.add(path, build(cards), Content_Type=content_type)
    first = "/" + article.format(n=0).split("/", 3)[3]
    second = "/" + article.format(n=1).split("/", 3)[3]
    host = article.split("/")[2]
    site.add(first, b"", status=302, Location=f"http://xn--zz.{host}/x")  # same site, bad punycode
    site.add(second, b"", status=302, Location="http://[::1")


def run(site: PageServer, tmp: Path, name: str) -> RunReport:
    jobs = tmp / "jobs"
    jobs.mkdir(exist_ok=True)
    table = FORMATS[name][3]
    head = 'title = "{date:%Y.%m.%d} x"\nslug = "hostile"\nthumbnails = true\n'
    (jobs / "hostile.toml").write_text(f"{head}[[sources]]\n{table}\n", encoding="utf-8")
    healthy = FORMATS["nate"][3] if not name.startswith("nate") else FORMATS["naver-section"][3]
    (jobs / "healthy.toml").write_text(
        f'title = "{{date:%Y.%m.%d}} y"\nslug = "healthy"\n[[sources]]\n{healthy}\n',
        encoding="utf-8",
    )
    cfg = Config(
        fetch=FetchConfig(
            host_delay=0.0, backoff=0.05, host_map=dict.fromkeys((*HOSTS, IPV6_HOST), site.origin)
        ),
        output=OutputConfig(dir=tmp / "_posts", jobs_dir=jobs),
        state=StateConfig(path=tmp / "state.sqlite"),
    )
    report, _ = pipeline.run(load_jobs(jobs), NOW.date(), config=cfg, now=NOW)
    return report


@pytest.mark.parametrize("name", list(FORMATS))
def test_F29_F30_hostile_items_cost_only_themselves(
    page_server: PageServer, tmp_path: Path, name: str
) -> None:
    serve(page_server, name)
    other = "naver-section" if name.startswith("nate") else "nate"
    serve(page_server, other)
    report = run(page_server, tmp_path, name)
    assert report.exit_code == 0, [(s.source, s.message) for j in report.jobs for s in j.sources]
    hostile = next(j for j in report.jobs if j.job == "hostile")
    [src] = hostile.sources
    assert src.items_dropped == {"bad_url": 3}
    assert src.items_new == GOOD + len(BAD_TIMES) + 1  # the odd times lose only their time
    posts = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "_posts").glob("*.md")}
    assert len(posts) == 2  # the healthy job too
    post = next(t for n, t in posts.items() if "hostile" in n)
    assert "http://[2606:4700:4700::1111]/news/1" in post and "이상한 시각 5" in post


def boom(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """A parser with a bug no check foresaw (runs in a worker: module level)."""
    raise RuntimeError("a parser bug")


def test_an_unforeseen_error_in_one_source_fails_it_alone(
    page_server: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = types.SimpleNamespace(**{k: getattr(naver, k) for k in dir(naver) if k.isupper()})
    for attr in ("Options", "urls", "notes", "fallback_urls", "article_id", "canonical_url"):
        setattr(broken, attr, getattr(naver, attr))
    broken.NAME, broken.parse = "broken", boom
    monkeypatch.setattr(
        sources, "SOURCES", types.MappingProxyType({**sources.SOURCES, "broken": broken})
    )
    serve(page_server, "naver-section")
    serve(page_server, "nate")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "broken.toml").write_text(
        'title = "x"\nslug = "broken"\n[[sources]]\nname = "broken"\nsection = "105"\n'
    )
    (jobs / "nate.toml").write_text(
        f'title = "y"\nslug = "nate"\n[[sources]]\n{FORMATS["nate"][3]}\n'
    )
    cfg = Config(
        fetch=FetchConfig(host_delay=0.0, host_map=dict.fromkeys(HOSTS, page_server.origin)),
        output=OutputConfig(dir=tmp_path / "_posts", jobs_dir=jobs),
        state=StateConfig(path=tmp_path / "state.sqlite"),
    )
    report, _ = pipeline.run(load_jobs(jobs), NOW.date(), config=cfg, now=NOW)
    by_job = {j.job: j for j in report.jobs}
    [bad] = by_job["broken"].sources
    assert bad.status == "unexpected_content" and bad.status in STATUSES
    assert "RuntimeError: a parser bug" in bad.message
    assert by_job["nate"].status == "written" and report.exit_code == 2


# ---- properties ------------------------------------------------------------------------

hostile_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80
) | st.sampled_from([*BAD_HREFS, *BAD_TIMES, "javascript:alert(1)", "http://[::1]", "//x:0/"])
href = hostile_text | st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
    st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
    st.sampled_from(
        [
            "a.kr",
            "[::1]",
            "[2606:4700::1111]",
            "xn--zz.kr",
            "xn--80ak6aa92e.com",
            "127.1",
            "한국.kr",
            "a..b",
            "[",
            "%00",
            "a.kr@b.kr",
            "",
        ]
    ),
    st.sampled_from(["", ":0", ":80", ":65535", ":65536", ":99999", ":-1", ":x", ":"]),
    st.sampled_from(["", "/", "/a?b=1#c", "/%zz", "/" + "a" * 3000]),
)
times = (
    hostile_text
    | st.builds(
        lambda n, unit: f"{n}{unit}",
        st.integers(-(10**30), 10**30),
        st.sampled_from(["일 전", "시간 전", "분 전", "초 전", "天前", "小时前", ""]),
    )
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
)


@settings(max_examples=400, deadline=None)
@given(href)
def test_F29_clean_url_accepts_or_rejects_never_raises(raw: str) -> None:
    try:
        url = clean_url(raw, "https://news.naver.com/section/105")
    except Rejected:
        return
    assert url.startswith(("http://", "https://")) and len(url) <= 2083
    assert clean_url(url, "https://x.kr/") == url  # clean is clean


@settings(max_examples=400, deadline=None)
@given(times, st.datetimes(EARLY, LATE, timezones=st.just(KST)))
def test_F30_parse_korean_gives_an_aware_time_or_none(text: str, now: datetime) -> None:
    value = parse_korean(text, now=now)
    if value is not None:
        assert value.utcoffset() is not None and 1970 <= value.year <= 9998
        assert value.utcoffset() in (timedelta(hours=9), timedelta(hours=10))  # KST (1987-88 DST)


@settings(max_examples=300, deadline=None)
@given(hostile_text, href, times, hostile_text)
def test_to_article_makes_an_article_or_rejects(
    title: str, url: str, when_: str, snippet: str
) -> None:
    raw = RawItem(title=title, url=url, thumbnail=url, snippet=snippet, published=when_)
    for source in sources.SOURCES.values():
        try:
            article = to_article(
                raw,
                source=source.NAME,
                section="",
                base_url="https://news.naver.com/",
                now=NOW,
                snippet_chars=120,
                canonical=source.canonical_url,
                article_id=source.article_id,
            )
        except Rejected:
            continue
        assert article.title and article.url.startswith("http")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(href, hostile_text, times), min_size=1, max_size=6),
    st.sampled_from(list(FORMATS)),
)
def test_every_parser_reads_hostile_cards_or_says_the_layout_changed(
    cards: list[tuple[str, str, str]], name: str
) -> None:
    build, _path, content_type, table, _article, _fmt = FORMATS[name]
    spec: dict[str, Any] = tomllib.loads(table)
    source = sources.get(spec["name"])
    req = ListRequest(
        day=NOW.date(),
        section=spec["section"],
        now=NOW,
        options=source.Options.of(spec.get("options", {})),
    )
    page = Page(source.urls(req)[0], body=build(cards), content_type=content_type)
    try:
        items = sources.parse_page(source, page, source.SELECTORS, req)
    except LayoutChanged:
        return
    assert all(isinstance(i, RawItem) for i in items)
