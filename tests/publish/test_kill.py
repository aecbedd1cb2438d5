"""Publishing survives kill -9: wherever a publish is killed, the next run puts it right
and publishes. Real processes, a real bare remote, a real SIGKILL of the whole tree.

The kill points are git's own: a ``reference-transaction`` hook in the checkout stops
the N-th ref update newsbot makes (a commit, a fetch, a branch move, a push) until the
test kills everything; N goes up until a publish runs through with no stop.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.publish import prepare
from newsbot.publish.journal import Journal
from tests.conftest import ROOT, PageServer
from tests.publish.conftest import D1, post_name
from tests.servers.gitremote import clone, git, kill_tree, make_origin, push_file

STALL = """#!/bin/sh
# Stop the {n}th prepared ref transaction until killed.
[ "$1" = prepared ] || exit 0
count=$(( $(cat {counter} 2>/dev/null || echo 0) + 1 ))
echo $count > {counter}
if [ $count -eq {n} ]; then touch {stalled}; sleep 120; fi
exit 0
"""
# The owner's pre-push hook here doubles as "someone pushed first": the first push
# newsbot makes is rejected, so the publish has to fetch, replay and move its branch.
RACE = """#!/bin/sh
if [ ! -e {raced} ]; then
  touch {raced}
  cd {other} && env -u GIT_DIR -u GIT_INDEX_FILE sh -c \
    'echo faq > faq.md && git add faq.md && git -c user.name=o -c user.email=o@x \
     commit -qm "faq page" && git push -q origin main'
fi
exit 0
"""


def newsbot_run(site: PageServer, tmp: Path, blog: Path) -> subprocess.Popen[str]:
    config = tmp / "newsbot.toml"
    config.write_text(
        f'[fetch]\nhost_delay = 0.0\nhost_map = {{ "news.naver.com" = "{site.origin}" }}\n'
    )
    args = ["run", "--job", "krnews-it", "--date", D1.isoformat(), "--config", str(config)]
    args += ["--jobs-dir", str(ROOT / "jobs"), "--output", str(blog / "_posts")]
    args += ["--publish", "--publish-repo", str(blog)]
    env = {**os.environ, "HOME": str(tmp / "home"), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot", *args],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def killed_at(n: int, site: PageServer, tmp: Path) -> tuple[Path, Path, bool]:
    """A fresh origin and checkout; a publish stopped at its ``n``-th ref update and
    killed. Returns (origin, checkout, whether it was stopped)."""
    tmp.mkdir()
    origin = make_origin(tmp)
    blog = clone(origin, tmp / "blog")
    other = clone(origin, tmp / "other")
    hooks = blog / ".git" / "hooks"
    stalled = tmp / "stalled"
    (hooks / "reference-transaction").write_text(
        STALL.format(n=n, counter=tmp / "count", stalled=stalled)
    )
    (hooks / "pre-push").write_text(RACE.format(raced=tmp / "raced", other=other))
    for hook in hooks.iterdir():
        hook.chmod(0o755)
    proc = newsbot_run(site, tmp, blog)
    deadline = time.monotonic() + 60
    while not stalled.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    stopped = stalled.exists()
    if stopped:
        kill_tree(proc)
    else:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    for hook in ("reference-transaction", "pre-push"):
        (hooks / hook).unlink()
    return origin, blog, stopped


def assert_published_cleanly(origin: Path, blog: Path, raced: bool) -> None:
    name = f"_posts/{post_name(D1)}"
    assert git(origin, "ls-tree", "--name-only", "main", name) == name
    theirs = git(origin, "ls-tree", "--name-only", "main", "faq.md")
    assert theirs == ("faq.md" if raced else "")  # the racing push is kept, never forced away
    subjects = git(origin, "log", "--format=%s", "main").splitlines()
    assert [s for s in subjects if s.startswith("newsbot:")] in (
        ["newsbot: 2025-02-04, 1 post (+10 articles)"],
        ["newsbot: 2025-02-04, 1 post"],  # committed by the run after the kill
    ), subjects
    assert git(blog, "rev-parse", "HEAD") == git(origin, "rev-parse", "main")
    assert git(blog, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(blog, "status", "--porcelain", "--untracked-files=no") == ""
    assert git(blog, "status", "--porcelain", "--", "_posts") == ""  # nothing left unsent
    git_dir = blog / ".git"
    assert not (git_dir / "rebase-merge").exists() and Journal(git_dir).read() is None
    assert [p.name for p in git_dir.rglob("*.lock") if p.name != "newsbot-publish.lock"] == []
    git(blog, "fsck", "--no-progress")


def test_a_publish_killed_at_any_ref_update_is_put_right_by_the_next_run(
    site: PageServer, tmp_path: Path
) -> None:
    stops = 0
    for n in range(1, 12):
        tmp = tmp_path / f"kill{n}"
        origin, blog, stopped = killed_at(n, site, tmp)
        if not stopped:
            break
        stops += 1
        again = newsbot_run(site, tmp, blog)
        _, err = again.communicate(timeout=60)
        assert again.returncode == 0, f"after a kill at ref update {n}:\n{err}"
        assert_published_cleanly(origin, blog, (tmp / "raced").exists())
    assert stops >= 4, "the publish should have offered several places to kill it"


def test_an_interrupted_rebase_of_newsbot_commits_is_aborted_and_retried(
    tmp_path: Path,
) -> None:
    """What older versions left after a kill -9 in ``git rebase``: a rebase in progress,
    HEAD detached; every later run failed. Now it is aborted and the commit published."""
    origin = make_origin(tmp_path)
    blog = clone(origin, tmp_path / "blog")
    (blog / "_posts").mkdir()
    (blog / "_posts" / post_name(D1)).write_text("post\n")
    git(blog, "add", "_posts")
    git(blog, "commit", "-qm", "newsbot: 2025-02-04 krnews-it (+3)")
    push_file(origin, tmp_path / "other", "faq.md", "faq\n", "faq page")
    git(blog, "fetch", "-q", "origin")
    hook = blog / ".git" / "hooks" / "reference-transaction"
    hook.write_text(STALL.format(n=1, counter=tmp_path / "count", stalled=tmp_path / "stalled"))
    hook.chmod(0o755)
    rebase = subprocess.Popen(
        ["git", "-C", str(blog), "rebase", "origin/main"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    while not (tmp_path / "stalled").exists():
        time.sleep(0.02)
    kill_tree(rebase)
    hook.unlink()
    assert (blog / ".git" / "rebase-merge").exists()
    ready = prepare(PublishConfig(repo=blog))
    assert any("rebase of newsbot's own commits was aborted" in n for n in ready.notes)
    from newsbot.publish import publish

    assert publish([], PublishConfig(repo=blog), checkout=ready).status == "pushed"
    assert git(origin, "log", "--format=%s", "main").splitlines()[:2] == [
        "newsbot: 2025-02-04 krnews-it (+3)",
        "faq page",
    ]
