"""Post files: names, atomic writes and refusals."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from newsbot.errors import WriteError
from newsbot.posts.files import PostWriter, parse_post_name, post_name, safe_path


def test_name_is_unique_per_day() -> None:
    """Catalogue: S06."""
    assert post_name(date(2025, 2, 4), "krnews-it") == "2025-02-04-krnews-it-20250204.md"
    assert post_name(date(2025, 2, 5), "krnews-it") != post_name(date(2025, 2, 4), "krnews-it")


def test_write_replaces_atomically_and_leaves_no_temp(tmp_path: Path) -> None:
    """Catalogue: F33."""
    writer = PostWriter(tmp_path)
    path = writer.write("2025-02-04-x-20250204.md", "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["2025-02-04-x-20250204.md"]


def test_same_path_twice_in_one_run_is_refused(tmp_path: Path) -> None:
    writer = PostWriter(tmp_path)
    writer.write("a.md", "1")
    with pytest.raises(WriteError, match="same file"):
        writer.write("a.md", "2")
    assert (tmp_path / "a.md").read_text() == "1"


@pytest.mark.parametrize("name", ["../x.md", "/etc/passwd", ".hidden.md", "a/b.md", "a\x00.md"])
def test_unsafe_names_refused(tmp_path: Path, name: str) -> None:
    """Catalogue: S06."""
    with pytest.raises(WriteError):
        safe_path(tmp_path, name)


def test_symlink_is_not_followed(tmp_path: Path) -> None:
    """Catalogue: S06."""
    outside = tmp_path / "outside.md"
    outside.write_text("keep")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "p.md").symlink_to(outside)
    with pytest.raises(WriteError, match="symlink"):
        PostWriter(posts).write("p.md", "evil")
    assert outside.read_text() == "keep"


def test_failed_write_keeps_the_old_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalogue: F33."""
    (tmp_path / "p.md").write_text("old")

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(WriteError, match="No space"):
        PostWriter(tmp_path).write("p.md", "new")
    assert (tmp_path / "p.md").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


@pytest.mark.parametrize(
    "slug", ["../x", "a/b", "", "-x", ".x", "x\n", "x\x00", "UPPER", "삼성", "x y", "CON."]
)
def test_S06_a_slug_outside_the_allow_list_is_refused(slug: str) -> None:
    """Catalogue: S06."""
    with pytest.raises(WriteError, match="slug"):
        post_name(date(2025, 2, 4), slug)


def test_S06_post_names_are_read_back_whole() -> None:
    """A name with a trailing newline or anything after ``.md`` is no post name.

    Catalogue: S06.
    """
    assert parse_post_name("2025-02-04-krnews-it-20250204.md") == (date(2025, 2, 4), "krnews-it")
    for odd in ("2025-02-04-krnews-it-20250204.md\n", "2025-02-04-x-20250204.md.bak", "../x.md"):
        assert parse_post_name(odd) is None
