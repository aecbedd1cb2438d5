"""An article page's og:image passes the URL gate a list thumbnail passes, end to end.

A hostile article page names an image on an inside address; the post must not show it,
however the address is spelled, exactly as a list's own ``<img src>`` on that address is
left out. One function (``pipeline.items.image``) decides both, so the property test
checks that the two paths agree on any URL at all.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot import pipeline, sources
from newsbot.config import Config, FetchConfig
from newsbot.dates import KST
from newsbot.extract import meta
from newsbot.fetch.gate import Gate
from newsbot.fetch.page import Page
from newsbot.jobs import Job
from newsbot.models import Article, RawItem, Tally
from newsbot.pipeline import items, pages
from tests.conftest import FAST_FETCH, PageServer

T = TypeVar("T")

DAY = date(2026, 12, 2)
NOW = datetime.combine(DAY, time(13, 0), tzinfo=KST)
SITE = "news.example.com"
# every spelling of an inside address the gate reads without DNS
INSIDE = [
    "http://127.0.0.1/admin.jpg",
    "http://127.0.0.1:8701/secret.jpg",
    "http://localhost/og.jpg",
    "http://LOCALHOST./og.jpg",
    "http://a.localhost/og.jpg",
    "http://printer.local/og.jpg",
    "http://metadata.google.internal/og.jpg",
    "http://router.home.arpa/og.jpg",
    "http://intranet/og.jpg",
    "http://10.0.0.1/og.jpg",
    "http://172.16.0.1/og.jpg",
    "http://192.168.1.1/og.jpg",
    "http://100.64.0.1/og.jpg",
    "http://169.254.169.254/latest/meta-data/og.jpg",
    "http://2130706433/og.jpg",
    "http://0x7f000001/og.jpg",
    "http://0x7f.1/og.jpg",
    "http://0177.0.0.1/og.jpg",
    "http://127.1/og.jpg",
    "http://0/og.jpg",
    "http://[::1]/og.jpg",
    "http://[::ffff:127.0.0.1]/og.jpg",
    "http://[::ffff:7f00:1]/og.jpg",
    "http://[64:ff9b::a00:1]/og.jpg",
    "http://[2002:7f00:1::]/og.jpg",
    "http://[fd00:ec2::254]/og.jpg",
    "http://[fe80::1%25eth0]/og.jpg",
    "//127.0.0.1/protocol-relative.jpg",
    "\\\\127.0.0.1\\backslashes.jpg",
    "https:\\\\10.0.0.1\\og.jpg",
]
GOOD = [  # (og:image as the page writes it, the image the post must show)
    ("https://img.example.com/a b.jpg", "https://img.example.com/a%20b.jpg"),
    ("/img/rel (1).jpg", f"https://{SITE}/img/rel%20%281%29.jpg"),
    ("https://img.example.com/ok.jpg", "https://img.example.com/ok.jpg"),
]
SELECTORS = {"item": "li.item", "link": "a.lnk", "title": "h3.t"}


def article_page(image: str) -> str:
    body = "<p>본문입니다. 문장이 충분히 깁니다.</p>" * 4
    return (
        f'<html><head><meta property="og:image" content="{html.escape(image)}">'
        f"<title>t</title></head><body><article>{body}</article></body></html>"
    )


def list_page(cards: list[tuple[str, str, str]]) -> str:
    """Items (link, title, list thumbnail or ""), in the html source's selectors."""
    return (
        "<html><body><ul>"
        + "".join(
            f'<li class="item"><a class="lnk" href="{link}"><h3 class="t">{title}</h3></a>'
            + (f'<img src="{html.escape(img)}">' if img else "")
            + "</li>"
            for link, title, img in cards
        )
        + "</ul></body></html>"
    )


def job(path: str) -> Job:
    ref = {
        "name": "html",
        "section": "og",
        "options": {"url": f"https://{SITE}{path}", "selectors": SELECTORS},
    }
    return Job.model_validate(
        {"name": "og", "title": "{date} og", "slug": "og", "thumbnails": True, "sources": [ref]}
    )


def run(server: PageServer, tmp: Path, path: str) -> tuple[str, list[str]]:
    """The post text and the source's notes of one run of the og job over ``path``."""
    cfg = Config.model_validate(
        {
            "fetch": {"host_map": {SITE: server.origin}, **FAST_FETCH},
            "output": {"dir": str(tmp / "_posts")},
            "sources": {"html": {"min_items": 1}},
        }
    )
    report, posts = pipeline.run([job(path)], DAY, config=cfg, now=NOW)
    (result,) = report.jobs
    assert report.exit_code == 0, (result.status, result.message)
    (post,) = posts
    return post.text, list(result.sources[0].notes)


def images(text: str) -> list[str]:
    """The image URLs of a daily list post, in order."""
    return [
        line.split("](", 1)[1].split("){:", 1)[0]
        for line in text.splitlines()
        if line.startswith("![")
    ]


