"""No article twice, across days, in any order of runs; nor the same story twice.

"Posted" means posted on any day, earlier or later: backfills older than the
existing posts and a missed day filled in late repeat nothing. A copy merged
away from a post is remembered, and another source's copy of a recent story
under a new id is matched by title (``[state] title_window``) and counted.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import PageServer
from tests.pipeline.days import (
    Story,
    config,
    etnews_url,
    every_link,
    links,
    list_job,
    naver_url,
    run,
    serve,
)

D1 = date(2025, 2, 4)
DAYS = [D1 + timedelta(days=i) for i in range(4)]


def titled(numbers: range | list[int]) -> list[Story]:
    return [Story(n, f"기사 {n}번 — 서로 다른 제목 {n * 7919 % 1000}") for n in numbers]


def test_days_run_newest_first_and_a_missed_day_filled_late_repeat_nothing(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Catalogue: F42."""
    out = tmp_path / "_posts"
    cfg = config(page_server, out, title_window=0)  # the ids alone, not the recent titles
    job = list_job("naver", slug="krnews-it")
    lists = {day: titled(range(i * 4 + 1, i * 4 + 7)) for i, day in enumerate(DAYS)}  # overlap 2
    for day in (DAYS[3], DAYS[2], DAYS[0], DAYS[1]):  # a backfill after the newest, then the gap
        serve(page_server, day, naver=lists[day])
        report, _ = run([job], day, cfg)
        assert report.jobs[0].status == "written", report.to_json()
    every = every_link(out)
    assert len(every) == len(set(every)) == 18  # each article once over the four posts
    assert links(out / "2025-02-07-krnews-it-20250207.md") == [naver_url(n) for n in range(13, 19)]
    assert links(out / "2025-02-06-krnews-it-20250206.md") == [naver_url(n) for n in range(9, 13)]
    assert links(out / "2025-02-05-krnews-it-20250205.md") == [naver_url(n) for n in (7, 8)]


def test_a_rerun_of_a_failed_day_after_the_next_was_posted_repeats_nothing(
    page_server: PageServer, tmp_path: Path
) -> None:
    out = tmp_path / "_posts"
    cfg = config(page_server, out, title_window=0)
    job = list_job("naver", slug="krnews-it")
    page_server.add(f"/breakingnews/section/105/230?date={DAYS[0]:%Y%m%d}", b"down", status=503)
    report, _ = run([job], DAYS[0], cfg)
    assert report.jobs[0].status == "skipped"  # the source failed: no post that day
    serve(page_server, DAYS[1], naver=titled(range(1, 8)))
    run([job], DAYS[1], cfg)
    serve(page_server, DAYS[0], naver=titled(range(1, 6)))  # back up: 1-5 went out on day 2
    report, _ = run([job], DAYS[0], cfg)
    assert report.jobs[0].status == "nothing_new" and "already posted" in report.jobs[0].message
    assert report.jobs[0].sources[0].items_dup == 5
    assert len(every_link(out)) == 7


def mixed_day(server: PageServer, day: date, naver: list[Story], etnews: list[Story]) -> None:
    serve(server, day, naver=naver, etnews=etnews)


SAME_STORY, RECENT_STORY = "same_story", "recent_story"  # items_dropped reasons
SAMSUNG = "삼성전자, 2나노 파운드리 양산 본격 돌입"
SAMSUNG_COPY = "[단독] 삼성전자 2나노 파운드리 양산 본격 돌입"


