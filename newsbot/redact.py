"""Remove secrets from text before it reaches a log, a report or an error message.

Covers userinfo in URLs, ``token=``/``key=``/``secret=``/``password=`` parameters
(``apikey=``, ``access_token=`` …), GitHub tokens and Authorization values.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "***"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(https?://)[^@/\s?#]+@"), rf"\1{MASK}@"),
    (
        re.compile(
            r"(?i)([\w.-]*(?:token|key|secret|password|passwd|pwd|sig|signature|auth))"
            r"=[^&\s#\"']+"
        ),
        rf"\1={MASK}",
    ),
    (re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"), MASK),
    (
        re.compile(r"(?i)\b(authorization|proxy-authorization)(\s*[:=]\s*)[^\r\n,;]+"),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
)


def redact(text: str) -> str:
    """``text`` with every secret-shaped part replaced by ``***``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_all(value: Any) -> Any:
    """``value`` with every string in it redacted, through dicts, lists and tuples."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_all(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's formatted message (httpx logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True


def guard_logger(name: str) -> None:
    """Attach the redacting filter to logger ``name`` once."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
