"""Post files: their names (made and read back), safe paths, reading and atomic writes.

A post goes to a temporary file in the same directory and is moved into place
with ``os.replace``, so a reader (or a crash) only ever sees the old post or
the new one. A run refuses to write one path twice, and never follows a
symlink out of the posts directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import date
from pathlib import Path

from newsbot.errors import WriteError

NAME_MAX = 255  # bytes, Linux
# fullmatch, never ``$``: it would let a trailing newline through
POST_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-([a-z0-9-]+)-\d{8}\.md")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def post_name(day: date, slug: str) -> str:
    """``YYYY-MM-DD-<slug>-YYYYMMDD.md``: Chirpy's /posts/:title/ has no date, so the slug does."""
    if not SLUG.fullmatch(slug):
        raise WriteError(f"refusing post slug {slug[:60]!r}: only [a-z0-9-], not starting with -")
    name = f"{day.isoformat()}-{slug}-{day.strftime('%Y%m%d')}.md"
    if len(name.encode()) > NAME_MAX:
        raise WriteError(f"post file name over {NAME_MAX} bytes: {name[:60]}…")
    return name


def parse_post_name(name: str) -> tuple[date, str] | None:
    """(day, slug) from ``YYYY-MM-DD-<slug>-YYYYMMDD.md``, or None (also for no real day)."""
    m = POST_NAME.fullmatch(name)
    try:
        return (date.fromisoformat(m.group(1)), m.group(2)) if m else None
    except ValueError:
        return None


def read(path: Path) -> str:
    """The text of the post at ``path``, "" when there is none; WriteError if unreadable."""
    if not path.is_file():
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteError(f"existing post {path} is unreadable ({exc}); left untouched") from None


def safe_path(directory: Path, name: str) -> Path:
    """``directory/name``, refusing anything that would land outside ``directory``."""
    if "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise WriteError(f"refusing unsafe post file name {name!r}")
    root = directory.resolve()
    path = directory / name
    if path.is_symlink():
        raise WriteError(f"refusing to write through a symlink: {path}")
    if path.resolve().parent != root:
        raise WriteError(f"refusing to write outside {root}: {path}")
    return path


class PostWriter:
    """Writes posts atomically into one directory; one write per path per run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._written: set[Path] = set()

    def write(self, name: str, text: str) -> Path:
        """Write ``text`` to ``directory/name`` atomically and return the path."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot create {self.directory}: {exc.strerror}") from None
        path = safe_path(self.directory, name)
        if path in self._written:
            raise WriteError(f"two posts in one run want the same file: {path}")
        _atomic_write(path, text.encode("utf-8"))
        self._written.add(path)
        return path


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".newsbot-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
