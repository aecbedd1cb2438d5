"""A quiet past day: the list was read, and nothing on it falls on that day.

A feed with no date archive, served on 127.0.0.1 and read by ``newsbot run`` and
``newsbot backfill``. A past ``--date`` it has no item for is an ordinary day: no post,
the source ``ok`` with a note, the job ``nothing_new``, exit 0. A feed with no item at
all, or a day whose items are all unusable, is still a failure.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsbot.dates import KST
from tests.cli.test_cli import newsbot
from tests.conftest import FAST_FETCH_TOML, PageServer

HOST = "quiet.example.com"
TODAY = datetime.now(KST).date()
BUSY, QUIET, AFTER = (TODAY - timedelta(days=n) for n in (3, 2, 1))


def feed(days: dict[date, int], link: str = "https://quiet.example.com/a/{day}-{n}") -> str:
    """An RSS feed with ``count`` items on each day (03:00 UTC, noon in Seoul)."""
    items = "".join(
        f"<item><title>{day} 기사 {n}</title><link>{link.format(day=day, n=n)}</link>"
        f"<pubDate>{day:%a, %d %b %Y} 03:00:00 +0000</pubDate></item>"
        for day, count in days.items()
        for n in range(count)
    )
    return f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"


def setup(server: PageServer, tmp: Path, body: str) -> list[str]:
    """The job, the config and the feed; the arguments every command here shares."""
    server.add("/feed", body, Content_Type="application/rss+xml")
    jobs = tmp / "jobs"
    jobs.mkdir()
    (jobs / "j.toml").write_text(
        'title = "{date} j"\nslug = "j"\n[[sources]]\nname = "feed"\nsection = "s"\n'
        f'options = {{ url = "https://{HOST}/feed", tz = "UTC" }}\n',
        encoding="utf-8",
    )
    (tmp / "newsbot.toml").write_text(FAST_FETCH_TOML)
    return [
        "--jobs-dir", str(jobs), "--config", str(tmp / "newsbot.toml"),
        "--host-map", f"{HOST}={server.origin}", "--output", str(tmp / "_posts"),
        "--report", str(tmp / "r.json"),
    ]  # fmt: skip


def run(
    tmp: Path, args: list[str], day: date
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], dict[str, Any], list[str]]:
    done = newsbot("run", "--date", day.isoformat(), *args)
    data = json.loads((tmp / "r.json").read_text())
    (job,) = data["jobs"]
    (source,) = job["sources"]
    return done, job, source, data["notes"]


def posts(tmp: Path) -> list[str]:
    return sorted(p.name[:10] for p in (tmp / "_posts").glob("*.md"))


def test_a_past_day_with_no_item_on_it_is_quiet_not_a_failure(
    page_server: PageServer, tmp_path: Path
) -> None:
    args = setup(page_server, tmp_path, feed({BUSY: 3, AFTER: 3, TODAY: 2}))
    done, job, source, notes = run(tmp_path, args, QUIET)
    assert done.returncode == 0, done.stderr
    assert (job["status"], source["status"]) == ("nothing_new", "ok"), source["message"]
    assert job["message"] == "nothing to post: no source listed an item for the day"
    assert any(f"feed: nothing listed on {QUIET} (a quiet day" in n for n in notes), notes
    assert f"{QUIET}: nothing to post" in done.stderr and posts(tmp_path) == []


def test_a_backfill_over_a_quiet_day_writes_the_other_days_and_exits_0(
    page_server: PageServer, tmp_path: Path
) -> None:
    args = setup(page_server, tmp_path, feed({BUSY: 3, AFTER: 3, TODAY: 2}))
    done = newsbot("backfill", "--from", BUSY.isoformat(), "--to", AFTER.isoformat(), *args)
    assert done.returncode == 0, done.stderr
    assert posts(tmp_path) == [BUSY.isoformat(), AFTER.isoformat()]
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["exit_code"] == 0
    quiet = [j for j in report["jobs"] if j["day"] == QUIET.isoformat()]
    assert [j["status"] for j in quiet] == ["nothing_new"]


def test_a_quiet_day_with_undated_items_says_how_many_it_could_not_place(
    page_server: PageServer, tmp_path: Path
) -> None:
    """An item whose time cannot be read may be that day's: counted and named, still quiet."""
    body = feed({BUSY: 2}).replace("</channel>", "<item><title>X</title><link>https://"
                                   f"{HOST}/x</link><pubDate>soon</pubDate></item></channel>")  # fmt: skip
    args = setup(page_server, tmp_path, body)
    done, _, source, notes = run(tmp_path, args, QUIET)
    assert (done.returncode, source["status"], source["items_dropped"]) == (0, "ok", {"undated": 1})
    assert any("1 item whose time cannot be read left out" in n for n in notes), notes


def test_a_feed_with_no_item_at_all_is_still_parse_empty(
    page_server: PageServer, tmp_path: Path
) -> None:
    args = setup(page_server, tmp_path, feed({}))
    for day in (TODAY, QUIET):
        done, job, source, _ = run(tmp_path, args, day)
        assert (done.returncode, source["status"], job["status"]) == (1, "parse_empty", "skipped")
        assert "the feed has no items" in source["message"]


def test_a_past_day_whose_items_are_all_unusable_is_not_called_quiet(
    page_server: PageServer, tmp_path: Path
) -> None:
    args = setup(page_server, tmp_path, feed({QUIET: 4}, link="javascript:void({n})"))
    done, _, source, notes = run(tmp_path, args, QUIET)
    assert (done.returncode, source["status"]) == (1, "parse_empty"), source
    assert source["items_dropped"] == {"bad_scheme": 4}
    assert not any("a quiet day" in n for n in notes)
