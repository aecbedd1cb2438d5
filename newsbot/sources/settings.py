"""Each source's effective settings for a run: its defaults with ``[sources.NAME]``
and ``[extract.NAME]`` applied. Resolved once per run (``resolve``) and passed down."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from newsbot import sources
from newsbot.config import Config
from newsbot.errors import ConfigError, JobError
from newsbot.extract.rules import Rule, with_overrides
from newsbot.jobs import Job
from newsbot.sources.base import SourceOptions
from newsbot.sources.generic import GenericOptions
from newsbot.sources.markup import css_problem

GENERIC = ("feed", "html")  # their article pages go through the generic extractor


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
    rules = ", ".join(n for n in table if n not in GENERIC)
    for name in config.extract:
        if name not in table or name in GENERIC:
            raise ConfigError(f"[extract.{name}]: unknown rule (known: {rules})")
    return {name: _settings(name, config) for name in table}


def for_options(settings: Settings, options: SourceOptions) -> Settings:
    """``settings`` with a generic source's own ``min_items``/``max_items`` on top."""
    if not isinstance(options, GenericOptions):
        return settings
    floor, cap = options.min_items, options.max_items
    return replace(
        settings,
        min_items=settings.min_items if floor is None else floor,
        max_items=settings.max_items if cap is None else cap,
    )


def check_floors(jobs: Sequence[Job], settings: Mapping[str, Settings]) -> None:
    """JobError for a source whose floor, once the config's and the source's defaults are
    applied, is over its cap (``min_items = 60`` under the cap 50: it could never pass), or
    that asks for more list pages than its cap lets it read."""
    for job in jobs:
        for ref in job.sources:
            s = for_options(settings[ref.name], ref.parsed)
            if s.min_items > s.max_items:
                raise JobError(
                    f"job {job.name}: {ref.name}/{ref.section} needs min_items {s.min_items} "
                    f"but keeps at most max_items {s.max_items} (its options, [sources."
                    f"{ref.name}] or the source's default): it could never pass"
                )
            pages = ref.parsed.pages
            if pages is not None and pages > s.max_pages:
                raise JobError(
                    f"job {job.name}: {ref.name}/{ref.section} asks for pages {pages}, over "
                    f"its cap max_pages {s.max_pages}; [sources.{ref.name}] max_pages raises "
                    "the cap (at most 20)"
                )


def describe_generic(job: Job, settings: Mapping[str, Settings]) -> list[str]:
    """One line per feed or list ``job`` declares, as ``newsbot sources`` prints it."""
    lines = []
    for ref in job.sources:
        opts = ref.parsed
        if not isinstance(opts, GenericOptions):
            continue
        s = for_options(settings[ref.name], opts)
        language = opts.language or "detect"
        lines.append(
            f"{ref.name}/{ref.section}\t{opts.link_text()}\t{opts.url}\tjob={job.name}"
            f" language={language} tz={opts.tz} min_items={s.min_items} max_items={s.max_items}"
            f" max_pages={s.max_pages}\trobots.txt {s.robots_line}"
        )
    return lines


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
    for key, value in over.selectors.items():
        problem = css_problem(value)
        if problem:
            raise ConfigError(f"[sources.{name}.selectors] {key} = {problem}")
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
