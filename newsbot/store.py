"""What was already published, per job: a SQLite cache rebuildable from ``_posts``.

The posts are the truth. The store makes "did this job post this article, on
any day?" and "what did it post in the last days?" cheap. ``sync`` brings it in
line with the posts (new, changed and vanished ones, by content hash) and
``rebuild`` recreates it from them, so a fresh CI runner that has only the blog
repository behaves like a long-lived machine. A post's items only grow: one the
owner removed from a post by hand stays posted here until the whole post is
deleted or the store rebuilt. What the posts cannot tell (those removed items,
the stories merged away from a post, the run history, the LLM answers) lives
only here. Opening, migrating and the meaning of SQLite's errors: ``storefile``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

from newsbot import storefile
from newsbot.errors import StoreError
from newsbot.models import RunReport
from newsbot.storefile import MIGRATIONS

__all__ = ["MIGRATIONS", "PostIndex", "Store", "default_path", "post_stamp", "read_history"]

Item = tuple[str, str]  # (article id, title)


class PostIndex(Protocol):
    """Reads post files for the store (``posts.index``): the store never parses a post."""

    @property
    def jobs(self) -> Collection[str]:
        """The jobs whose posts this index reads."""
        ...

    def owner(self, name: str) -> tuple[str, date] | None:
        """(job, day) of the post file ``name``, or None: not a post of these jobs."""
        ...

    def items(self, job: str, text: str) -> list[Item]:
        """(article id, title) of each item of ``job``'s post ``text``, in order."""
        ...


DEFAULT_TIMEOUT = 30.0  # seconds to wait for a store another process holds
HISTORY_COLUMNS = ("started_at", "job", "day", "job_status", "source", "section", "status",
                   "items_found", "items_new", "elapsed_s", "bytes", "message")  # fmt: skip


def default_path(posts_dir: Path) -> Path:
    """A dotfile beside ``_posts`` (Jekyll skips dotfiles)."""
    return posts_dir.parent / ".newsbot-state.sqlite"


def post_stamp(path: Path) -> str:
    """What changes whenever a post file is rewritten: inode, size and mtime."""
    st = os.stat(path)
    return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


def content_sha(data: bytes) -> str:
    """The hash a post's content is known by."""
    return hashlib.sha256(data).hexdigest()


