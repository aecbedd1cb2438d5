"""A remote that hangs costs the publish budget ([publish] timeout), not 300 s per git
command, and leaves no git-remote-http or ssh behind. Each case runs newsbot in a child
process with a hard limit, so a hang fails the test instead of stalling the suite."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, PageServer
from tests.publish.conftest import D1, post_name
from tests.servers.gitremote import clone, git, make_origin, processes_with, silent_remote

LIMIT_S = 60  # far over the 2 s budget, far under git's old 300 s per command


def newsbot(
    tmp: Path, *args: str, config: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    (tmp / "newsbot.toml").write_text(config)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", *args, "--config", str(tmp / "newsbot.toml")],
        cwd=tmp,
        env={**os.environ, "HOME": str(tmp / "home"), "GIT_CONFIG_NOSYSTEM": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        start_new_session=True,
    )
    return done, time.monotonic() - started


def fetch_config(site: PageServer) -> str:
    return f'[fetch]\nhost_delay = 0.0\nhost_map = {{ "news.naver.com" = "{site.origin}" }}\n'


RUN = ("run", "--job", "krnews-it", "--date", D1.isoformat(), "--jobs-dir", str(ROOT / "jobs"))


def test_a_clone_from_a_silent_remote_ends_with_the_budget(
    site: PageServer, tmp_path: Path
) -> None:
    with silent_remote() as url:
        publish = f'[publish]\nurl = "{url}"\nworkdir = "blog"\ntimeout = 2.0\n'
        done, took = newsbot(tmp_path, *RUN, "--publish", config=fetch_config(site) + publish)
        port = url.split(":")[2].split("/")[0]
        left = processes_with(f"127.0.0.1:{port}")
    assert done.returncode == 1, done.stderr
    assert "git clone did not finish within the publish budget (2 s" in done.stderr
    assert took < 20, took
    assert left == []  # git-remote-http went with git
    assert not (tmp_path / "blog").exists() and not list(tmp_path.glob(".blog.cloning"))
    assert not (tmp_path / "output").exists()  # refused before the run wrote anything


def test_a_remote_that_hangs_later_leaves_the_posts_for_the_next_publish(
    site: PageServer, tmp_path: Path
) -> None:
    """The checkout exists; its remote stops answering. The fetch before the run is a note,
    the run writes its post, the push ends with the budget; the next publish sends it."""
    origin = make_origin(tmp_path)
    blog = clone(origin, tmp_path / "blog")
    publish = f'[publish]\nrepo = "{blog}"\ntimeout = 2.0\n'
    args = (*RUN, "--publish", "--output", str(blog / "_posts"))
    with silent_remote() as url:
        git(blog, "remote", "set-url", "origin", url)
        done, took = newsbot(tmp_path, *args, config=fetch_config(site) + publish)
        port = url.split(":")[2].split("/")[0]
        left = processes_with(f"127.0.0.1:{port}")
    assert done.returncode == 1, done.stderr
    assert "publish: note: could not fetch origin/main (git fetch did not finish" in done.stderr
    assert "git push did not finish within the publish budget" in done.stderr
    assert took < 30 and left == []
    assert [p.name for p in (blog / ".git").rglob("*.lock") if "newsbot" not in p.name] == []
    git(blog, "remote", "set-url", "origin", str(origin))
    done, _ = newsbot(tmp_path, *args, config=fetch_config(site) + publish)
    assert done.returncode == 0, done.stderr
    assert git(origin, "ls-tree", "--name-only", "main", "_posts/") == f"_posts/{post_name(D1)}"
    assert "publish: pushed " in done.stderr and "(an earlier run's commit)" in done.stderr
    assert "()" not in done.stderr  # no empty list of files


def test_an_ssh_remote_that_hangs_is_ended_with_its_ssh(site: PageServer, tmp_path: Path) -> None:
    """A fake ``ssh`` (GIT_SSH_COMMAND) that never answers: killed with git at the budget."""
    marker = str(random.randint(10_000, 99_999))  # seconds; unique to this run
    publish = '[publish]\nurl = "ssh://git@blog.example.invalid/blog.git"\ntimeout = 2.0\n'
    done, took = newsbot(
        tmp_path,
        *RUN,
        "--publish",
        config=fetch_config(site) + publish,
        env={"GIT_SSH_COMMAND": f"sleep {marker} #"},
    )
    assert done.returncode == 1 and "did not finish within the publish budget" in done.stderr
    assert took < 20
    assert processes_with(f"sleep {marker}") == []
