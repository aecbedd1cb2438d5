"""An article page's metadata: title, publication time, lead image."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from newsbot.dates import KST, parse_korean
from newsbot.errors import Rejected
from newsbot.extract.dom import first_text, in_order
from newsbot.normalize import clean_text, clean_url

TITLE = 'meta[property="og:title"], h1, title'
PUBLISHED = (
    'meta[property="article:published_time"], meta[property="og:article:published_time"], '
    'meta[name="pubdate"], meta[name="publish-date"], meta[itemprop="datePublished"], '
    "time[datetime]"
)
IMAGE = 'meta[property="og:image"], meta[name="og:image"], meta[name="twitter:image"]'
TZ_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}$|Z$")
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})")
# "Written: 2023-11-07 15:03:30", "입력 2026.02.12. 오전 10:30", "发布时间：2019年11月25日 18:57"
LABELED_DATE = re.compile(
    r"(?:written|published|posted|date|입력|기사입력|등록|작성|发布时间|发布|发表)\s*(?:on)?\s*[:：]?\s*"
    r"(\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}日?\.?"
    r"(?:(?:T|\s*(?:오전|오후)?\s*)\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)",
    re.I,
)


def title(tree: LexborHTMLParser, selector: str = "") -> str:
    """The title by ``selector`` (a site rule's), else og:title, h1 or <title>; an
    og:title that is the h1 plus a site suffix ("… | Site") gives the h1."""
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
    for match in LABELED_DATE.finditer(text[:20000]):
        value = parse_time(
            match.group(1).replace("年", "-").replace("月", "-").replace("日", ""), tz
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


def lead_image(tree: LexborHTMLParser, base: str) -> str | None:
    """The page's og:image (else twitter:image) as an absolute http(s) URL, or None."""
    for node in in_order(tree, IMAGE):
        try:  # Sina writes protocol-relative //n.sinaimg.cn/…
            return clean_url(node.attributes.get("content") or "", base)
        except Rejected:
            continue
    return None


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
