"""The commit message of a publish: a short subject, a blank line, one line per post.

    newsbot: 2026-11-28, 4 posts (+27 articles)

    2026-11-28 krnews-it (+13)
    2026-11-28 ai-news (+4)
    2026-11-27 nate-it (left by an earlier run)

``+N`` counts the articles this run added to the post (``Post.added``), not the
post's total; a post an earlier, failed publish left behind has no count (and a
commit of only such posts none in its subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

SUBJECT_MAX = 72


@dataclass(frozen=True)
class Entry:
    """One post file in the commit."""

    path: str
    day: date
    job: str
    added: int | None  # articles this run added; None: left by an earlier run


def commit_message(entries: Sequence[Entry]) -> str:
    """The subject (at most 72 characters), a blank line and one line per post."""
    return f"{subject(entries)}\n\n" + "\n".join(_line(e) for e in entries) + "\n"


def subject(entries: Sequence[Entry]) -> str:
    days = sorted({e.day for e in entries})
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]}..{days[-1]}"
    counted = [e.added for e in entries if e.added is not None]
    text = f"newsbot: {span}, {_count(len(entries), 'post')}"
    if counted:
        text += f" (+{_count(sum(counted), 'article')})"
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def _line(entry: Entry) -> str:
    what = f"+{entry.added}" if entry.added is not None else "left by an earlier run"
    return f"{entry.day.isoformat()} {entry.job} ({what})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
