"""Publishing with real git: a bare repository in tmp_path is ``origin``."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.pipeline import Post
from newsbot.publish import publish
from newsbot.publish.git import redact
from tests.servers.gitremote import clone, git, push_file

DAY = date(2025, 2, 4)
NAME = "2025-02-04-krnews-it-20250204.md"
SUBJECT = "newsbot: 2025-02-04, 1 post (+13 articles)"


def post(text: str = "hello\n", name: str = NAME, items: int = 13, status: str = "written") -> Post:
    ids = tuple(f"id:{n}" for n in range(items))
    return Post("krnews-it", DAY, name, name, text, ids, status, added=items)


def cfg(repo: Path, **kw: object) -> PublishConfig:
    return PublishConfig(repo=repo, **kw)  # type: ignore[arg-type]


def test_first_publish_commits_only_written_files(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F39."""
    blog = clone(origin, tmp_path / "blog")
    (blog / "README.md").write_text("local edit, not ours\n")
    (blog / "notes.txt").write_text("untracked, not ours\n")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "pushed"
    assert git(origin, "log", "-1", "--format=%s", "main") == SUBJECT
    files = git(origin, "show", "--name-only", "--format=", "main").splitlines()
    assert files == [f"_posts/{NAME}"]
    assert (blog / "README.md").read_text() == "local edit, not ours\n"
    assert "notes.txt" in git(blog, "status", "--porcelain")


