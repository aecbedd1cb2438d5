"""An article page's lead image: every candidate a page names, best first, and the one a run shows.

Candidates come from ``extract.meta.lead_images`` (og:image family, then twitter:image,
then ``<link rel="image_src">``); which one a post shows is ``pipeline.items.first_image``,
the first the URL gate lets through.
"""

from __future__ import annotations

import html
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsbot.extract import meta
from newsbot.fetch.charset import decode
from newsbot.fetch.gate import Gate
from newsbot.pipeline import items

PAGE = "https://news.example.com/2026/12/02/story.html"

# Every HTML page in ../shared/fixtures and the image it gave before candidates existed
# (the first og:image, else twitter:image), read with its own URL as the base.
REAL = {
    "naver/article-421-0008770777-20260212.html": (
        "https://n.news.naver.com/article/421/0008770777",
        "https://imgnews.pstatic.net/image/421/2026/02/12/0008770777_001_20260212103013218.jpg?type=w800",
    ),
    "naver/article-437-0000483987-20260321.html": (
        "https://n.news.naver.com/article/437/0000483987",
        "https://imgnews.pstatic.net/image/437/2026/03/21/0000483987_001_20260321194311069.jpg?type=w800",
    ),
    "naver/article-607-0000001728-20231102.html": (
        "https://n.news.naver.com/article/607/0000001728",
        "https://imgnews.pstatic.net/image/607/2023/11/02/0000001728_001_20231102200613720.jpg?type=w800",
    ),
    "naver/article-legacy-read-naver-001-0009205077-fetched2022.html": (
        "https://news.naver.com/main/read.naver?oid=001&aid=0009205077",
        "https://ssl.pstatic.net/static.news/image/news/ogtag/navernews_200x200_20160804.png",
    ),
    "naver/list-ls2d-sid1-100-sid2-267-date-20170101-fetched2022.html": (
        "https://news.naver.com/main/list.naver?mode=LS2D&sid1=100&sid2=267&date=20170101",
        "https://ssl.pstatic.net/static.news/image/news/ogtag/navernews_200x200_20160804.png",
    ),
    "naver/list-ls2d-sid1-102-sid2-254-date-20170427-fetched2022.html": (
        "https://news.naver.com/main/list.naver?mode=LS2D&sid1=102&sid2=254&date=20170427",
        "https://ssl.pstatic.net/static.news/image/news/ogtag/navernews_200x200_20160804.png",
    ),
    "naver/section-100-20250826-dom-excerpt.html": ("https://news.naver.com/section/100", None),
    "sina/article-news-c-iihnzahi3275702-20191125-dom.html": (
        "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
        "http://n.sinaimg.cn/news/crawl/89/w550h339/20191125/2b6c-iittafs2905468.jpg",
    ),
    "sina/article-tech-iicezzrq4972166-20190911-dom.html": (
        "https://tech.sina.com.cn/t/2019-09-11/doc-iicezzrq4972166.shtml",
        "https://n.sinaimg.cn/tech/transform/667/w400h267/20190911/d507-iekuaqt6896952.png",
    ),
    "sina/news-sina-cn-mobile-home-2018-gbk-bytes-utf8-meta.html": ("https://news.sina.cn/", None),
}


def candidates(head: str, base: str = PAGE) -> list[str]:
    return meta.lead_images(
        LexborHTMLParser(f"<html><head>{head}</head><body></body></html>"), base
    )


def og(content: str, key: str = "og:image", attr: str = "property") -> str:
    return f'<meta {attr}="{key}" content="{html.escape(content)}">'


def test_every_real_page_still_gives_the_image_it_gave(shared_fixtures: Path) -> None:
    found = sorted(str(p.relative_to(shared_fixtures)) for p in shared_fixtures.rglob("*.htm*"))
    assert found == sorted(REAL), "a fixture page was added or removed: pin its image here"
    for name, (url, expected) in REAL.items():
        text, _ = decode((shared_fixtures / name).read_bytes())
        got = meta.lead_images(LexborHTMLParser(text), url)
        assert (got[0] if got else None) == expected, name
        assert items.first_image(got, Gate())[0] == expected, name  # all public: shown


def test_a_real_naver_page_names_its_twitter_image_after_its_og_image(
    shared_fixtures: Path,
) -> None:
    name = "naver/article-421-0008770777-20260212.html"
    text, _ = decode((shared_fixtures / name).read_bytes())
    # og:image and twitter:image are one URL there: one candidate, never two
    assert meta.lead_images(LexborHTMLParser(text), REAL[name][0]) == [REAL[name][1]]


def test_unusable_og_images_are_skipped_and_a_relative_one_resolved() -> None:
    head = (
        og("")
        + og("   ")
        + og("data:image/gif;base64,R0lGODlhAQABAAAAACw=")
        + og("javascript:alert(1)")
        + og("java\tscript:alert(1)")
        + og("#top")
        + og("/img/lead one.jpg")
        + og("//cdn.example.net/lead.jpg")
    )
    assert candidates(head) == [
        "https://news.example.com/img/lead%20one.jpg",
        "https://cdn.example.net/lead.jpg",
    ]


