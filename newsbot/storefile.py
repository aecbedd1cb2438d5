"""The state store's SQLite file: opened refusing symlinks, migrated, its errors named.

SQLite says what went wrong, and each case is handled as what it is: a store
another process holds is waited for, then a ``StoreBusy``; a read-only file or
a full disk is a ``StoreError`` with nothing moved; only a file that is not a
database or whose pages are malformed is ``StoreCorrupt``, which the caller
(holding the run lock) may move aside under a name no earlier backup has.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from newsbot.errors import StoreBusy, StoreCorrupt, StoreError

# Numbered migrations; the store's user_version says how many have run.
MIGRATIONS = (
    """CREATE TABLE seen (
        job TEXT NOT NULL,
        article_id TEXT NOT NULL,
        day TEXT NOT NULL,
        post TEXT NOT NULL,
        PRIMARY KEY (job, article_id)
    )""",
    "CREATE INDEX seen_day ON seen (job, day)",
    # Run history (newsbot status): one row per run, one per source it ran.
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        exit_code INTEGER NOT NULL
    )""",
    """CREATE TABLE source_runs (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        job TEXT NOT NULL,
        day TEXT NOT NULL,
        job_status TEXT NOT NULL,
        source TEXT NOT NULL,
        section TEXT NOT NULL,
        status TEXT NOT NULL,
        items_found INTEGER NOT NULL,
        items_new INTEGER NOT NULL,
        elapsed_s REAL NOT NULL,
        bytes INTEGER NOT NULL,
        message TEXT NOT NULL
    )""",
    "CREATE INDEX source_runs_day ON source_runs (day)",
    # LLM answers for the digest, per article and model (sha: the text they answered).
    """CREATE TABLE summaries (
        article_id TEXT NOT NULL,
        model TEXT NOT NULL,
        sha TEXT NOT NULL,
        answer TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        created_at TEXT NOT NULL DEFAULT (datetime('now')),
        PRIMARY KEY (article_id, model)
    )""",
    # Each post's items (kind 'posted') and the stories merged away from it ('merged'),
    # with their titles; one article may be in several posts.
    """CREATE TABLE items (
        job TEXT NOT NULL,
        article_id TEXT NOT NULL,
        post TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        PRIMARY KEY (job, article_id, post)
    )""",
    "CREATE INDEX items_day ON items (job, day)",
    "CREATE INDEX items_post ON items (post)",
    "INSERT INTO items SELECT job, article_id, post, day, 'posted', '' FROM seen",
    # The posts the items came from: content hash and file stamp, to see a changed post.
    """CREATE TABLE posts (
        post TEXT PRIMARY KEY,
        job TEXT NOT NULL,
        day TEXT NOT NULL,
        sha TEXT NOT NULL,
        stamp TEXT NOT NULL
    )""",
    # sha '' matches no file: the first sync re-reads every post once (titles, every item).
    "INSERT OR IGNORE INTO posts SELECT post, job, min(day), '', '' FROM seen GROUP BY post",
    "DROP TABLE seen",
)
SIDE_FILES = ("-journal", "-wal", "-shm")
Guard = AbstractContextManager[None]


