"""What was already published, per job: a SQLite cache rebuildable from ``_posts``.

The posts are the truth. The store only makes "was this article posted on an
earlier day?" cheap; ``rebuild`` recreates it from the posts' links, so a fresh
CI runner that has only the blog repository behaves like a long-lived machine.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from newsbot.errors import StoreError
from newsbot.models import RunReport

# (post file name, its text) → (job, day, the post's article links), or None: not a post
# of any job (``posts.index``). The store never parses a post itself.
PostIndex = Callable[[str, str], tuple[str, date, list[str]] | None]

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
)
HISTORY_COLUMNS = (
    "started_at",
    "job",
    "day",
    "job_status",
    "source",
    "section",
    "status",
    "items_found",
    "items_new",
    "elapsed_s",
    "bytes",
    "message",
)


def default_path(posts_dir: Path) -> Path:
    """A dotfile beside ``_posts`` (Jekyll skips dotfiles)."""
    return posts_dir.parent / ".newsbot-state.sqlite"


class Store:
    """The seen-set: which article each job already posted, on which day."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self.created = not path.exists()
        try:
            self._db = _connect(path)
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
            path.replace(aside)
            self.warnings.append(
                f"state store {path} was unreadable ({exc}); moved to {aside.name}, rebuilt"
            )
            self.created = True
            self._db = _connect(path)

    def close(self) -> None:
        self._db.close()

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM seen LIMIT 1").fetchone() is None

    def posted_before(self, job: str, day: date, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that ``job`` posted on a day before ``day``."""
        wanted = list(ids)
        found: set[str] = set()
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT article_id FROM seen WHERE job = ? AND day < ? "
                f"AND article_id IN ({marks})",
                (job, day.isoformat(), *chunk),
            )
            found.update(r[0] for r in rows)
        return found

    def record(self, job: str, day: date, post: str, ids: Iterable[str]) -> None:
        """Remember that ``post`` for ``job`` on ``day`` lists ``ids`` (first day wins)."""
        try:
            with self._db:
                self._db.executemany(
                    "INSERT INTO seen (job, article_id, day, post) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (job, article_id) DO UPDATE SET day = excluded.day, "
                    "post = excluded.post WHERE excluded.day < seen.day",
                    [(job, i, day.isoformat(), post) for i in ids],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot update state store {self.path}: {exc}") from None

    def record_run(self, report: RunReport) -> None:
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
        try:
            with self._db:
                cur = self._db.execute(
                    "INSERT INTO runs (started_at, exit_code) VALUES (?, ?)",
                    (report.started_at.isoformat(), report.exit_code),
                )
                self._db.executemany(
                    "INSERT INTO source_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, *row) for row in rows],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot update state store {self.path}: {exc}") from None

    def get_summary(self, article_id: str, model: str, sha: str) -> str | None:
        """A cached LLM answer for this article text and model, or None."""
        row = self._db.execute(
            "SELECT answer FROM summaries WHERE article_id = ? AND model = ? AND sha = ?",
            (article_id, model, sha),
        ).fetchone()
        return str(row[0]) if row else None

    def put_summary(self, article_id: str, model: str, sha: str, answer: str, tokens: int) -> None:
        """Keep an LLM answer so the next run for this article costs nothing."""
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO summaries (article_id, model, sha, answer, tokens) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (article_id, model, sha, answer, tokens),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot update state store {self.path}: {exc}") from None

    def rebuild(self, posts_dir: Path, index: PostIndex, article_id: Callable[[str], str]) -> int:
        """Forget everything and re-read every post in ``posts_dir``; returns posts read."""
        with self._db:
            self._db.execute("DELETE FROM seen")
        return self.sync(posts_dir, index, article_id)

    def sync(self, posts_dir: Path, index: PostIndex, article_id: Callable[[str], str]) -> int:
        """Record the posts the store does not know yet (e.g. a run killed after a write)."""
        known = {row[0] for row in self._db.execute("SELECT DISTINCT post FROM seen")}
        count = 0
        for path in sorted(posts_dir.glob("*.md")) if posts_dir.is_dir() else []:
            if path.name in known:
                continue
            entry = index(path.name, path.read_text(encoding="utf-8", errors="replace"))
            if entry is None:
                continue
            job, day, links = entry
            self.record(job, day, path.name, map(article_id, links))
            count += 1
        return count


def read_history(path: Path, since: date) -> list[dict[str, object]]:
    """Source runs for days from ``since`` on, oldest run first; read-only, [] if none."""
    if not path.is_file():
        return []
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read state store {path}: {exc}") from None
    try:
        rows = db.execute(
            f"SELECT r.{', '.join(HISTORY_COLUMNS)} FROM source_runs s "
            "JOIN runs r ON r.id = s.run_id WHERE s.day >= ? ORDER BY r.id",
            (since.isoformat(),),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []  # a store from before run history; the next run adds the tables
        raise StoreError(f"cannot read state store {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read state store {path}: {exc}") from None
    finally:
        db.close()
    return [dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in rows]


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        with db:
            for step in MIGRATIONS[version:]:
                db.execute(step)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        db.execute("SELECT count(*) FROM seen").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