class Store:
    """Which articles each job posted (or merged away), where, and the run history.

    ``memory=True`` works on an in-memory copy: the file is only read (a dry run).
    """

    def __init__(
        self, path: Path, *, timeout: float = DEFAULT_TIMEOUT, memory: bool = False
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.created = not os.path.lexists(path)
        self.notes: list[str] = []
        if memory:
            self._db, note = storefile.snapshot(path, timeout=timeout)
            self.notes.extend([note] if note else [])
        else:
            self._db = storefile.connect(path, timeout=timeout)

    def close(self) -> None:
        self._db.close()

    def is_empty(self) -> bool:
        with self._guard("read"):
            return self._db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is None

    def known(self, job: str, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that ``job`` posted on any day, or merged away from a post."""
        found: set[str] = set()
        with self._guard("read"):
            for chunk in _chunks(list(dict.fromkeys(ids)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT article_id FROM items WHERE job = ? AND article_id IN ({marks})",
                    (job, *chunk),
                )
                found.update(r[0] for r in rows)
        return found

    def recent(self, job: str, first: date, last: date) -> list[Item]:
        """(article id, title) of what ``job`` posted or merged away from ``first`` to ``last``."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT article_id, title FROM items WHERE job = ? AND day BETWEEN ? AND ? "
                "AND title != '' ORDER BY day, rowid",
                (job, first.isoformat(), last.isoformat()),
            )
            return [(str(a), str(t)) for a, t in rows]

    def record_post(
        self,
        job: str,
        day: date,
        post: str,
        items: Sequence[Item],
        *,
        sha: str,
        stamp: str,
        merged: Sequence[Item] = (),
    ) -> None:
        """Remember that ``post`` (content ``sha``) lists ``items`` (added to what it listed
        before), and what was merged away."""
        with self._guard("update"), self._db:
            self._put_post(job, day, post, items, sha, stamp)
            self._put_merged(job, day, post, merged)

    def remember_merged(self, job: str, day: date, post: str, merged: Sequence[Item]) -> None:
        """Remember articles left out of ``post`` as the same story as one already posted."""
        if merged:
            with self._guard("update"), self._db:
                self._put_merged(job, day, post, merged)

    def record_run(self, report: RunReport, *, exit_code: int | None = None) -> None:
        """Append ``report`` (per job, per source) to the run history."""
        rows = [
            (
                j.job,
                j.day.isoformat(),
                j.status,
                s.source,
                s.section,
                s.status,
                s.items_found,
                s.items_new,
                round(s.elapsed_s, 3),
                s.bytes,
                s.message,
            )
            for j in report.jobs
            for s in j.sources
        ]
        code = report.exit_code if exit_code is None else exit_code
        with self._guard("update"), self._db:
            cur = self._db.execute(
                "INSERT INTO runs (started_at, exit_code) VALUES (?, ?)",
                (report.started_at.isoformat(), code),
            )
            self._db.executemany(
                "INSERT INTO source_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(cur.lastrowid, *row) for row in rows],
            )

    def get_summary(self, article_id: str, model: str, sha: str) -> str | None:
        """A cached LLM answer for this article text and model, or None."""
        with self._guard("read"):
            row = self._db.execute(
                "SELECT answer FROM summaries WHERE article_id = ? AND model = ? AND sha = ?",
                (article_id, model, sha),
            ).fetchone()
        return str(row[0]) if row else None

    def put_summary(self, article_id: str, model: str, sha: str, answer: str, tokens: int) -> None:
        """Keep an LLM answer so the next run for this article costs nothing."""
        with self._guard("update"), self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO summaries (article_id, model, sha, answer, tokens) "
                "VALUES (?, ?, ?, ?, ?)",
                (article_id, model, sha, answer, tokens),
            )

    def rebuild(self, posts_dir: Path, index: PostIndex) -> int:
        """Forget every post and re-read them all, in one transaction; returns posts read.

        The stories merged away are kept: no post can tell them again.
        """
        with self._guard("rebuild"), self._db:
            self._db.execute("DELETE FROM items WHERE kind = 'posted'")
            self._db.execute("DELETE FROM posts")
            return self._sync(posts_dir, index)

    def sync(self, posts_dir: Path, index: PostIndex) -> int:
        """Bring ``jobs``' posts in: new and changed posts are read, vanished ones forgotten.

        A post rewritten after it was recorded (a run killed between the two) is
        read again and its new items added; an item gone from it (removed by hand)
        stays posted. Returns how many posts were read; one transaction.
        """
        with self._guard("update"), self._db:
            return self._sync(posts_dir, index)

    def _sync(self, posts_dir: Path, index: PostIndex) -> int:
        jobs = tuple(index.jobs)
        marks = ",".join("?" * len(jobs))
        sql = f"SELECT post, sha, stamp FROM posts WHERE job IN ({marks})"
        known = {row[0]: (row[1], row[2]) for row in self._db.execute(sql, jobs)}
        present: set[str] = set()
        count = 0
        for path in sorted(posts_dir.glob("*.md")) if posts_dir.is_dir() else []:
            owner = index.owner(path.name)
            if owner is not None:
                present.add(path.name)
                count += self._sync_post(path, owner, known.get(path.name), index)
        for name in known.keys() - present:  # deleted by hand: its items may be posted again
            self._db.execute("DELETE FROM items WHERE post = ? AND kind = 'posted'", (name,))
            self._db.execute("DELETE FROM posts WHERE post = ?", (name,))
        return count

    def _sync_post(
        self, path: Path, owner: tuple[str, date], old: tuple[str, str] | None, index: PostIndex
    ) -> int:
        """Read the post at ``path`` in if it is new or changed since recorded: 1, else 0."""
        try:
            stamp = post_stamp(path)
            if old is not None and old[1] == stamp:
                return 0
            data = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read post {path}: {exc.strerror}") from None
        sha = content_sha(data)
        if old is not None and old[0] == sha:  # the same bytes, rewritten or touched
            self._db.execute("UPDATE posts SET stamp = ? WHERE post = ?", (stamp, path.name))
            return 0
        items = index.items(owner[0], data.decode("utf-8", errors="replace"))
        self._put_post(owner[0], owner[1], path.name, items, sha, stamp)
        return 1

    def _put_post(
        self, job: str, day: date, post: str, items: Sequence[Item], sha: str, stamp: str
    ) -> None:
        # nothing is deleted: an item the owner removed from the post stays posted
        self._db.executemany(
            "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, 'posted', ?)",
            [(job, article_id, post, day.isoformat(), title) for article_id, title in items],
        )
        self._db.execute(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?)",
            (post, job, day.isoformat(), sha, stamp),
        )

    def _put_merged(self, job: str, day: date, post: str, merged: Sequence[Item]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, 'merged', ?)",
            [(job, article_id, post, day.isoformat(), title) for article_id, title in merged],
        )

    def _guard(self, doing: str) -> storefile.Guard:
        return storefile.guard(self.path, doing, self.timeout)


def read_history(path: Path, since: date) -> list[dict[str, object]]:
    """Source runs for days from ``since`` on, and each source's latest day whenever it
    was, oldest run first; read-only, [] if there is no store or no history yet."""
    if not os.path.lexists(path):
        return []
    db = storefile.connect_read_only(path)
    try:
        with storefile.guard(path, "read", 5.0):
            rows = db.execute(
                f"SELECT r.{', '.join(HISTORY_COLUMNS)} FROM source_runs s "
                "JOIN runs r ON r.id = s.run_id WHERE s.day >= ? OR (s.job, s.source, "
                "s.section, s.day) IN (SELECT job, source, section, max(day) "
                "FROM source_runs GROUP BY job, source, section) ORDER BY r.id",
                (since.isoformat(),),
            ).fetchall()
    except StoreError as exc:
        if "no such table" in str(exc):
            return []  # a store from before run history; the next run adds the tables
        raise
    finally:
        db.close()
    return [dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in rows]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
