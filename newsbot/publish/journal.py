"""What an interrupted publish leaves in a checkout, and putting it right.

Before newsbot changes a checkout (a commit, a move of its branch) it writes a
journal into the git directory; a publish that ends, even by an error, removes
it. A journal found by the next publish means the last one was killed (kill -9,
a power cut, a timeout): newsbot then removes the lock files git left since,
aborts a rebase or merge, drops its temporary index and finishes a branch move
it had begun. Without a journal that state is someone else's, and it is refused
(``checkout.check``), except a rebase of nothing but newsbot's own commits,
which older versions of newsbot started.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsbot.errors import NewsbotError, PublishError
from newsbot.publish.git import Git

JOURNAL = "newsbot-publish.json"
TEMP_INDEX = "newsbot-replay.index"
LOCK_FILE = "newsbot-publish.lock"  # newsbot's own flock: never removed
ZERO = "0" * 40
CLEANUP_S = 30.0  # git time allowed for putting an interrupted publish right


class Journal:
    """The journal file of one checkout's git directory."""

    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / JOURNAL

    def read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"started": self.path.stat().st_mtime}  # torn write: still ours
        return data if isinstance(data, dict) else {"started": 0.0}

    def begin(self) -> None:
        self._write({"pid": os.getpid(), "started": time.time()})

    def moving(self, branch: str, old: str, new: str) -> None:
        """Record a branch move about to start (``finish_move`` completes it)."""
        data = self.read() or {"pid": os.getpid(), "started": time.time()}
        self._write({**data, "move": [branch, old, new]})

    def moved(self) -> None:
        data = self.read()
        if data is not None:
            data.pop("move", None)
            self._write(data)

    def end(self) -> None:
        self.path.unlink(missing_ok=True)

    def _write(self, data: dict[str, Any]) -> None:
        tmp = self.path.with_name(JOURNAL + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)


@contextlib.contextmanager
def guarded(git: Git, git_dir: Path) -> Iterator[Journal]:
    """Journal the block; an error inside it (a timeout too) is cleaned up at once."""
    journal = Journal(git_dir)
    journal.begin()
    try:
        yield journal
    except BaseException:
        with contextlib.suppress(NewsbotError, OSError):
            recover(git.fresh(CLEANUP_S), git_dir)
        raise
    journal.end()


def recover(git: Git, git_dir: Path) -> list[str]:
    """Put right what an interrupted publish left; the notes say what was done."""
    journal = Journal(git_dir)
    data = journal.read()
    if data is None:
        return [_abort_legacy_rebase(git, git_dir)] if _legacy_rebase(git_dir) else []
    done = [f"removed {name}" for name in _remove_locks(git_dir, float(data.get("started", 0)))]
    done += _abort(git, git_dir)
    (git_dir / TEMP_INDEX).unlink(missing_ok=True)
    move = data.get("move")
    if isinstance(move, list) and len(move) == 3:
        done += finish_move(git, *(str(m) for m in move))
    journal.end()
    return [f"an interrupted publish was put right: {'; '.join(done)}"] if done else []


def _remove_locks(git_dir: Path, since: float) -> list[str]:
    """Git lock files created since the interrupted publish began (its killed commands')."""
    removed = []
    for lock in sorted(git_dir.rglob("*.lock")):
        if lock.name == LOCK_FILE:
            continue
        with contextlib.suppress(FileNotFoundError):
            if lock.stat().st_mtime >= since - 1:
                lock.unlink()
                removed.append(str(lock.relative_to(git_dir)))
    return removed


def _abort(git: Git, git_dir: Path) -> list[str]:
    done = []
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        git.run("rebase", "--abort", check=False)
        done.append("aborted a rebase")
    if (git_dir / "MERGE_HEAD").exists():
        git.run("merge", "--abort", check=False)
        done.append("aborted a merge")
    return done


def _legacy_rebase(git_dir: Path) -> bool:
    """A rebase in progress whose every pick is a ``newsbot:`` commit."""
    state = git_dir / "rebase-merge"
    picks = []
    for name in ("done", "git-rebase-todo"):
        with contextlib.suppress(OSError):
            lines = (state / name).read_text(encoding="utf-8", errors="replace").splitlines()
            picks += [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    parts = [p.split(maxsplit=2) for p in picks]
    return bool(parts) and all(len(p) == 3 and p[2].startswith("newsbot:") for p in parts)


def _abort_legacy_rebase(git: Git, git_dir: Path) -> str:
    git.run("rebase", "--abort", check=False)
    if (git_dir / "rebase-merge").exists():
        raise PublishError(f"{git.repo}: cannot abort the interrupted rebase of newsbot commits")
    return "an interrupted rebase of newsbot's own commits was aborted"


def finish_move(git: Git, branch: str, old: str, new: str) -> list[str]:
    """Complete a move of ``branch`` from ``old`` to ``new`` that was cut short: files still
    at ``old``'s version are brought to ``new``'s, then the branch itself."""
    ref = f"refs/heads/{branch}"
    head = git.run("rev-parse", "-q", "--verify", ref, check=False).stdout.strip()
    if head not in (old, new):
        return []  # someone moved the branch since; their state, not ours
    paths = [p for p in git.out("diff", "--name-only", "-z", old, new).split("\0") if p]
    before, after = _blobs(git, old, paths), _blobs(git, new, paths)
    now = _worktree_blobs(git, paths)
    foreign = [p for p in paths if now.get(p) not in (before.get(p), after.get(p))]
    if foreign:
        raise PublishError(
            f"an interrupted publish left {git.repo} half updated, and {', '.join(foreign)} "
            "also have changes of someone else; resolve them by hand"
        )
    stale = [p for p in paths if now.get(p) == before.get(p) != after.get(p)]
    present = [p for p in stale if p in after]
    if present:
        git.run("checkout", new, "--", *present)
    for path in stale:
        if path not in after:
            (git.repo / path).unlink(missing_ok=True)
    if paths:
        git.run("reset", "-q", new, "--", *paths)
    git.run("update-ref", "-m", "newsbot: finish an interrupted publish", ref, new, head)
    return [f"finished moving {branch} to {new[:12]}"]


def _blobs(git: Git, commit: str, paths: list[str]) -> dict[str, str]:
    """path → blob id in ``commit`` (absent paths are left out)."""
    return {path: blob for path, (_, blob) in git.entries(commit, paths).items()}


def _worktree_blobs(git: Git, paths: list[str]) -> dict[str, str]:
    """path → blob id of the file in the work tree, as ``git add`` would store it."""
    there = [p for p in paths if (git.repo / p).is_file()]
    if not there:
        return {}
    ids = git.run("hash-object", "--stdin-paths", stdin="\n".join(there) + "\n").stdout.split()
    return dict(zip(there, ids, strict=True))
