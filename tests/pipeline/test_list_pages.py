"""A source read over several list pages (``pages = 3``): where the list ends, and a page
that fails after the first.

An html source on 127.0.0.1, read by ``newsbot run --report``. A later page that is gone
(404, 410) or lists nothing is where the list ends: the earlier pages make the post. A
later page that fails otherwise leaves the source ``incomplete``: a job without
``allow_partial`` writes nothing, one with it posts the pages that were read. Page 1
failing is the source failing, as ever.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsbot.dates import KST
from tests.cli.test_cli import newsbot
from tests.conftest import FAST_FETCH_TOML, PageServer

HOST = "list.example.com"
LIST = "/news?cat=it&page={page}"


def page(first: int, count: int) -> str:
    rows = "".join(
        f"<li class='item'><a href='https://{HOST}/a/{n}'>기사 {n}</a></li>"
        for n in range(first, first + count)
    )
    return f"<html><body><ul>{rows}</ul></body></html>"


EMPTY = "<html><body><ul><li class='ad'>광고</li></ul><p>기사가 없습니다</p></body></html>"


def serve_two_pages(server: PageServer) -> None:
    """Pages 1 and 2 hold five stories each (10 in all)."""
    server.add(LIST.format(page=1), page(1, 5))
    server.add(LIST.format(page=2), page(6, 5))


def run(
    server: PageServer, tmp: Path, *, partial: bool = False, config: str = ""
) -> tuple[int, dict[str, Any], dict[str, Any], list[str], str]:
    """``newsbot run`` for today; (exit, job, source, report notes, stdout)."""
    jobs = tmp / "jobs"
    jobs.mkdir(parents=True)
    (jobs / "j.toml").write_text(
        f'title = "{{date}} j"\nslug = "j"\nallow_partial = {str(partial).lower()}\n'
        '[[sources]]\nname = "html"\nsection = "s"\n'
        f'options = {{ url = "https://{HOST}{LIST}", pages = 3, '
        'selectors = { item = "li.item" } }\n',
        encoding="utf-8",
    )
    (tmp / "newsbot.toml").write_text(FAST_FETCH_TOML + config)
    report = tmp / "r.json"
    done = newsbot(
        "run", "--date", datetime.now(KST).date().isoformat(), "--dry-run",
        "--jobs-dir", str(jobs), "--config", str(tmp / "newsbot.toml"),
        "--host-map", f"{HOST}={server.origin}", "--report", str(report),
    )  # fmt: skip
    data = json.loads(report.read_text())
    (job,) = data["jobs"]
    (source,) = job["sources"]
    return done.returncode, job, source, data["notes"], done.stdout


@pytest.mark.parametrize("status", [404, 410])
def test_a_later_page_that_is_gone_ends_the_list_and_the_day_is_posted(
    page_server: PageServer, tmp_path: Path, status: int
) -> None:
    serve_two_pages(page_server)
    page_server.add(LIST.format(page=3), "gone", status=status)
    code, job, source, notes, stdout = run(page_server, tmp_path)
    assert (code, job["status"], source["status"]) == (0, "would_write", "ok"), source
    assert source["http_codes"][-1] == status and stdout.count("\n## [") == 10
    assert any(f"the list ends at page 3 (HTTP {status})" in n for n in notes), notes


def test_a_later_page_that_lists_nothing_ends_the_list(
    page_server: PageServer, tmp_path: Path
) -> None:
    serve_two_pages(page_server)
    page_server.add(LIST.format(page=3), EMPTY)
    code, job, source, notes, stdout = run(page_server, tmp_path)
    assert (code, job["status"], source["status"]) == (0, "would_write", "ok"), source
    assert stdout.count("\n## [") == 10
    assert any("the list ends at page 3 (no items matched" in n for n in notes), notes


def test_the_list_may_end_at_page_2(page_server: PageServer, tmp_path: Path) -> None:
    page_server.add(LIST.format(page=1), page(1, 5))
    code, _, source, notes, stdout = run(page_server, tmp_path)  # page 2: 404
    assert (code, source["status"]) == (0, "ok") and stdout.count("\n## [") == 5
    assert LIST.format(page=3) not in [p for p, _ in page_server.log]  # not asked for
    assert any("the list ends at page 2 (HTTP 404)" in n for n in notes), notes


FAILURES = {
    "http_5xx": ("down", 503, {}),
    "unexpected_content": ("%PDF-1.4", 200, {"Content_Type": "application/pdf"}),
}


@pytest.mark.parametrize("kind", FAILURES)
def test_a_later_page_that_fails_leaves_the_source_incomplete_and_no_post(
    page_server: PageServer, tmp_path: Path, kind: str
) -> None:
    """Without allow_partial, pages 1-2 alone are never posted as if they were the day."""
    serve_two_pages(page_server)
    body, status, headers = FAILURES[kind]
    page_server.add(LIST.format(page=3), body, status=status, **headers)
    code, job, source, _, stdout = run(page_server, tmp_path)
    assert (source["status"], job["status"], code) == ("incomplete", "skipped", 2), source
    assert f"page 3 of 3 failed ({kind}" in source["message"]
    assert "pages 1-2 read" in source["message"] and LIST.format(page=3) in source["message"]
    assert "## [" not in stdout


@pytest.mark.parametrize("kind", FAILURES)
def test_allow_partial_posts_the_pages_read_before_the_one_that_failed(
    page_server: PageServer, tmp_path: Path, kind: str
) -> None:
    serve_two_pages(page_server)
    body, status, headers = FAILURES[kind]
    page_server.add(LIST.format(page=3), body, status=status, **headers)
    code, job, source, _, stdout = run(page_server, tmp_path, partial=True)
    assert (source["status"], job["status"], code) == ("incomplete", "would_write", 2), source
    assert stdout.count("\n## [") == 10 and source["items_new"] == 10


def test_the_budget_running_out_on_a_later_page_keeps_the_earlier_ones(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Page 3 asks to be retried in 30 s; the source's 3 s budget runs out while it waits."""
    serve_two_pages(page_server)
    page_server.add(LIST.format(page=3), "busy", status=503, Retry_After="30")
    config = "retry_after_max = 60.0\nsource_budget = 3.0\n"
    code, job, source, _, stdout = run(page_server, tmp_path, partial=True, config=config)
    assert (source["status"], job["status"], code) == ("incomplete", "would_write", 2), source
    assert "page 3 of 3 failed (timeout: the source budget of 3.0s ran out" in source["message"]
    assert stdout.count("\n## [") == 10


@pytest.mark.parametrize("status", [404, 503])
def test_page_1_failing_is_the_source_failing(
    page_server: PageServer, tmp_path: Path, status: int
) -> None:
    serve_two_pages(page_server)
    page_server.add(LIST.format(page=1), "no", status=status)
    code, job, source, _, stdout = run(page_server, tmp_path, partial=True)
    want = "http_4xx" if status == 404 else "http_5xx"
    assert (source["status"], job["status"], code) == (want, "skipped", 1), source
    assert "## [" not in stdout and LIST.format(page=2) not in [p for p, _ in page_server.log]
