"""Publish posts into a blog repository checkout with the ``git`` CLI.

Rules (RELIABILITY F35-F39, S08): the checkout is made ready before a run writes
(``checkout.prepare``); every newsbot post in the posts folder that is new or
changed is committed (a post an earlier failed publish left behind included),
and only those paths (never ``add -A``); a rejected push is brought onto the
remote's tip (``sync``) and retried; a real conflict stops with both commits
named; never ``--force``, ``stash`` or ``rebase``; nothing new means no commit.
Every change is journaled, so a killed publish is put right by the next one.
Every git message we surface passes through ``newsbot.redact``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError, WriteError
from newsbot.models import Post
from newsbot.posts.files import PostWriter, parse_post_name, safe_path
from newsbot.publish import sync
from newsbot.publish.checkout import Checkout, locked, prepare
from newsbot.publish.git import Git
from newsbot.publish.journal import Journal, guarded
from newsbot.publish.message import Entry, commit_message

__all__ = ["Checkout", "PublishResult", "commit_message", "locked", "prepare", "publish"]

# A push refused because the remote moved on (before or while we pushed); a hook's
# "[remote rejected]" is not retried.
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "but expected")

Sleep = Callable[[float], None]


@dataclass
class PublishResult:
    """What :func:`publish` did: the commit (if any), whether it was pushed."""

    status: str = "nothing"  # nothing | committed | pushed | would_commit
    commit: str = ""
    message: str = ""
    paths: list[str] = field(default_factory=list)
    attempts: int = 0
    notes: list[str] = field(default_factory=list)


def publish(
    posts: Sequence[Post],
    cfg: PublishConfig,
    *,
    checkout: Checkout | None = None,
    output: Path | None = None,
    jobs: Mapping[str, str] | None = None,
    dry_run: bool = False,
    sleep: Sleep = time.sleep,
) -> PublishResult:
    """Commit every new or changed newsbot post into the checkout, and push.

    ``jobs`` maps the slug of every job whose posts count as newsbot's to its name
    (default: the jobs of ``posts``); ``output`` is where the run wrote ``posts``,
    when that is not the checkout's posts folder (they are copied in).
    """
    co = checkout or prepare(cfg, dry_run=dry_run)
    git = Git(co.repo, cfg)
    slugs = {**(jobs or {}), **_slugs(posts)}
    result = PublishResult(notes=list(co.notes) if checkout is None else [])
    if dry_run:
        entries = _would_commit(git, cfg, posts, slugs)
        result.paths = [e.path for e in entries]
        result.message = commit_message(entries) if entries else ""
        result.status = "would_commit" if entries else "nothing"
        return result
    git.author(cfg)
    with guarded(git, co.git_dir) as journal:
        _copy_in(git, cfg, posts, output, slugs)
        _commit(git, cfg, posts, slugs, result)
        if cfg.push and (result.status == "committed" or _ahead(git, cfg, co.tip)):
            result.attempts = _push(git, cfg, journal, sleep)
            result.status = "pushed"
        if result.status != "nothing":
            result.commit = git.out("rev-parse", "HEAD")
    return result


def _slugs(posts: Sequence[Post]) -> dict[str, str]:
    parsed = ((parse_post_name(p.name), p.job) for p in posts)
    return {name[1]: job for name, job in parsed if name is not None}


def _changed(git: Git, cfg: PublishConfig, slugs: Mapping[str, str]) -> list[str]:
    """newsbot posts in the posts folder that are untracked, or differ from HEAD."""
    out = git.run(
        "--no-optional-locks",
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        "--",
        cfg.posts_dir,
    ).stdout
    found = []
    for entry in filter(None, out.split("\0")):
        state, path = entry[:2], entry[3:]
        folder, _, name = path.rpartition("/")
        parsed = parse_post_name(name)
        ours = parsed is not None and parsed[1] in slugs and folder == cfg.posts_dir.strip("/")
        if ours and "D" not in state:  # a post someone deleted stays deleted
            found.append(path)
    return sorted(found)


def _entries(paths: Sequence[str], posts: Sequence[Post], slugs: Mapping[str, str]) -> list[Entry]:
    """What each committed path is: its day, job and (for this run's posts) articles added."""
    ours = {p.name: p for p in posts if p.status == "written"}
    entries = []
    for path in paths:
        name = path.rpartition("/")[2]
        day, slug = parse_post_name(name) or (None, "")
        post = ours.get(name)
        if day is not None:
            entries.append(Entry(path, day, slugs.get(slug, slug), post.added if post else None))
    return entries


def _would_commit(
    git: Git, cfg: PublishConfig, posts: Sequence[Post], slugs: Mapping[str, str]
) -> list[Entry]:
    posts_dir = git.repo / cfg.posts_dir
    paths = set(_changed(git, cfg, slugs)) if posts_dir.is_dir() else set()
    paths |= {f"{cfg.posts_dir}/{p.name}" for p in _candidates(posts) if _differs(posts_dir, p)}
    return _entries(sorted(paths), posts, slugs)


def _candidates(posts: Sequence[Post]) -> list[Post]:
    return [p for p in posts if p.status in ("written", "unchanged")]


def _copy_in(
    git: Git,
    cfg: PublishConfig,
    posts: Sequence[Post],
    output: Path | None,
    slugs: Mapping[str, str],
) -> None:
    """Posts the run wrote elsewhere go into the checkout: this run's, and those an earlier
    run left in ``output`` that the checkout never had (and never deleted)."""
    posts_dir = git.repo / cfg.posts_dir
    todo = {p.name: p.text for p in _candidates(posts) if _differs(posts_dir, p)}
    if output is not None and output.resolve() != posts_dir.resolve() and output.is_dir():
        gone = _deleted(git, cfg)
        for path in sorted(output.glob("*.md")):
            parsed = parse_post_name(path.name)
            missing = not (posts_dir / path.name).exists() and path.name not in gone
            if parsed and parsed[1] in slugs and missing and path.name not in todo:
                todo[path.name] = path.read_text(encoding="utf-8")
    writer = PostWriter(posts_dir)
    for name, text in todo.items():
        try:
            writer.write(name, text)
        except WriteError as exc:
            raise PublishError(f"cannot write into the blog repository: {exc}") from None


def _deleted(git: Git, cfg: PublishConfig) -> set[str]:
    """Names of posts the checkout's history deleted (an owner's choice, kept)."""
    if git.run("rev-parse", "-q", "--verify", "HEAD", check=False).returncode != 0:
        return set()
    out = git.out("log", "--diff-filter=D", "--name-only", "--format=", "--", cfg.posts_dir)
    return {line.rpartition("/")[2] for line in out.splitlines() if line}


def _commit(
    git: Git,
    cfg: PublishConfig,
    posts: Sequence[Post],
    slugs: Mapping[str, str],
    result: PublishResult,
) -> None:
    paths = _changed(git, cfg, slugs)
    if not paths:
        return
    git.run("add", "--", *paths)
    staged = set(git.out("diff", "--cached", "--name-only", "--", *paths).splitlines())
    paths = [p for p in paths if p in staged]
    if not paths:
        return
    message = commit_message(_entries(paths, posts, slugs))
    # ``commit -- paths`` commits only these paths, whatever else someone staged.
    git.run("commit", "--no-verify", "-q", "-F", "-", "--", *paths, stdin=message)
    result.paths, result.message, result.status = paths, message, "committed"


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


def _ahead(git: Git, cfg: PublishConfig, tip: str) -> bool:
    """Local commits not on the remote branch yet (a previous push failed)."""
    base = tip or f"refs/remotes/{cfg.remote}/{cfg.branch}"
    if git.run("rev-parse", "-q", "--verify", base, check=False).returncode != 0:
        return False
    return git.out("rev-list", "--count", f"{base}..HEAD") not in ("", "0")


def _push(git: Git, cfg: PublishConfig, journal: Journal, sleep: Sleep) -> int:
    """Push HEAD; on a non-fast-forward rejection fetch, move onto the tip, retry. Never force."""
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
        sync.integrate(git, cfg, journal, sync.fetch(git, cfg))
        sleep(random.uniform(0.2, 1.0) * attempt)  # jitter: racing runs don't retry in step
    raise PublishError(
        f"git push to {cfg.remote} was still rejected after {cfg.attempts} attempts; "
        "the commit stays local"
    )