def test_an_og_image_inside_is_left_out_however_it_is_spelled(
    page_server: PageServer, tmp_path: Path
) -> None:
    cards = []
    for n, image in enumerate(INSIDE):
        page_server.add(f"/in/{n}.html", article_page(image))
        cards.append((f"/in/{n}.html", f"inside {n}", ""))
    for n, (image, _) in enumerate(GOOD):
        page_server.add(f"/ok/{n}.html", article_page(image))
        cards.append((f"/ok/{n}.html", f"good {n}", ""))
    page_server.add("/list.html", list_page(cards))
    text, notes = run(page_server, tmp_path, "/list.html")
    assert images(text) == [shown for _, shown in GOOD]
    assert text.count("## [") == len(INSIDE) + len(GOOD)  # each article kept, imageless
    for host in ("127.", "localhost", "10.0.0.1", "169.254", "[", ".internal", "0x7f"):
        assert f"//{host}" not in text.replace("## [", ""), host
    assert any(f"{len(INSIDE)} og:image URL(s) left out" in n for n in notes), notes


def test_a_refused_og_image_gives_way_to_the_next_candidate(
    page_server: PageServer, tmp_path: Path
) -> None:
    """A page names an inside og:image first and a usable one after it (a second og:image,
    twitter:image or image_src): the post shows the usable one, the notes name the other."""
    later = [
        '<meta property="og:image" content="https://img.example.com/og2.jpg">',
        '<meta name="twitter:image" content="https://img.example.com/tw.jpg">',
        '<link rel="image_src" href="/img/src.jpg">',
    ]
    cards = []
    for n, tag in enumerate(later):
        page = article_page(INSIDE[n]).replace("<title>", f"{tag}<title>")
        page_server.add(f"/two/{n}.html", page)
        cards.append((f"/two/{n}.html", f"two {n}", ""))
    page_server.add("/list.html", list_page(cards))
    text, notes = run(page_server, tmp_path, "/list.html")
    assert images(text) == [
        "https://img.example.com/og2.jpg",
        "https://img.example.com/tw.jpg",
        f"https://{SITE}/img/src.jpg",
    ]
    assert any(f"3 og:image URL(s) left out, first {INSIDE[0]}" in n for n in notes), notes


def test_the_list_and_the_page_drop_the_same_images(
    page_server: PageServer, tmp_path: Path
) -> None:
    """The same inside URLs as list thumbnails: the same post, image for image."""
    cards = [(f"/ok/{n}.html", f"t{n}", img) for n, img in enumerate(INSIDE)]
    cards += [(f"/ok/{n + len(INSIDE)}.html", f"g{n}", img) for n, (img, _) in enumerate(GOOD)]
    for link, _, _ in cards:  # the pages have no image: only the list's count
        page_server.add(link, article_page(""))
    page_server.add("/list.html", list_page(cards))
    text, _ = run(page_server, tmp_path, "/list.html")
    assert images(text) == [shown for _, shown in GOOD]


# --- the two paths agree on any URL: the og:image of a page and a list's thumbnail

GATE = Gate.of({SITE: "http://127.0.0.1:8701"})
PAGE = f"https://{SITE}/art/1.html"
HTML_SOURCE = sources.get("html")
REF = job("/list.html").sources[0]
RULES = items.Rules(HTML_SOURCE, REF, 100, 10, GATE)


def from_list(href: str) -> str | None:
    raw = [(PAGE, RawItem(title="t", url=PAGE, thumbnail=href))]
    (article,) = items.articles(raw, RULES, NOW, lambda reason, why: None)
    return article.thumbnail


class InProcess:
    """``fetch.workers.Workers`` without the processes: reads a page here, at once."""

    async def run(self, fn: Callable[..., T], *args: object, **_: object) -> T:
        return fn(*args)


class OnePage:
    """A fetcher whose every article page is ``html``, behind ``GATE`` (a Fetcher's parts)."""

    def __init__(self, html: str) -> None:
        self.html, self.gate, self.config = html, GATE, FetchConfig()
        self.workers = InProcess()

    async def get(self, url: str, **_: object) -> Page:
        return Page(url, self.html)


def from_page(href: str) -> str | None:
    """The thumbnail ``pages.thumbnails`` gives an article whose page's og:image is ``href``."""
    article = Article(id="1", title="t", url=PAGE, source="html")
    fetcher = OnePage(article_page(href))
    found = pages.thumbnails(fetcher, [article], source="html", obey_robots=False, tally=Tally())  # type: ignore[arg-type]
    (filled,) = asyncio.run(found)
    return filled.thumbnail


def v4() -> st.SearchStrategy[str]:
    """An inside IPv4 address in one of the spellings a resolver reads."""
    inside = st.sampled_from([0x7F000001, 0x7F0000FF, 0x0A000001, 0xC0A80101, 0xA9FEA9FE, 0])
    return st.tuples(inside, st.integers(0, 3)).map(lambda t: _spell(*t))


