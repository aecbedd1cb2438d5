"""The run's memory: the state store opened, brought up to date with the posts, recorded.

The posts are the truth and the store is a cache: a missing store is rebuilt
from the posts, a post the store does not know (a run killed after writing it)
is read in, and a failure to save the run history is only a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from newsbot import posts, sources
from newsbot.config import Config
from newsbot.errors import StoreError
from newsbot.jobs import Job
from newsbot.models import RunReport
from newsbot.store import Store, default_path


def state_path(config: Config) -> Path:
    """Where the state store lives: ``[state] path``, else beside the posts directory."""
    return config.state.path or default_path(config.output.dir)


def open_store(config: Config, jobs: Iterable[Job]) -> tuple[Store, list[str]]:
    """The seen-set, synced with the posts; the notes a run should print about it."""
    store = Store(state_path(config))
    notes = list(store.warnings)
    count = store.sync(config.output.dir, posts.index(jobs), sources.article_id)
    if store.created and count:
        notes.append(f"state store {store.path} was new; rebuilt from {count} posts")
    _remove_stale_temps(config.output.dir)
    return store, notes


def peek_store(config: Config) -> Store | None:
    """The store as it is, for a dry run (None when there is none yet)."""
    path = state_path(config)
    return Store(path) if path.is_file() else None


def reindex(store: Store, config: Config, jobs: Iterable[Job]) -> int:
    """Rebuild ``store`` from the posts of ``jobs``; returns how many posts were read."""
    return store.rebuild(config.output.dir, posts.index(jobs), sources.article_id)


def record_run(store: Store, report: RunReport) -> str:
    """Append the run to the history ``newsbot status`` reads; "" or a note saying why not."""
    try:
        store.record_run(report)
    except StoreError as exc:
        return f"run history not saved: {exc}"
    return ""


def _remove_stale_temps(directory: Path) -> None:
    """Temp files a killed run left behind (we hold the lock, so none is in use)."""
    for tmp in directory.glob(".newsbot-*.tmp") if directory.is_dir() else []:
        tmp.unlink(missing_ok=True)
