"""A blogger's first day, as on a fresh machine: build the wheel, install it in a new venv,
``newsbot init blog``, ``cd blog && newsbot jobs``, and the offline demo, all outside the
checkout. pip takes the wheel from disk and its dependencies from the package index (or
pip's cache); without either the test is skipped, saying so."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import FAST_FETCH_TOML, GOLDEN, ROOT, PageServer

GOLDEN_POST = GOLDEN / "2025-02-04-krnews-it-20250204.md"


def sh(*cmd: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv with the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    built = sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work, ROOT, cwd=work)
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no hatchling?): {built.stderr[-300:]}")
    (wheel,) = work.glob("newsbot-*.whl")
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    done = sh(bin_dir / "pip", "install", "-q", wheel, cwd=work)
    if done.returncode != 0:
        pytest.skip(f"cannot install the wheel's dependencies here: {done.stderr[-300:]}")
    return bin_dir


def test_the_wheel_carries_the_jobs_the_cron_files_and_the_demo(installed: Path) -> None:
    site = next((installed.parent / "lib").glob("python3*/site-packages/newsbot"))
    shipped = {
        p.relative_to(site).as_posix() for p in (site / "scaffold").rglob("*") if p.is_file()
    }
    assert {
        "scaffold/jobs/krnews-it.toml",
        "scaffold/jobs/ai-news.toml",
        "scaffold/jobs/crontab.example",
        "scaffold/jobs/examples/ai-news-world.toml",
        "scaffold/jobs/newsbot-cron.sh",
        "scaffold/demo/index.json",
        "scaffold/templates/newsbot.yml",
        "scaffold/templates/newsbot.toml",
    } <= shipped
    assert not (site / "scaffold" / "jobs").is_symlink()  # the files, not a link back


def test_init_jobs_and_the_offline_demo_work_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    newsbot = installed / "newsbot"
    done = sh(newsbot, "init", "blog", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    blog = tmp_path / "blog"
    assert "wrote blog/newsbot.toml" in done.stdout and "cd blog && newsbot jobs" in done.stdout
    assert (blog / ".github" / "workflows" / "newsbot.yml").is_file()
    # installed from a wheel on this disk: nothing a runner can install, never PyPI's newsbot
    assert "warning" in done.stderr and "NEWSBOT_PIP" in done.stderr
    assert "newsbot==" not in (blog / ".github" / "workflows" / "newsbot.yml").read_text()
    assert os.access(blog / "jobs" / "newsbot-cron.sh", os.X_OK)
    assert sh(newsbot, "init", "blog", cwd=tmp_path).returncode == 64  # never clobbers
    listed = sh(newsbot, "jobs", cwd=blog)
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "ai-news", "etnews-it", "krnews-it", "nate-it", "sina-tech"
    ]  # fmt: skip
    examples = sh(newsbot, "jobs", "--jobs-dir", "jobs/examples", cwd=blog)  # README's command
    assert examples.returncode == 0 and examples.stdout.startswith("ai-news-world\t"), examples
    demo = sh(newsbot, "run", "--demo", "--dry-run", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert GOLDEN_POST.read_text(encoding="utf-8") in demo.stdout
    written = sh(newsbot, "run", "--demo", "--output", tmp_path / "out" / "_posts", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    post = tmp_path / "out" / "_posts" / GOLDEN_POST.name
    assert post.read_bytes() == GOLDEN_POST.read_bytes()
    assert sh(newsbot, "--version", cwd=tmp_path).stdout.startswith("newsbot ")


def test_a_wheel_installed_from_a_url_is_what_its_workflow_installs(
    installed: Path, tmp_path: Path, page_server: PageServer
) -> None:
    """pip's own direct_url.json, read back: the URL it came from, pinned by its sha256."""
    (wheel,) = installed.parent.parent.glob("newsbot-*.whl")
    page_server.add(f"/dist/{wheel.name}", wheel.read_bytes(), Content_Type="application/zip")
    url = f"{page_server.origin}/dist/{wheel.name}"
    target = tmp_path / "site"
    pip = sh(installed / "pip", "install", "-q", "--no-deps", "--no-index", "--target", target,
             url, cwd=tmp_path)  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(target)}
    done = subprocess.run(
        [installed / "python", "-m", "newsbot", "init", "blog"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    spec = f"{url}#sha256={digest}"
    assert f"the workflow installs {spec} (where this newsbot was installed from)" in done.stdout
    text = (tmp_path / "blog" / ".github" / "workflows" / "newsbot.yml").read_text()
    assert f"NEWSBOT_PIP: ${{{{ vars.NEWSBOT_PIP || '{spec}' }}}}" in text


TWO_BOXES = "".join(
    [
        "<html><head><title>Two boxes</title></head><body>",
        '<div class="story">',
        *(f"<p>The council voted on the harbour plan, part {i}, after a long night.</p>" for i in range(3)),
        '</div><div class="other">',
        *(f"<p>Readers also wrote about the weather, letter {i}, and the trains.</p>" for i in range(2)),
        "</div></body></html>",
    ]
)  # fmt: skip


def test_an_unsure_page_gets_its_second_opinion_in_the_installed_wheel(
    installed: Path, tmp_path: Path, page_server: PageServer
) -> None:
    """The generic pass holds 3/5 of this page's text, so trafilatura is asked: its whole import
    chain (jusText's ``lxml.html.clean``, a separate project since lxml 5.2) must install."""
    page_server.add("/story", TWO_BOXES)
    config = tmp_path / "fast.toml"
    config.write_text(FAST_FETCH_TOML)
    done = sh(
        installed / "newsbot", "extract", "https://two.example/story", "--json",
        "--host-map", f"two.example={page_server.origin}", "--config", config, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "harbour plan, part 2" in json.loads(done.stdout)["text"]
