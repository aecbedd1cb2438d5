"""Sina (新浪) news: the roll-news JSON API, and HTML list pages where it does not serve.

A numeric ``section`` is a roll-API channel ``lid`` (2515 = 科技, tech); the
source reads ``options.pages`` pages of it (capped by ``max_pages``). A job
that needs a list the API does not serve names it with ``options.list_url``;
that page is parsed with the ``list_*`` selectors below.

The roll API has no date parameter, so a past ``--date`` pages back through the
roll list (up to the cap) and keeps only items published on that day (KST);
every run that does so says it.

Facts and their grade (``docs/SITES.md``): the roll API URL and its
``result.status.code`` / ``result.data[]`` shape with ``title``, ``url``,
``intro``, ``media_name``, ``ctime`` (epoch seconds, strings) are second-hand
(RSSHub code; no real roll response exists). The flat shape of the sibling
"tianyi" feed (``status`` and ``data`` at the top, ``media``, ``thumb``) is
seen in a real file and read the same way. The ``news.sina.cn`` list markup
(``li.swiper-slide``, lazy ``data-src`` images) is seen in a real page saved as
GBK bytes under a UTF-8 ``<meta>``; ``charset`` decodes such pages by their
bytes, and gb2312/gbk labels as gb18030. Times are Beijing time (+08:00),
stored aware and converted to KST. The API wants ``Referer:
https://news.sina.com.cn/`` (RSSHub sends it), so every request of this source
carries it (``HEADERS``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import Field, field_validator
from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.dates import CST
from newsbot.errors import LayoutChanged
from newsbot.extract.rules import Rule
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources.base import Defaults, ListRequest, SourceOptions
from newsbot.sources.markup import lazy_image, text

NAME = "sina"
LABEL = "新浪新闻"

SELECTORS: Mapping[str, str] = {
    # HTML list pages (news.sina.cn channel pages: the focus list)
    "list_item": "ul.swiper-wrapper > li.swiper-slide",
    "list_link": "a[href]",
    "list_title": "em.swiper-slide_tit, h2",
    "list_thumbnail": "img",
    "list_time": "time, span.time",
    "list_snippet": "p.summary",
}

DEFAULTS = Defaults(min_items=5, max_items=50, max_pages=5)
HEADERS: Mapping[str, str] = {"Referer": "https://news.sina.com.cn/"}  # the roll API wants it
# MIME types fetch accepts for this source's pages (the roll API answers JSON or JSONP)
CONTENT_TYPES: Sequence[str] = [
    "application/json",
    "text/json",
    "application/javascript",
    "text/javascript",
    "application/x-javascript",
    "text/plain",
    "text/html",  # options.list_url: an HTML list page
    "application/xhtml+xml",
]

ROLL_URL = (
    "https://feed.mix.sina.com.cn/api/roll/get?pageid={pageid}&lid={lid}&k=&num={num}&page={page}"
)
DEFAULT_LID = "2515"  # 科技
DEFAULT_PAGEID = "153"
PAGE_SIZE = 50  # the API's maximum
PAST_DAY_PAGES = 5  # how far back a past --date pages (still capped by max_pages)


class Options(SourceOptions):
    """``options`` of a sina source in a job file."""

    pageid: str = Field(DEFAULT_PAGEID, description="the roll API's pageid")
    list_url: str | None = Field(None, description="read this HTML list page instead of the API")

    @field_validator("pageid", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        # pageid = 2509 reads as "2509"; true is an int to Python, never a page id
        plain_int = isinstance(value, int) and not isinstance(value, bool)
        return str(value) if plain_int else value


ARTICLE = Rule(
    NAME,
    ("sina.com.cn", "sina.cn"),
    {
        "title": "h1.main-title, h1#artibodyTitle",
        "body": "#article, #artibody",
        "published": 'meta[property="article:published_time"], span.date, #pub_date',
        "drop": "#left_hzh_ad, .appendQr_wrap, .app-kaihu-qr, .tech-quotation, "
        ".video-2017, .artical-player-wrap, .img_descr, .show_author",
    },
    CST,
)

# doc-ifxeuwwr9218647.shtml (PC), detail-ifxeuwwr9218647.d.html (mobile, video): one id
DOC_ID = re.compile(r"/(?:doc|detail)-i([a-z0-9]{8,})(?:\.d)?\.s?html", re.I)
OTHER_IDS = (
    (re.compile(r"^k\.sina\.com\.cn$"), re.compile(r"/article_(\w+)\.html"), "k"),
    (re.compile(r"(^|\.)cj\.sina\.com\.cn$"), re.compile(r"/articles/view/(\d+/\w+)"), "cj"),
    (re.compile(r"^photo\.sina\.cn$"), re.compile(r"/album_([\d_]+)\.htm"), "album"),
)
SINA_HOST = re.compile(r"(^|\.)sina\.(com\.cn|cn)$")
TRACKING = {"vt", "pos", "cre", "mod", "loc", "r", "doct", "rfunc", "tj", "tr", "from", "subch"}


def urls(req: ListRequest) -> list[str]:
    """Roll-API pages for the section's lid, or the job's HTML list page."""
    opts = Options.of(req.options)
    if opts.list_url:
        return [opts.list_url]
    lid = req.section or DEFAULT_LID
    pageid = opts.pageid
    pages = req.pages(1 if req.is_today else PAST_DAY_PAGES)
    return [
        ROLL_URL.format(pageid=pageid, lid=lid, num=PAGE_SIZE, page=n) for n in range(1, pages + 1)
    ]


def notes(req: ListRequest) -> list[str]:
    """A past day has no listing of its own: say how it is found."""
    if req.is_today or Options.of(req.options).list_url:
        return []
    pages = req.pages(PAST_DAY_PAGES)
    return [
        f"sina keeps no date archive; {req.day} is taken from up to {pages} roll pages, "
        "items of that day only"
    ]


def fallback_urls(req: ListRequest) -> list[str]:
    """None: the roll API (or the job's list page) is the only way in."""
    return []


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """Items of a roll-API (or tianyi feed) JSON page, or of an HTML list page."""
    if page.text.lstrip().startswith(("{", "[")):
        items = _parse_json(page)
    else:
        items = _parse_html(page, sel)
    if not req.is_today and not Options.of(req.options).list_url:
        items = req.that_day(items)  # an undated item is counted, not lost
    return items


def _parse_json(page: Page) -> list[RawItem]:
    try:
        data = json.loads(page.text)
    except ValueError as exc:
        raise LayoutChanged(NAME, page.url, f"roll API answer is not JSON ({exc})") from None
    body = data.get("result", data) if isinstance(data, dict) else None
    status = body.get("status") if isinstance(body, dict) else None
    rows = body.get("data") if isinstance(body, dict) else None
    if not isinstance(status, dict) or not isinstance(rows, list):
        raise LayoutChanged(NAME, page.url, "roll API answer has no status/data")
    if str(status.get("code")) != "0":
        raise LayoutChanged(
            NAME, page.url, f"roll API status {status.get('code')}: {status.get('msg', '')}"
        )
    return [item for item in (_row(r) for r in rows if isinstance(r, dict)) if item is not None]


def _row(row: Mapping[str, Any]) -> RawItem | None:
    """One roll row; a row with a title or a link but not both is handed on, so that it is
    counted as what it lacks (``empty_title``, ``no_link``), not lost."""
    title, url = _string(row.get("title")), _string(row.get("url") or row.get("url_https"))
    if not title and not url:
        return None
    return RawItem(  # the API's text is written for HTML pages: entities decoded here, once
        title=html.unescape(title),
        url=url,
        thumbnail=_json_image(row),
        snippet=html.unescape(str(row.get("intro") or row.get("summary") or "")),
        press=html.unescape(str(row.get("media_name") or row.get("media") or "")),
        published=_epoch(row.get("ctime") or row.get("intime")),
    )


def _string(value: object) -> str:
    """A field as text; a number, list or object where text belongs is no text (a row whose
    link is ``{"a": 1}`` has no link, not a link to ``/api/roll/{'a': 1}``)."""
    return value if isinstance(value, str) else ""


def _json_image(row: Mapping[str, Any]) -> str | None:
    """``thumb`` (feed), ``img.u`` or ``images[0].u`` (roll API), ``thumbs[0]``."""
    img = row.get("img")
    images = row.get("images") or row.get("thumbs") or []
    candidates = [
        row.get("thumb"),
        img.get("u") if isinstance(img, dict) else img,
        images[0].get("u") if images and isinstance(images[0], dict) else None,
        images[0] if images and isinstance(images[0], str) else None,
    ]
    found = next((str(c) for c in candidates if c), None)
    return _https_image(found) if found else None


def _https_image(url: str) -> str:
    """Feeds give sinaimg.cn images as http; the CDN serves https too (pages link them
    protocol-relative), and an https blog must not embed http images."""
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "").endswith(".sinaimg.cn"):
        return urlunsplit(parts._replace(scheme="https"))
    return url


