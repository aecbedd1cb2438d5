"""Nate News (news.nate.com) "최신뉴스" lists, e.g. IT/과학 (``mid=n0105``).

The list is date-addressable (``recent?mid=…&type=c&date=YYYYMMDD&page=N``),
so today and a past ``--date`` read the same kind of page; ``options.pages``
pages are read, at most ``max_pages``.

Every fact here is **second-hand**: no real Nate page could be saved
(``docs/SITES.md`` §3). From scraper code: the list URL and its ``date`` and
``page`` parameters, the ``mid`` codes, the ``div.mlt01`` rows with
protocol-relative ``a.lt1`` links, ``h2.tit``, ``span.tb``, ``span.medium``
with an ``<em>`` time, ``//thumbnews.nateimg.co.kr`` thumbnails, article URLs
``/view/YYYYMMDDnNNNNN``. Claimed, not verified: EUC-KR pages declared only in
``<meta>`` (``charset`` widens that to cp949, so syllables outside EUC-KR such
as 똠 or 햏 survive). Guessed for our synthetic pages (``tests/pages/nate``):
lazy ``data-src`` thumbnails and the time formats "12분 전", "3시간 전",
"오후 12:05" (a bare clock time, read on the list's day), "2025-02-03 14:10".
Every selector can be replaced in ``[sources.nate.selectors]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsbot.dates import CLOCK, KST, MONTH_DAY, parse_clock, parse_month_day
from newsbot.errors import LayoutChanged
from newsbot.extract.rules import Rule
from newsbot.fetch.page import Page
from newsbot.models import RawItem
from newsbot.sources.base import Defaults, ListRequest, SourceOptions
from newsbot.sources.markup import lazy_image, text

NAME = "nate"
LABEL = "네이트 뉴스"

SELECTORS: Mapping[str, str] = {
    "item": "#newsContents div.mlt01",
    "link": "a.lt1",
    "title": "h2.tit",
    "snippet": "span.tb",
    "thumbnail": "span.ib img, img",
    "press": "span.medium",
    "time": "span.medium em",
}

DEFAULTS = Defaults(min_items=5, max_items=50, max_pages=5)
CONTENT_TYPES: Sequence[str] = ()  # HTML: [fetch] content_types
HEADERS: Mapping[str, str] = {}
Options = SourceOptions  # ``pages`` only

ARTICLE = Rule(
    NAME,
    ("news.nate.com",),
    {
        "title": "h3.viewTite, h3.articleSubecjt, .viewHeadline",
        "body": "#realArtcContents, #articleContetns, div.articleContetns",
        "published": "span.firstDate, .articleInfo em",
        "drop": ".articleUpDownArea, .articleMedia",
    },
    KST,
    cut_from=("▶", "◆"),
)

LIST_URL = "https://news.nate.com/recent?mid={mid}&type=c&date={ymd}&page={page}"
ARTICLE_URL = "https://{host}/view/{aid}"
DEFAULT_MID = "n0105"  # IT/과학
ARTICLE_PATH = re.compile(r"^/view/(\d{8}n\d{3,6})$")
NATE_HOSTS = ("news.nate.com", "m.news.nate.com", "sports.news.nate.com")


def urls(req: ListRequest) -> list[str]:
    """The day's list pages, 1..pages (today is a date like any other here)."""
    mid = req.section or DEFAULT_MID
    ymd = req.day.strftime("%Y%m%d")
    return [LIST_URL.format(mid=mid, ymd=ymd, page=n) for n in range(1, req.pages() + 1)]


def notes(req: ListRequest) -> list[str]:
    """Nothing to say: the site has a list for every day."""
    return []


def fallback_urls(req: ListRequest) -> list[str]:
    """None: the dated list is the only way in."""
    return []


def parse(page: Page, sel: Mapping[str, str], req: ListRequest) -> list[RawItem]:
    """The rows of a list page, times made absolute where the page only shows a clock."""
    tree = LexborHTMLParser(page.markup)
    items = [i for i in (_row(n, sel, req) for n in tree.css(sel["item"])) if i is not None]
    if not items:
        raise LayoutChanged(NAME, page.url, f"no items matched selector item={sel['item']!r}")
    return items


def _row(node: LexborNode, sel: Mapping[str, str], req: ListRequest) -> RawItem | None:
    """One row; with a title but no link (or the reverse) it is counted, not lost."""
    link = node.css_first(sel["link"])
    title = node.css_first(sel["title"])
    if link is None and title is None:
        return None
    title_text = title.text(strip=True) if title is not None else ""
    snippet = text(node.css_first(sel["snippet"]), strip=True)
    if snippet.startswith(title_text):  # the title sits inside the summary span
        snippet = snippet[len(title_text) :]
    when = text(node.css_first(sel["time"]), strip=True)
    press = text(node.css_first(sel["press"]), strip=True)
    if when and press.endswith(when):
        press = press[: -len(when)]
    return RawItem(
        title=title_text,
        url=(link.attributes.get("href") or "") if link is not None else "",
        thumbnail=lazy_image(node.css_first(sel["thumbnail"])),
        snippet=snippet,
        press=press.strip(),
        published=_absolute(when, req),
    )


def _absolute(shown: str, req: ListRequest) -> str:
    """A bare clock time, or a month-day with no year, belongs to the list's day, which
    only the source knows."""
    if MONTH_DAY.match(shown):
        dated = parse_month_day(shown, day=req.day, now=req.now)
        return dated.isoformat() if dated else ""
    if not CLOCK.match(shown):
        return shown  # relative and dated times are left to normalize
    value = parse_clock(shown, day=req.day, now=req.now)
    return value.isoformat() if value else ""


def article_id(url: str) -> str | None:
    """``nate:YYYYMMDDnNNNNN`` (sports articles: ``nate:sports/…``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    m = ARTICLE_PATH.match(parts.path)
    if host not in NATE_HOSTS or not m:
        return None
    prefix = "sports/" if host.startswith("sports.") else ""
    return f"{NAME}:{prefix}{m.group(1)}"


def canonical_url(url: str) -> str:
    """``https://news.nate.com/view/…`` without ``mid`` or tracking; mobile links too."""
    aid = article_id(url)
    if aid is None:
        return url
    sports = aid.startswith(f"{NAME}:sports/")
    host = "sports.news.nate.com" if sports else "news.nate.com"
    return ARTICLE_URL.format(host=host, aid=aid.rsplit("/", 1)[-1].split(":", 1)[-1])
