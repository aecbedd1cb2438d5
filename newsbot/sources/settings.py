"""Each source's effective settings for a run: its defaults with ``[sources.NAME]``
and ``[extract.NAME]`` applied. Resolved once per run (``resolve``) and passed down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from newsbot import sources
from newsbot.config import Config
from newsbot.errors import ConfigError
from newsbot.extract.rules import Rule, with_overrides


@dataclass(frozen=True)
class Settings:
    """A source's effective settings."""

    obey_robots: bool
    robots_note: str
    min_items: int
    max_items: int
    selectors: Mapping[str, str]
    max_pages: int
    article: Rule  # how its article pages are read

    @property
    def robots_line(self) -> str:
        """``obeyed`` or ``not obeyed: why``, as ``newsbot sources`` and notes say it."""
        return "obeyed" if self.obey_robots else f"not obeyed: {self.robots_note or 'config'}"


def resolve(config: Config) -> dict[str, Settings]:
    """Every source's settings; ConfigError on a table for an unknown source or selector."""
    table = sources.SOURCES
    known = ", ".join(table)
    for name in config.sources:
        if name not in table:
            raise ConfigError(f"[sources.{name}]: unknown source {name!r} (known: {known})")
    for name in config.extract:
        if name not in table:
            raise ConfigError(f"[extract.{name}]: unknown rule (known: {known})")
    return {name: _settings(name, config) for name in table}


def article_rules(settings: Mapping[str, Settings]) -> dict[str, Rule]:
    """The article-page rules of every source, by source name."""
    return {name: s.article for name, s in settings.items()}


def _settings(name: str, config: Config) -> Settings:
    source = sources.get(name)
    base = source.DEFAULTS
    article = with_overrides(source.ARTICLE, config.extract.get(name, {}))
    over = config.sources.get(name)
    selectors = dict(source.SELECTORS)
    obey, note = base.obey_robots and config.fetch.obey_robots, base.robots_note
    if over is None:
        return Settings(
            obey, note, base.min_items, base.max_items, selectors, base.max_pages, article
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
    return Settings(
        obey_robots=obey,
        robots_note=note,
        min_items=base.min_items if over.min_items is None else over.min_items,
        max_items=base.max_items if over.max_items is None else over.max_items,
        selectors=selectors,
        max_pages=base.max_pages if over.max_pages is None else over.max_pages,
        article=article,
    )