def _epoch(value: object) -> str:
    """Epoch seconds (int or string) as an ISO time in Beijing time."""
    try:
        return datetime.fromtimestamp(int(str(value)), CST).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def _parse_html(page: Page, sel: Mapping[str, str]) -> list[RawItem]:
    tree = LexborHTMLParser(page.markup)
    items = [i for i in (_card(n, sel) for n in tree.css(sel["list_item"])) if i is not None]
    if not items:
        raise LayoutChanged(
            NAME, page.url, f"no items matched selector list_item={sel['list_item']!r}"
        )
    return items


def _card(node: LexborNode, sel: Mapping[str, str]) -> RawItem | None:
    """One slide; with a title but no link (or the reverse) it is counted, not lost."""
    link = node.css_first(sel["list_link"])
    title = node.css_first(sel["list_title"])
    if link is None and title is None:
        return None
    name = title.text(strip=True) if title is not None else ""
    if not name and link is not None:
        name = link.attributes.get("title") or ""
    return RawItem(
        title=name,
        url=(link.attributes.get("href") or "") if link is not None else "",
        thumbnail=lazy_image(node.css_first(sel["list_thumbnail"])),
        snippet=text(node.css_first(sel["list_snippet"])),
        published=text(node.css_first(sel["list_time"])),
    )


def article_id(url: str) -> str | None:
    """``sina:<docid>`` for doc-/detail- pages, ``sina:k/…``, ``sina:cj/…``, ``sina:album/…``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not SINA_HOST.search(host):
        return None
    m = DOC_ID.search(parts.path)
    if m:
        return f"{NAME}:{m.group(1).lower()}"
    for host_re, path_re, kind in OTHER_IDS:
        found = path_re.search(parts.path) if host_re.search(host) else None
        if found:
            return f"{NAME}:{kind}/{found.group(1)}"
    return None


def canonical_url(url: str) -> str:
    """Article pages: https and no query (feeds add ``cre=…&loc=…``); others: tracking dropped."""
    parts = urlsplit(url)
    if not SINA_HOST.search((parts.hostname or "").lower()):
        return url
    if article_id(url):  # article hosts serve https (RSSHub rewrites the API's http links)
        return urlunsplit(("https", parts.netloc, parts.path, "", ""))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in TRACKING])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
