"""A small Naver to serve for digest runs: one archive list, AI and non-AI article pages."""

from __future__ import annotations

import html
from dataclasses import dataclass

from newsbot.jobs import Job, load_job
from tests.conftest import PAGES, ROOT, PageServer

DAY = "2026-01-03"
LIST_PATH = "/breakingnews/section/105/230"


@dataclass(frozen=True)
class Story:
    n: int
    title: str
    paragraphs: tuple[str, ...] = ()
    published: str = "2026-01-03 09:00:00"
    status: int = 200


STORIES = (
    Story(
        1,
        "오픈AI, GPT-5 기반 기업용 AI 비서 공개",
        (
            "오픈AI가 3일 GPT-5 기반의 기업용 AI 비서 서비스를 공개했다.",
            "회사는 이 서비스가 문서 요약과 일정 관리 업무 시간을 30% 줄인다고 설명했다.",
            "국내에서는 카카오와 네이버가 비슷한 서비스를 준비하고 있는 것으로 알려졌다.",
            "업계는 올해 기업용 인공지능 시장이 빠르게 커질 것으로 보고 있다.",
            "오픈AI는 상반기 중 한국어 전용 모델도 내놓겠다고 밝혔다.",
            "보안 우려를 줄이기 위해 기업 데이터는 학습에 쓰지 않는다는 원칙도 공개했다.",
            "홍길동 기자 hong@example.com",
        ),
    ),
    Story(
        2,
        "인공지능 반도체 수출 2배로 늘어",
        (
            "지난해 인공지능 반도체 수출액이 전년보다 2배 늘어난 120억 달러를 기록했다.",
            "산업통상자원부는 고대역폭 메모리(HBM) 수요가 수출 증가를 이끌었다고 밝혔다.",
            "정부는 올해 AI 반도체 연구개발에 5000억 원을 투입할 계획이다.",
            "업계에서는 데이터센터 투자 확대로 수출 증가세가 당분간 이어질 것으로 내다봤다.",
            "다만 미국의 수출 규제 강화가 변수로 꼽힌다고 전문가들은 지적했다.",
        ),
        published="2026-01-02 23:10:00",
    ),
    Story(
        3, "[단독] 카카오, 딥시크 이용금지…격화하는 AI 동맹 대전"
    ),  # served as the seed-002 board
    Story(4, "생성형 AI 규제 법안 국회 통과", status=404),
    Story(5, "스마트폰 출하량 소폭 감소"),
    Story(6, "게임 업계 신작 출시 잇따라"),
    Story(7, "통신 3사 요금제 개편"),
)


def article_path(n: int) -> str:
    return f"/mnews/article/001/{n:010d}"


def list_page(stories: tuple[Story, ...] = STORIES) -> bytes:
    cards = "".join(
        '<li class="sa_item">'
        f'<a class="sa_text_title" href="https://n.news.naver.com{article_path(s.n)}">'
        f'<strong class="sa_text_strong">{html.escape(s.title)}</strong></a>'
        f'<div class="sa_text_lede">{html.escape(s.title)} 관련 소식</div>'
        '<div class="sa_text_press">연합뉴스</div></li>'
        for s in stories
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div class="section_latest_article _CONTENT_LIST"><ul class="sa_list">'
        f"{cards}</ul></div></body></html>"
    ).encode()


def article_page(story: Story) -> bytes:
    body = "<br><br>".join(html.escape(p) for p in story.paragraphs)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta property="og:title" content="{html.escape(story.title)}">'
        f'<meta property="og:image" content="https://imgnews.pstatic.net/image/001/{story.n}.jpg'
        '?type&#x3D;w800"></head><body>'
        '<div id="gnb"><a href="#">뉴스 홈</a><a href="#">IT</a></div>'
        f'<h2 id="title_area" class="media_end_head_headline"><span>{html.escape(story.title)}'
        "</span></h2>"
        '<span class="media_end_head_info_datestamp_time _ARTICLE_DATE_TIME" '
        f'data-date-time="{story.published}">{story.published}</span>'
        f'<article id="dic_area" class="go_trans _article_content">{body}</article>'
        '<div class="ranking"><ul><li><a href="#">많이 본 뉴스 1</a></li></ul></div>'
        "</body></html>"
    ).encode()


def serve(server: PageServer) -> None:
    """The list for DAY and every article page (story 3: the seed-002 board page)."""
    server.add(LIST_PATH, list_page(), Content_Type="text/html; charset=UTF-8")
    board = (PAGES / "board" / "board_repost_menu_and_list_seed002.html").read_bytes()
    for story in STORIES:
        body = board if story.n == 3 else article_page(story)
        if story.status != 200:
            body = b"gone"
        server.add(
            article_path(story.n),
            body,
            status=story.status,
            Content_Type="text/html; charset=UTF-8",
        )


def host_map(server: PageServer) -> dict[str, str]:
    return {"news.naver.com": server.origin, "n.news.naver.com": server.origin}


def naver_only_toml() -> str:
    """jobs/ai-news.toml with Naver as its only source (these tests serve only Naver)."""
    text = (ROOT / "jobs" / "ai-news.toml").read_text(encoding="utf-8")
    head, *blocks = text.split("[[sources]]")
    return head + "[[sources]]" + next(b for b in blocks if 'name = "naver"' in b)


def naver_only_job() -> Job:
    job = load_job(ROOT / "jobs" / "ai-news.toml")
    return job.model_copy(update={"sources": [r for r in job.sources if r.name == "naver"]})
