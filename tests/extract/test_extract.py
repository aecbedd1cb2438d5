"""Article extraction: the real saved pages (in place), a board repost (seed 002), overrides."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newsbot.config import Config
from newsbot.dates import CST, KST
from newsbot.errors import ConfigError
from newsbot.extract import Rule
from newsbot.extract import extract as extract_with
from newsbot.extract.meta import parse_time
from newsbot.extract.rules import rule_for as rule_among
from newsbot.fetch.page import Page
from newsbot.models import Extracted
from newsbot.sources.settings import article_rules, resolve
from tests.conftest import PAGES

RULES = article_rules(resolve(Config()))


def extract(page: Page, rules: dict[str, Rule] = RULES) -> Extracted:
    return extract_with(page, rules)


def rule_for(url: str) -> Rule | None:
    return rule_among(url, RULES)


def rules_with(overrides: dict[str, dict[str, str]]) -> dict[str, Rule]:
    return article_rules(resolve(Config.model_validate({"extract": overrides})))


BOARD_PAGE = PAGES / "board" / "board_repost_menu_and_list_seed002.html"

# Each real page: the URL it was saved from, what must come out, what must not.
REAL_PAGES = {
    "naver/article-421-0008770777-20260212.html": dict(
        url="https://n.news.naver.com/mnews/article/421/0008770777?sid=110",
        rule="naver",
        title="3분의 물이 지키는 것…예비주수, 산불 대응의 새로운 전략 [기고]",
        published=datetime(2026, 2, 12, 10, 30, tzinfo=KST),
        image="https://imgnews.pstatic.net/image/421/2026/02/12/0008770777_001_20260212103013218.jpg?type=w800",
        first="김승룡 소방청장 직무대행",
        with_=["지난해 3월, 경북 영남 지역을 덮친 대형 산불은", "단단하게 연대해 철저한 예방과"],
        without=["김승룡 소방청장 직무대행.", "구독", "function", "Copyright"],
    ),
    "naver/article-437-0000483987-20260321.html": dict(
        url="https://n.news.naver.com/article/437/0000483987",
        rule="naver",
        title="전 세계 아미 모였다…'보랏빛 물결' 펼쳐진 광화문 광장",
        published=datetime(2026, 3, 21, 19, 42, 57, tzinfo=KST),
        image="https://imgnews.pstatic.net/image/437/2026/03/21/0000483987_001_20260321194311069.jpg?type=w800",
        first="[앵커]",
        with_=["광화문에는 이미 많은 팬들이 몰렸다고 하는데요."],
        without=["구독", "기사 섹션 분류"],
    ),
    "naver/article-607-0000001728-20231102.html": dict(
        url="https://n.news.naver.com/article/607/0000001728",
        rule="naver",
        title="[주간 뉴스타파] 부모를 빼앗긴 아기들, 해외 입양 비즈니스의 그늘",
        published=datetime(2023, 11, 2, 20, 6, 13, tzinfo=KST),
        image="https://imgnews.pstatic.net/image/607/2023/11/02/0000001728_001_20231102200613720.jpg?type=w800",
        first="한국은 자국 아이를 해외로 가장 오래, 가장 많이 입양 보낸 국가입니다.",
        with_=["<해외입양과 돈>", "입양 기관의 새빨간 거짓말과 피해자들"],
        without=["tv.naver.com", "구독"],
    ),
    "naver/article-legacy-read-naver-001-0009205077-fetched2022.html": dict(
        url="https://news.naver.com/main/read.naver?mode=LSD&mid=shm&sid1=102&oid=001&aid=0009205077",
        rule="naver",
        title="[연천소식] 군-초록우산어린이재단, 아동복지 협약",
        published=datetime(2017, 4, 20, 15, 53, tzinfo=KST),
        image="https://ssl.pstatic.net/static.news/image/news/ogtag/navernews_200x200_20160804.png",
        first="(연천=연합뉴스) 경기도 연천군은 20일",
        with_=["아동의 정서 함양에 도움이 될 것으로 기대한다"],
        without=["_flash_removeCallback", "본문 내용"],
    ),
    "sina/article-news-c-iihnzahi3275702-20191125-dom.html": dict(
        url="https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
        rule="sina",
        title="中国人习以为常的地方 为何老外却说“了不得”？",
        published=datetime(2019, 11, 25, 18, 57, 38, tzinfo=CST),
        image="http://n.sinaimg.cn/news/crawl/89/w550h339/20191125/2b6c-iittafs2905468.jpg",
        first="原标题：视界丨这个中国人习以为常的地方 为何老外却说“了不得”？",
        with_=["BBC称，不只是温哥华，伦敦、柏林等城市也都开始效仿中国"],
        without=["SINA_TEXT_PAGE_INFO", "视频-这个中国人", "责任编辑"],
    ),
    "sina/article-tech-iicezzrq4972166-20190911-dom.html": dict(
        url="https://tech.sina.com.cn/t/2019-09-11/doc-iicezzrq4972166.shtml",
        rule="sina",
        title="苹果发布新iPhone 11：64GB售5499元 256GB售6799元",
        published=datetime(2019, 9, 11, 1, 53, 41, tzinfo=CST),
        image="https://n.sinaimg.cn/tech/transform/667/w400h267/20190911/d507-iekuaqt6896952.png",
        first="相关新闻：",
        with_=["64GB售5499元，128GB售5999元，256GB售6799元"],
        without=["新浪众测", "自动播放", ".tech-quotation"],
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_article_pages(shared_fixtures: Path, name: str) -> None:
    want = REAL_PAGES[name]
    page = Page(str(want["url"]), (shared_fixtures / name).read_text(encoding="utf-8"))
    got = extract(page)
    assert got.rule == want["rule"]
    assert got.title == want["title"]
    assert got.published == want["published"]
    assert got.images[0] == want["image"]
    assert got.paragraphs[0].startswith(str(want["first"]))
    for snippet in want["with_"]:  # type: ignore[attr-defined]
        assert snippet in got.text
    for snippet in want["without"]:  # type: ignore[attr-defined]
        assert snippet not in got.text
    assert "\n\n\n" not in got.text and got.text == got.text.strip()


def test_board_repost_keeps_headline_and_body_without_menu_or_board_list() -> None:
    """Seed 002: skip link, headline, sub-heads, body, then the board's list of posts."""
    page = Page("https://board.example/rank/42870", BOARD_PAGE.read_text(encoding="utf-8"))
    got = extract(page)
    assert got.rule == "generic"
    assert got.title == '카카오,"딥시크 사내 업무 목적 이용 금지"'
    assert got.paragraphs[:2] == (
        "개인정보 유출 막고 동맹 강화 '일석 이조'",
        "오픈AI, 딥시크에 대항할 진영 구축 한창",
    )
    assert got.paragraphs[-1] == "서울경제"
    assert "오픈AI의 손을 맞잡은 카카오(035720)가 중국 인공지능(AI) 스타트업" in got.text
    assert "이에 알리바바, 텐센트, 딥시크 등 중국 AI 기업들은" in got.text
    for leak in (
        "메뉴 건너뛰기",
        "자유게시판",
        "42877",
        "랭크뉴스",
        "2025.02.05",
        "신형 팰리세이드",
        "번호 제목",
        "»",
    ):
        assert leak not in got.text, leak


