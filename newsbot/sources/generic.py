"""What the two generic sources (``feed``, ``html``) share: their options, times, links.

A generic source is declared in a job file, not written in Python: its
``options`` name the URL, the link text (``label``), the language and the time
zone of times printed without an offset. One job may list several; each gets
its own ``section`` (its key in the report and in ``newsbot status``).
Links to an article of a built-in site keep that site's id and canonical URL,
so the same story from a feed and from the site's own source is one story.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from newsbot.dates import CLOCK, parse_clock, parse_korean
from newsbot.extract.rules import Rule
from newsbot.models import RawItem
from newsbot.sources import etnews, nate, naver, sina
from newsbot.sources.base import ListRequest, Source, SourceOptions

BUILT_IN: tuple[Source, ...] = (
    naver,
    sina,
    nate,
    etnews,
)  # asked, in turn, whether they know a link
LANGUAGE = re.compile(r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$")
TEMPLATE_FIELDS = frozenset({"date", "page"})
SAMPLE_DAY = date(2026, 12, 3)  # fills {date:…} when a URL template is checked
# strftime directives that print part of a day (a glibc "-" drops the zero padding)
DATE_DIRECTIVE = re.compile(r"%(-?[aAbBCdDeFgGhjmuUVwWyY]|%)")
# "Jan 3, 2026 9:05 AM", "3 January 2026", "2026/01/03 09:05" — what English lists print
EN_FORMATS = (
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%B %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
    "%Y/%m/%d %H:%M",
)
NO_RULE = Rule("generic", (), {"title": "", "body": "", "published": "", "drop": ""})


class GenericOptions(SourceOptions):
    """``options`` every generic source takes; ``feed`` and ``html`` add their own."""

    url: str = Field(description="The feed or list page (http or https)")
    label: str = Field("", description="Link text in the digest (default: the URL's host)")
    language: str = Field("", description="ISO 639 code of the articles, e.g. en ('' = detect)")
    tz: str = Field("Asia/Seoul", description="Zone of times printed without an offset")
    min_items: int | None = Field(None, ge=0, description="Fewer items fails the source")
    max_items: int | None = Field(None, ge=1, description="Items kept per job")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        for _, name, spec, conversion in string.Formatter().parse(value):
            if name is not None and name not in TEMPLATE_FIELDS:
                raise ValueError(f"{{{name}}} in the URL: only {{date:…}} and {{page}} exist")
            if conversion:
                raise ValueError(f"{{{name}!{conversion}}} in the URL: write {{{name}}}")
            if name == "page" and spec:
                raise ValueError("{page} takes no format")
            if name == "date" and spec:
                _check_date_format(spec)
        sample = value.format(date=SAMPLE_DAY, page=1)
        try:
            parts = urlsplit(sample)
            port = parts.port
        except ValueError as exc:  # a port over 65535 or not a number, a broken [IPv6]
            raise ValueError(f"{value!r} is not a usable URL ({exc})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL with a host")
        if port == 0:
            raise ValueError(f"{value!r}: port 0 is no port (1-65535)")
        return value

    @model_validator(mode="after")
    def _check_limits(self) -> Self:
        if self.pages is not None and "{page}" not in self.url:
            raise ValueError(
                "pages: the URL has no {page}, so one page is read whatever pages says; "
                "put {page} where the page number goes, or leave pages out"
            )
        floor, cap = self.min_items, self.max_items
        if floor is not None and cap is not None and floor > cap:
            raise ValueError(
                f"min_items {floor} is over max_items {cap}: the source could never have enough"
            )
        return self

    def sample_url(self) -> str:
        """The URL as a request fills it (a fixed day, page 1): what the fetch gate reads."""
        return self.url.format(date=SAMPLE_DAY, page=1)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. UTC, Asia/Seoul)") from None
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE.match(value):
            raise ValueError(f"{value!r} is not a language code like en, ko, zh or pt-BR")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def link_text(self) -> str:
        """The digest's link text: ``label``, else the host without ``www.``."""
        host = urlsplit(self.url).hostname or self.url
        return self.label or host.removeprefix("www.")

    def page_urls(self, req: ListRequest) -> list[str]:
        """The URL for ``req``'s day; pages 1..N when it has ``{page}``."""
        count = req.pages() if "{page}" in self.url else 1
        return [self.url.format(date=req.day, page=n) for n in range(1, count + 1)]

    @property
    def dated(self) -> bool:
        """Whether the URL names the day (``{date:%Y%m%d}``), so a past day has its own list."""
        return "{date" in self.url


def _check_date_format(spec: str) -> None:
    """ValueError unless ``{date:spec}`` prints the day: strftime directives of a date only."""
    rest = DATE_DIRECTIVE.sub("", spec)
    if "%" in rest:
        bad = rest[rest.index("%") :][:2]
        raise ValueError(
            f"{{date:{spec}}}: {bad} is not a strftime directive of a day "
            "(e.g. {date:%Y%m%d}, {date:%Y-%m-%d})"
        )
    if not any(m.group(1) != "%" for m in DATE_DIRECTIVE.finditer(spec)):
        raise ValueError(
            f"{{date:{spec}}} prints {spec!r} on every day: give strftime directives "
            "such as {date:%Y%m%d}"
        )


def urls(req: ListRequest) -> list[str]:
    """The source's URL for ``req``'s day, pages 1..N when it has ``{page}``."""
    return GenericOptions.of(req.options).page_urls(req)


def no_fallback(req: ListRequest) -> list[str]:
    """None: the feed or list is the only way in."""
    return []


def past_day_note(name: str, options: GenericOptions, req: ListRequest) -> list[str]:
    """What a past ``--date`` gets from a list that is not addressed by day."""
    if req.is_today or options.dated:
        return []
    where = options.link_text()
    return [f"{name} {where} keeps no date archive; {req.day} keeps that day's items of it"]


def on_day(items: Sequence[RawItem], options: GenericOptions, req: ListRequest) -> list[RawItem]:
    """All items today or from a dated list; for a past day otherwise, that day's only
    (``ListRequest.that_day``: an undated item is counted, not lost)."""
    if req.is_today or options.dated:
        return list(items)
    return req.that_day(items)


def aware_time(shown: str, tz: ZoneInfo, *, day: date, now: datetime) -> str:
    """A printed time as ISO 8601 with an offset (``tz`` where it has none), else as shown."""
    shown = " ".join(shown.split())
    if not shown:
        return ""
    when = _rfc822(shown, tz) or _english(shown, tz)
    if when is None and CLOCK.match(shown):
        when = parse_clock(shown, day=day, now=now, tz=tz)  # a list's bare clock: its own day
    if when is None and not re.search(r"(전|前)$|^(방금|刚刚)", shown):
        when = parse_korean(shown, now=now, tz=tz)
    return when.isoformat() if when else shown  # relative times stay for normalize


def _rfc822(shown: str, tz: ZoneInfo) -> datetime | None:
    if not re.match(r"^([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", shown):
        return None
    try:
        value = parsedate_to_datetime(shown)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _english(shown: str, tz: ZoneInfo) -> datetime | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", shown.replace("Sept", "Sep")).replace(".", "")
    for fmt in EN_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def article_id(url: str) -> str | None:
    """A built-in site's id for its own articles (``naver:OID/AID``…); None for others."""
    return next((found for s in BUILT_IN if (found := s.article_id(url))), None)


def canonical_url(url: str) -> str:
    """A built-in site's canonical link for its own articles; other links as they are."""
    for source in BUILT_IN:
        if source.article_id(url):
            return source.canonical_url(url)
    return url
