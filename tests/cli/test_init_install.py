"""What the blog's workflow installs: never PyPI's ``newsbot`` (another project), but where
this newsbot came from (PEP 610 ``direct_url.json``), ``--install SPEC``, or nothing, and
then its install step fails, saying what to set."""

from __future__ import annotations

import json
import os
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsbot.cli import main
from newsbot.errors import UsageError
from newsbot.scaffold import install
from newsbot.scaffold.init import WORKFLOW, init
from tests.test_workflows import named, parse

SHA = "0123456789abcdef0123456789abcdef01234567"
GIT = "git+https://github.com/me/newsbot@v0.1.0"


def direct_url(**data: Any) -> str:
    return json.dumps(data)


@pytest.mark.parametrize(
    ("recorded", "spec"),
    [
        (
            direct_url(url="https://github.com/me/newsbot.git",
                       vcs_info={"vcs": "git", "commit_id": SHA, "requested_revision": "main"}),
            f"git+https://github.com/me/newsbot.git@{SHA}",  # the commit, not the branch
        ),
        (
            direct_url(url="https://example.org/newsbot-0.1.0-py3-none-any.whl",
                       archive_info={"hashes": {"sha256": "ab" * 32}}),
            f"https://example.org/newsbot-0.1.0-py3-none-any.whl#sha256={'ab' * 32}",
        ),
        (
            direct_url(url="https://example.org/newsbot.tar.gz", archive_info={"hash": "sha256=cd"}),
            "https://example.org/newsbot.tar.gz#sha256=cd",
        ),
        (direct_url(url="http://example.org/n.whl", archive_info={}), "http://example.org/n.whl"),
        (
            direct_url(url="https://example.org/mono.git", subdirectory="newsbot",
                       vcs_info={"vcs": "git", "commit_id": SHA}),
            f"git+https://example.org/mono.git@{SHA}#subdirectory=newsbot",
        ),
    ],
)  # fmt: skip
def test_a_url_a_runner_can_reach_is_installed_again(recorded: str, spec: str) -> None:
    assert install.from_direct_url(recorded) == spec


@pytest.mark.parametrize(
    "recorded",
    [
        direct_url(url="file:///work/newsbot", dir_info={"editable": True}),  # pip install -e .
        direct_url(url="file:///tmp/newsbot-0.1.0-py3-none-any.whl", archive_info={}),
        direct_url(url="ssh://git@github.com/me/newsbot.git",
                   vcs_info={"vcs": "git", "commit_id": SHA}),  # needs a key
        direct_url(url="https://github.com/me/newsbot.git", vcs_info={"vcs": "git"}),  # no commit
        direct_url(url="https://${TOKEN}@example.org/n.whl", archive_info={}),  # a credential
        direct_url(url="https://u:pw@example.org/n.whl", archive_info={}),
        direct_url(url="https://example.org/a b'.whl", archive_info={}),  # not one safe word
        direct_url(url="https://example.org/${{secrets.X}}.whl", archive_info={}),
        direct_url(url="https://example.org/n", dir_info={}),
        direct_url(vcs_info={"vcs": "git", "commit_id": SHA}),
        "not json",
        "[]",
    ],
)  # fmt: skip
def test_what_a_runner_cannot_install_gives_nothing(recorded: str) -> None:
    assert install.from_direct_url(recorded) is None


def test_the_installed_distributions_own_record_is_read(tmp_path: Path) -> None:
    info = tmp_path / "newsbot-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: newsbot\nVersion: 0.1.0\n")
    dist = metadata.PathDistribution(info)
    assert install.installed_from(dist) is None  # from an index: nothing recorded
    (info / "direct_url.json").write_text(
        direct_url(url="https://github.com/me/newsbot", vcs_info={"vcs": "git", "commit_id": SHA})
    )
    assert install.installed_from(dist) == f"git+https://github.com/me/newsbot@{SHA}"


HOSTILE = [
    "",
    "a b",
    "x'y",
    'x"y',
    "x`id`",
    "x\ny",
    "x\\y",
    "${{ secrets.GITHUB_TOKEN }}",
    "a}}b",
    "$(id)",
    "--index-url=https://evil.example/simple",  # pip would read it as an option
    "-e.",
    "newsbot",  # PyPI's newsbot is someone else's
    "newsbot==0.1.0",
    "NewsBot[llm]>=0.1",
    "x" * 501,
]


