"""Jobs: one declarative TOML file per post series in ``jobs/``.

The models are strict: TOML types every value, so ``snippet_chars = "120"`` or
``thumbnails = 1`` is refused with its key, never read as a guess.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from datetime import date, time
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from newsbot import scaffold, sources, tomlfile
from newsbot.config import Config, explain
from newsbot.errors import ConfigError, JobError
from newsbot.sources.base import SourceOptions
from newsbot.sources.generic import GenericOptions

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")  # fullmatch: "$" would let "\n" through
# one word: it goes into --job, the report, newsbot status and the workflow's shell
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
CRON_FIELDS = 5
TIMEZONE = "Asia/Seoul"
UNSCHEDULED_POST_TIME = time(12, 30)  # a past day's post time for a job with no schedule
# Front matter newsbot writes itself; front_matter_extra may not replace it.
WRITTEN_KEYS = ("title", "date", "categories", "tags")
DIGEST_KEYS = ("layout",)


class SourceRef(BaseModel):
    """One source and section a job lists, with source-specific options."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str
    section: str = ""
    options: dict[str, Any] = Field(default_factory=dict)
    _parsed: SourceOptions = PrivateAttr(default_factory=SourceOptions)

    @model_validator(mode="after")
    def _check_source(self, info: ValidationInfo) -> SourceRef:
        try:
            source = sources.get(self.name)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        own = {"selectors": _given(info, "selectors").get(self.name, {})}
        try:
            self._parsed = source.Options.model_validate(self.options, context=own)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(['options', *(str(p) for p in e['loc'])])}: {e['msg']}"
                for e in exc.errors()
            )
            raise ValueError(f"source {self.name!r}: {problems}") from None
        if isinstance(self._parsed, GenericOptions):
            _check_reachable(self.name, self._parsed, _given(info, "host_map"))
        return self

    @property
    def parsed(self) -> SourceOptions:
        """``options`` validated by the source's own model."""
        return self._parsed


def _check_reachable(name: str, options: GenericOptions, host_map: Mapping[str, str]) -> None:
    """ValueError if the fetch gate would refuse the URL (an inside address, not mapped)."""
    from newsbot.fetch.gate import Gate  # only loading a generic source needs it

    why = Gate.of(host_map).refusal(options.sample_url())
    if why is not None:
        raise ValueError(
            f"source {name!r}: options.url: the fetch gate would refuse it ({why}); newsbot "
            "fetches public addresses only, or a host that [fetch] host_map / --host-map maps"
        )


def _given(info: ValidationInfo, key: str) -> Mapping[str, Any]:
    """``key`` of the context ``load_job`` passed ({} without one)."""
    given = info.context.get(key) if isinstance(info.context, Mapping) else None
    return given if isinstance(given, Mapping) else {}


def validation_context(config: Config | None) -> dict[str, Any]:
    """What validating a job under ``config`` knows of it: ``selectors``, source name →
    its ``[sources.NAME.selectors]`` table, and ``host_map``, the hosts it may fetch
    whatever their address."""
    if config is None:
        return {}
    return {
        "selectors": {name: dict(s.selectors) for name, s in config.sources.items()},
        "host_map": dict(config.fetch.host_map),
    }


DEFAULT_KEYWORDS = (
    "AI",
    "인공지능",
    "생성형",
    "LLM",
    "GPT",
    "챗GPT",
    "ChatGPT",
    "딥러닝",
    "머신러닝",
    "거대언어모델",
    "초거대",
    "人工智能",
    "生成式",
    "大模型",
    "智能体",
    "机器学习",
    "深度学习",
    "artificial intelligence",
    "machine learning",
    "generative",
    "OpenAI",
    "DeepSeek",
)


