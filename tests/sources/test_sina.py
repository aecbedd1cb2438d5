"""The Sina adapter against every real Sina file in ../shared and our own roll-API page."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from newsbot.dates import KST
from newsbot.errors import LayoutChanged
from newsbot.fetch.charset import decode
from newsbot.fetch.page import Page
from newsbot.models import Article, RawItem
from newsbot.normalize import to_article
from newsbot.sources import sina
from newsbot.sources.base import ListRequest
from tests.conftest import PAGES, shared_files
from tests.sources.counting import counted

NOW = datetime(2018, 9, 28, 21, 0, tzinfo=KST)
TODAY = ListRequest(day=date(2018, 9, 28), section="2515", now=NOW)
ROLL = "https://feed.mix.sina.com.cn/api/roll/get?pageid=153&lid=2515&k=&num=50&page=1"
MOBILE = "https://news.sina.cn/?vt=4"
TIANYI = "cre-mix-tianyi-wnews-20180928.json"
MOBILE_HOME = "news-sina-cn-mobile-home-2018-gbk-bytes-utf8-meta.html"


def _page(path: Path, url: str, content_type: str = "") -> Page:
    text, encoding = decode(path.read_bytes(), content_type)
    return Page(url, text, encoding=encoding)


def _articles(page: Page, req: ListRequest = TODAY) -> list[Article]:
    return [
        to_article(
            item,
            source="sina",
            section=req.section,
            base_url=page.url,
            now=req.now,
            snippet_chars=120,
            canonical=sina.canonical_url,
            article_id=sina.article_id,
        )
        for item in sina.parse(page, sina.SELECTORS, req)
    ]


@pytest.mark.parametrize("path", shared_files("sina"), ids=lambda p: p.name)
def test_every_real_sina_file(path: Path) -> None:
    page = _page(path, ROLL if path.suffix == ".json" else MOBILE, "text/html; charset=utf-8")
    assert "\ufffd" not in page.text
    if path.name.startswith("article-"):
        with pytest.raises(LayoutChanged, match="list_item"):
            sina.parse(page, sina.SELECTORS, TODAY)  # an article is not a list
        return
    items = sina.parse(page, sina.SELECTORS, TODAY)
    assert len(items) == (18 if path.suffix == ".json" else 10)
    assert all(i.title.strip() and i.url for i in items)


def test_tianyi_feed_exact_items(shared_fixtures: Path) -> None:
    arts = _articles(_page(shared_fixtures / "sina" / TIANYI, ROLL))
    first, third, last = arts[0], arts[2], arts[-1]
    assert first.title == "天安门城楼更换毛主席画像 60多年经历8次更换"
    assert first.url == "https://news.sina.com.cn/c/2018-09-28/doc-ifxeuwwr9218647.shtml"
    assert first.id == "sina:fxeuwwr9218647"  # the feed's own docid
    assert first.thumbnail == (
        "https://n.sinaimg.cn/translate/135/w468h467/20180928/cLBQ-hkmwytp7285045.jpg"
    )
    assert first.press == "新京报"
    # ctime 1538128408 is 17:53:28 in Beijing, 18:53:28 in Seoul
    assert first.published_at == datetime(2018, 9, 28, 18, 53, 28, tzinfo=KST)
    assert first.published_at.utcoffset() == KST.utcoffset(first.published_at)
    assert third.title == "今年以来已3名原中顾委委员离世 目前仅6元老健在"
    assert third.url == "https://news.sina.com.cn/o/2018-09-28/doc-ifxeuwwr9106729.shtml"
    assert third.thumbnail is None  # empty "thumb" in the feed
    assert third.published_at == datetime(2018, 9, 28, 14, 0, tzinfo=KST)
    assert last.title == "联大会议上，越南总理谈及南海问题"
    assert last.url == "https://k.sina.com.cn/article_3057540037_b63e5bc502000bg5u.html"
    assert last.id == "sina:k/3057540037_b63e5bc502000bg5u"
    assert last.thumbnail == (
        "https://n.sinaimg.cn/front/27/w480h347/20180928/10d8-hkrzyam1194956.jpg"
    )
    assert last.published_at == datetime(2018, 9, 28, 14, 46, 15, tzinfo=KST)
    assert "?" not in "".join(a.url for a in arts)  # cre=…&loc=… tracking gone


def test_gbk_mobile_list_under_a_utf8_meta(shared_fixtures: Path) -> None:
    page = _page(shared_fixtures / "sina" / MOBILE_HOME, MOBILE, "text/html; charset=utf-8")
    assert page.encoding == "gb18030"  # bytes win over the lying header and meta
    arts = _articles(page)
    assert [a.title for a in arts[:3]] == [
        "钱塘江大潮来袭 吸引众多“观潮客”",
        "政面：新西兰总理抱娃去联合国大会",
        "惊艳了特朗普的金漆镶嵌技艺",
    ]
    assert [a.url for a in arts[:3]] == [  # ?vt=4&pos=3&ch=1 tracking dropped
        "https://photo.sina.cn/album_1_2841_322241.htm",
        "https://photo.sina.cn/album_1_88610_322221.htm",
        "https://photo.sina.cn/album_1_88956_322022.htm",
    ]
    assert arts[0].id == "sina:album/1_2841_322241"
    assert arts[0].thumbnail == (
        "https://k.sinaimg.cn/n/news/transform/310/w710h400/20180928/"
        "irP8-hikxxnc3471618.jpg/w710h340z1l1t146c.jpg"
    )
    # the third slide's src is a data: placeholder; the real image is in data-src
    assert arts[2].thumbnail == (
        "https://k.sinaimg.cn/n/news/310/w710h400/20180928/"
        "HFnF-hikxxnc3454882.jpg/w710h340z1l1t1ce1.jpg"
    )
    assert arts[1].thumbnail == (
        "https://k.sinaimg.cn/n/news/transform/310/w710h400/20180928/"
        "uC7e-hhuhisn3628927.jpg/w710h340z1l1t1ab2.jpg"
    )
    assert arts[7].url == "http://aipai.sina.com.cn/activity/detail/513/"  # not an article id
    assert arts[7].id == "https://aipai.sina.com.cn/activity/detail/513/"  # the URL, as https
    assert arts[8].title == '"绵羊大军"行万米过冬 占领公路'  # &quot; decoded
    video = arts[9]
    assert video.url == "https://video.sina.cn/news/o/2018-09-27/detail-ifxeuwwr8654157.d.html"
    assert video.id == "sina:fxeuwwr8654157"  # the same id as its doc- page would have
    assert all(a.published_at is None for a in arts)  # the focus list prints no times


def test_roll_api_shape_and_beijing_times() -> None:
    page = _page(PAGES / "sina" / "roll_lid2515_page1.json", ROLL)
    req = ListRequest(
        day=date(2025, 2, 4), section="2515", now=datetime(2025, 2, 4, 22, 0, tzinfo=KST)
    )
    arts = _articles(page, req)
    assert [a.title for a in arts] == [
        "DeepSeek模型上线华为云 性能对标GPT-4o",
        "苹果测试折叠屏iPhone 最快2026年发布",
        "小米SU7 Ultra订单破万",
    ]
    assert arts[0].url == "https://tech.sina.com.cn/i/2025-02-04/doc-inehtwxy1234567.shtml"
    assert (
        arts[0].thumbnail
        == "https://n.sinaimg.cn/spider20250204/560/w1080h1080/20250204/7a1c-abc.jpg"
    )
    assert arts[0].press == "新浪科技"
    assert arts[0].published_at == datetime(2025, 2, 4, 20, 41, tzinfo=KST)
    assert arts[1].snippet == "据报道，苹果正在测试折叠屏iPhone。"  # summary when intro is empty
    assert arts[1].thumbnail == "https://n.sinaimg.cn/finance/20250204/iphone.png"
    assert arts[2].url == "https://tech.sina.com.cn/roll/2025-02-03/doc-inehtwxy3456789.shtml"
    assert arts[2].published_at == datetime(2025, 2, 4, 0, 50, tzinfo=KST)  # 02-03 in Beijing


def test_past_day_keeps_that_kst_day_only() -> None:
    page = _page(PAGES / "sina" / "roll_lid2515_page1.json", ROLL)
    later = datetime(2025, 2, 6, 9, 0, tzinfo=KST)
    past = ListRequest(day=date(2025, 2, 4), section="2515", now=later)
    assert len(sina.parse(page, sina.SELECTORS, past)) == 3  # 23:50 Beijing is 00:50 KST
    day_before = replace(past, day=date(2025, 2, 3))
    assert sina.parse(page, sina.SELECTORS, day_before) == []
    assert "no date archive" in sina.notes(past)[0] and sina.notes(TODAY) == []


def test_pages_follow_the_option_up_to_the_cap() -> None:
    assert sina.urls(TODAY) == [ROLL]
    many = replace(TODAY, options=sina.Options(pages=9), max_pages=3)
    assert [u[-6:] for u in sina.urls(many)] == ["page=1", "page=2", "page=3"]
    past = ListRequest(day=date(2018, 9, 1), section="2509", now=NOW, max_pages=5)
    assert len(sina.urls(past)) == sina.PAST_DAY_PAGES and "lid=2509" in sina.urls(past)[0]
    html = replace(TODAY, options=sina.Options(list_url="https://news.sina.cn/"))
    assert sina.urls(html) == ["https://news.sina.cn/"]


@pytest.mark.parametrize(
    "body",
    ['{"result": {"status": {"code": 1, "msg": "fail"}, "data": []}}', '{"oops": 1}', "{not json"],
)
def test_broken_api_answers_are_layout_changes(body: str) -> None:
    with pytest.raises(LayoutChanged, match="roll API"):
        sina.parse(Page(ROLL, body), sina.SELECTORS, TODAY)


def test_an_empty_last_page_is_not_an_error() -> None:
    body = '{"result": {"status": {"code": 0, "msg": "succ"}, "data": []}}'
    assert sina.parse(Page(ROLL, body), sina.SELECTORS, TODAY) == []


def test_selector_override_repairs_a_changed_list_layout(shared_fixtures: Path) -> None:
    page = _page(shared_fixtures / "sina" / MOBILE_HOME, MOBILE)
    changed = Page(page.url, page.text.replace("swiper-slide", "focus-card"))
    with pytest.raises(LayoutChanged, match="list_item"):
        sina.parse(changed, sina.SELECTORS, TODAY)
    repaired = dict(sina.SELECTORS, list_item="ul.swiper-wrapper > li.focus-card")
    assert len(sina.parse(changed, repaired, TODAY)) == 10


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://news.sina.com.cn/c/2018-09-28/doc-ifxeuwwr9218647.shtml?cre=tianyi&loc=3",
            "https://news.sina.com.cn/c/2018-09-28/doc-ifxeuwwr9218647.shtml",
        ),
        (
            "http://t.cj.sina.com.cn/articles/view/6479293414/182322be600100i6z0?cre=tianyi",
            "https://t.cj.sina.com.cn/articles/view/6479293414/182322be600100i6z0",
        ),
        (
            "http://news.sina.cn/roll.d.html?vt=4&pos=3&page=2",
            "http://news.sina.cn/roll.d.html?page=2",
        ),
        ("https://example.com/a?vt=4", "https://example.com/a?vt=4"),
    ],
)
def test_canonical_urls(url: str, expected: str) -> None:
    assert sina.canonical_url(url) == expected


def test_pc_and_mobile_links_share_an_id() -> None:
    pc = "https://news.sina.com.cn/c/2018-09-28/doc-ifxeuwwr9218647.shtml"
    mobile = "http://news.sina.cn/gn/2018-09-28/detail-ifxeuwwr9218647.d.html?cre=tianyi"
    assert sina.article_id(pc) == sina.article_id(mobile) == "sina:fxeuwwr9218647"
    assert sina.article_id("https://example.com/doc-iabcdefgh12345.shtml") is None


def test_raw_items_keep_the_offset() -> None:
    page = _page(PAGES / "sina" / "roll_lid2515_page1.json", ROLL)
    item: RawItem = sina.parse(page, sina.SELECTORS, TODAY)[0]
    assert item.published == "2025-02-04T19:41:00+08:00"


def test_roll_api_text_written_for_html_is_decoded_once() -> None:
    """The roll API's title, intro and media are HTML text: ``&quot;`` is a quote, and
    ``&amp;lt;`` the visible text ``&lt;``, not a tag."""
    import json

    row = {
        "title": "&quot;绵羊大军&quot; AT&amp;T &amp;lt;b&amp;gt;",
        "url": "https://tech.sina.com.cn/i/2025-02-04/doc-inehtwxy1234567.shtml",
        "intro": "华为&amp;小米",
        "media_name": "新浪&nbsp;科技",
        "ctime": "1738669260",
    }
    body = {"result": {"status": {"code": 0, "msg": "succ"}, "data": [row]}}
    (art,) = _articles(Page(ROLL, json.dumps(body)), TODAY)
    assert art.title == '"绵羊大军" AT&T &lt;b&gt;'
    assert (art.snippet, art.press) == ("华为&小米", "新浪 科技")


def test_a_past_day_hands_on_a_row_without_a_time_as_undated() -> None:
    """A row whose time is missing or unreadable may be that day's or not: it is handed on
    marked ``undated`` (the report counts it), not silently dropped."""
    raw = (PAGES / "sina" / "roll_lid2515_page1.json").read_text(encoding="utf-8")
    raw = raw.replace('"ctime":"1738669260","intime":"1738669262"', '"ctime":"soon"', 1)
    page = Page(ROLL, raw, encoding="utf-8")
    past = ListRequest(
        day=date(2025, 2, 4), section="2515", now=datetime(2025, 2, 6, 9, tzinfo=KST)
    )
    got = sina.parse(page, sina.SELECTORS, past)
    assert [i.dropped for i in got] == ["undated", "", ""]
    assert "DeepSeek" in got[0].title


def test_a_roll_row_without_a_title_or_link_is_counted_not_lost() -> None:
    """A row with one of the two goes on to be counted as what it lacks (so that a broken
    API shows as ``no_link``, never as a list silently shorter); a row of neither (no
    article at all) and a row that is no object are no items; a title or link that is not text
    (an object, a list) is missing, not read as ``str()`` of it."""
    url = "https://news.sina.com.cn/c/2018-09-28/doc-ifxeuwwr{:07d}.shtml"
    rows = [{"title": f"新闻 {n}", "url": url.format(n), "ctime": "1538128408"} for n in range(5)]
    rows += [{"title": "无链接", "ctime": "1538128408"}, {"url": url.format(9), "title": ""}]
    rows += [{"ctime": "1538128408"}, "a string", 7]
    rows += [{"title": "链接是对象", "url": {"a": 1}}, {"title": ["数组"], "url": url.format(8)}]
    body = json.dumps({"result": {"status": {"code": 0}, "data": rows}})
    assert counted(sina, Page(ROLL, body), TODAY) == (5, {"no_link": 2, "empty_title": 2})


def test_a_slide_without_a_link_is_counted_not_lost() -> None:
    slides = [f"<li class='swiper-slide'><a href='https://news.sina.cn/{n}.d.html'><h2>新闻 {n}</h2></a></li>"
              for n in range(4)]  # fmt: skip
    slides += ["<li class='swiper-slide'><h2>无链接</h2></li>", "<li class='swiper-slide'></li>"]
    slides += ["<li class='swiper-slide'><a href='https://news.sina.cn/x.d.html'><img></a></li>"]
    page = Page(MOBILE, f"<ul class='swiper-wrapper'>{''.join(slides)}</ul>")
    assert counted(sina, page, TODAY) == (4, {"no_link": 1, "empty_title": 1})