def connect(path: Path, *, timeout: float) -> sqlite3.Connection:
    """The store at ``path``, created if missing, migrated and checked.

    StoreBusy after ``timeout`` seconds held by another process; StoreCorrupt for
    a file that is not an intact database; StoreError for anything else.
    """
    before = _identity(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from None
    with guard(path, "open", timeout):
        db = sqlite3.connect(path, timeout=timeout)
    try:
        after = _identity(path)  # SQLite follows symlinks: look again now that it is open
        if before is not None and after != before:
            raise StoreError(f"state store {path} was replaced while being opened; refused")
        with guard(path, "open", timeout):
            migrate(db)
            with db:  # a write now: a read-only store or a full disk fails before the run
                db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except StoreError:
        db.close()
        raise
    return db


def snapshot(path: Path, *, timeout: float) -> tuple[sqlite3.Connection, str]:
    """An in-memory copy of the store (empty if none) and a note; the file is only read."""
    memory = sqlite3.connect(":memory:")
    try:
        if _identity(path) is not None:
            with guard(path, "read", timeout):
                source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    source.backup(memory)
                finally:
                    source.close()
        with guard(path, "read", timeout):
            migrate(memory)
    except StoreBusy:
        memory.close()
        raise
    except StoreError as exc:
        memory.close()
        memory = sqlite3.connect(":memory:")
        migrate(memory)
        return memory, f"{exc}; a dry run leaves it as it is and reads the posts only"
    return memory, ""


def connect_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """The store at ``path`` opened read-only (no migration, nothing written)."""
    _identity(path)
    with guard(path, "read", timeout):
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def migrate(db: sqlite3.Connection) -> None:
    """Run the migrations the store has not had, in one transaction; then check its pages."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version < len(MIGRATIONS):
        with db:
            for step in MIGRATIONS[version:]:
                db.execute(step)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    problems = db.execute("PRAGMA quick_check").fetchall()
    if problems != [("ok",)]:
        raise sqlite3.DatabaseError(f"database disk image is malformed: {problems[0][0]}")


@contextmanager
def guard(path: Path, doing: str, timeout: float) -> Iterator[None]:
    """Turn SQLite's errors inside the block into the StoreError they are."""
    try:
        yield
    except sqlite3.Error as exc:
        raise error(path, doing, exc, timeout) from None


def error(path: Path, doing: str, exc: sqlite3.Error, timeout: float) -> StoreError:
    """The StoreError a SQLite error is: busy, read-only, disk full, corrupt or other."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy(
            f"state store {path} is busy: another process held it for {timeout:g} s ({exc}); "
            "nothing was changed, try again later"
        )
    if primary == sqlite3.SQLITE_READONLY or primary == sqlite3.SQLITE_CANTOPEN:
        return StoreError(
            f"cannot {doing} state store {path}: {exc} (read-only file or directory?); "
            "nothing was moved or changed: make it writable or set [state] path"
        )
    if primary == sqlite3.SQLITE_FULL:
        return StoreError(
            f"cannot {doing} state store {path}: the disk is full ({exc}); "
            "nothing was moved or lost: free some space and run again"
        )
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in str(exc):
        return StoreCorrupt(f"state store {path} is unreadable ({exc})")
    return StoreError(f"cannot {doing} state store {path}: {exc}")


def move_aside(path: Path) -> Path:
    """Move a corrupt store (and its journal) to a new ``….corrupt-<time>[-N]`` name."""
    stamp = int(time.time())
    for n in range(1, 1000):
        aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:  # claim the name: an earlier backup, even from the same second, is never replaced
            os.close(os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise StoreError(f"cannot move corrupt state store {path} aside: {exc}") from None
    else:
        raise StoreError(f"cannot move corrupt state store {path} aside: too many backups")
    try:
        os.replace(path, aside)
        for side in SIDE_FILES:
            if os.path.lexists(f"{path}{side}"):
                os.replace(f"{path}{side}", f"{aside}{side}")
    except OSError as exc:
        raise StoreError(f"cannot move corrupt state store {path} aside: {exc}") from None
    return aside


def discard(path: Path) -> None:
    """Remove a store this run created but could not finish (e.g. on a full disk)."""
    for name in (str(path), *(f"{path}{side}" for side in SIDE_FILES)):
        try:
            if stat.S_ISREG(os.lstat(name).st_mode):
                os.unlink(name)
        except OSError:
            pass


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the store file, None if absent; StoreError for a symlink."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot open state store {path}: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"refusing to open state store {path}: it is a symlink")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"refusing to open state store {path}: not a regular file")
    return st.st_dev, st.st_ino