class DigestOptions(BaseModel):
    """``[digest]`` of a ``style = "digest"`` job: which list items become digest entries."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    keywords: list[str] = Field(
        default_factory=lambda: list(DEFAULT_KEYWORDS),
        min_length=1,
        description="A list item is a candidate when its title or snippet has one of these",
    )
    max_articles: int = Field(8, ge=1, le=50, description="Entries per post, best first")
    min_chars: int = Field(100, ge=0, description="Shorter extracted text: article skipped")
    concurrency: int = Field(4, ge=1, le=16, description="Article pages fetched at once")
    source_names: dict[str, str] = Field(
        default_factory=dict, description="Source name → the link text (default: its label)"
    )


class Job(BaseModel):
    """A post series: which sources feed it and how its post looks."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str
    title: str = Field(description="str.format template; {date} is the post's day")
    slug: str = Field(description="ASCII [a-z0-9-]; the file is YYYY-MM-DD-<slug>-YYYYMMDD.md")
    style: Literal["daily_list", "digest"] = "daily_list"
    categories: list[str] = Field(default_factory=list, max_length=2)
    tags: list[str] = Field(default_factory=list)
    schedule: str | None = Field(
        None, description="cron (min hour dom mon dow), Asia/Seoul; none: run by hand only"
    )
    snippet_chars: int = Field(120, ge=1)
    allow_partial: bool = Field(False, description="Write the post even if a source failed")
    order: Literal["grouped", "interleaved"] = Field(
        "grouped",
        description="Several sources: each source's items in a block (job order), or taken "
        "in turn, one from each source",
    )
    thumbnails: bool = Field(
        False, description="Fetch an article's og:image when its list shows no thumbnail"
    )
    description: bool = Field(
        True, description="Front matter description: the first items' titles, plain text"
    )
    contain_thumbnails: bool = Field(
        True,
        description="daily_list: each thumbnail's float stays inside its own item "
        "(.overflow-hidden), so every item starts at the left margin",
    )
    front_matter_extra: dict[str, Any] = Field(
        default_factory=dict, description="Keys appended after the standard front matter"
    )
    sources: list[SourceRef] = Field(min_length=1)
    digest: DigestOptions = Field(default_factory=DigestOptions)

    @field_validator("sources")
    @classmethod
    def _distinct_sources(cls, value: list[SourceRef]) -> list[SourceRef]:
        # (source, section) keys the report, the plan and newsbot status: one entry each
        seen: set[tuple[str, str]] = set()
        for i, ref in enumerate(value):
            if not ref.section and isinstance(ref.parsed, GenericOptions):
                raise ValueError(f"[{i}] {ref.name}: needs a section, its key in reports")
            if (ref.name, ref.section) in seen:
                raise ValueError(
                    f"[{i}] {ref.name}/{ref.section} is listed twice; give each its own section"
                )
            seen.add((ref.name, ref.section))
        return value

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not NAME_RE.fullmatch(value):
            raise ValueError(
                f"job name {value!r} must be one word of letters, digits, '.', '_' and '-' "
                "(at most 80; the file name is the default): it is what --job takes"
            )
        return value

    @field_validator("slug")
    @classmethod
    def _check_slug(cls, value: str) -> str:
        if not SLUG_RE.fullmatch(value):
            raise ValueError("slug must match [a-z0-9][a-z0-9-]* and be at most 80 characters")
        return value

    @field_validator("tags")
    @classmethod
    def _lower_tags(cls, value: list[str]) -> list[str]:
        return [t.lower() for t in value]

    @field_validator("title")
    @classmethod
    def _check_title(cls, value: str) -> str:
        try:
            for _, field, spec, conversion in string.Formatter().parse(value):
                if field is not None and (field != "date" or conversion or "{" in (spec or "")):
                    # {date.year}, {date.__class__}, {0}, {date!r}: only the day, formatted
                    raise ValueError(f"{{{field}}}: only {{date}} and {{date:%Y.%m.%d}} exist")
            value.format(date=date(2000, 1, 2))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"title template {value!r} does not format: {exc}") from None
        return value

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str | None) -> str | None:
        if value is None:
            return None
        fields = value.split()
        if len(fields) != CRON_FIELDS:
            raise ValueError("schedule must be a 5-field cron expression, e.g. '30 12 * * *'")
        if any(ch.isdigit() for ch in fields[4]):
            # APScheduler's from_crontab counts 0 as Monday, system cron as Sunday: names only.
            raise ValueError(
                f"schedule day-of-week {fields[4]!r} must use names (mon-fri, sat,sun) or '*', "
                "not numbers: cron and APScheduler number weekdays differently"
            )
        _check_cron(value)
        return value

    @model_validator(mode="after")
    def _digest_only_in_digests(self) -> Job:
        if "digest" in self.model_fields_set and self.style != "digest":
            raise ValueError(
                f"[digest] is read only by style = 'digest' jobs (this is {self.style})"
            )
        return self

    @model_validator(mode="after")
    def _check_front_matter(self) -> Job:
        written = WRITTEN_KEYS + (DIGEST_KEYS if self.style == "digest" else ())
        taken = [k for k in self.front_matter_extra if k in written]
        if taken:
            raise ValueError(
                f"front_matter_extra may not set {', '.join(taken)}: newsbot writes "
                f"{', '.join(written)} itself (use the job's title, categories and tags)"
            )
        permalink = self.front_matter_extra.get("permalink")
        if isinstance(permalink, str) and ":" not in permalink:
            raise ValueError(
                f"front_matter_extra.permalink {permalink!r} is one address for every post of "
                "the series, so each day's post replaces the last on the site; use "
                "placeholders (/:year/:month/:day/:title/) or leave it to _config.yml"
            )
        return self

    def post_title(self, day: date) -> str:
        return self.title.format(date=day)

    def scheduled_time(self) -> time:
        """The time of day the schedule fires (first value of minute and hour fields)."""
        if self.schedule is None:
            return UNSCHEDULED_POST_TIME
        minute, hour = self.schedule.split()[:2]
        return time(_first(hour, 12), _first(minute, 0))


