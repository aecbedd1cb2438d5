"""Jobs: one declarative TOML file per post series in ``jobs/``."""

from __future__ import annotations

import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from newsbot import sources
from newsbot.config import explain
from newsbot.errors import ConfigError, JobError
from newsbot.sources.base import SourceOptions

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")  # fullmatch: "$" would let "\n" through
CRON_FIELDS = 5


class SourceRef(BaseModel):
    """One source and section a job lists, with source-specific options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    section: str = ""
    options: dict[str, Any] = Field(default_factory=dict)
    _parsed: SourceOptions = PrivateAttr(default_factory=SourceOptions)

    @model_validator(mode="after")
    def _check_source(self) -> SourceRef:
        try:
            source = sources.get(self.name)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        try:
            self._parsed = source.Options.model_validate(self.options)
        except ValidationError as exc:
            problems = "; ".join(
                f"options.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(f"source {self.name!r}: {problems}") from None
        return self

    @property
    def parsed(self) -> SourceOptions:
        """``options`` validated by the source's own model."""
        return self._parsed


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

    model_config = ConfigDict(extra="forbid", frozen=True)

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

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = Field(description="str.format template; {date} is the post's day")
    slug: str = Field(description="ASCII [a-z0-9-]; the file is YYYY-MM-DD-<slug>-YYYYMMDD.md")
    style: Literal["daily_list", "digest"] = "daily_list"
    categories: list[str] = Field(default_factory=list, max_length=2)
    tags: list[str] = Field(default_factory=list)
    schedule: str = Field("30 12 * * *", description="cron (min hour dom mon dow), Asia/Seoul")
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
            value.format(date=date(2000, 1, 2))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"title template {value!r} does not format: {exc}") from None
        return value

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != CRON_FIELDS:
            raise ValueError("schedule must be a 5-field cron expression, e.g. '30 12 * * *'")
        if any(ch.isdigit() for ch in fields[4]):
            # APScheduler's from_crontab counts 0 as Monday, system cron as Sunday: names only.
            raise ValueError(
                f"schedule day-of-week {fields[4]!r} must use names (mon-fri, sat,sun) or '*', "
                "not numbers: cron and APScheduler number weekdays differently"
            )
        return value

    def post_title(self, day: date) -> str:
        return self.title.format(date=day)

    def scheduled_time(self) -> time:
        """The time of day the schedule fires (first value of minute and hour fields)."""
        minute, hour = self.schedule.split()[:2]
        return time(_first(hour, 12), _first(minute, 0))


def _first(field: str, fallback: int) -> int:
    match = re.match(r"\d+", field)
    return int(match.group()) if match else fallback


def load_job(path: Path) -> Job:
    """Read and validate one job file; the name defaults to the file stem."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise JobError(f"{path} is not valid TOML: {exc}") from None
    data.setdefault("name", path.stem)
    try:
        return Job.model_validate(data)
    except ValidationError as exc:
        raise JobError(f"invalid job file {path}:\n{explain(exc)}") from None


def load_jobs(directory: Path, names: list[str] | None = None) -> list[Job]:
    """Load every job in ``directory``, or only ``names`` (in the order given)."""
    if not directory.is_dir():
        raise JobError(f"jobs directory not found: {directory}")
    jobs = {j.name: j for j in (load_job(p) for p in sorted(directory.glob("*.toml")))}
    if not names:
        if not jobs:
            raise JobError(f"no job files (*.toml) in {directory}")
        return list(jobs.values())
    missing = [n for n in names if n not in jobs]
    if missing:
        known = ", ".join(sorted(jobs)) or "none"
        raise JobError(f"unknown job {', '.join(missing)} (jobs in {directory}: {known})")
    return [jobs[n] for n in names]
