"""One story once, but only one: titles merge across sources, never a source's own series.

Within one source, two ids are one story only when the titles are near-identical
AND the snippets agree. Every merge is counted in the report's ``items_dropped``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsbot.models import Article
from newsbot.pipeline.plan import merge
from tests.conftest import PageServer
from tests.pipeline.days import Story, config, list_job, run, serve

SERIES = [
    "[속보] 코스피 2600선 돌파",
    "[속보] 코스피 2610선 돌파",
    "[속보] 코스피 2620선 돌파",
    "[속보] 코스피 2630선 돌파",
    "[속보] 코스닥 860선 돌파",
    "[속보] 코스닥 870선 돌파",
    "[포토] 오늘의 날씨",
    "[포토] 오늘의 날씨",
    "[연재] AI 시대의 일자리 ①",
    "[연재] AI 시대의 일자리 ②",
    "[연재] AI 시대의 일자리 ③",
    "[연재] AI 시대의 일자리 ④",
]


def art(n: int, title: str, source: str = "naver", snippet: str = "") -> Article:
    return Article(
        id=f"{source}:{n}",
        title=title,
        url=f"https://{source}.kr/{n}",
        source=source,
        snippet=snippet or own_text(n),
    )


def own_text(n: int) -> str:
    """A snippet sharing no character with another ``n``'s."""
    return chr(0xAC00 + n * 41) * 12


def test_one_sources_series_headlines_all_stay() -> None:
    arts = [art(n, title) for n, title in enumerate(SERIES)]
    assert [a.id for a in merge([arts], similarity=0.9)] == [a.id for a in arts]


def test_one_source_merges_only_near_identical_titles_with_the_same_text() -> None:
    same_text = "삼성전자가 2나노 공정 양산에 들어갔다고 4일 밝혔다."
    arts = [
        art(1, "삼성전자, 2나노 양산 돌입", snippet=same_text),
        art(2, "삼성전자 2나노 양산 돌입!", snippet=same_text),  # the same article re-listed
        art(3, "삼성전자, 2나노 양산 돌입", snippet="다른 기사: 협력사 반응을 정리했다."),
    ]
    assert [a.id for a in merge([arts], similarity=0.9)] == ["naver:1", "naver:3"]


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=12))
def test_distinct_ids_of_one_source_with_distinct_snippets_never_merge(titles: list[str]) -> None:
    arts = [art(n, title) for n, title in enumerate(titles)]
    assert len(merge([arts], similarity=0.5)) == len(arts)


def test_series_of_one_source_are_all_posted_and_merges_counted(
    page_server: PageServer, tmp_path: Path
) -> None:
    day = date(2025, 2, 4)
    serve(
        page_server,
        day,
        naver=[Story(n, title, own_text(n)) for n, title in enumerate(SERIES, start=1)],
        etnews=[Story(1, "[속보] 코스피 2600선 돌파!"), Story(2, "반도체 수출 회복세")],
    )
    out = tmp_path / "_posts"
    report, posts = run([list_job("naver", "etnews")], day, config(page_server, out))
    naver, etnews = report.jobs[0].sources
    assert naver.items_new == 12 and "same_story" not in naver.items_dropped
    assert etnews.items_new == 1 and etnews.items_dropped == {"same_story": 1}
    assert report.exit_code == 0 and len(posts[0].ids) == 13
