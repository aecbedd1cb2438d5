"""The checkout a publishing run writes into, made ready BEFORE the run writes anything.

``prepare`` finds or clones it, puts right what an interrupted publish left
(``journal``), refuses what cannot be published (a detached HEAD, another
branch, someone's rebase or merge in progress, a held index lock), and brings
it onto the remote's tip (``sync``); a checkout whose uncommitted changes would
be overwritten by that is refused too. A remote that cannot be reached is only
a note: the run still writes its posts, and a later publish sends them.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.lock import run_lock
from newsbot.publish import sync
from newsbot.publish.git import Git
from newsbot.publish.journal import LOCK_FILE, guarded, recover

IN_PROGRESS = {
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase",
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
}


@dataclass(frozen=True)
class Checkout:
    """A checkout ready to publish into, and what preparing it did."""

    repo: Path
    git_dir: Path
    notes: tuple[str, ...] = ()
    tip: str = ""  # the remote branch's tip as fetched ("" when unknown)


def lock_path(cfg: PublishConfig) -> Path:
    """newsbot's publishing lock: in the checkout's ``.git``, else beside the workdir."""
    if cfg.repo is not None:
        dot_git = cfg.repo / ".git"
        if dot_git.is_dir():
            return dot_git / LOCK_FILE
        if not dot_git.exists():
            raise PublishError(f"{cfg.repo} is not a git checkout")
        return cfg.repo.parent / f".{cfg.repo.name}.{LOCK_FILE}"
    return cfg.workdir.parent / f".{cfg.workdir.name}.{LOCK_FILE}"


@contextlib.contextmanager
def locked(cfg: PublishConfig) -> Iterator[None]:
    """Hold the publishing lock of ``cfg``'s checkout; Busy if another process has it."""
    _where(cfg)
    with run_lock(lock_path(cfg)):
        yield


def prepare(cfg: PublishConfig, *, dry_run: bool = False) -> Checkout:
    """The checkout of ``cfg``, ready for a run to write into (see the module docstring)."""
    repo = _where(cfg)
    notes: list[str] = []
    if cfg.url is not None and not (repo / ".git").exists():
        if dry_run:
            return Checkout(repo, repo / ".git", (f"would clone {cfg.url} into {repo}",))
        _clone(cfg, repo)
        notes.append(f"cloned {cfg.url} into {repo}")
    git = Git(repo, cfg)
    git_dir = Path(git.out("rev-parse", "--absolute-git-dir"))
    git.author(cfg)  # replaying local commits onto the remote's tip commits
    if not dry_run:
        notes += recover(git, git_dir)
    check(git, git_dir, cfg)
    tip = ""
    if not dry_run and (cfg.push or cfg.url is not None):
        tip, done = _update(git, git_dir, cfg)
        notes += [done] if done else []
    return Checkout(repo, git_dir, tuple(notes), tip)


def _where(cfg: PublishConfig) -> Path:
    if cfg.repo is not None:
        if not (cfg.repo / ".git").exists():
            raise PublishError(f"{cfg.repo} is not a git checkout")
        return cfg.repo
    if cfg.url is None:
        raise PublishError(
            "nowhere to publish: set [publish] repo (a local clone of the blog) or url"
        )
    work = cfg.workdir.resolve()
    if not (work / ".git").exists() and work.exists() and any(work.iterdir()):
        held = ", ".join(sorted(p.name for p in work.iterdir())[:5])
        raise PublishError(
            f"publish.workdir {work} is not empty and not a git checkout (it holds {held}); "
            "move it aside so newsbot can clone the blog there"
        )
    return work


def _clone(cfg: PublishConfig, work: Path) -> None:
    """Clone shallowly beside ``work``, then rename: a killed clone leaves no half checkout."""
    assert cfg.url is not None
    tmp = work.with_name(f".{work.name}.cloning")
    shutil.rmtree(tmp, ignore_errors=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    args = ("clone", "-q", "--depth", "1", "--single-branch", "--branch", cfg.branch)
    try:
        Git(work.parent, cfg).run(*args, cfg.url, str(tmp))
        if work.exists():
            work.rmdir()  # empty (checked by _where)
        tmp.rename(work)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(git: Git, git_dir: Path, cfg: PublishConfig) -> None:
    """Refuse a checkout newsbot must not commit into; PublishError says what to do."""
    for name, what in IN_PROGRESS.items():
        if (git_dir / name).exists():
            raise PublishError(f"{git.repo} is in the middle of {what}; finish or abort it first")
    proc = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
    if proc.returncode != 0:
        head = git.run("rev-parse", "--short", "HEAD", check=False).stdout.strip() or "?"
        raise PublishError(
            f"{git.repo} has a detached HEAD (at {head}); check out {cfg.branch} first"
        )
    branch = proc.stdout.strip()
    if branch != cfg.branch:
        raise PublishError(
            f"{git.repo} is on branch {branch}, not {cfg.branch}; refusing to publish there"
        )
    if (git_dir / "index.lock").exists():
        raise PublishError(
            f"another git command is using {git.repo} ({git_dir / 'index.lock'} exists); "
            "if none is running, a crashed one left it: remove that file"
        )


def _update(git: Git, git_dir: Path, cfg: PublishConfig) -> tuple[str, str]:
    """Fetch and move onto the remote's tip: (the tip, what was done). A fetch that fails
    is only a note; its leftovers (a killed fetch's locks) are cleaned up by ``guarded``."""
    try:
        with guarded(git, git_dir):
            tip = sync.fetch(git, cfg)
    except PublishError as exc:
        return "", f"could not fetch {cfg.remote}/{cfg.branch} ({exc}); publishing later"
    with guarded(git, git_dir) as journal:
        return tip, sync.integrate(git, cfg, journal, tip)
