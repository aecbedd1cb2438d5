"""RawItem → Article, the same rules for every source.

Text: entities decoded, Unicode NFC, control and bidi characters removed,
whitespace collapsed; a title over ``TITLE_CHARS`` (a press name over ``PRESS_CHARS``)
is cut to fit, at a space near the end or else between two graphemes, with "…" (the
item is kept), and a snippet is cut at the job's ``snippet_chars`` between graphemes.
URLs: read as a browser reads an ``href`` (WHATWG URL: tabs and newlines removed,
``\\`` is ``/`` before the query, a space or quote in the path or query
percent-encoded, so ``a b.jpg`` is ``a%20b.jpg``, never ``ab.jpg``), resolved against
the page, http(s) only, userinfo and tracking parameters dropped, at most 2083
characters; one that cannot be read (a port over 65535, a broken IPv6 literal,
malformed punycode, a space in the host) is ``bad_url``. Letters beyond ASCII stay as
they are: a browser sends them as the same UTF-8 bytes either way.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import idna
import regex

from newsbot.dates import parse_korean
from newsbot.errors import Rejected
from newsbot.models import Article, RawItem

TITLE_CHARS = 300  # real headlines stay under 100; a hostile list can post thousands
PRESS_CHARS = 100  # a press name is a few words
ELLIPSIS = "…"
GRAPHEME = regex.compile(r"\X")  # one user-perceived character (UAX #29): é, 🇰🇷, क्षि
MAX_URL = 2083  # Scrapy's URLLENGTH_LIMIT, the longest URL old browsers accept
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|mc_[ce]id|igshid|cre|mod|loc|r|tr|from|ref|cds|type|sid)$",
    re.I,
)
# C0/C1 controls, soft hyphens, zero-width and bidi formatting characters (U+202E and friends)
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
SPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
SURROGATE = re.compile("[\ud800-\udfff]")
TAB_NEWLINE = re.compile("[\t\n\r]")  # what the WHATWG parser removes from anywhere in a URL
# WHATWG's path and special-query percent-encode sets, less what passes as itself
# (C0 controls are gone already; Unicode spaces are encoded too: a link cannot hold them)
PATH_ENCODE = re.compile(r'[\s"<>`{}]')
QUERY_ENCODE = re.compile(r"[\s\"<>']")
BEFORE_QUERY = re.compile(r"^[^?#]*")


def clean_text(text: str) -> str:
    """NFC, without invisible characters, whitespace collapsed. Entities are the parser's
    business: text read from HTML is decoded already, and decoding it again would turn
    a page's visible ``&lt;b&gt;`` into ``<b>``."""
    if not text.isascii():  # ASCII is NFC already and holds no surrogate
        text = unicodedata.normalize("NFC", SURROGATE.sub("", text))
    text = INVISIBLE.sub("", text)
    return SPACE.sub(" ", text).strip()


