"""Items appended to a day's post by a later run keep the job's markup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from newsbot.posts.files import post_name
from tests.conftest import PageServer
from tests.pipeline import days
from tests.pipeline.days import Story

DAY = date(2025, 2, 4)


def test_items_appended_later_in_the_day_contain_their_thumbnails_too(
    page_server: PageServer, tmp_path: Path
) -> None:
    out = tmp_path / "_posts"
    cfg = days.config(page_server, out)
    job = days.list_job("naver", slug="mix")  # description and contain_thumbnails: defaults
    first = [Story(1, "첫 기사"), Story(2, "둘째 기사")]
    days.serve(page_server, DAY, naver=first)
    days.run([job], DAY, cfg)
    days.serve(page_server, DAY, naver=[*first, Story(3, "셋째 기사")])
    days.run([job], DAY, cfg)
    text = (out / post_name(DAY, "mix")).read_text(encoding="utf-8")
    assert text.count("\n## [") == 3 == text.count("\n{: .overflow-hidden}\n")
    assert "\ndescription: 첫 기사 / 둘째 기사\n---\n" in text  # as first published
