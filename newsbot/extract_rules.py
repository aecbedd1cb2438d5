"""Per-site rules for reading article pages: CSS selectors by name, by host.

``newsbot.toml`` ``[extract.NAME]`` replaces any selector of a rule; a page whose
host has no rule goes through ``extract``'s generic fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsbot.dates import CST, KST
from newsbot.errors import ConfigError

# "published" reads the first of the attributes data-date-time, datetime and
# content, else the element's text.
SELECTOR_NAMES = ("title", "body", "published", "drop")


@dataclass(frozen=True)
class Rule:
    """How to read one site's article pages."""

    name: str
    hosts: tuple[str, ...]  # the host or any subdomain of it
    selectors: Mapping[str, str]
    tz: ZoneInfo = KST  # for times printed without an offset
    cut_from: tuple[str, ...] = ()  # paragraphs starting with these end the article


RULES: Mapping[str, Rule] = {
    "naver": Rule(
        "naver",
        ("news.naver.com",),
        {
            "title": "#title_area span, h2.media_end_head_headline, #articleTitle",
            "body": "article#dic_area, #articleBodyContents",
            "published": "span._ARTICLE_DATE_TIME, span.t11",
            "drop": "em.img_desc, .img_desc, .end_photo_org, .vod_player_wrap, "
            ".media_end_summary_more",
        },
        KST,
    ),
    "sina": Rule(
        "sina",
        ("sina.com.cn", "sina.cn"),
        {
            "title": "h1.main-title, h1#artibodyTitle",
            "body": "#article, #artibody",
            "published": 'meta[property="article:published_time"], span.date, #pub_date',
            "drop": "#left_hzh_ad, .appendQr_wrap, .app-kaihu-qr, .tech-quotation, "
            ".video-2017, .artical-player-wrap, .img_descr, .show_author",
        },
        CST,
    ),
    "nate": Rule(
        "nate",
        ("news.nate.com",),
        {
            "title": "h3.viewTite, h3.articleSubecjt, .viewHeadline",
            "body": "#realArtcContents, #articleContetns, div.articleContetns",
            "published": "span.firstDate, .articleInfo em",
            "drop": ".articleUpDownArea, .articleMedia",
        },
        KST,
        cut_from=("▶", "◆"),
    ),
    "etnews": Rule(
        "etnews",
        ("etnews.com",),
        {
            "title": "h1.title, .article_title, h1",
            "body": "#articleBody, .article_body, .article_txt",
            "published": 'meta[property="article:published_time"], time',
            "drop": ".article_ad, .ad_newsviewWrap, #BpromotionBanner, .ad, .footer_btnwrap, "
            '.daum_ddn_area, [id^="beacon"], img[src^="http://img.etnews.com/2017/banner/"], '
            ".reporter_info, .byline",
        },
        KST,
    ),
}


def rules_with(overrides: Mapping[str, Mapping[str, str]]) -> dict[str, Rule]:
    """``RULES`` with ``[extract.NAME]`` selector overrides; ConfigError on unknown names."""
    rules = dict(RULES)
    for name, selectors in overrides.items():
        if name not in rules:
            raise ConfigError(f"[extract.{name}]: unknown rule (known: {', '.join(RULES)})")
        unknown = set(selectors) - set(SELECTOR_NAMES)
        if unknown:
            raise ConfigError(
                f"[extract.{name}]: unknown selector {', '.join(sorted(unknown))} "
                f"(known: {', '.join(SELECTOR_NAMES)})"
            )
        base = rules[name]
        rules[name] = Rule(
            name, base.hosts, {**base.selectors, **selectors}, base.tz, base.cut_from
        )
    return rules


def rule_for(url: str, rules: Mapping[str, Rule] = RULES) -> Rule | None:
    """The rule whose host is ``url``'s host or a parent domain of it."""
    host = (urlsplit(url).hostname or "").lower()
    for rule in rules.values():
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return None