@pytest.mark.parametrize("spec", HOSTILE)
def test_an_unsafe_or_pypi_spec_is_refused_and_nothing_written(spec: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--install"):
        init(tmp_path, spec=spec)
    assert not any(tmp_path.iterdir())
    assert main(["init", str(tmp_path), f"--install={spec}"]) == 64
    assert main(["init", str(tmp_path), "--workflow", f"--install={spec}"]) == 64
    assert not any(tmp_path.iterdir())


def pip_value(root: Path) -> str:
    env: dict[str, str] = parse((root / WORKFLOW).read_text())["env"]
    return env["NEWSBOT_PIP"]


def test_install_spec_is_written_kept_and_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path), "--install", GIT]) == 0
    assert f"the workflow installs {GIT} (--install)" in capsys.readouterr().out
    assert pip_value(tmp_path) == f"${{{{ vars.NEWSBOT_PIP || '{GIT}' }}}}"
    # rewritten after a schedule change: the spec stays
    if install.installed_from() is None:
        assert main(["init", str(tmp_path), "--workflow"]) == 0
        assert "kept from the workflow it replaces" in capsys.readouterr().out
        assert GIT in pip_value(tmp_path)
    other = f"git+https://example.org/fork/newsbot@{SHA}"
    assert main(["init", str(tmp_path), "--workflow", "--install", other]) == 0
    assert other in pip_value(tmp_path) and GIT not in (tmp_path / WORKFLOW).read_text()


def test_nothing_known_writes_no_pypi_fallback_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if install.installed_from() is not None:
        pytest.skip("this newsbot was installed from a URL a runner can reach")
    assert main(["init", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "NEWSBOT_PIP" in err and "git+https://github.com/<you>/" in err
    assert "--install SPEC" in err and "not on PyPI" in err
    text = (tmp_path / WORKFLOW).read_text()
    assert pip_value(tmp_path) == "${{ vars.NEWSBOT_PIP }}"
    assert "newsbot==" not in text and "'newsbot" not in text


def test_an_old_workflows_pypi_install_is_not_kept(tmp_path: Path) -> None:
    if install.installed_from() is not None:
        pytest.skip("this newsbot was installed from a URL a runner can reach")
    init(tmp_path)
    path = tmp_path / WORKFLOW
    old = path.read_text().replace(
        "NEWSBOT_PIP: ${{ vars.NEWSBOT_PIP }}", "NEWSBOT_PIP: ${{ vars.NEWSBOT_PIP || 'newsbot==0.1.0' }}"
    )  # fmt: skip
    path.write_text(old)
    assert init(tmp_path, workflow_only=True).install.spec == ""
    assert "newsbot==" not in path.read_text()


def run_install_step(root: Path, tmp_path: Path, pip: str) -> subprocess.CompletedProcess[str]:
    """The workflow's real install step in bash, with a ``python`` that records its argv."""
    _, step = named(parse((root / WORKFLOW).read_text()), "Install newsbot")
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "python").write_text('#!/bin/sh\nprintf "<%s>" "$@" > "$CALLED"\n')
    (fake / "python").chmod(0o755)
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "NEWSBOT_PIP": pip,
           "CALLED": str(tmp_path / "called")}  # fmt: skip
    return subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True)


def test_the_install_step_fails_at_once_without_a_spec(tmp_path: Path) -> None:
    init(tmp_path / "blog")
    done = run_install_step(tmp_path / "blog", tmp_path, "")
    assert done.returncode == 1
    assert "::error" in done.stdout and "NEWSBOT_PIP" in done.stdout
    assert "git+https://github.com/<you>/newsbot@v" in done.stdout
    assert not (tmp_path / "called").exists()  # pip never ran


def test_the_install_step_installs_the_spec_as_one_argument(tmp_path: Path) -> None:
    init(tmp_path / "blog", spec=GIT)
    done = run_install_step(tmp_path / "blog", tmp_path, "--index-url=x a")  # the variable's
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "called").read_text() == "<-m><pip><install><--><--index-url=x a>"


def test_the_workflow_is_valid_yaml_whatever_safe_spec_it_holds(tmp_path: Path) -> None:
    spec = "https://example.org/p/newsbot-0.1.0.tar.gz#sha256=ab&subdirectory=x"
    init(tmp_path, spec=spec)
    assert pip_value(tmp_path) == f"${{{{ vars.NEWSBOT_PIP || '{spec}' }}}}"
    yaml.safe_load((tmp_path / WORKFLOW).read_text())
