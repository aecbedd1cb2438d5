"""Publishing with real git: a bare repository in tmp_path is ``origin``."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.pipeline import Post
from newsbot.publish import commit_message, publish
from newsbot.publish.git import redact

DAY = date(2025, 2, 4)
NAME = "2025-02-04-krnews-it-20250204.md"
IDENT = {
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A clean machine: no user identity or global config leaks into the tests.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)


def git(repo: Path, *args: str) -> str:
    import os

    env = {**os.environ, **IDENT}
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def post(text: str = "hello\n", name: str = NAME, items: int = 13, status: str = "written") -> Post:
    ids = tuple(f"id:{n}" for n in range(items))
    return Post("krnews-it", DAY, name, name, text, ids, status)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    seed = tmp_path / "seed"
    subprocess.run(["git", "clone", "-q", str(bare), str(seed)], check=True, capture_output=True)
    (seed / "README.md").write_text("blog\n")
    (seed / "_config.yml").write_text("title: blog\n")
    git(seed, "checkout", "-q", "-b", "main")
    git(seed, "add", "README.md", "_config.yml")
    git(seed, "commit", "-q", "-m", "init")
    git(seed, "push", "-q", "origin", "main")
    return bare


def clone(origin: Path, where: Path) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "-b", "main", str(origin), str(where)],
        check=True,
        capture_output=True,
    )
    return where


def cfg(repo: Path, **kw: object) -> PublishConfig:
    return PublishConfig(repo=repo, **kw)  # type: ignore[arg-type]


def test_first_publish_commits_only_written_files(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F39."""
    blog = clone(origin, tmp_path / "blog")
    (blog / "README.md").write_text("local edit, not ours\n")
    (blog / "notes.txt").write_text("untracked, not ours\n")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "pushed"
    assert git(origin, "log", "-1", "--format=%s", "main") == "newsbot: 2025-02-04 krnews-it (+13)"
    files = git(origin, "show", "--name-only", "--format=", "main").splitlines()
    assert files == [f"_posts/{NAME}"]
    author = git(origin, "log", "-1", "--format=%an <%ae>", "main")
    assert author.startswith("github-actions[bot] <41898282+")
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
    other = clone(origin, tmp_path / "other")
    (other / "about.md").write_text("about\n")
    git(other, "add", "about.md")
    git(other, "commit", "-q", "-m", "human edit")
    git(other, "push", "-q", "origin", "main")
    old_tip = git(origin, "rev-parse", "main")
    res = publish([post()], cfg(blog), sleep=lambda s: None)
    assert res.status == "pushed" and res.attempts == 2
    new_tip = git(origin, "rev-parse", "main")
    subprocess.run(
        ["git", "-C", str(origin), "merge-base", "--is-ancestor", old_tip, new_tip], check=True
    )
    assert git(origin, "show", f"main:_posts/{NAME}") == "hello"


def test_conflict_aborts_and_names_both_commits(origin: Path, tmp_path: Path) -> None:
    """Catalogue: F36."""
    blog = clone(origin, tmp_path / "blog")
    other = clone(origin, tmp_path / "other")
    (other / "_posts").mkdir()
    (other / "_posts" / NAME).write_text("a different body\n")
    git(other, "add", "_posts")
    git(other, "commit", "-q", "-m", "same path, other bytes")
    git(other, "push", "-q", "origin", "main")
    theirs = git(origin, "rev-parse", "main")
    with pytest.raises(PublishError) as exc_info:
        publish([post()], cfg(blog), sleep=lambda s: None)
    ours = git(blog, "rev-parse", "HEAD")
    msg = str(exc_info.value)
    assert ours[:12] in msg and theirs[:12] in msg
    assert exc_info.value.exit_code == 1
    assert git(origin, "rev-parse", "main") == theirs  # nothing forced
    assert git(blog, "log", "-1", "--format=%s").startswith("newsbot:")  # kept for a human
    assert not (blog / ".git" / "rebase-merge").exists()


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
    # A closed loopback port: the push fails and git echoes the URL on stderr.
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
    assert not (blog / "_posts").exists()


def test_skipped_posts_are_not_published(origin: Path, tmp_path: Path) -> None:
    blog = clone(origin, tmp_path / "blog")
    assert publish([post(status="failed")], cfg(blog)).status == "nothing"


def test_redact_and_message() -> None:
    text = "fatal: https://u:ghp_abc@github.com/x token=s3cret&x=1 ghs_" + "a" * 36
    out = redact(text)
    assert "ghp_abc" not in out and "s3cret" not in out and "a" * 36 not in out
    assert commit_message([post(), post(items=2)]).count("\n") == 1


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
    blog = clone(origin, tmp_path / "blog")
    other = clone(origin, tmp_path / "other")
    tips: list[str] = []

    def race(_delay: float) -> None:  # someone pushes again before every retry
        n = len(tips)
        (other / f"page{n}.md").write_text(f"{n}\n")
        git(other, "add", f"page{n}.md")
        git(other, "commit", "-q", "-m", f"human {n}")
        git(other, "push", "-q", "origin", "main")
        tips.append(git(origin, "rev-parse", "main"))

    race(0)
    with pytest.raises(PublishError, match="still rejected after 3 attempts"):
        publish([post()], cfg(blog), sleep=race)
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
    other = clone(origin, tmp_path / "other")  # someone else pushes in between
    (other / "about.md").write_text("about\n")
    git(other, "add", "about.md")
    git(other, "commit", "-q", "-m", "about page")
    git(other, "push", "-q", "origin", "main")
    res = publish(
        [post("second\n", name="2025-02-05-krnews-it-20250205.md")], url, sleep=lambda s: None
    )
    assert res.status == "pushed" and res.attempts == 1  # updated first: no rejected push
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log[:2] == ["newsbot: 2025-02-04 krnews-it (+13)", "about page"]
    assert (work / "about.md").is_file()


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
    assert not (tmp_path / "b" / ".git").exists()


def test_url_config_is_checked() -> None:
    with pytest.raises(ValueError, match="not both"):
        PublishConfig(repo=Path("x"), url="https://example.invalid/b.git")
    with pytest.raises(ValueError, match="url must be"):
        PublishConfig(url="ftp://example.invalid/b.git")
    with pytest.raises(PublishError, match="nowhere to publish"):
        publish([post()], PublishConfig(), sleep=lambda s: None)
