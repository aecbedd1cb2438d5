"""Every error newsbot raises on purpose, each carrying what a user needs to fix it.

    NewsbotError                      exit_code
    ├── UsageError                    64  bad command line, config, job file or recording;
    │   ├── ConfigError                   nothing was fetched
    │   └── JobError
    ├── Busy                          75  another newsbot run holds the lock
    ├── SourceError(source, url)       2  one source failed; the others go on (1 if all fail)
    │   ├── FetchError                    network / HTTP / robots, with a report status
    │   └── LayoutChanged                 the page loaded but yielded too few items
    ├── WriteError                     1  a post could not be written; the one on disk is untouched
    ├── StoreError                     1  the state store cannot be opened or written
    │   ├── StoreBusy                 75  another process held it past [state] busy_timeout
    │   └── StoreCorrupt                  not an intact database (moved aside when safe)
    ├── RecordingError                 1  --record cannot write its directory
    ├── PublishError                   1  commit or push to the blog repository failed
    ├── JobRunFailed                   1  a scheduled run ended non-zero (carries its report)
    ├── SummaryError                      the llm summarizer cannot be used; the digest falls
    │   ├── LlmUnavailable                back to extractive summaries
    │   ├── OverBudget
    │   └── LlmInvalid
    └── Rejected(reason)                  one item dropped; counted, never fatal

Only ``cli`` turns these into messages and exit codes.
"""

from __future__ import annotations

from newsbot.redact import redact


class NewsbotError(Exception):
    """Root of every error newsbot raises on purpose."""

    exit_code = 1


class UsageError(NewsbotError):
    """The command line or configuration is wrong; nothing was fetched."""

    exit_code = 64


class ConfigError(UsageError):
    """A config file or value is invalid."""


class JobError(UsageError):
    """A job file is invalid or a requested job does not exist."""


class Busy(NewsbotError):
    """Another newsbot run holds the lock (EX_TEMPFAIL)."""

    exit_code = 75


class SourceError(NewsbotError):
    """One source failed. ``status`` is a word from the run report's vocabulary."""

    exit_code = 2
    status = "error"

    def __init__(self, source: str, url: str, message: str, *, status: str | None = None) -> None:
        url, message = redact(url), redact(message)  # reports and logs never carry secrets
        super().__init__(f"{source}: {message} ({url})")
        self.source = source
        self.url = url
        self.message = message
        if status is not None:
            self.status = status


class FetchError(SourceError):
    """A page could not be fetched: network, HTTP status, size, robots.txt.

    ``retryable`` says whether another attempt may help; ``retry_after`` is the
    server's ``Retry-After`` in seconds, when it sent one; ``http_code`` the HTTP
    status that failed the page, when an answer came.
    """

    status = "unreachable"

    def __init__(
        self,
        source: str,
        url: str,
        message: str,
        *,
        status: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        http_code: int | None = None,
    ) -> None:
        super().__init__(source, url, message, status=status)
        self.retryable = retryable
        self.retry_after = retry_after
        self.http_code = http_code


class LayoutChanged(SourceError):
    """A page loaded but the parser found fewer items than the source's floor."""

    status = "parse_empty"


class WriteError(NewsbotError):
    """A post could not be written; the post already on disk is untouched."""


class StoreError(NewsbotError):
    """The state store cannot be opened or written."""


class StoreBusy(StoreError):
    """Another process kept the state store locked longer than the busy timeout."""

    exit_code = 75


class StoreCorrupt(StoreError):
    """The state store file is not an intact SQLite database."""


class RecordingError(NewsbotError):
    """The recording directory cannot be written; the run stops."""


class PublishError(NewsbotError):
    """Committing or pushing posts to the blog repository failed; nothing was forced."""


class JobRunFailed(NewsbotError):
    """A scheduled run ended with a non-zero exit code; carries the run report."""


class SummaryError(NewsbotError):
    """The llm summarizer could not summarize; the digest falls back to extractive."""


class LlmUnavailable(SummaryError):
    """The endpoint cannot be used this run (unreachable, timeout, 429, 5xx, key refused)."""


class OverBudget(SummaryError):
    """This run's LLM article or token budget is spent."""


class LlmInvalid(SummaryError):
    """The model answered twice with something that is not the JSON object asked for."""


class Rejected(NewsbotError):
    """One scraped item is unusable; ``reason`` is the report's drop-counter key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