def test_a_copy_merged_away_is_not_posted_the_next_day(
    page_server: PageServer, tmp_path: Path
) -> None:
    """Window 0: only the memory of the merge keeps etnews's copy out on day 2."""
    out = tmp_path / "_posts"
    cfg = config(page_server, out, title_window=0)
    job = list_job("naver", "etnews")
    copy = Story(7, SAMSUNG_COPY, published=DAYS[0])
    mixed_day(page_server, DAYS[0], [Story(1, SAMSUNG), *titled(range(50, 53))], [copy])
    report, _ = run([job], DAYS[0], cfg)
    etnews = report.jobs[0].sources[1]
    assert etnews.items_new == 0 and etnews.items_dropped == {SAME_STORY: 1}
    # day 2: Naver no longer lists the story, etnews's feed still does
    mixed_day(page_server, DAYS[1], titled(range(60, 63)), [copy, *titled([91])])
    report, _ = run([job], DAYS[1], cfg)
    assert report.jobs[0].sources[1].items_dup == 1  # remembered as merged away: posted
    assert etnews_url(DAYS[0], 7) not in every_link(out)
    assert etnews_url(DAYS[1], 91) in every_link(out)


def test_a_posted_story_still_listed_keeps_an_earlier_sources_copy_out(
    page_server: PageServer, tmp_path: Path
) -> None:
    """etnews comes first in the job, Naver's posted article later: the posted one is the
    story's copy that counts, wherever it is listed (window 0: no title memory)."""
    out = tmp_path / "_posts"
    cfg = config(page_server, out, title_window=0)
    job = list_job("etnews", "naver")
    mixed_day(page_server, DAYS[0], [Story(1, SAMSUNG), *titled(range(50, 53))], titled([90]))
    run([job], DAYS[0], cfg)
    copy = Story(8, SAMSUNG_COPY)  # new on day 2, ahead of Naver's story in the job order
    mixed_day(page_server, DAYS[1], [Story(1, SAMSUNG), *titled([60])], [copy])
    report, _ = run([job], DAYS[1], cfg)
    etnews, naver = report.jobs[0].sources
    assert etnews.items_dropped == {SAME_STORY: 1} and naver.items_dup == 1
    assert etnews_url(DAYS[1], 8) not in every_link(out)


def test_another_sources_copy_under_a_new_id_next_day_is_matched_by_title(
    page_server: PageServer, tmp_path: Path
) -> None:
    out = tmp_path / "_posts"
    cfg = config(page_server, out)  # default window: 3 days either side
    job = list_job("naver", "etnews")
    mixed_day(page_server, DAYS[0], [Story(1, SAMSUNG), *titled(range(50, 53))], titled([90]))
    run([job], DAYS[0], cfg)
    mixed_day(page_server, DAYS[1], titled(range(60, 63)), [Story(8, SAMSUNG_COPY), *titled([91])])
    report, _ = run([job], DAYS[1], cfg)
    etnews = report.jobs[0].sources[1]
    assert etnews.items_dropped == {RECENT_STORY: 1} and etnews.items_new == 1
    assert etnews_url(DAYS[1], 8) not in every_link(out)
    # the window is configuration: 0 looks at the day's own post only
    fresh = tmp_path / "fresh" / "_posts"
    cfg0 = config(page_server, fresh, title_window=0)
    mixed_day(page_server, DAYS[0], [Story(1, SAMSUNG), *titled(range(50, 53))], titled([90]))
    run([job], DAYS[0], cfg0)
    mixed_day(page_server, DAYS[1], titled(range(60, 63)), [Story(8, SAMSUNG_COPY), *titled([91])])
    run([job], DAYS[1], cfg0)
    assert etnews_url(DAYS[1], 8) in every_link(fresh)


def test_a_backfilled_day_does_not_repeat_a_story_a_later_day_posted(
    page_server: PageServer, tmp_path: Path
) -> None:
    """The window looks both ways: day 2 posted etnews's copy; day 1 (run later) has
    Naver's, under another id."""
    out = tmp_path / "_posts"
    cfg = config(page_server, out)
    job = list_job("naver", "etnews")
    mixed_day(page_server, DAYS[1], titled(range(60, 63)), [Story(8, SAMSUNG_COPY), *titled([91])])
    run([job], DAYS[1], cfg)
    mixed_day(page_server, DAYS[0], [Story(1, SAMSUNG), *titled(range(50, 53))], titled([90]))
    report, _ = run([job], DAYS[0], cfg)
    assert report.jobs[0].sources[0].items_dropped == {RECENT_STORY: 1}
    assert naver_url(1) not in every_link(out)