def test_a_tracking_pixel_is_not_the_lead_image() -> None:
    sized = og("https://t.example.com/beacon?id=1") + og("1", "og:image:width")
    named = og("https://img.example.com/spacer.gif") + og("https://img.example.com/x/1x1.gif")
    real = og("https://img.example.com/lead.jpg") + og("800", "og:image:width")
    assert candidates(sized + named + real) == ["https://img.example.com/lead.jpg"]
    # a width or height is that of the og:image it follows
    assert candidates(og("https://img.example.com/a.jpg") + og("0", "og:image:height")) == []


def test_the_og_image_family_then_twitter_then_image_src() -> None:
    head = (
        '<link rel="IMAGE_SRC preload" href="/linked.jpg">'
        + og("https://img.example.com/tw-src.jpg", "twitter:image:src", "name")
        + og("https://img.example.com/tw.jpg", "twitter:image", "property")
        + og("http://img.example.com/first.jpg")
        + og("https://img.example.com/first.jpg", "og:image:secure_url")
        + og("https://img.example.com/second.jpg", "og:image:url")
        + og("https://img.example.com/third.jpg", "OG:Image ", "name")
    )
    assert candidates(head) == [
        "https://img.example.com/first.jpg",  # secure_url before its own og:image
        "http://img.example.com/first.jpg",
        "https://img.example.com/second.jpg",
        "https://img.example.com/third.jpg",
        "https://img.example.com/tw-src.jpg",  # twitter:image and :src in page order
        "https://img.example.com/tw.jpg",
        "https://news.example.com/linked.jpg",
    ]


def test_a_lone_secure_url_or_image_src_is_enough() -> None:
    assert candidates(og("https://img.example.com/s.jpg", "og:image:secure_url")) == [
        "https://img.example.com/s.jpg"
    ]
    assert candidates('<link rel="image_src" href="i.jpg">') == [
        "https://news.example.com/2026/12/02/i.jpg"
    ]
    assert candidates('<link rel="icon" href="/favicon.png">') == []


def test_relative_images_resolve_against_the_page_as_every_link_does() -> None:
    """newsbot resolves list links and thumbnails against the page URL, not <base href>."""
    head = '<base href="https://elsewhere.example.org/">' + og("lead.jpg")
    assert candidates(head) == ["https://news.example.com/2026/12/02/lead.jpg"]


def test_a_page_of_thousands_of_images_gives_a_few() -> None:
    head = "".join(og(f"https://img.example.com/{n % 50}.jpg") for n in range(5000))
    got = candidates(head)
    assert got == [f"https://img.example.com/{n}.jpg" for n in range(meta.MAX_IMAGES)]


INSIDE = "http://169.254.169.254/latest/meta-data/og.jpg"


def test_a_run_shows_the_first_candidate_the_gate_lets_through() -> None:
    head = og(INSIDE) + og("http://localhost/og.jpg") + og("https://img.example.com/ok.jpg")
    shown, refused = items.first_image(candidates(head), Gate())
    assert shown == "https://img.example.com/ok.jpg"
    assert [url for url, _ in refused] == [INSIDE, "http://localhost/og.jpg"]
    assert refused[0][1] == "169.254.169.254 is a non-public address (169.254.169.254)"
    assert items.first_image(candidates(og(INSIDE)), Gate()) == (None, [(INSIDE, refused[0][1])])
    # a host_map key passes the gate as any of a run's links does
    mapped = Gate.of({"169.254.169.254": "http://127.0.0.1:8701"})
    assert items.first_image([INSIDE], mapped) == (INSIDE, [])


KEYS = st.sampled_from(
    ["og:image", "og:image:url", "og:image:secure_url", "og:image:width", "og:image:height",
     "twitter:image", "twitter:image:src", "OG:IMAGE", " og:image ", "og:title", ""]
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(
        ["", "1", "0", "/a.jpg", "//x.example/b.jpg", "data:,x", "javascript:x", "http://127.1/",
         "https://[::1]/a.jpg", "http://a:99999/", "https://img.example.com/1x1.gif", "\\\\h\\i"]
    ),
    st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=40),
)  # fmt: skip
TAGS = st.one_of(
    st.builds(
        lambda attr, key, value: (
            f'<meta {attr}="{html.escape(key)}" content="{html.escape(value)}">'
        ),
        st.sampled_from(["property", "name", "itemprop"]),
        KEYS,
        VALUES,
    ),
    st.builds(
        lambda rel, value: f'<link rel="{html.escape(rel)}" href="{html.escape(value)}">',
        st.sampled_from(["image_src", "Image_Src icon", "icon", ""]),
        VALUES,
    ),
    st.sampled_from(['<meta property="og:image">', "<meta content='/x.jpg'>", "<link href>"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TAGS, max_size=30))
def test_any_markup_gives_few_distinct_absolute_images_and_the_shown_one_passes(
    tags: list[str],
) -> None:
    got = candidates("".join(tags))
    assert len(got) == len(set(got)) <= meta.MAX_IMAGES
    assert all(u.startswith(("http://", "https://")) and "#" not in u for u in got)
    gate = Gate()
    shown, refused = items.first_image(got, gate)
    assert shown is None or gate.refusal(shown) is None
    assert all(gate.refusal(url) == why for url, why in refused)
    assert [u for u, _ in refused] == got[: len(refused)]