def _spell(ip: int, how: int) -> str:
    parts = [(ip >> s) & 0xFF for s in (24, 16, 8, 0)]
    if how == 0:
        return str(ip)  # 2130706433
    if how == 1:
        return hex(ip)  # 0x7f000001
    if how == 2:
        return ".".join(f"0{p:o}" for p in parts)  # 0177.0.0.01
    return f"{parts[0]:#x}.{(ip & 0xFFFFFF)}"  # 0x7f.1


HOSTS = st.one_of(
    v4(),
    st.sampled_from(
        ["localhost", "localhost.", "LocalHost", "x.internal", "x.INTERNAL.", "a.local",
         "[::1]", "[::ffff:127.0.0.1]", "[::ffff:a9fe:a9fe]", "[0:0:0:0:0:0:0:1]", "[::]",
         "news.example.com", "img.example.com", "8.8.8.8", "[2606:4700::1111]"]
    ),
)  # fmt: skip
HREFS = st.one_of(
    st.builds(
        lambda scheme, host, port, path: f"{scheme}{host}{port}/{path}",
        st.sampled_from(["http://", "https://", "//", "HTTP://", "javascript://", "\\\\"]),
        HOSTS,
        st.sampled_from(["", ":80", ":8701", ":99999"]),
        st.text(st.sampled_from('ab /\\"<>|%?#한'), max_size=8),
    ),
    # any text but NUL, which the HTML parser itself turns into U+FFFD
    st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(HREFS)
def test_og_image_and_list_thumbnail_agree_on_any_url(href: str) -> None:
    listed = from_list(href)
    if listed and meta.PIXEL.search(urlsplit(listed).path):
        listed = None  # a pixel-named file is never a page's lead image (extract.meta)
    assert from_page(href) == listed


@settings(max_examples=300, deadline=None)
@given(v4(), st.sampled_from(["", ":80", ":8701"]))
def test_no_spelling_of_an_inside_v4_address_is_an_image(host: str, port: str) -> None:
    assert from_page(f"http://{host}{port}/og.jpg") is None


@pytest.mark.parametrize("href", INSIDE)
def test_each_inside_spelling_is_refused_by_both_paths(href: str) -> None:
    assert from_page(href) is None and from_list(href) is None


# --- the digest (seed 001): what an article page says about URLs never reaches the post


def digest_job(path: str) -> Job:
    ref = job(path).sources[0].model_dump(include={"name", "section", "options"})
    return Job.model_validate(
        {
            "name": "dg",
            "title": "{date} AI",
            "slug": "dg",
            "style": "digest",
            "allow_partial": True,
            "digest": {"keywords": ["AI"], "max_articles": 20, "min_chars": 20},
            "sources": [ref],
        }
    )


def test_a_digest_links_the_list_link_whatever_the_page_says(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Each page moves (a redirect on its own host) and names an inside canonical link,
    og:url and og:image; the digest's source line is still the list's own link."""
    inside = INSIDE[: len(INSIDE) // 2]
    cards = []
    for n, where in enumerate(inside):
        page_server.add(f"/a/{n}.html", b"", status=302, Location=f"/moved/{n}.html")
        words = " ".join(f"낱말{n * 31 + k}" for k in range(12))  # each article its own text
        body = f"<p>인공지능 AI 기사 {n}번의 본문입니다. {words} 문장이 충분히 깁니다.</p>" * 3
        page_server.add(
            f"/moved/{n}.html",
            f'<html><head><link rel="canonical" href="{html.escape(where)}">'
            f'<meta property="og:url" content="{html.escape(where)}">'
            f'<meta property="og:image" content="{html.escape(where)}">'
            f"<title>AI {n}</title></head><body><article>{body}</article></body></html>",
        )
        cards.append((f"/a/{n}.html", f"AI 기사 {n}: 주제 {n * 7919 % 101}번 소식", ""))
    page_server.add("/list.html", list_page(cards))
    cfg = Config.model_validate(
        {
            "fetch": {"host_map": {SITE: page_server.origin}, **FAST_FETCH},
            "output": {"dir": str(tmp_path / "_posts")},
            "sources": {"html": {"min_items": 1}},
        }
    )
    report, posts = pipeline.run([digest_job("/list.html")], DAY, config=cfg, now=NOW)
    assert report.exit_code == 0, report.jobs[0].message
    assert report.jobs[0].digest is not None and report.jobs[0].digest.fetched == len(inside)
    (post,) = posts
    sources = re.findall(r"^\[.*\]\((\S+)\) - 발행일: ", post.text, re.M)
    assert sorted(sources) == sorted(f"https://{SITE}/a/{n}.html" for n in range(len(inside)))
    assert "/moved/" not in post.text and "![" not in post.text
    for host in ("127.", "localhost", "10.0.0.1", "169.254", "[", "0x7f", "2130706433"):
        assert f"//{host}" not in post.text.replace("## [", ""), host
