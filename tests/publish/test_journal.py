"""What a killed publish leaves is put right by the next one, and only what it left."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.publish import prepare
from newsbot.publish.journal import Journal
from tests.servers.gitremote import git, push_file


def half_moved(origin: Path, blog: Path, tmp_path: Path) -> tuple[str, str]:
    """The remote moved on by three files; a publish began moving the checkout onto it and
    was killed in the middle: one file updated, two not, the index locked, HEAD old."""
    old = git(blog, "rev-parse", "HEAD")
    other = tmp_path / "other"
    push_file(origin, other, "about.md", "about\n", "add about")
    push_file(origin, other, "README.md", "new readme\n", "change readme")
    git(other, "rm", "-q", "_config.yml")
    git(other, "commit", "-qm", "drop config")
    git(other, "push", "-q", "origin", "main")
    git(blog, "fetch", "-q", "origin")
    new = git(blog, "rev-parse", "origin/main")
    Journal(blog / ".git").moving("main", old, new)
    time.sleep(0.05)
    (blog / "about.md").write_text("about\n")  # the one file git got to
    (blog / ".git" / "index.lock").write_text("")
    return old, new


def test_a_branch_move_cut_short_is_finished(origin: Path, blog: Path, tmp_path: Path) -> None:
    _, new = half_moved(origin, blog, tmp_path)
    ready = prepare(PublishConfig(repo=blog))
    assert any("finished moving main" in n and "removed index.lock" in n for n in ready.notes)
    assert git(blog, "rev-parse", "HEAD") == new
    assert (blog / "README.md").read_text() == "new readme\n"
    assert not (blog / "_config.yml").exists()
    assert git(blog, "status", "--porcelain") == ""
    assert Journal(blog / ".git").read() is None


def test_someone_elses_edit_in_a_half_moved_file_is_refused(
    origin: Path, blog: Path, tmp_path: Path
) -> None:
    half_moved(origin, blog, tmp_path)
    (blog / "README.md").write_text("the owner typed here meanwhile\n")
    with pytest.raises(PublishError, match=r"half updated, and README\.md also"):
        prepare(PublishConfig(repo=blog))
    assert (blog / "README.md").read_text() == "the owner typed here meanwhile\n"


def test_only_locks_made_after_the_publish_began_are_removed(blog: Path) -> None:
    """A lock older than the interrupted publish is someone else's: kept (and refused)."""
    old_lock = blog / ".git" / "refs" / "heads" / "other.lock"
    old_lock.write_text("")
    os.utime(old_lock, (time.time() - 3600, time.time() - 3600))
    Journal(blog / ".git").begin()
    (blog / ".git" / "refs" / "heads" / "main.lock").write_text("")
    ready = prepare(PublishConfig(repo=blog, push=False))
    assert ready.notes == ("an interrupted publish was put right: removed refs/heads/main.lock",)
    assert old_lock.exists()


def test_without_a_journal_nothing_is_removed(blog: Path) -> None:
    (blog / ".git" / "index.lock").write_text("")
    with pytest.raises(PublishError, match="another git command is using"):
        prepare(PublishConfig(repo=blog))
    assert (blog / ".git" / "index.lock").exists()
