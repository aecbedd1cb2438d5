"""How to read one site's article pages: CSS selectors by name, for the site's hosts.

Each source declares its rule (``ARTICLE`` in its module); ``newsbot.toml``
``[extract.NAME]`` replaces any of its selectors. A page whose host has no rule
goes through the generic extractor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsbot.dates import KST
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


def with_overrides(rule: Rule, selectors: Mapping[str, str]) -> Rule:
    """``rule`` with ``[extract.NAME]`` selectors replacing its own; ConfigError on unknown."""
    unknown = set(selectors) - set(SELECTOR_NAMES)
    if unknown:
        raise ConfigError(
            f"[extract.{rule.name}]: unknown selector {', '.join(sorted(unknown))} "
            f"(known: {', '.join(SELECTOR_NAMES)})"
        )
    return replace(rule, selectors={**rule.selectors, **selectors}) if selectors else rule


def rule_for(url: str, rules: Mapping[str, Rule]) -> Rule | None:
    """The rule whose host is ``url``'s host or a parent domain of it."""
    host = (urlsplit(url).hostname or "").lower()
    for rule in rules.values():
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return None
