"""Publish a run's posts into a blog repository checkout with the ``git`` CLI (``git.py``).

Rules (RELIABILITY F35-F39, S08): stage only the paths newsbot wrote (never
``add -A``); refuse a detached HEAD or the wrong branch; a rejected push is
fetched, rebased and retried; a real conflict aborts the rebase and names both
commits; never ``--force``; nothing new means no commit. Every git message we
surface passes through ``newsbot.redact``, so a token in a remote URL never leaks.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError, WriteError
from newsbot.models import Post
from newsbot.posts.files import PostWriter, safe_path
from newsbot.publish.git import Git

# A push refused because the remote moved on; a hook's "[remote rejected]" is not retried.
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first")


@dataclass
class PublishResult:
    """What :func:`publish` did: the commit (if any), whether it was pushed."""

    status: str = "nothing"  # nothing | committed | pushed | would_commit
    commit: str = ""
    message: str = ""
    paths: list[str] = field(default_factory=list)
    attempts: int = 0


Sleep = Callable[[float], None]


def checkout(cfg: PublishConfig) -> Path:
    """The checkout to publish into: ``repo`` as it is, or ``url`` cloned shallowly into
    ``workdir`` (first run) and brought up to date (later runs). Local commits a failed
    push left behind are kept and rebased, never reset away."""
    if cfg.repo is not None:
        return cfg.repo
    if cfg.url is None:
        raise PublishError(
            "nowhere to publish: set [publish] repo (a local clone of the blog) or url"
        )
    work = cfg.workdir.resolve()
    if not (work / ".git").exists():
        if work.exists() and any(work.iterdir()):
            raise PublishError(f"publish.workdir {work} is not empty and not a git checkout")
        work.parent.mkdir(parents=True, exist_ok=True)
        Git(work.parent, cfg).run(
            "clone",
            "-q",
            "--depth",
            "1",
            "--single-branch",
            "--branch",
            cfg.branch,
            cfg.url,
            str(work),
        )
        return work
    git = Git(work, cfg)
    _check_branch(git, cfg)
    git.run("fetch", "-q", cfg.remote, cfg.branch)
    if git.out("rev-list", "--count", "FETCH_HEAD..HEAD") == "0":
        git.run("merge", "-q", "--ff-only", "FETCH_HEAD")
    else:
        _rebase(git, cfg)
    return work


def commit_message(posts: Sequence[Post]) -> str:
    """``newsbot: 2025-02-04 krnews-it (+13)``, one line per job."""
    return "\n".join(f"newsbot: {p.day.isoformat()} {p.job} (+{len(p.ids)})" for p in posts)


def publish(
    posts: Sequence[Post],
    cfg: PublishConfig,
    *,
    dry_run: bool = False,
    sleep: Sleep = time.sleep,
) -> PublishResult:
    """Write ``posts`` into ``cfg.repo``/``cfg.posts_dir``, commit them, and push."""
    repo = checkout(cfg)
    if not (repo / ".git").exists():
        raise PublishError(f"{repo} is not a git checkout")
    git = Git(repo, cfg)
    _check_branch(git, cfg)
    candidates = [p for p in posts if p.status in ("written", "unchanged")]
    posts_dir = repo / cfg.posts_dir
    differing = [p for p in candidates if _differs(posts_dir, p)]
    result = PublishResult()
    if dry_run:
        result.paths = [f"{cfg.posts_dir}/{p.name}" for p in differing]
        result.message = commit_message(differing)
        result.status = "would_commit" if differing else "nothing"
        return result
    writer = PostWriter(posts_dir)
    for post in differing:
        try:
            writer.write(post.name, post.text)
        except WriteError as exc:
            raise PublishError(f"cannot write into the blog repository: {exc}") from None
    # The run may have written straight into the checkout (--output repo/_posts), so
    # git, not a byte comparison, decides what is new.
    paths = {f"{cfg.posts_dir}/{p.name}": p for p in candidates}
    if paths:
        git.run("add", "--", *paths)
        staged = set(git.out("diff", "--cached", "--name-only", "--", *paths).splitlines())
        if staged:
            result.paths = [path for path in paths if path in staged]
            result.message = commit_message([paths[path] for path in result.paths])
            # ``commit -- paths`` commits only these paths, whatever else is staged.
            git.run("commit", "--no-verify", "-q", "-m", result.message, "--", *result.paths)
            result.status = "committed"
    if result.status == "committed" or _ahead(git, cfg):
        result.commit = git.out("rev-parse", "HEAD")
        result.status = "committed"
        if cfg.push:
            result.attempts = _push(git, cfg, sleep)
            result.commit = git.out("rev-parse", "HEAD")
            result.status = "pushed"
    return result


def _check_branch(git: Git, cfg: PublishConfig) -> None:
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
    state = git.run("rev-parse", "--git-path", "rebase-merge", check=False).stdout.strip()
    if state and (git.repo / state).exists():
        raise PublishError(f"{git.repo} is in the middle of a rebase; finish or abort it first")


def _differs(posts_dir: Path, post: Post) -> bool:
    try:
        path = safe_path(posts_dir, post.name)
    except WriteError as exc:
        raise PublishError(str(exc)) from None
    try:
        return path.read_bytes() != post.text.encode("utf-8")
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise PublishError(f"cannot read {path}: {exc.strerror}") from None


def _ahead(git: Git, cfg: PublishConfig) -> bool:
    """Local commits not on the remote branch yet (a previous push failed)."""
    if not cfg.push:
        return False
    upstream = f"refs/remotes/{cfg.remote}/{cfg.branch}"
    if git.run("rev-parse", "-q", "--verify", upstream, check=False).returncode != 0:
        return False
    return git.out("rev-list", "--count", f"{upstream}..HEAD") not in ("", "0")


def _push(git: Git, cfg: PublishConfig, sleep: Sleep) -> int:
    """Push HEAD; on a non-fast-forward rejection fetch, rebase and retry. Never force."""
    for attempt in range(1, cfg.attempts + 1):
        proc = git.run(
            "push", "--porcelain", cfg.remote, f"HEAD:refs/heads/{cfg.branch}", check=False
        )
        if proc.returncode == 0:
            return attempt
        text = proc.stdout + proc.stderr
        if not any(marker in text for marker in _REJECTED):
            raise PublishError(
                f"git push to {cfg.remote} failed; the commit stays local and the next run "
                f"pushes it: {git.redact(proc.stderr.strip())}"
            )
        if attempt == cfg.attempts:
            break
        _rebase(git, cfg)
        sleep(random.uniform(0.2, 1.0) * attempt)  # jitter: racing runs don't retry in step
    raise PublishError(
        f"git push to {cfg.remote} was still rejected after {cfg.attempts} attempts; "
        "the commit stays local"
    )


def _rebase(git: Git, cfg: PublishConfig) -> None:
    git.run("fetch", "-q", cfg.remote, cfg.branch)
    theirs = git.out("rev-parse", "FETCH_HEAD")
    ours = git.out("rev-parse", "HEAD")
    proc = git.run("rebase", "--autostash", "FETCH_HEAD", check=False)
    if proc.returncode != 0:
        git.run("rebase", "--abort", check=False)
        conflicts = [
            line.split("Merge conflict in ", 1)[1]
            for line in (proc.stdout + proc.stderr).splitlines()
            if "Merge conflict in " in line
        ]
        where = f" in {', '.join(conflicts)}" if conflicts else ""
        raise PublishError(
            f"conflict{where}: local commit {ours[:12]} does not rebase onto "
            f"{cfg.remote}/{cfg.branch} {theirs[:12]}; rebase aborted, the local commit is "
            "kept for a human to resolve (nothing was force-pushed)"
        )
