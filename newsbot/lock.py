"""One run at a time per output directory: an advisory file lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsbot.errors import Busy


def lock_path(posts_dir: Path) -> Path:
    """A dotfile beside ``_posts`` (Jekyll skips dotfiles)."""
    return posts_dir.parent / ".newsbot.lock"


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold ``path`` for the block; Busy at once if another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            message = f"another newsbot run (pid {holder}) holds {path}; try again later"
            raise Busy(message) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)
