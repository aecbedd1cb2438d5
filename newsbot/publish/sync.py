"""Bringing a checkout onto the remote's tip without ``rebase``, ``stash`` or ``reset``.

Local commits the remote lacks are replayed onto its tip file by file: a file
the remote left as it was takes the local version, one it changed the same way
is already done, and one it changed differently is a conflict that stops
everything (both commits named, nothing moved). The branch then moves with a
two-tree ``read-tree -m -u``, which updates only the files that differ and
refuses when one of them has uncommitted changes, so nobody's edit is stashed,
overwritten or left with conflict markers. The move is journaled, so a kill -9
in the middle is finished by the next publish (``journal.finish_move``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.publish.git import Git
from newsbot.publish.journal import TEMP_INDEX, ZERO, Journal


@dataclass(frozen=True)
class Change:
    """One file of a commit: its entry before and after (None: absent)."""

    path: str
    before: tuple[str, str] | None  # (mode, blob id)
    after: tuple[str, str] | None


def fetch(git: Git, cfg: PublishConfig) -> str:
    """Fetch the remote branch; its tip."""
    git.run("fetch", "-q", cfg.remote, cfg.branch)
    return git.out("rev-parse", "FETCH_HEAD")


def integrate(git: Git, cfg: PublishConfig, journal: Journal, tip: str) -> str:
    """Put the branch on top of ``tip``; what was done ("" when nothing was needed)."""
    head = git.run("rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
    if not head or head == tip or git.ok("merge-base", "--is-ancestor", tip, head):
        return ""
    if git.ok("merge-base", "--is-ancestor", head, tip):
        move(git, cfg, journal, head, tip)
        return f"updated to {cfg.remote}/{cfg.branch} {tip[:12]}"
    count, new = replay(git, cfg, head, tip)
    move(git, cfg, journal, head, new)
    return f"{count} local commit(s) put on top of {cfg.remote}/{cfg.branch} {tip[:12]}"


def replay(git: Git, cfg: PublishConfig, head: str, tip: str) -> tuple[int, str]:
    """The local commits of ``head`` replayed onto ``tip``: (how many, the new tip)."""
    listed = git.out("rev-list", "--reverse", "--parents", f"{tip}..{head}")
    rows = [line.split() for line in listed.splitlines()]
    parent = tip
    for commit, *parents in rows:
        if len(parents) > 1:
            raise PublishError(
                f"local merge commit {commit[:12]} is not on {cfg.remote}/{cfg.branch}; "
                "newsbot does not rebase merges: push or rebase it yourself"
            )
        parent = _replay_one(git, cfg, commit, parent, tip)
    return len(rows), parent


def _replay_one(git: Git, cfg: PublishConfig, commit: str, parent: str, tip: str) -> str:
    changes = _changes(git, commit)
    have = git.entries(parent, [c.path for c in changes])
    todo = [c for c in changes if have.get(c.path) != c.after]
    conflicts = [c.path for c in todo if have.get(c.path) != c.before]
    if conflicts:
        raise PublishError(
            f"conflict in {', '.join(conflicts)}: local commit {commit[:12]} does not rebase "
            f"onto {cfg.remote}/{cfg.branch} {tip[:12]}; nothing was changed and the local "
            "commit is kept for a human to resolve (nothing was force-pushed)"
        )
    if not todo:
        return parent  # the remote already has it: the commit drops out
    tree = _tree(git, parent, todo)
    name, email, when, message = git.out(
        "log", "-1", "--format=%an%x00%ae%x00%aI%x00%B", commit
    ).split("\0", 3)
    author = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when}
    text = message.strip() + "\n"
    made = git.run("commit-tree", tree, "-p", parent, "-F", "-", stdin=text, env=author)
    return made.stdout.strip()


def _changes(git: Git, commit: str) -> list[Change]:
    """The files ``commit`` changed (a root commit: every file), renames as delete + add."""
    args = ("diff-tree", "-r", "-z", "--root", "--no-commit-id", "--no-renames", commit)
    raw = git.run(*args).stdout
    fields = raw.split("\0")
    out = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        old_mode, new_mode, old_id, new_id, _status = meta[1:].split()
        before = None if old_id == ZERO else (old_mode, old_id)
        after = None if new_id == ZERO else (new_mode, new_id)
        out.append(Change(path, before, after))
    return out


def _tree(git: Git, parent: str, todo: list[Change]) -> str:
    """``parent``'s tree with ``todo`` applied, built in a temporary index."""
    index = {"GIT_INDEX_FILE": git.out("rev-parse", "--absolute-git-dir") + "/" + TEMP_INDEX}
    lines = "".join(
        f"{c.after[0]} {c.after[1]}\t{c.path}\0" if c.after else f"0 {ZERO}\t{c.path}\0"
        for c in todo
    )
    try:
        git.run("read-tree", parent, env=index)
        git.run("update-index", "-z", "--index-info", stdin=lines, env=index)
        return git.run("write-tree", env=index).stdout.strip()
    finally:
        Path(index["GIT_INDEX_FILE"]).unlink(missing_ok=True)


def move(git: Git, cfg: PublishConfig, journal: Journal, old: str, new: str) -> None:
    """Move the branch from ``old`` to ``new``, updating only the files that differ."""
    journal.moving(cfg.branch, old, new)
    git.run("update-index", "-q", "--refresh", check=False)  # stale stat info is no change
    proc = git.run("read-tree", "-m", "-u", old, new, check=False)
    if proc.returncode != 0:
        journal.moved()
        raise PublishError(
            f"cannot bring {git.repo} to {new[:12]} ({cfg.remote}/{cfg.branch}): "
            f"{git.redact(proc.stderr.strip())}; commit or move those changes away "
            "(nothing was touched)"
        )
    git.run("update-ref", "-m", "newsbot: publish", f"refs/heads/{cfg.branch}", new, old)
    journal.moved()