def word_grams(text: str, n: int) -> set[tuple[str, ...]]:
    """The distinct runs of ``n`` words in ``text`` (the whole text when it is shorter)."""
    words = WORD.findall(text)
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut between two graphemes, no trailing whitespace."""
    return text[: _cut_at(text, limit)]


def shorten(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters; else cut to fit with "…" at the
    end, at its last space when that is in the final fifth, else between two graphemes."""
    if len(text) <= limit:
        return text
    return text[: _cut_at(text, limit - len(ELLIPSIS), words_from=limit * 4 // 5)] + ELLIPSIS


def _cut_at(text: str, limit: int, words_from: int | None = None) -> int:
    """Where to cut ``text`` to keep at most ``limit`` characters: between two graphemes
    (a letter is never parted from its marks, nor a flag's halves), before the last space
    at or after ``words_from`` if there is one, trailing whitespace left out."""
    ends = [0]
    for match in GRAPHEME.finditer(text):
        if match.end() > limit:
            break
        ends.append(match.end())
    if words_from is not None:
        spaces = [
            i for i, end in enumerate(ends) if end >= words_from and text[end : end + 1].isspace()
        ]
        if spaces:
            del ends[spaces[-1] + 1 :]
    while len(ends) > 1 and text[ends[-2] : ends[-1]].isspace():
        ends.pop()
    return ends[-1]


def clean_url(raw: str, base: str) -> str:
    """An absolute http(s) URL without userinfo or fragment; Rejected otherwise."""
    text = TAB_NEWLINE.sub("", INVISIBLE.sub("", html.unescape(raw))).strip()
    if not text:
        raise Rejected("no_link")
    if text.startswith("#"):
        raise Rejected("self_link")  # a place on the list page itself ("more", "top")
    # before the query a backslash is a slash, as every browser reads an http(s) href
    text = BEFORE_QUERY.sub(lambda m: m.group().replace("\\", "/"), text, count=1)
    try:  # a port over 65535 or a broken [IPv6] literal raises ValueError
        parts = urlsplit(urljoin(base, text))
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise Rejected("bad_url", f"{exc}: {text[:60]}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise Rejected("bad_scheme", text[:60])
    if any(ch.isspace() for ch in host):
        raise Rejected("bad_url", f"a space in the host: {text[:60]}")
    if any(label.startswith("xn--") and not _a_label(label) for label in host.split(".")):
        raise Rejected("bad_url", f"malformed punycode host: {host[:60]}")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    netloc = host if port is None else f"{host}:{port}"
    path, query = _encoded(parts.path or "/", PATH_ENCODE), _encoded(parts.query, QUERY_ENCODE)
    url = urlunsplit((parts.scheme.lower(), netloc, path, query, ""))
    if len(url) > MAX_URL:
        raise Rejected("url_too_long")
    return url


def _encoded(part: str, unsafe: re.Pattern[str]) -> str:
    """``part`` with each ``unsafe`` character percent-encoded as UTF-8 (``%`` left alone)."""
    return unsafe.sub(lambda m: quote(m.group(), safe=""), part)


def _a_label(label: str) -> bool:
    """Whether ``label`` is punycode httpx can use (IDNA 2008, as the ``idna`` package reads it)."""
    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError, ValueError):
        return False
    return True


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and sort the rest, so one article has one URL."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def url_id(url: str) -> str:
    """The id of an article no source knows: its URL read as https and without a ``www.``,
    so that a site moving to https or off ``www.`` (or a feed that mixes the forms) lists one
    article once, not twice."""
    for scheme in ("https://", "http://"):
        if url[: len(scheme)].lower() == scheme:
            rest = url[len(scheme) :]
            return "https://" + (rest[4:] if rest[:4].lower() == "www." else rest)
    return url


def url_id_forms(article_id: str) -> list[str]:
    """The other forms an older newsbot stored ``article_id`` under (the link as it came)."""
    if not article_id.startswith("https://"):
        return []
    rest = article_id[8:]
    forms = [f"{scheme}{www}{rest}" for scheme in ("https://", "http://") for www in ("", "www.")]
    return forms[1:]  # the first is ``article_id`` itself


def to_article(
    raw: RawItem,
    *,
    source: str,
    section: str,
    base_url: str,
    now: datetime,
    snippet_chars: int,
    canonical: Callable[[str], str],
    article_id: Callable[[str], str | None],
) -> Article:
    """Normalize one raw item; raises Rejected with the drop reason."""
    title = shorten(clean_text(raw.title), TITLE_CHARS)
    if not title:
        raise Rejected("empty_title")
    url = canonical(strip_tracking(clean_url(raw.url, base_url)))
    thumbnail = None
    if raw.thumbnail:
        try:
            thumbnail = clean_url(raw.thumbnail, base_url)
        except Rejected:
            thumbnail = None  # a bad image loses the image, not the article
    return Article(
        id=article_id(url) or url_id(url),
        title=title,
        url=url,
        thumbnail=thumbnail,
        snippet=cut(clean_text(raw.snippet), snippet_chars),
        press=shorten(clean_text(raw.press), PRESS_CHARS),
        published_at=parse_korean(raw.published, now=now) if raw.published.strip() else None,
        source=source,
        section=section,
    )
