"""The run's memory: the state store opened, brought in line with the posts, recorded.

The posts are the truth and the store is a cache: a missing store is rebuilt
from the posts, a post the store does not know or that changed since it was
recorded (a run killed between the two, a hand edit) is read in, its items
added to what the store held (an item removed by hand stays posted), and one
deleted by hand is forgotten. Only a store that is truly corrupt is moved aside, and only by a run
holding the lock; a busy, read-only or full one fails the run with nothing
moved. A dry run works on an in-memory copy, so the file is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from newsbot import posts, sources
from newsbot.config import Config
from newsbot.dates import KST
from newsbot.errors import StoreCorrupt, StoreError
from newsbot.jobs import Job
from newsbot.models import JobResult, Post, RunReport, SourceResult
from newsbot.normalize import url_id_forms
from newsbot.pipeline import plan
from newsbot.store import Store, content_sha, default_path, post_stamp
from newsbot.storefile import discard, move_aside

NOT_RUN_TIMEOUT = 1.0  # seconds a record of a run that did not happen waits for the store
NotRun = Literal["locked", "missed", "skipped"]
NOT_RUN_EXIT = 75  # what the history says such a run exited with (EX_TEMPFAIL)


def state_path(config: Config) -> Path:
    """Where the state store lives: ``[state] path``, else beside the posts directory."""
    return config.state.path or default_path(config.output.dir)


def index(jobs: Iterable[Job]) -> posts.Index:
    """The reader of ``jobs``' posts the store syncs from."""
    return posts.index(jobs, sources.article_id)


def open_store(config: Config, jobs: Iterable[Job]) -> tuple[Store, list[str]]:
    """The store, synced with the posts, for a run holding the lock; and its notes."""
    path = state_path(config)
    existed = path.exists() or path.is_symlink()
    notes: list[str] = []
    try:
        try:
            store, count = _synced(Store(path, timeout=config.state.busy_timeout), config, jobs)
        except StoreCorrupt as exc:
            aside = move_aside(path)
            notes.append(f"{exc}; moved to {aside.name}, rebuilt from the posts")
            store, count = _synced(Store(path, timeout=config.state.busy_timeout), config, jobs)
    except StoreError:
        if not existed:  # a store this run began (e.g. on a full disk): leave nothing behind
            discard(path)
        raise
    if store.created and count:
        notes.append(f"state store {store.path} was new; rebuilt from {count} posts")
    _remove_stale_temps(config.output.dir)
    return store, notes


def peek_store(config: Config, jobs: Iterable[Job]) -> tuple[Store, list[str]]:
    """An in-memory copy of the store, synced with the posts, for a dry run; its notes."""
    store, _ = _synced(
        Store(state_path(config), timeout=config.state.busy_timeout, memory=True), config, jobs
    )
    return store, list(store.notes)


def reindex(config: Config, jobs: Iterable[Job]) -> tuple[int, Path]:
    """Rebuild the store from ``jobs``' posts in one transaction; (posts read, its path).

    The caller holds the lock; a corrupt store is moved aside first.
    """
    path = state_path(config)
    try:
        store = Store(path, timeout=config.state.busy_timeout)
    except StoreCorrupt:
        move_aside(path)
        store = Store(path, timeout=config.state.busy_timeout)
    try:
        return store.rebuild(config.output.dir, index(jobs)), path
    finally:
        store.close()


def known(store: Store, job: Job, day: date, ids: Iterable[str], window: int) -> plan.Known:
    """What ``job`` already holds among ``ids``, and the titles it posted ``window`` days
    either side of ``day`` (its own day included)."""
    first = day - timedelta(days=min(window, (day - date.min).days))
    last = day + timedelta(days=min(window, (date.max - day).days))
    ids = list(ids)
    # a store written before ids were read as https without www. holds links as they came
    legacy = {form: i for i in ids for form in url_id_forms(i)}
    found = {legacy.get(i, i) for i in store.known(job.name, [*ids, *legacy])}
    return plan.Known(frozenset(found), tuple(store.recent(job.name, first, last)))


def record_post(
    store: Store, job: Job, post: Post, path: Path, merged: Sequence[plan.Merged]
) -> None:
    """Remember a post just written (its items as the file has them) and its merges."""
    items = index([job]).items(job.name, post.text)
    store.record_post(
        job.name,
        post.day,
        post.name,
        items,
        sha=content_sha(post.text.encode("utf-8")),
        stamp=post_stamp(path),
        merged=_pairs(merged),
    )


def remember_merged(store: Store, job: Job, day: date, merged: Sequence[plan.Merged]) -> None:
    """Remember the merges of a job whose post did not change (or was not written)."""
    store.remember_merged(job.name, day, posts.files.post_name(day, job.slug), _pairs(merged))


def record_run(store: Store, report: RunReport) -> str:
    """Append the run to the history ``newsbot status`` reads; "" or a note saying why not."""
    try:
        store.record_run(report)
    except StoreError as exc:
        return f"run history not saved: {exc}"
    return ""


def record_stopped(config: Config, report: RunReport, *, exit_code: int) -> str:
    """Put a run a signal stopped in the history: ``report`` says what had finished, the
    rest ``interrupted``; ``exit_code`` is the one it exits with (130, 143). The run has let
    the store go. Returns "" or a note saying why it was not saved."""
    return _append(config, report, exit_code)


def record_not_run(
    config: Config,
    jobs: Sequence[Job],
    day: date,
    *,
    status: NotRun,
    message: str,
    now: datetime | None = None,
) -> str:
    """Put a run of ``jobs`` for ``day`` that did not happen in the history.

    ``status``: ``locked`` (another run held the lock), ``missed`` (a firing the
    scheduler never ran), ``skipped`` (a firing it chose not to run). Safe while
    another run holds the lock. Returns "" or a note saying why it was not saved.
    """
    started = (now or datetime.now(KST)).astimezone(KST).replace(microsecond=0)
    results = tuple(
        JobResult(
            job.name,
            day,
            status,
            message=message,
            sources=tuple(
                SourceResult(r.name, r.section, status=status, message=message) for r in job.sources
            ),
        )
        for job in jobs
    )
    return _append(config, RunReport(started_at=started, jobs=results), NOT_RUN_EXIT)


def _append(config: Config, report: RunReport, exit_code: int) -> str:
    """``report`` added to the history from outside a run: a store another run holds is
    waited for briefly (``NOT_RUN_TIMEOUT``), then left. "" or why it was not saved."""
    try:
        store = Store(state_path(config), timeout=NOT_RUN_TIMEOUT)
        try:
            store.record_run(report, exit_code=exit_code)
        finally:
            store.close()
    except StoreError as exc:
        return f"run history not saved: {exc}"
    return ""


def _synced(store: Store, config: Config, jobs: Iterable[Job]) -> tuple[Store, int]:
    """``store`` brought in line with the posts, and how many posts it read."""
    try:
        return store, store.sync(config.output.dir, index(jobs))
    except StoreError:
        store.close()
        raise


def _pairs(merged: Sequence[plan.Merged]) -> list[tuple[str, str]]:
    return [(m.article.id, m.article.title) for m in merged]


def _remove_stale_temps(directory: Path) -> None:
    """Temp files a killed run left behind (we hold the lock, so none is in use)."""
    for tmp in directory.glob(".newsbot-*.tmp") if directory.is_dir() else []:
        tmp.unlink(missing_ok=True)
