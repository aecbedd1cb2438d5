"""The offline summarizer: the article's own sentences, in its language, nothing added."""

from __future__ import annotations

import asyncio
from pathlib import Path

from newsbot.summarize.base import ArticleText
from newsbot.summarize.extractive import ExtractiveSummarizer, key_sentences, sentences

KO = ArticleText(
    "naver:001/0000000001",
    "https://n.news.naver.com/article/001/0000000001",
    "삼성전자, 차세대 AI 반도체 양산 시작",
    "[서울경제]\n\n"
    "삼성전자가 차세대 AI 반도체 양산을 시작했다고 3일 밝혔다. 회사는 올해 공급을 두 배로 늘린다.\n\n"
    "날씨는 맑았다.\n\n"
    "업계는 이번 AI 반도체 양산이 시장 판도를 바꿀 것으로 본다.\n\n"
    "사진 제공=삼성전자\n\n"
    "홍길동 기자 hong@example.com",
)
ZH = ArticleText(
    "sina:x",
    "https://news.sina.com.cn/x.shtml",
    "苹果发布新iPhone 11",
    "苹果公司今天发布了新iPhone 11，售价5499元起。新iPhone采用双摄像头。天气很好，适合出门散步。",
)


def test_sentences_split_and_boilerplate_is_left_out() -> None:
    got = sentences(KO.text)
    assert got[0] == "삼성전자가 차세대 AI 반도체 양산을 시작했다고 3일 밝혔다."
    assert "[서울경제]" not in got and "사진 제공=삼성전자" not in got
    assert not any("hong@example.com" in s for s in got)
    assert "날씨는 맑았다." not in got  # too short to be a key sentence


def test_key_sentences_are_verbatim_in_article_order() -> None:
    got = key_sentences(KO, 2)
    assert got == [
        "삼성전자가 차세대 AI 반도체 양산을 시작했다고 3일 밝혔다.",
        "업계는 이번 AI 반도체 양산이 시장 판도를 바꿀 것으로 본다.",
    ]
    assert all(s in KO.text for s in key_sentences(KO, 5))


def test_chinese_stays_chinese_and_no_implications_are_made_up() -> None:
    summary = asyncio.run(ExtractiveSummarizer(sentences=2).summarize(ZH))
    assert summary.headline == ZH.title and summary.implications == ()
    assert summary.bullets == (
        "苹果公司今天发布了新iPhone 11，售价5499元起。",
        "新iPhone采用双摄像头。",
    )
    assert summary.backend == "extractive" and summary.tokens == 0


def test_real_pages_give_their_own_lead_sentences(shared_fixtures: Path) -> None:
    from newsbot.fetch.page import Page
    from tests.extract.test_extract import extract

    cases = {
        "naver/article-421-0008770777-20260212.html": "https://n.news.naver.com/article/421/0008770777",
        "sina/article-news-c-iihnzahi3275702-20191125-dom.html": "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
    }
    for name, url in cases.items():
        got = extract(Page(url, (shared_fixtures / name).read_text(encoding="utf-8")))
        article = ArticleText(url, url, got.title, got.text)
        bullets = key_sentences(article, 3)
        assert len(bullets) == 3 and all(b in got.text for b in bullets)
        assert not any(b.startswith("原标题") or b == "김승룡 소방청장 직무대행" for b in bullets)


def test_headings_and_sub_heads_are_not_sentences() -> None:
    text = "오픈AI, 딥시크에 대항할 진영 구축 한창\n\n카카오가 딥시크의 사내 이용을 금지했다.\n\n“장기적으로 협력한다”고 말했다."
    assert sentences(text) == [
        "카카오가 딥시크의 사내 이용을 금지했다.",
        "“장기적으로 협력한다”고 말했다.",
    ]


EN = ArticleText(
    "https://techcrunch.com/2026/01/03/x/",
    "https://techcrunch.com/2026/01/03/x/",
    "Acme ships a cheaper AI model in the U.S.",
    "Mr. Smith of Acme Inc. said on Jan. 3 that the U.S. launch comes first.\n\n"
    "It costs 3.5 dollars, e.g. for J. K. Rowling's fans. The weather was fine today.\n\n"
    "Sign up for our newsletter to get the latest news.\n\n"
    "Photo: Getty Images.",
)


def test_english_sentences_end_where_english_sentences_end() -> None:
    assert sentences(EN.text) == [
        "Mr. Smith of Acme Inc. said on Jan. 3 that the U.S. launch comes first.",
        "It costs 3.5 dollars, e.g. for J. K. Rowling's fans.",
        "The weather was fine today.",
    ]
    assert sentences(EN.text, "ko") != sentences(EN.text)  # a declared language wins


def test_english_key_sentences_score_by_words() -> None:
    assert key_sentences(EN, 1) == [
        "Mr. Smith of Acme Inc. said on Jan. 3 that the U.S. launch comes first."
    ]


def test_a_sentence_the_page_says_twice_is_one_bullet() -> None:
    """A standfirst that repeats the lead, a pull quote inside a longer sentence."""
    lead = "OpenAI released a new reasoning model for developers on Tuesday."
    text = (
        f"{lead}\n\n{lead} The model is cheaper than the last one.\n\n"
        "“The model is cheaper than the last one,” the company said in a statement.\n\n"
        "Developers can try the new reasoning model through the API from today."
    )
    article = ArticleText("x", "https://a.example/x", "OpenAI releases new reasoning model", text)
    bullets = key_sentences(article, 3)
    assert len(bullets) == 3 and bullets.count(lead) == 1
    words = ["".join(ch for ch in b.lower() if ch.isalnum()) for b in bullets]
    assert not any(a in b for a in words for b in words if a is not b)  # the quote left out
    assert bullets[-1].startswith("Developers can try")
