"""Typed configuration: built-in defaults < ``newsbot.toml`` < command-line flags.

Every default and its meaning lives in ``sections`` (one model per table). The object is
built once, in ``cli``, and passed down; no other module reads files or the environment
for settings (the LLM key too: read here from ``api_key_env``, kept as a secret that
never prints).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, SecretStr, ValidationError

from newsbot import tomlfile
from newsbot.config.sections import (
    FetchConfig,
    LlmConfig,
    OutputConfig,
    PublishConfig,
    ScheduleConfig,
    SourceConfig,
    StateConfig,
    SummarizeConfig,
    _Strict,
)
from newsbot.errors import ConfigError

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "Config",
    "FetchConfig",
    "LlmConfig",
    "OutputConfig",
    "PublishConfig",
    "ScheduleConfig",
    "SourceConfig",
    "StateConfig",
    "SummarizeConfig",
    "explain",
    "load",
]

DEFAULT_CONFIG_FILE = Path("newsbot.toml")


class Config(_Strict):
    """The whole configuration of a run. ``root`` is the folder the file's relative
    paths were read against (the config file's folder; the current one without)."""

    fetch: FetchConfig = Field(default_factory=FetchConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    state: StateConfig = Field(default_factory=StateConfig)
    publish: PublishConfig = Field(default_factory=PublishConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    summarize: SummarizeConfig = Field(default_factory=SummarizeConfig)
    extract: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="[extract.RULE]: replace an article-page selector"
    )
    _root: Path = PrivateAttr(default=Path("."))

    @property
    def root(self) -> Path:
        """The folder relative paths in the config file are relative to."""
        return self._root


# Paths a config file may give, and the defaults anchored with them: relative ones are
# read against the file's folder, so `newsbot --config blog/newsbot.toml` works from anywhere.
PATH_KEYS = {
    ("output", "dir"): "output/_posts",
    ("output", "jobs_dir"): None,
    ("state", "path"): None,
    ("publish", "repo"): None,
    ("publish", "workdir"): ".newsbot/blog",
}


def load(path: Path | None, overrides: dict[str, Any] | None = None) -> Config:
    """Build the Config from defaults, an optional TOML file and CLI overrides.

    ``overrides`` is nested like the file (``{"fetch": {"host_map": {...}}}``);
    dictionaries merge, other values replace. Relative paths in the file (and the
    default paths, when there is a file) are relative to the file's folder; those
    in ``overrides`` (flags) to the current directory.
    """
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    data = {}
    if path is not None:
        data = tomlfile.anchor(tomlfile.read(path, ConfigError, "--config"), path.parent, PATH_KEYS)
    _validate(data, f" in {path}")
    merged = tomlfile.merge(data, overrides or {})
    if "api_key" in merged.get("summarize", {}).get("llm", {}):
        raise ConfigError("summarize.llm.api_key: put the key in the variable api_key_env names")
    config = _validate(merged, " in the command line's options")
    if path is not None:
        config._root = path.parent
    return config


def _validate(data: dict[str, Any], where: str) -> Config:
    try:
        return _with_api_key(Config.model_validate(data))
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration{where}:\n{explain(exc)}") from None


def _with_api_key(cfg: Config) -> Config:
    """``cfg`` with the LLM key read from its variable; a key HTTP cannot send is refused."""
    llm = cfg.summarize.llm
    value = os.environ.get(llm.api_key_env) if llm.api_key_env else None
    if cfg.summarize.backend != "llm" or not value:
        return cfg
    bad = next(((i, c) for i, c in enumerate(value) if not "!" <= c <= "~"), None)
    if bad is not None:
        raise ConfigError(
            f"${llm.api_key_env} has a character an HTTP header cannot carry "
            f"(U+{ord(bad[1]):04X} at position {bad[0] + 1}, e.g. a pasted zero-width space "
            "or a line break): set it again without it"
        )
    llm = llm.model_copy(update={"api_key": SecretStr(value)})
    summarize = cfg.summarize.model_copy(update={"llm": llm})
    return cfg.model_copy(update={"summarize": summarize})


def explain(exc: ValidationError) -> str:
    """One line per problem: dotted key and what is wrong with it."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"  {key}: {err['msg']}")
    return "\n".join(lines)
