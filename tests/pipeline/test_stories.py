"""One story once, but only one: titles merge across sources, never a source's own series.

Within one source, two ids are one story only when the titles are near-identical
AND the snippets agree. Every merge is counted in the report's ``items_dropped``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsbot.config import Config
from newsbot.jobs import Job
from newsbot.models import Article, Post
from newsbot.pipeline.plan import merge
from tests.conftest import FAST_FETCH, PageServer
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


def test_titles_naming_different_numbers_are_two_stories_across_sources() -> None:
    arts = [
        art(1, "[속보] 코스피 2600선 돌파"),
        art(2, "[속보] 코스피 2610선 돌파", source="etnews"),  # the next milestone, elsewhere
        art(3, "[속보] 코스피 2,600선 돌파!", source="nate"),  # the first one's copy
        art(4, "[연재] AI 시대의 일자리 ①", source="nate"),
        art(5, "[연재] AI 시대의 일자리 ②", source="sina"),
    ]
    assert [a.id for a in merge([arts], similarity=0.9)] == [
        "naver:1",
        "etnews:2",
        "nate:4",
        "sina:5",
    ]


# --- across days: a generic source's next article is never yesterday's story by its title

D1, D2 = date(2026, 11, 28), date(2026, 11, 29)
SELECTORS = {"item": "li.item", "link": "a.lnk", "title": "h3.t", "snippet": "p.sn"}
Card = tuple[str, str, str]  # link, title, snippet


def list_path(section: str, day: date) -> str:
    return f"/{section}/{day:%Y%m%d}.html"


def html_list(cards: Sequence[Card]) -> bytes:
    items = "".join(
        f'<li class="item"><a class="lnk" href="{link}"><h3 class="t">{html.escape(title)}</h3>'
        f'</a><p class="sn">{html.escape(snippet)}</p></li>'
        for link, title, snippet in cards
    )
    head = '<!doctype html><html><head><meta charset="utf-8"><title>L</title></head>'
    return f"{head}<body><ul>{items}</ul></body></html>".encode()


def html_job(hosts: Sequence[str]) -> Job:
    """A list job of one html source per host (sections a, b, …), each its own site."""
    refs = [
        {
            "name": "html",
            "section": section,
            "options": {
                "url": f"https://{host}/{section}/{{date:%Y%m%d}}.html",
                "selectors": SELECTORS,
            },
        }
        for section, host in zip("ab", hosts, strict=False)
    ]
    return Job.model_validate(
        {"name": "ser", "title": "{date} ser", "slug": "ser", "sources": refs}
    )


def html_config(server: PageServer, out: Path, hosts: Sequence[str]) -> Config:
    return Config.model_validate(
        {
            "fetch": {"host_map": {h: server.origin for h in hosts}, **FAST_FETCH},
            "output": {"dir": str(out)},
            "sources": {"html": {"min_items": 1}},
        }
    )


def day_links(posts: Sequence[Post]) -> str:
    (post,) = posts
    return post.text


def test_one_html_sources_next_headlines_are_posted_the_next_day(
    page_server: PageServer, tmp_path: Path
) -> None:
    """The outside tester's backfill: a source's series headline, its daily column (the
    same title every day) and numbered stories all come again under new links."""
    site = "https://news.example.com"
    days = {
        D1: [
            (f"{site}/art/1128-0.html", "[속보] 코스피 2600선 돌파", "외국인 매수세에 올랐다."),
            (f"{site}/art/1128-1.html", "[포토] 오늘의 날씨", "맑음"),
            (f"{site}/art/1128-2.html", "Story 0 of 20261128 & more", "Story 0 of 20261128"),
        ],
        D2: [
            (f"{site}/art/1129-0.html", "[속보] 코스피 2610선 돌파", "기관 순매수로 올랐다."),
            (f"{site}/art/1129-1.html", "[포토] 오늘의 날씨", "흐림"),
            (f"{site}/art/1129-2.html", "Story 0 of 20261129 & more", "Story 0 of 20261129"),
        ],
    }
    out = tmp_path / "_posts"
    job, cfg = html_job(["news.example.com"]), html_config(page_server, out, ["news.example.com"])
    for day, cards in days.items():
        page_server.add(list_path("a", day), html_list(cards))
        report, posts = run([job], day, cfg)
        (source,) = report.jobs[0].sources
        assert report.jobs[0].status == "written", report.jobs[0].message
        assert source.items_new == 3 and source.items_dropped == {}, source
        assert all(link in day_links(posts) for link, _, _ in cards)


def test_another_sites_copy_of_a_posted_story_is_still_left_out_the_next_day(
    page_server: PageServer, tmp_path: Path
) -> None:
    hosts = ["news.example.com", "other.example.org"]
    out = tmp_path / "_posts"
    job, cfg = html_job(hosts), html_config(page_server, out, hosts)
    samsung = "삼성전자, 2나노 파운드리 양산 본격 돌입"
    page_server.add(list_path("a", D1), html_list([("https://news.example.com/1", samsung, "x")]))
    page_server.add(list_path("b", D1), html_list([("https://other.example.org/7", "날씨", "y")]))
    run([job], D1, cfg)
    copy = ("https://other.example.org/8", f"[단독] {samsung.replace(',', '')}", "z")
    page_server.add(list_path("a", D2), html_list([("https://news.example.com/2", "환율", "w")]))
    page_server.add(
        list_path("b", D2), html_list([copy, ("https://other.example.org/9", "물가", "v")])
    )
    report, posts = run([job], D2, cfg)
    _, other = report.jobs[0].sources
    assert other.items_dropped == {"recent_story": 1} and other.items_new == 1
    assert copy[0] not in day_links(posts)