def test_a_site_page_without_its_body_falls_back_to_generic() -> None:
    text = (
        "<html><body><nav><a href='/'>홈</a><a href='/it'>IT</a></nav><h1>제목</h1>"
        "<div class='story'><p>" + "인공지능 본문 문장입니다. " * 5 + "</p></div></body></html>"
    )
    got = extract(Page("https://n.news.naver.com/article/001/0000000001", text))
    assert got.rule == "generic" and got.title == "제목"
    assert got.text.startswith("인공지능 본문 문장입니다.") and "IT" not in got.text


def test_rules_by_domain() -> None:
    assert rule_for("https://news.nate.com/view/20260103n02527") is RULES["nate"]
    assert rule_for("https://www.etnews.com/20260103000018") is RULES["etnews"]
    assert rule_for("https://finance.sina.com.cn/x.shtml") is RULES["sina"]
    assert rule_for("https://n.news.naver.com/article/001/0000000001") is RULES["naver"]
    assert rule_for("https://notsina.com.cn.example/x") is None
    assert rule_for("https://www.manilatimes.net/2026/01/03/x") is None


def test_nate_rule_cuts_at_the_related_links_marker() -> None:
    text = (
        "<html><head><meta property='og:title' content='제목'></head><body>"
        "<h3 class='viewTite'>AI 기사</h3><span class='firstDate'>2026-01-03 09:10</span>"
        "<div id='realArtcContents'>첫 문단입니다.<br><br>둘째 문단입니다.<br>"
        "▶ 관련기사 더보기<br>광고 문단</div></body></html>"
    )
    got = extract(Page("https://news.nate.com/view/20260103n02527", text))
    assert got.rule == "nate" and got.title == "AI 기사"
    assert got.paragraphs == ("첫 문단입니다.", "둘째 문단입니다.")
    assert got.published == datetime(2026, 1, 3, 9, 10, tzinfo=KST)


