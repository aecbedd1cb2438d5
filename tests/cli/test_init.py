"""``newsbot init [DIR]``: the files a blog needs, never clobbered without --force."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from newsbot import config as config_mod
from newsbot.cli import main
from newsbot.jobs import directory, load_jobs
from newsbot.scaffold import JOBS
from newsbot.scaffold.init import WORKFLOW, init
from tests.cli.test_cli import newsbot
from tests.conftest import ROOT

EXPECTED = {
    "newsbot.toml",
    "jobs/ai-news.toml",
    "jobs/etnews-it.toml",
    "jobs/krnews-it.toml",
    "jobs/nate-it.toml",
    "jobs/sina-tech.toml",
    "jobs/newsbot-cron.sh",
    "jobs/crontab.example",
    "jobs/examples/ai-news-world.toml",
    ".github/workflows/newsbot.yml",
}


def rel(root: Path, paths: tuple[Path, ...]) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


def test_init_writes_the_scaffold_and_prints_the_next_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blog = tmp_path / "blog"
    assert main(["init", str(blog)]) == 0
    out = capsys.readouterr().out
    assert {p.relative_to(blog).as_posix() for p in blog.rglob("*") if p.is_file()} == {
        *EXPECTED,
        ".gitignore",
    }
    for name in EXPECTED:
        assert f"wrote {blog / name}" in out
    assert f"cd {blog} && newsbot jobs" in out and "newsbot run --job krnews-it --dry-run" in out
    cfg = config_mod.load(blog / "newsbot.toml")  # commented, and valid as written
    assert cfg.output.dir == blog / "_posts" and cfg.publish.repo == blog
    assert directory(cfg) == blog / "jobs"
    assert [j.name for j in load_jobs(directory(cfg))] == [j.name for j in load_jobs(JOBS)]
    crontab = (blog / "jobs" / "crontab.example").read_text()
    assert f"{blog.resolve()}/jobs/newsbot-cron.sh --job krnews-it" in crontab


def test_init_refuses_to_clobber_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    mine = tmp_path / "jobs" / "krnews-it.toml"
    mine.write_text("# my own\n")
    with pytest.raises(Exception, match=r"would overwrite .*krnews-it\.toml.*--force"):
        init(tmp_path)
    assert mine.read_text() == "# my own\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["jobs", "krnews-it.toml"]
    assert main(["init", str(tmp_path)]) == 64


def test_force_overwrites(tmp_path: Path) -> None:
    init(tmp_path)
    (tmp_path / "newsbot.toml").write_text("broken = [")
    init(tmp_path, force=True)
    config_mod.load(tmp_path / "newsbot.toml")


def test_gitignore_lines_are_added_once_and_the_owners_lines_kept(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("_site\n/.newsbot.lock")  # no final newline
    assert init(tmp_path).gitignore == "extended"
    text = (tmp_path / ".gitignore").read_text()
    assert text.startswith("_site\n/.newsbot.lock\n") and text.count("/.newsbot.lock") == 1
    assert "/.newsbot-state.sqlite*" in text and "/.newsbot-cron.lock" in text
    assert init(tmp_path, force=True).gitignore == ""
    assert (tmp_path / ".gitignore").read_text() == text


def test_git_ignores_the_state_store_lock_and_log(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True)
    init(tmp_path)
    ignored = [".newsbot-state.sqlite", ".newsbot-state.sqlite-wal", ".newsbot.lock",
               ".newsbot-cron.lock", "newsbot.log", ".newsbot/blog/x"]  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", *ignored], capture_output=True, text=True
    )
    assert done.stdout.split() == ignored
    # publishing must stay on the checkout's own branch
    assert tomllib.loads((tmp_path / "newsbot.toml").read_text())["publish"]["branch"] == "trunk"


def test_init_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    assert main(["init", str(tmp_path / "f")]) == 64
    assert main(["init", str(tmp_path / "f" / "blog")]) == 64


def test_the_workflow_is_written_where_actions_reads_it(tmp_path: Path) -> None:
    init(tmp_path)
    text = (tmp_path / WORKFLOW).read_text()
    assert "NEWSBOT_PIP" in text and "cron:" in text and "newsbot==" not in text


def test_workflow_is_rewritten_from_the_blogs_own_jobs_and_nothing_else(tmp_path: Path) -> None:
    init(tmp_path)
    toml = tmp_path / "newsbot.toml"
    toml.write_text(toml.read_text() + "# my edit\n")
    krnews = tmp_path / "jobs" / "krnews-it.toml"
    krnews.write_text(
        krnews.read_text().replace('schedule = "30 12 * * *"', 'schedule = "5 7 * * *"')
    )
    (tmp_path / "jobs" / "ai-news.toml").unlink()
    assert main(["init", str(tmp_path), "--workflow"]) == 0
    text = (tmp_path / WORKFLOW).read_text()
    assert '"5 22 * * *"' in text and '"30 3 * * *"' not in text  # 07:05 KST, the day before
    assert "ai-news" not in text
    assert toml.read_text().endswith("# my edit\n") and "5 7 * * *" in krnews.read_text()


def test_workflow_reads_the_jobs_under_the_blogs_own_config(tmp_path: Path) -> None:
    """An html job may leave its item selector to [sources.html.selectors] there."""
    init(tmp_path)
    (tmp_path / "jobs" / "mine.toml").write_text(
        'title = "{date}"\nslug = "mine"\nschedule = "0 9 * * *"\n[[sources]]\nname = "html"\n'
        'section = "a"\noptions = { url = "https://news.example/list" }\n'
    )
    toml = tmp_path / "newsbot.toml"
    toml.write_text(toml.read_text() + '\n[sources.html.selectors]\nitem = "li.item"\n')
    assert main(["init", str(tmp_path), "--workflow"]) == 0
    assert "mine" in (tmp_path / WORKFLOW).read_text()


def test_jobs_refuses_publish_enabled_with_nowhere_to_publish(tmp_path: Path) -> None:
    (tmp_path / "newsbot.toml").write_text("[publish]\nenabled = true\n")
    assert main(["jobs", "--config", str(tmp_path / "newsbot.toml")]) == 64


@pytest.mark.parametrize(
    ("file", "body"),
    [
        ("My Job.toml", ""),  # the name is the file's stem: two words in the workflow
        ("hostile.toml", "name = 'x\"; id; echo \"'\n"),  # pasted into the shell's case arms
        ("quote.toml", "name = \"x'; id; '\"\n"),
    ],
)
def test_workflow_refuses_a_job_name_that_is_not_one_plain_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, body: str
) -> None:
    init(tmp_path)
    before = (tmp_path / WORKFLOW).read_text()
    job = tmp_path / "jobs" / file
    job.write_text(body + (tmp_path / "jobs" / "nate-it.toml").read_text().replace("nate-it", "x"))
    assert main(["init", str(tmp_path), "--workflow"]) == 64
    err = capsys.readouterr().err
    assert str(job) in err and "Traceback" not in err
    assert (tmp_path / WORKFLOW).read_text() == before  # nothing written


def test_the_readmes_example_job_command_works_in_a_fresh_blog(tmp_path: Path) -> None:
    """README's `--jobs-dir jobs/examples` names a folder `init` writes; jobs/ stays as it was."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "newsbot run --jobs-dir jobs/examples --job ai-news-world --dry-run" in readme
    init(tmp_path)
    shipped = sorted(p.name for p in (JOBS / "examples").glob("*.toml"))
    assert sorted(p.name for p in (tmp_path / "jobs" / "examples").glob("*.toml")) == shipped
    done = newsbot("jobs", "--jobs-dir", "jobs/examples", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[0] == "ai-news-world"
    mine = newsbot("jobs", cwd=tmp_path)  # the examples are not the blog's nightly jobs
    assert "ai-news-world" not in mine.stdout and mine.returncode == 0, mine.stderr
