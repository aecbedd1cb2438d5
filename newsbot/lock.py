"""One run at a time per output directory: an advisory file lock.

The lock file is opened refusing a symlink (``O_NOFOLLOW``) and checked to be a
plain file of its own (no hard link to another file) before anything is written
to it, so a planted link cannot make newsbot overwrite a victim with a PID.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsbot.errors import Busy, StoreError


def lock_path(posts_dir: Path) -> Path:
    """A dotfile beside ``_posts`` (Jekyll skips dotfiles)."""
    return posts_dir.parent / ".newsbot.lock"


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold ``path`` for the block; Busy at once if another process holds it."""
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            message = f"another newsbot run (pid {holder}) holds {path}; try again later"
            raise Busy(message) from None
        try:  # the PID only names the holder to a refused run: a full disk may lose it
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass
        yield
    finally:
        os.close(fd)


def _open(path: Path) -> int:
    """The lock file's descriptor: created if missing, never through a link."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError:
        if os.path.islink(path):
            message = f"cannot open lock file {path}: it is a symlink; nothing was written"
            raise StoreError(message) from None
        raise  # a path the user gave cannot be used: the CLI names it
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        what = "not a regular file" if not stat.S_ISREG(st.st_mode) else "a hard link"
        raise StoreError(f"refusing lock file {path}: {what}; nothing was written")
    return fd
