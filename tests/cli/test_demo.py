"""``newsbot run --demo`` in a blog checkout: the recorded 2025-02-04 post is printed, never
written into the blog's ``_posts`` (a later ``run --publish`` would push it); ``--output
DIR`` writes it to DIR, and its memory beside DIR, not into the blog's state store."""

from __future__ import annotations

import subprocess
from pathlib import Path

from newsbot.scaffold.init import init
from tests.cli.test_cli import newsbot
from tests.conftest import GOLDEN

GOLDEN_POST = GOLDEN / "2025-02-04-krnews-it-20250204.md"


def blog(tmp_path: Path) -> Path:
    """A freshly init'd blog checkout whose newsbot.toml names its own state store."""
    root = tmp_path / "blog"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    init(root)
    toml = root / "newsbot.toml"
    toml.write_text(
        toml.read_text().replace(
            '# path = ".newsbot-state.sqlite"', 'path = ".newsbot-state.sqlite"'
        )
    )
    return root


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts}


def test_demo_with_no_flag_prints_the_post_and_writes_nothing_in_the_blog(
    tmp_path: Path,
) -> None:
    root = blog(tmp_path)
    before = files(root)
    done = newsbot("run", "--demo", cwd=root)
    assert done.returncode == 0, done.stderr
    assert GOLDEN_POST.read_text(encoding="utf-8") in done.stdout
    assert "would write" in done.stderr and "--output DIR" in done.stderr
    assert files(root) == before  # no _posts/2025-02-04-…, no state store, no lock


def test_demo_output_writes_there_and_keeps_its_memory_there(tmp_path: Path) -> None:
    root = blog(tmp_path)
    before = files(root)
    out = tmp_path / "demo" / "_posts"
    done = newsbot("run", "--demo", "--output", str(out), cwd=root)
    assert done.returncode == 0, done.stderr
    assert (out / GOLDEN_POST.name).read_bytes() == GOLDEN_POST.read_bytes()
    assert files(root) == before  # the blog's configured state store is left alone
    assert (tmp_path / "demo" / ".newsbot-state.sqlite").is_file()