def _first(field: str, fallback: int) -> int:
    match = re.match(r"\d+", field)
    return int(match.group()) if match else fallback


def _check_cron(value: str) -> None:
    """ValueError unless APScheduler's own parser, the daemon's, takes ``value``
    (``30 25 * * *``, ``61 12 * * *`` and ``mon-fry`` are refused here, at load)."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone=TIMEZONE)
    except ValueError as exc:
        raise ValueError(f"schedule {value!r}: {exc}") from None


def directory(config: Config) -> Path:
    """Where the jobs are: ``--jobs-dir`` / ``[output] jobs_dir``; else ``jobs/`` in the
    config file's folder (the current one without a file) if it exists; else the
    built-in jobs that ship with newsbot."""
    if config.output.jobs_dir is not None:
        return config.output.jobs_dir
    local = config.root / "jobs"
    return local if local.is_dir() else scaffold.JOBS


def load_job(path: Path, *, config: Config | None = None) -> Job:
    """Read and validate one job file; the name defaults to the file stem.

    With ``config``, a source's options may leave to it what its ``[sources.NAME]``
    table sets (an html source's ``item`` selector).
    """
    data = tomlfile.read(path, JobError, "job file")
    data.setdefault("name", path.stem)
    try:
        return Job.model_validate(data, context=validation_context(config))
    except ValidationError as exc:
        raise JobError(f"invalid job file {path}:\n{explain(exc)}") from None


def load_jobs(
    directory: Path, names: Sequence[str] | None = None, *, config: Config | None = None
) -> list[Job]:
    """Load every job in ``directory``, or only ``names`` (in the order given), each
    validated under ``config`` when one is given (``load_job``).

    Refused (JobError, exit 64): two files with one name or one slug (their posts
    would overwrite each other), a name asked for twice, a name that is not there.
    """
    if not directory.is_dir():
        raise JobError(f"jobs directory not found: {directory}")
    paths = sorted(directory.glob("*.toml"))
    loaded = [(p, load_job(p, config=config)) for p in paths]
    _refuse_twins(loaded, "name")
    _refuse_twins(loaded, "slug")
    jobs = {j.name: j for _, j in loaded}
    if not names:
        if not jobs:
            raise JobError(f"no job files (*.toml) in {directory}")
        return list(jobs.values())
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise JobError(f"--job {', '.join(twice)} given more than once")
    missing = [n for n in names if n not in jobs]
    if missing:
        known = ", ".join(sorted(jobs)) or "none"
        raise JobError(f"unknown job {', '.join(missing)} (jobs in {directory}: {known})")
    return [jobs[n] for n in names]


def _refuse_twins(loaded: Sequence[tuple[Path, Job]], key: str) -> None:
    """JobError naming the files when two jobs share ``key`` (name or slug)."""
    seen: dict[str, Path] = {}
    for path, job in loaded:
        value = getattr(job, key)
        if value in seen:
            raise JobError(
                f"{seen[value]} and {path} both have {key} {value!r}; a {key} must be unique"
            )
        seen[value] = path
