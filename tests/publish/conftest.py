"""A blog checkout of a real bare ``origin``, and real krnews-it runs that publish into it.

The runs are ``app.run_day`` in this process against Naver date-archive pages served
on 127.0.0.1, so the checkout, the pipeline and the publish are the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from newsbot import app
from newsbot.config import Config
from newsbot.jobs import load_jobs
from tests.conftest import ROOT, PageServer
from tests.servers.gitremote import clone, make_origin
from tests.servers.pagegen import archive_page

D1, D2, D3 = date(2025, 2, 4), date(2025, 2, 5), date(2025, 2, 6)

Run = Callable[..., app.DayResult]


def post_name(day: date) -> str:
    return f"{day.isoformat()}-krnews-it-{day:%Y%m%d}.md"


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return make_origin(tmp_path)


@pytest.fixture
def blog(origin: Path, tmp_path: Path) -> Path:
    return clone(origin, tmp_path / "blog")


@pytest.fixture
def site(page_server: PageServer) -> PageServer:
    """Naver's archive for D1–D3: ten articles a day, new ones each day."""
    for i, day in enumerate((D1, D2, D3)):
        numbers = list(range(10 * i + 1, 10 * i + 11))
        page_server.add(f"/breakingnews/section/105/230?date={day:%Y%m%d}", archive_page(numbers))
    return page_server


def config(site: PageServer, output: Path, **publish: Any) -> Config:
    return Config.model_validate(
        {
            "fetch": {
                "host_delay": 0.0,
                "backoff": 0.05,
                "host_map": {"news.naver.com": site.origin},
            },
            "output": {"dir": str(output), "jobs_dir": str(ROOT / "jobs")},
            "publish": publish,
        }
    )


@pytest.fixture
def run(site: PageServer, blog: Path) -> Run:
    """``run(day, output=…, **publish)``: krnews-it for ``day``, published into ``blog``."""

    def run_one(day: date, output: Path | None = None, **publish: Any) -> app.DayResult:
        if "url" not in publish:
            publish.setdefault("repo", str(blog))
        cfg = config(site, output or blog / "_posts", **publish)
        jobs = load_jobs(ROOT / "jobs", ["krnews-it"])
        return app.run_day(jobs, day, net=app.network(cfg), publishing=True)

    return run_one