def test_rerun_identical_posts_makes_no_commit(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F27."""
    blog = clone(origin, tmp_path / "blog")
    publish([post()], cfg(blog), sleep=lambda s: None)
    tip = git(origin, "rev-parse", "main")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "nothing"
    assert git(origin, "rev-parse", "main") == tip
    assert git(blog, "rev-parse", "HEAD") == tip


def test_push_race_rebases_without_force(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F35."""
    blog = clone(origin, tmp_path / "blog")
    old_tip = push_file(origin, tmp_path / "other", "about.md", "about\n", "human edit")
    res = publish([post()], cfg(blog, push=True), sleep=lambda s: None)
    assert res.status == "pushed"
    new_tip = git(origin, "rev-parse", "main")
    subprocess.run(
        ["git", "-C", str(origin), "merge-base", "--is-ancestor", old_tip, new_tip], check=True
    )
    assert git(origin, "show", f"main:_posts/{NAME}") == "hello"
    assert git(origin, "log", "--format=%s", "main").splitlines()[:2] == [SUBJECT, "human edit"]


def test_race_during_the_push_is_replayed_onto_the_new_tip(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F35. Someone pushes between newsbot's checkout and its push: the push is
    rejected, the commit is put on the new tip (linear history, no merge) and pushed."""
    from newsbot.publish import prepare

    blog = clone(origin, tmp_path / "blog")
    ready = prepare(cfg(blog))
    push_file(origin, tmp_path / "other", "about.md", "about\n", "human edit")
    res = publish([post()], cfg(blog), checkout=ready, sleep=lambda s: None)
    assert res.status == "pushed" and res.attempts == 2
    assert git(origin, "log", "--format=%s", "main").splitlines() == [SUBJECT, "human edit", "init"]
    assert git(blog, "rev-parse", "HEAD") == git(origin, "rev-parse", "main")
    assert (blog / "about.md").read_text() == "about\n"  # the checkout is on the new tip
    assert git(blog, "status", "--porcelain") == ""


def test_conflict_aborts_and_names_both_commits(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F36."""
    from newsbot.publish import prepare

    blog = clone(origin, tmp_path / "blog")
    ready = prepare(cfg(blog))
    theirs = push_file(
        origin, tmp_path / "other", f"_posts/{NAME}", "a different body\n", "same path"
    )
    with pytest.raises(PublishError) as exc_info:
        publish([post()], cfg(blog), checkout=ready, sleep=lambda s: None)
    ours = git(blog, "rev-parse", "HEAD")
    msg = str(exc_info.value)
    assert ours[:12] in msg and theirs[:12] in msg and f"_posts/{NAME}" in msg
    assert exc_info.value.exit_code == 1
    assert git(origin, "rev-parse", "main") == theirs  # nothing forced
    assert git(blog, "log", "-1", "--format=%s") == SUBJECT  # kept for a human
    assert not (blog / ".git" / "rebase-merge").exists()
    assert git(blog, "stash", "list") == ""
    assert not list((blog / ".git").glob("newsbot-publish.json"))  # the journal is closed


def test_detached_head_and_wrong_branch_refused(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F39."""
    blog = clone(origin, tmp_path / "blog")
    git(blog, "checkout", "-q", "--detach")
    with pytest.raises(PublishError, match="detached HEAD"):
        publish([post()], cfg(blog))
    git(blog, "checkout", "-q", "-b", "drafts")
    with pytest.raises(PublishError, match="on branch drafts, not main"):
        publish([post()], cfg(blog))
    assert not (blog / "_posts").exists()


def test_token_in_remote_url_never_in_error(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F37."""
    blog = clone(origin, tmp_path / "blog")
    token = "ghp_" + "C" * 36
    # A closed loopback port: the fetch and the push fail and git echoes the URL on stderr.
    git(blog, "remote", "set-url", "origin", f"https://x-access-token:{token}@127.0.0.1:9/b.git")
    with pytest.raises(PublishError) as exc_info:
        publish([post()], cfg(blog), sleep=lambda s: None)
    assert token not in str(exc_info.value)
    assert "push" in str(exc_info.value)
    # The commit stays local; the next run, with nothing new, still pushes it.
    assert git(blog, "log", "-1", "--format=%s").startswith("newsbot:")
    git(blog, "remote", "set-url", "origin", str(origin))
    git(blog, "fetch", "-q", "origin")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "pushed"
    assert git(origin, "rev-parse", "main") == git(blog, "rev-parse", "HEAD")


def test_dry_run_writes_nothing(origin: Path, tmp_path: Path) -> None:
    blog = clone(origin, tmp_path / "blog")
    res = publish([post()], cfg(blog), dry_run=True)
    assert res.status == "would_commit"
    assert res.paths == [f"_posts/{NAME}"]
    assert res.message.startswith(SUBJECT + "\n\n")
    assert not (blog / "_posts").exists()


def test_skipped_posts_are_not_published(origin: Path, tmp_path: Path) -> None:
    blog = clone(origin, tmp_path / "blog")
    assert publish([post(status="failed")], cfg(blog)).status == "nothing"


def test_redact() -> None:
    text = "fatal: https://u:ghp_abc@github.com/x token=s3cret&x=1 ghs_" + "a" * 36
    out = redact(text)
    assert "ghp_abc" not in out and "s3cret" not in out and "a" * 36 not in out


def test_posts_already_written_into_the_checkout_are_committed(
    origin: Path, tmp_path: Path
) -> None:
    """``run --output blog/_posts``: the file is in place before publish; still committed."""
    blog = clone(origin, tmp_path / "blog")
    (blog / "_posts").mkdir()
    (blog / "_posts" / NAME).write_text("hello\n")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "pushed"
    assert res.paths == [f"_posts/{NAME}"]
    assert git(origin, "show", f"main:_posts/{NAME}") == "hello"


def test_gives_up_after_attempts_when_the_race_never_ends(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F35."""
    from newsbot.publish import prepare

    blog = clone(origin, tmp_path / "blog")
    ready = prepare(cfg(blog))
    tips: list[str] = []

    def race(_delay: float) -> None:  # someone pushes again before every retry
        n = len(tips)
        tips.append(push_file(origin, tmp_path / "other", f"page{n}.md", f"{n}\n", f"human {n}"))

    race(0)
    with pytest.raises(PublishError, match="still rejected after 3 attempts"):
        publish([post()], cfg(blog), checkout=ready, sleep=race)
    assert git(origin, "rev-parse", "main") == tips[-1]  # origin only grew, never forced
    assert git(origin, "log", "--format=%s", "main").count("newsbot:") == 0


def test_hook_rejection_is_not_retried(origin: Path, tmp_path: Path) -> None:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'posts are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    blog = clone(origin, tmp_path / "blog")
    slept: list[float] = []
    with pytest.raises(PublishError, match="posts are frozen"):
        publish([post()], cfg(blog), sleep=slept.append)
    assert slept == []


def test_url_is_cloned_shallowly_then_kept_up_to_date(origin: Path, tmp_path: Path) -> None:
    work = tmp_path / "work" / "blog"
    url = cfg(None, url=f"file://{origin}", workdir=work)  # type: ignore[arg-type]
    res = publish([post()], url, sleep=lambda s: None)
    assert res.status == "pushed" and git(work, "rev-parse", "--is-shallow-repository") == "true"
    assert git(origin, "rev-parse", "main") == git(work, "rev-parse", "HEAD")
    push_file(origin, tmp_path / "other", "about.md", "about\n", "about page")
    res = publish(
        [post("second\n", name="2025-02-05-krnews-it-20250205.md")], url, sleep=lambda s: None
    )
    assert res.status == "pushed" and res.attempts == 1  # updated first: no rejected push
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log[:3] == ["newsbot: 2025-02-05, 1 post (+13 articles)", "about page", SUBJECT]
    assert (work / "about.md").is_file()
    assert not list(work.parent.glob(".blog.cloning*"))


def test_url_keeps_a_commit_whose_push_failed(origin: Path, tmp_path: Path) -> None:
    work = tmp_path / "blog"
    url = cfg(None, url=f"file://{origin}", workdir=work, push=False)  # type: ignore[arg-type]
    publish([post()], url, sleep=lambda s: None)
    local = git(work, "rev-parse", "HEAD")
    pushing = cfg(None, url=f"file://{origin}", workdir=work)  # type: ignore[arg-type]
    res = publish([post()], pushing, sleep=lambda s: None)  # nothing new, but one to push
    assert res.status == "pushed" and git(origin, "rev-parse", "main") == local


def test_url_token_is_sent_but_never_shown(
    origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catalogue: F37."""
    token = "ghp_" + "D" * 36
    monkeypatch.setenv("BLOG_TOKEN", token)
    url = cfg(None, url="https://127.0.0.1:9/blog.git", workdir=tmp_path / "b")  # type: ignore[arg-type]
    with pytest.raises(PublishError) as exc_info:
        publish([post()], url, sleep=lambda s: None)
    assert "git clone failed" in str(exc_info.value) and token not in str(exc_info.value)
    assert not (tmp_path / "b").exists()


def test_url_config_is_checked() -> None:
    with pytest.raises(ValueError, match="not both"):
        PublishConfig(repo=Path("x"), url="https://example.invalid/b.git")
    with pytest.raises(ValueError, match="url must be"):
        PublishConfig(url="ftp://example.invalid/b.git")
    with pytest.raises(ValueError, match="timeout"):
        PublishConfig(timeout=float("inf"))
    with pytest.raises(PublishError, match="nowhere to publish"):
        publish([post()], PublishConfig(), sleep=lambda s: None)


def test_default_author_is_not_the_actions_bot_outside_actions(
    origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locally and from cron: git's own user, else ``newsbot``; on Actions, its bot; a
    configured author always wins."""
    blog = clone(origin, tmp_path / "blog")

    def author_of(day: int, **kw: object) -> str:
        name = f"2025-02-{day:02d}-krnews-it-202502{day:02d}.md"
        publish([post(f"{day}\n", name=name)], cfg(blog, **kw), sleep=lambda s: None)
        return git(origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "main")

    assert author_of(4) == "newsbot <newsbot@localhost>|newsbot <newsbot@localhost>"
    git(blog, "config", "user.name", "Blog Owner")
    git(blog, "config", "user.email", "owner@example.invalid")
    assert author_of(5).startswith("Blog Owner <owner@example.invalid>|Blog Owner")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert author_of(6).startswith("github-actions[bot] <41898282+github-actions[bot]@")
    assert author_of(7, author_name="Bot", author_email="bot@x.invalid").startswith(
        "Bot <bot@x.invalid>|Bot"
    )


def test_publish_of_an_empty_checkout_makes_the_first_commit(tmp_path: Path) -> None:
    """A new blog repository with no commit yet (``git init``), committing locally only."""
    repo = tmp_path / "blog"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    res = publish([post()], cfg(repo, push=False), sleep=lambda s: None)
    assert res.status == "committed"
    assert git(repo, "log", "--format=%s") == SUBJECT
