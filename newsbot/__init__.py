"""newsbot: scrape daily news lists and publish them as Jekyll posts.

The library surface is this module: ``run`` and ``backfill`` (from ``app``),
``load_config`` and ``load_jobs`` with the ``Config`` and ``Job`` they return,
the records ``Article`` and ``RunReport``, and the error tree (``errors``).
``run`` and ``backfill`` are imported on first use, so the CLI starts light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsbot.config import Config
from newsbot.config import load as load_config
from newsbot.errors import (
    Busy,
    ConfigError,
    FetchError,
    JobError,
    JobRunFailed,
    LayoutChanged,
    LlmInvalid,
    LlmUnavailable,
    NewsbotError,
    OverBudget,
    PublishError,
    RecordingError,
    Rejected,
    SourceError,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    SummaryError,
    UsageError,
    WriteError,
)
from newsbot.models import Article, RunReport
from newsbot.version import __version__

if TYPE_CHECKING:
    from newsbot.app import backfill, run
    from newsbot.jobs import Job, load_jobs

__all__ = [
    "Article",
    "Busy",
    "Config",
    "ConfigError",
    "FetchError",
    "Job",
    "JobError",
    "JobRunFailed",
    "LayoutChanged",
    "LlmInvalid",
    "LlmUnavailable",
    "NewsbotError",
    "OverBudget",
    "PublishError",
    "RecordingError",
    "Rejected",
    "RunReport",
    "SourceError",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "SummaryError",
    "UsageError",
    "WriteError",
    "__version__",
    "backfill",
    "load_config",
    "load_jobs",
    "run",
]

_LAZY = {"run": "newsbot.app", "backfill": "newsbot.app", "Job": "newsbot.jobs",
         "load_jobs": "newsbot.jobs"}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'newsbot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
