"""An article page's metadata: title, publication time, lead image."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from newsbot.dates import KST, parse_korean
from newsbot.errors import Rejected
from newsbot.extract.dom import first_text, in_order
from newsbot.normalize import TITLE_CHARS, clean_text, clean_url, shorten

TITLE = 'meta[property="og:title"], h1, title'
PUBLISHED = (
    'meta[property="article:published_time"], meta[property="og:article:published_time"], '
    'meta[name="pubdate"], meta[name="publish-date"], meta[itemprop="datePublished"], '
    "time[datetime]"
)
# A page's lead image, best first: each og:image in turn (its og:image:secure_url, then the
# og:image or og:image:url itself), then twitter:image, then <link rel="image_src">
OG_IMAGE = ("og:image", "og:image:url")  # each starts one image (og:image:url is an alias)
OG_SECURE = "og:image:secure_url"
OG_SIZE = ("og:image:width", "og:image:height")
TWITTER_IMAGE = ("twitter:image", "twitter:image:src")
IMAGE_SRC = "image_src"
# a tracking pixel or placeholder named as the image: 1x1.gif, spacer.png, blank.gif
PIXEL = re.compile(r"(?:^|[/_.-])(?:1x1|pixel|spacer|blank|transparent|clear)\.(?:gif|png)$", re.I)
MAX_IMAGES = 10  # candidates kept: the URL gate may refuse a few, never hundreds
TZ_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}$|Z$")
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})")
# "Written: 2023-11-07 15:03:30", "입력 2026.02.12. 오전 10:30", "发布时间：2019年11月25日 18:57"
# a date shown as text after a label: found by its digits first (a scan for one of the labels
# at every position, case-insensitive, costs several times as much), then the label is checked
DATE_AT = re.compile(
    r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}日?\.?"
    r"(?:(?:T|\s*(?:오전|오후)?\s*)\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
LABEL_BEFORE = re.compile(
    r"(?:written|published|posted|date|입력|기사입력|등록|작성|发布时间|发布|发表)\s*(?:on)?\s*[:：]?\s*$",
    re.I,
)
LABEL_REACH = 200  # characters before a date where its label may start (whitespace included)


def title(tree: LexborHTMLParser, selector: str = "") -> str:
    """The title by ``selector`` (a site rule's), else og:title, h1 or <title>; an
    og:title that is the h1 plus a site suffix ("… | Site") gives the h1. At most
    ``TITLE_CHARS``, as a list's title (``normalize.shorten``)."""
    return shorten(_title(tree, selector), TITLE_CHARS)


def _title(tree: LexborHTMLParser, selector: str) -> str:
    found = first_text(tree, selector) if selector else ""
    if found:
        return found
    og, h1 = first_text(tree, 'meta[property="og:title"]'), first_text(tree, "h1")
    if og and h1 and og != h1 and og.startswith(h1):
        return h1
    return og or h1 or first_text(tree, "title")


def text_date(tree: LexborHTMLParser, tz: ZoneInfo) -> datetime | None:
    """A publication time the page shows only as text, after a label ("Written:", "입력")."""
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    text = text[:20000]
    since = 0  # a label stands between the last date and this one: each character read once
    for match in DATE_AT.finditer(text):
        start, since = max(since, match.start() - LABEL_REACH), match.end()
        if not LABEL_BEFORE.search(text, start, match.start()):
            continue
        value = parse_time(
            match.group(0).replace("年", "-").replace("月", "-").replace("日", ""), tz
        )
        if value is not None:
            return value
    return None


def published(tree: LexborHTMLParser, selector: str, tz: ZoneInfo) -> datetime | None:
    """The first time ``selector`` finds (attributes before text), aware."""
    for node in in_order(tree, selector):
        attrs = node.attributes
        raw = (
            attrs.get("data-date-time") or attrs.get("datetime") or attrs.get("content")
            or node.text()
        )  # fmt: skip
        value = parse_time(raw or "", tz)
        if value is not None:
            return value
    return None


def lead_images(tree: LexborHTMLParser, base: str) -> list[str]:
    """The page's lead image candidates, best first, as distinct absolute http(s) URLs
    (resolved against ``base``): empty, data:, javascript: and pixel-sized ones skipped.
    Which one a post may show is the URL gate's call (``pipeline.items.first_image``)."""
    og: list[list[str]] = []  # one list per og:image, its secure_url first
    tiny: set[int] = set()  # og images declared 0 or 1 pixel wide or high
    twitter: list[str] = []
    linked: list[str] = []
    for node in tree.css("meta, link"):
        attrs = node.attributes
        if node.tag == "link":
            if IMAGE_SRC in (attrs.get("rel") or "").lower().split():
                linked.append(attrs.get("href") or "")
            continue
        value = attrs.get("content") or ""
        for key in {(attrs.get(a) or "").strip().lower() for a in ("property", "name")}:
            if key in OG_IMAGE or (key == OG_SECURE and not og):
                og.append([])
            if key in OG_IMAGE:
                og[-1].append(value)
            elif key == OG_SECURE:
                og[-1].insert(0, value)
            elif key in OG_SIZE and og and value.strip() in ("0", "1"):
                tiny.add(len(og) - 1)
            elif key in TWITTER_IMAGE:
                twitter.append(value)
    ordered = [v for i, group in enumerate(og) if i not in tiny for v in group]
    return _usable([*ordered, *twitter, *linked], base)


def _usable(values: list[str], base: str) -> list[str]:
    """``values`` as clean absolute URLs, each once, without pixels; at most MAX_IMAGES."""
    found: list[str] = []
    for value in values:
        try:  # Sina writes protocol-relative //n.sinaimg.cn/…
            url = clean_url(value, base)
        except Rejected:  # empty, data:, javascript:, unreadable
            continue
        if url not in found and not PIXEL.search(urlsplit(url).path):
            found.append(url)
            if len(found) == MAX_IMAGES:
                break
    return found


def parse_time(text: str, tz: ZoneInfo = KST) -> datetime | None:
    """ISO 8601 (offset or not), "2019年11月25日 18:57" or Korean "2017.04.20. 오후 3:53"."""
    text = clean_text(text)
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if TZ_OFFSET.search(text) else text
    try:
        value = datetime.fromisoformat(iso)
        return value if value.tzinfo else value.replace(tzinfo=tz)
    except ValueError:
        pass
    zh = ZH_DATE.search(text)
    if zh:
        y, mo, d, h, mi = (int(g) for g in zh.groups())
        try:
            return datetime(y, mo, d, h, mi, tzinfo=tz)
        except ValueError:
            return None
    if not re.search(r"\d{4}[.\-/]\s*\d{1,2}[.\-/]\s*\d{1,2}", text):
        return None  # parse_korean would read "3분 전" relative to now; not a publication time
    far_past = datetime(1970, 1, 1, tzinfo=timezone(timedelta(0)))
    return parse_korean(text, now=far_past, tz=tz)
