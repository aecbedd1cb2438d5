"""The table of sources, by name. Adding a source: one module and one entry here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from newsbot.config import Config
from newsbot.errors import ConfigError
from newsbot.models import Page, RawItem
from newsbot.sources import etnews, nate, naver, sina
from newsbot.sources.base import Defaults, ListRequest, Source

SOURCES: MappingProxyType[str, Source] = MappingProxyType(
    {
        naver.NAME: cast(Source, naver),
        sina.NAME: cast(Source, sina),
        nate.NAME: cast(Source, nate),
        etnews.NAME: cast(Source, etnews),
    }
)

__all__ = [
    "SOURCES",
    "Defaults",
    "ListRequest",
    "Settings",
    "Source",
    "get",
    "parse_page",
    "settings_for",
]


@dataclass(frozen=True)
class Settings:
    """A source's effective settings: its defaults with the config's overrides."""

    obey_robots: bool
    robots_note: str
    min_items: int
    max_items: int
    selectors: dict[str, str]
    max_pages: int = 1


def get(name: str) -> Source:
    """The source called ``name``; ConfigError lists the known ones otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(f"unknown source {name!r} (known: {', '.join(SOURCES)})") from None


def settings_for(name: str, config: Config) -> Settings:
    """Merge a source's defaults with ``[sources.NAME]`` from the config."""
    source = get(name)
    over = config.sources.get(name)
    base: Defaults = source.DEFAULTS
    selectors = dict(source.SELECTORS)
    if over is None:
        obey = base.obey_robots and config.fetch.obey_robots
        return Settings(
            obey, base.robots_note, base.min_items, base.max_items, selectors, base.max_pages
        )
    unknown = set(over.selectors) - set(selectors)
    if unknown:
        raise ConfigError(
            f"[sources.{name}.selectors]: unknown selector {', '.join(sorted(unknown))} "
            f"(known: {', '.join(selectors)})"
        )
    selectors.update(over.selectors)
    if over.obey_robots is not None:
        obey, note = over.obey_robots, "" if over.obey_robots else "set in config"
    else:
        obey, note = base.obey_robots and config.fetch.obey_robots, base.robots_note
    return Settings(
        obey_robots=obey,
        robots_note=note,
        min_items=base.min_items if over.min_items is None else over.min_items,
        max_items=base.max_items if over.max_items is None else over.max_items,
        selectors=selectors,
        max_pages=base.max_pages if over.max_pages is None else over.max_pages,
    )


def parse_page(
    source: Source, page: Page, selectors: Mapping[str, str], req: ListRequest
) -> list[RawItem]:
    """``source.parse``, re-read through the charset chain if reading the bytes as
    UTF-8 put U+FFFD into the items (a cp949 or gb18030 page, declared or not)."""
    items = source.parse(page, selectors, req)
    if page.read_as_utf8 and any(_garbled(item) for item in items):
        items = source.parse(page.decoded(), selectors, req)
    return items


def _garbled(item: RawItem) -> bool:
    return any("\ufffd" in (f or "") for f in (item.title, item.snippet, item.press, item.url))


def validate_config(config: Config) -> None:
    """Fail early on a [sources.X] table for a source that does not exist."""
    for name in config.sources:
        settings_for(name, config)
