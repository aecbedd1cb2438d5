"""newsbot: scrape daily news lists and publish them as Jekyll posts."""

from __future__ import annotations

__version__ = "0.1.0"

from newsbot.errors import (
    ConfigError,
    FetchError,
    LayoutChanged,
    NewsbotError,
    SourceError,
    UsageError,
    WriteError,
)
from newsbot.models import Article, RunReport

__all__ = [
    "Article",
    "ConfigError",
    "FetchError",
    "LayoutChanged",
    "NewsbotError",
    "RunReport",
    "SourceError",
    "UsageError",
    "WriteError",
    "__version__",
]
