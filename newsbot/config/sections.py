"""The sections of ``newsbot.toml``, one typed model each, with every default and its meaning."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)


class _Strict(BaseModel):
    # inf and nan are valid TOML floats, but a duration of inf or nan never ends a run
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class FetchConfig(_Strict):
    """How newsbot talks to the network."""

    contact_url: str = Field(
        "", description="Put in the User-Agent so site owners can reach you: newsbot/<v> (+URL)"
    )
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to establish a connection")
    read_timeout: float = Field(10.0, gt=0, description="Seconds of silence between bytes")
    deadline: float = Field(30.0, gt=0, description="Total seconds per request, body included")
    max_bytes: int = Field(5 * 1024 * 1024, gt=0, description="Cap on a decoded body")
    warn_bytes: int = Field(2 * 1024 * 1024, gt=0, description="A body over this gets a note")
    min_bytes: int = Field(1, ge=0, description="A page body under this is unexpected_content")
    max_redirects: int = Field(5, ge=0, description="Redirect hops followed per request")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra hosts a redirect may go to (a page's own host and its site's "
        "subdomains always may)",
    )
    retries: int = Field(2, ge=0, le=10, description="Retries after a failed attempt")
    backoff: float = Field(
        1.0, ge=0, description="First retry waits up to this (full jitter); doubles per retry"
    )
    retry_after_max: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; longer gives the host up"
    )
    breaker_failures: int = Field(
        3, ge=1, description="Consecutive failed attempts that stop a host for the run"
    )
    host_delay: float = Field(
        2.0, ge=0, description="Seconds between request starts to one host, randomised x0.5-1.5"
    )
    max_crawl_delay: float = Field(
        30.0, ge=0, description="A robots.txt Crawl-delay over this skips the source"
    )
    source_budget: float = Field(120.0, gt=0, description="Total seconds one source may take")
    run_budget: float = Field(600.0, gt=0, description="Total seconds all fetching may take")
    content_types: list[str] = Field(
        default_factory=lambda: ["text/html", "application/xhtml+xml"],
        description="MIME types a page may have (a source may declare its own)",
    )
    complete_marker: str = Field(
        "</html>", description="An HTML page without this text is incomplete ('' turns it off)"
    )
    block_markers: list[str] = Field(
        default_factory=lambda: [
            "captcha",
            "access denied",
            "attention required",
            "just a moment",
            "are you a robot",
            "비정상적인 접근",
            "접근이 제한",
        ],
        description="Text in a page's <title> that marks a block or captcha page",
    )
    max_nesting: int = Field(
        1000, gt=0, description="HTML nested deeper than this is refused before parsing"
    )
    parse_timeout: float = Field(
        10.0, gt=0, description="Seconds reading one page may take (a worker process)"
    )
    obey_robots: bool = Field(True, description="Obey robots.txt unless a source opts out")
    host_map: dict[str, str] = Field(
        default_factory=dict,
        description="HOST → ORIGIN: send requests for HOST to ORIGIN, path and query kept",
    )

    @field_validator("host_map")
    @classmethod
    def _check_origins(cls, value: dict[str, str]) -> dict[str, str]:
        for host, origin in value.items():
            if not host.strip() or any(ch in host for ch in "/@?# \t") or _port_in(host):
                # a key is matched against a URL's host alone: "https://a.kr" or "a.kr:80" never is
                hint = urlsplit(host if "//" in host else f"//{host}").hostname
                also = f" (write {hint!r})" if hint else ""
                raise ValueError(f"host_map key {host!r} must be a host name alone{also}")
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"host_map[{host!r}]: origin must be http(s)://host[:port]")
            try:
                port = parts.port
            except ValueError as exc:  # over 65535, or not a number
                raise ValueError(f"host_map[{host!r}]: origin {origin!r}: {exc}") from None
            if not parts.hostname:
                raise ValueError(f"host_map[{host!r}]: origin must be http(s)://host[:port]")
            if port == 0:
                raise ValueError(f"host_map[{host!r}]: origin {origin!r}: port 0 is no port")
            if parts.path not in ("", "/") or parts.query:
                raise ValueError(f"host_map[{host!r}]: origin must not have a path or query")
        return {h.lower(): o.rstrip("/") for h, o in value.items()}


def _port_in(host: str) -> bool:
    """Whether a host_map key has a ``:`` that is no part of an IPv6 address (a port)."""
    if ":" not in host:
        return False
    try:
        ipaddress.IPv6Address(host.strip("[]"))
    except ValueError:
        return True
    return False


class SourceConfig(_Strict):
    """Per-source overrides; unset fields keep the source module's defaults."""

    obey_robots: bool | None = Field(None, description="Override the source's robots.txt policy")
    min_items: int | None = Field(None, ge=0, description="Fewer items than this fails the source")
    max_items: int | None = Field(None, ge=1, description="Items kept per source and job")
    max_pages: int | None = Field(None, ge=1, le=20, description="Cap on list pages read per job")
    selectors: dict[str, str] = Field(
        default_factory=dict, description="Replace named CSS selectors without a release"
    )

    @model_validator(mode="after")
    def _floor_under_cap(self) -> SourceConfig:
        floor, cap = self.min_items, self.max_items
        if floor is not None and cap is not None and floor > cap:
            raise ValueError(
                f"min_items {floor} is over max_items {cap}: the source could never have enough"
            )
        return self