def test_etnews_rule_drops_ads() -> None:
    text = (
        "<html><head><meta property='article:published_time' "
        "content='2026-01-03T13:13:26+09:00'></head><body><h1 class='title'>AI 플랫폼</h1>"
        "<div id='articleBody' class='article_body'><p>본문 하나.</p>"
        "<div class='article_ad'>광고입니다</div><p>본문 둘.</p></div></body></html>"
    )
    got = extract(Page("https://www.etnews.com/20260103000018", text))
    assert (got.rule, got.title, got.paragraphs) == (
        "etnews",
        "AI 플랫폼",
        ("본문 하나.", "본문 둘."),
    )
    assert got.published is not None and got.published.isoformat() == "2026-01-03T13:13:26+09:00"


def test_overrides_replace_a_selector_and_unknown_names_are_refused() -> None:
    rules = rules_with({"etnews": {"body": "div.new_body"}})
    text = "<html><body><h1>T</h1><div class='new_body'><p>새 본문.</p></div></body></html>"
    got = extract(Page("https://www.etnews.com/20260103000018", text), rules)
    assert got.rule == "etnews" and got.text == "새 본문."
    with pytest.raises(ConfigError, match="unknown rule"):
        rules_with({"daum": {"body": "x"}})
    with pytest.raises(ConfigError, match="unknown selector nope"):
        rules_with({"naver": {"nope": "x"}})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-25T18:57:38+08:00", "2019-11-25T18:57:38+08:00"),
        ("2026-02-12 10:30:00", "2026-02-12T10:30:00+09:00"),
        ("2019年09月11日01:53", "2019-09-11T01:53:00+09:00"),
        ("2017.04.20. 오후 3:53", "2017-04-20T15:53:00+09:00"),
        ("3분 전", None),
        ("", None),
    ],
)
def test_parse_time(text: str, expected: str | None) -> None:
    got = parse_time(text, KST)
    assert (got.isoformat() if got else None) == expected


@pytest.mark.parametrize(
    "name",
    [
        "naver/article-421-0008770777-20260212.html",
        "naver/article-437-0000483987-20260321.html",
        "naver/article-607-0000001728-20231102.html",
        "sina/article-news-c-iihnzahi3275702-20191125-dom.html",
    ],
)
def test_generic_fallback_finds_the_body_of_real_pages(shared_fixtures: Path, name: str) -> None:
    """As if the site were unknown: the body still comes out, without the page's menus."""
    want = REAL_PAGES[name]
    page = Page("https://unknown.example/a", (shared_fixtures / name).read_text(encoding="utf-8"))
    got = extract(page)
    assert got.rule == "generic"
    for snippet in want["with_"]:  # type: ignore[attr-defined]
        assert snippet in got.text
    for menu in ("로그인", "구독", "언론사홈", "新浪首页", "网站地图"):
        assert menu not in got.text, menu
