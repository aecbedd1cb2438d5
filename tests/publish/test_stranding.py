"""Publishing never strands a post: an unpublishable checkout is refused before anything is
written, and every later publish commits every newsbot post that is new or changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsbot import app
from newsbot.errors import PublishError
from newsbot.jobs import load_jobs
from tests.conftest import ROOT, PageServer
from tests.publish.conftest import D1, D2, D3, Run, config, post_name
from tests.servers.gitremote import git, push_file


def owners_rebase_in_progress(origin: Path, blog: Path, tmp_path: Path) -> None:
    """The owner's own rebase, stopped on a conflict in README.md."""
    (blog / "README.md").write_text("owner's local README\n")
    git(blog, "commit", "-qam", "owner edit")
    push_file(origin, tmp_path / "other", "README.md", "someone else's README\n", "other edit")
    git(blog, "fetch", "-q", "origin")
    git(blog, "rebase", "origin/main", check=False)
    assert (blog / ".git" / "rebase-merge").exists()


@pytest.mark.parametrize("state", ["detached", "branch", "rebase", "index_lock"])
def test_an_unpublishable_checkout_is_refused_before_anything_is_written(
    state: str, origin: Path, blog: Path, tmp_path: Path, run: Run
) -> None:
    if state == "detached":
        git(blog, "checkout", "-q", "--detach")
    elif state == "branch":
        git(blog, "checkout", "-q", "-b", "drafts")
    elif state == "rebase":
        owners_rebase_in_progress(origin, blog, tmp_path)
    else:
        (blog / ".git" / "index.lock").write_text("")
    before = git(blog, "status", "--porcelain")
    message = {"detached": "detached HEAD", "branch": "on branch drafts", "rebase": "a rebase"}
    with pytest.raises(PublishError, match=message.get(state, "index.lock exists")):
        run(D1)
    assert not (blog / "_posts" / post_name(D1)).exists()
    assert not (blog / ".newsbot-state.sqlite").exists()  # not even recorded
    assert git(blog, "status", "--porcelain") == before  # the owner's state, untouched
    if state == "rebase":
        assert (blog / ".git" / "rebase-merge").exists()


def test_a_later_publish_commits_the_posts_an_earlier_run_left(
    origin: Path, blog: Path, site: PageServer, run: Run
) -> None:
    """A post written into the checkout but never committed (a run without --publish, or
    one killed before its commit) goes out with the next publish, whatever day it is for."""
    jobs = load_jobs(ROOT / "jobs", ["krnews-it"])
    unpublished = config(site, blog / "_posts")
    assert app.run_day(jobs, D1, net=app.network(unpublished)).exit_code == 0
    result = run(D2)
    assert result.exit_code == 0 and result.published is not None
    assert result.published.paths == [f"_posts/{post_name(D1)}", f"_posts/{post_name(D2)}"]
    shown = git(origin, "show", "--name-only", "--format=%B", "main")
    assert shown.splitlines()[:5] == [
        "newsbot: 2025-02-04..2025-02-05, 2 posts (+10 articles)",
        "",
        "2025-02-04 krnews-it (left by an earlier run)",
        "2025-02-05 krnews-it (+10)",
        "",
    ]
    assert git(blog, "status", "--porcelain", "--", "_posts") == ""


def test_posts_written_outside_the_checkout_are_copied_in_unless_deleted(
    origin: Path, blog: Path, site: PageServer, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "_posts"
    jobs = load_jobs(ROOT / "jobs", ["krnews-it"])
    assert app.run_day(jobs, D1, net=app.network(config(site, out))).exit_code == 0
    assert run(D2, output=out).exit_code == 0
    tracked = git(origin, "ls-tree", "-r", "--name-only", "main", "_posts").splitlines()
    assert tracked == [f"_posts/{post_name(D1)}", f"_posts/{post_name(D2)}"]
    git(blog, "rm", "-q", f"_posts/{post_name(D1)}")  # the owner takes one post down
    git(blog, "commit", "-qm", "remove a post")
    git(blog, "push", "-q", "origin", "main")
    assert run(D3, output=out).exit_code == 0
    tracked = git(origin, "ls-tree", "-r", "--name-only", "main", "_posts").splitlines()
    assert tracked == [f"_posts/{post_name(D2)}", f"_posts/{post_name(D3)}"]


def test_uncommitted_changes_that_would_conflict_are_refused_untouched(
    origin: Path, blog: Path, tmp_path: Path, run: Run
) -> None:
    """The owner's draft README and a README change on the remote: nothing is stashed or
    merged into their file, nothing is written, and the message says why."""
    (blog / "README.md").write_text("owner's draft, not committed\n")
    push_file(origin, tmp_path / "other", "README.md", "remote README\n", "remote edit")
    with pytest.raises(PublishError, match=r"README\.md.*commit or move those changes away"):
        run(D1)
    assert (blog / "README.md").read_text() == "owner's draft, not committed\n"
    assert git(blog, "stash", "list") == ""
    assert not (blog / "_posts").exists()


def test_uncommitted_changes_elsewhere_are_never_touched(
    origin: Path, blog: Path, tmp_path: Path, run: Run
) -> None:
    """Catalogue: F39. The remote moves on before the run (the checkout is updated) and
    again during it (the push is rejected and replayed onto the new tip), all without a
    stash: the owner's draft keeps its bytes and its mtime, and staged work stays staged."""
    from newsbot.config import PublishConfig
    from newsbot.models import Post
    from newsbot.publish import prepare, publish

    draft = blog / "README.md"
    draft.write_text("owner's draft\n")
    os.utime(draft, (1_000_000_000, 1_000_000_000))
    (blog / "staged.md").write_text("staged by the owner\n")
    git(blog, "add", "staged.md")
    push_file(origin, tmp_path / "other", "about.md", "about\n", "about page")
    cfg = PublishConfig(repo=blog)
    ready = prepare(cfg)
    assert (blog / "about.md").is_file()
    push_file(origin, tmp_path / "other", "faq.md", "faq\n", "faq page")
    name = post_name(D1)
    done = publish([Post("krnews-it", D1, name, name, "hi\n", ("a",), "written", 1)], cfg,
                   checkout=ready, sleep=lambda s: None)  # fmt: skip
    assert done.status == "pushed" and done.attempts == 2
    assert draft.read_text() == "owner's draft\n" and draft.stat().st_mtime == 1_000_000_000
    assert git(blog, "stash", "list") == ""
    subjects = git(origin, "log", "--format=%s", "main").splitlines()
    assert subjects[:3] == ["newsbot: 2025-02-04, 1 post (+1 article)", "faq page", "about page"]
    status = sorted(line.strip() for line in git(blog, "status", "--porcelain").splitlines())
    assert status == ["A  staged.md", "M README.md"]
    assert git(origin, "ls-tree", "--name-only", "main", "staged.md") == ""  # not ours to send


def test_a_rerun_that_appends_counts_only_what_it_added(
    origin: Path, site: PageServer, run: Run
) -> None:
    """Catalogue: F27. The day's list grew by two: the post keeps its ten and appends two,
    and the commit says +2, not the post's 12."""
    from tests.servers.pagegen import archive_page

    assert run(D1).exit_code == 0
    site.add(f"/breakingnews/section/105/230?date={D1:%Y%m%d}", archive_page(list(range(1, 13))))
    result = run(D1)
    assert result.exit_code == 0 and result.published is not None
    assert git(origin, "log", "-1", "--format=%B", "main").splitlines() == [
        "newsbot: 2025-02-04, 1 post (+2 articles)",
        "",
        "2025-02-04 krnews-it (+2)",
    ]