class OutputConfig(_Strict):
    """Where posts and jobs live."""

    dir: Path = Field(Path("output/_posts"), description="The _posts directory posts go to")
    jobs_dir: Path | None = Field(
        None,
        description="Directory of job files (*.toml); default: jobs/ beside newsbot.toml "
        "if it exists, else the built-in jobs",
    )


class StateConfig(_Strict):
    """Memory across runs: what each job already posted."""

    path: Path | None = Field(
        None, description="SQLite seen-set (default: .newsbot-state.sqlite beside the posts dir)"
    )
    title_similarity: float = Field(
        0.9, ge=0.5, le=1.0, description="Titles this similar are one story (1.0: exact only)"
    )
    title_window: int = Field(
        3,
        ge=0,
        le=365,
        description="Days either side whose posted titles a new item must not repeat",
    )
    busy_timeout: float = Field(
        30.0, gt=0, le=3600, allow_inf_nan=False, description="Seconds to wait for a busy store"
    )


class PublishConfig(_Strict):
    """The blog repository checkout posts are committed to (``newsbot run --publish``)."""

    enabled: bool = Field(False, description="Publish after every run, as if --publish were given")
    repo: Path | None = Field(None, description="Path of a local clone of the blog repository")
    url: str | None = Field(
        None, description="Or: the blog repository's URL, cloned shallowly into workdir"
    )
    workdir: Path = Field(Path(".newsbot/blog"), description="Where url is cloned and kept")
    token_env: str = Field(
        "BLOG_TOKEN",
        min_length=1,
        description="Environment variable holding an HTTPS token for url (never logged)",
    )
    branch: str = Field("main", min_length=1, description="Branch the checkout must be on")
    posts_dir: str = Field("_posts", min_length=1, description="Posts directory inside repo")
    remote: str = Field("origin", min_length=1, description="Remote pushed to")
    author_name: str | None = Field(
        None,
        min_length=1,
        description="Commit author (default: github-actions[bot] on GitHub Actions, else "
        "git's user.name in the checkout, else newsbot)",
    )
    author_email: str | None = Field(None, min_length=1, description="Commit author's e-mail")
    push: bool = Field(True, description="Push the commit (false: commit locally only)")
    attempts: int = Field(3, ge=1, le=10, description="Push attempts, rebasing between them")
    timeout: float = Field(
        120.0,
        gt=0,
        allow_inf_nan=False,
        description="Seconds the git commands of one publishing step (the checkout before a "
        "run, the commit and push after it) may take; a command still running is killed",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^(https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:", value):
            raise ValueError("url must be https://, ssh://, git://, file:// or user@host:path")
        return value

    @model_validator(mode="after")
    def _one_repo(self) -> PublishConfig:
        if self.repo is not None and self.url is not None:
            raise ValueError("set either repo (a local clone) or url (cloned for you), not both")
        return self

    @field_validator("posts_dir")
    @classmethod
    def _relative(cls, value: str) -> str:
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError("posts_dir must be a relative path inside the repository")
        return value


class ScheduleConfig(_Strict):
    """``newsbot schedule``: catching up on missed jobs and waiting for the lock."""

    catch_up: float = Field(
        4 * 3600.0,
        ge=0,
        allow_inf_nan=False,
        description="A job due up to this many seconds ago still runs when the daemon starts "
        "or wakes (at start: only if its post is missing); later it is recorded as missed",
    )
    busy_retry: float = Field(
        60.0,
        gt=0,
        allow_inf_nan=False,
        description="Seconds between tries while another newsbot process holds the lock",
    )


class LlmConfig(_Strict):
    """An OpenAI-compatible chat-completions endpoint for the ``llm`` summarizer."""

    base_url: str = Field("", description="API root, e.g. https://api.openai.com/v1")
    model: str = Field("", description="Model name sent with every request")
    api_key_env: str = Field(
        "OPENAI_API_KEY", description="Environment variable holding the key ('' = no key)"
    )
    api_key: SecretStr | None = Field(
        None, exclude=True, description="Set from api_key_env when the config is loaded"
    )
    timeout: float = Field(60.0, gt=0, description="Seconds per request, answer included")
    max_articles: int = Field(20, ge=0, description="LLM calls per run (cache hits are free)")
    max_tokens: int = Field(60_000, ge=0, description="Tokens per run, prompts and answers")
    max_output_tokens: int = Field(900, ge=64, description="max_tokens of one answer")
    max_input_chars: int = Field(6000, ge=200, description="Article text sent, cut here")
    temperature: float = Field(0.2, ge=0, le=2)

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("base_url must be an http(s) URL")
        return value.rstrip("/")


class SummarizeConfig(_Strict):
    """How the digest summarizes articles."""

    backend: Literal["extractive", "llm"] = Field(
        "extractive", description="extractive: offline key sentences; llm: [summarize.llm]"
    )
    sentences: int = Field(3, ge=1, le=5, description="Bullets the extractive backend picks")
    llm: LlmConfig = Field(default_factory=LlmConfig)

    @model_validator(mode="after")
    def _llm_needs_endpoint(self) -> SummarizeConfig:
        if self.backend == "llm" and not (self.llm.base_url and self.llm.model):
            raise ValueError("backend = 'llm' needs [summarize.llm] base_url and model")
        return self
