"""The llm summarizer against a real chat-completions server on 127.0.0.1.

Valid answers, invalid JSON then valid, an invented number, 429, a timeout, an
unreachable endpoint and the per-run budget: the post, the report counters and
the cache behave as the README says. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from newsbot import config as config_mod
from newsbot import pipeline
from newsbot.dates import KST
from newsbot.models import RunReport
from newsbot.pipeline.memory import state_path
from newsbot.store import Store
from newsbot.summarize.base import ArticleText
from newsbot.summarize.llm import Answer, checked, grounded
from tests.conftest import FAST_FETCH, PageServer, serving
from tests.servers import digestsite

DAY = date(2026, 1, 3)
NOW = datetime(2026, 1, 4, 8, 0, tzinfo=KST)
POST = "2026-01-03-ai-news-20260103.md"

ANSWERS = {
    "오픈AI, GPT-5 기반 기업용 AI 비서 공개": {
        "headline": "오픈AI, 기업용 AI 비서 공개",
        "summary": [
            "오픈AI가 GPT-5 기반 기업용 AI 비서 공개",
            "문서 요약·일정 관리 업무 시간 30% 절감 효과",
            "카카오·네이버도 유사 서비스 준비",
        ],
        "implications": {
            "technical": "GPT-5 기반 업무 자동화의 실용화",
            "industry": "기업용 인공지능 시장 경쟁 가속",
            "outlook": "한국어 전용 모델 출시로 국내 확산 전망",
        },
    },
    "인공지능 반도체 수출 2배로 늘어": {
        "headline": "인공지능 반도체 수출 2배 증가",
        "summary": [
            "인공지능 반도체 수출액 120억 달러로 2배 증가",
            "HBM 수요가 수출 증가 견인",
            "정부, AI 반도체 연구개발에 5000억 원 투입",
        ],
        "implications": {
            "technical": "HBM 중심 메모리 기술 경쟁력 확인",
            "industry": "데이터센터 투자와 함께 수출 호조 지속",
            "outlook": "미국 수출 규제가 변수",
        },
    },
    '카카오,"딥시크 사내 업무 목적 이용 금지"': {
        "headline": "카카오, 딥시크 사내 이용 금지",
        "summary": [
            "카카오, 개인정보 유출 우려로 딥시크 사내 업무 이용 금지",
            "오픈AI와의 동맹 강화 효과",
            "오픈AI, 소프트뱅크와 5000억 달러 규모 AI 프로젝트 추진",
        ],
        "implications": {
            "technical": "사내 AI 도구 선택이 보안 정책의 일부로",
            "industry": "AI 진영 간 동맹 경쟁 격화",
            "outlook": "국내 기업의 AI 동맹 선택 확산 전망",
        },
    },
}


@dataclass
class ChatServer:
    """Speaks POST /v1/chat/completions; ``reply(title, attempt)`` scripts each answer."""

    origin: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    reply: Callable[[str, int], tuple[int, str, float]] = lambda title, attempt: (
        200,
        json.dumps(ANSWERS[title], ensure_ascii=False),
        0.0,
    )

    def titles(self) -> list[str]:
        return [_title(r) for r in self.requests]


def _title(request: dict[str, Any]) -> str:
    user = request["messages"][-1]["content"]
    return str(user.split("Title: ", 1)[1].split("\n", 1)[0])


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    state = ChatServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                state.requests.append(body)
                state.headers.append(dict(self.headers))
                title = _title(body)
                attempt = state.titles().count(title)
            status, content, delay = state.reply(title, attempt)
            time.sleep(delay)
            payload = {
                "id": "x",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                "usage": {"prompt_tokens": 80, "completion_tokens": 20, "total_tokens": 100},
            }
            data = json.dumps(payload).encode() if status == 200 else b'{"error": "nope"}'
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as origin:
        state.origin = origin
        yield state


def run(site: PageServer, tmp: Path, base_url: str, **llm: Any) -> tuple[RunReport, str]:
    """One ai-news run; posts in tmp/posts, so the state store (the cache) is tmp's own."""
    out = tmp / "posts"
    digestsite.serve(site)
    cfg = config_mod.load(
        None,
        {
            "fetch": {"host_map": digestsite.host_map(site), **FAST_FETCH},
            "output": {"dir": str(out)},
            "summarize": {
                "backend": "llm",
                "llm": {
                    "base_url": base_url,
                    "model": "test-model",
                    "api_key_env": "NEWSBOT_TEST_KEY",
                    **llm,
                },
            },
        },
    )
    report, _ = pipeline.run([digestsite.naver_only_job()], DAY, config=cfg, now=NOW)
    path = out / POST
    return report, path.read_text(encoding="utf-8") if path.is_file() else ""


def stats(report: RunReport) -> dict[str, Any]:
    digest = report.jobs[0].digest
    assert digest is not None
    return digest.to_dict()


def test_valid_answers_make_the_korean_digest_and_reruns_come_from_the_cache(
    page_server: PageServer, chat: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_TEST_KEY", "sekret")
    report, post = run(page_server, tmp_path, f"{chat.origin}/v1")
    assert "## 오픈AI, 기업용 AI 비서 공개\n\n[네이버 뉴스](" in post
    assert (
        "### 요약\n- 오픈AI가 GPT-5 기반 기업용 AI 비서 공개\n"
        "- 문서 요약·일정 관리 업무 시간 30% 절감 효과\n- 카카오·네이버도 유사 서비스 준비\n\n"
        "### 주요 내용 및 시사점\n- **기술적 의미**: GPT-5 기반 업무 자동화의 실용화\n"
        "- **산업적 영향**: 기업용 인공지능 시장 경쟁 가속\n"
        "- **향후 전망**: 한국어 전용 모델 출시로 국내 확산 전망\n\n---\n"
    ) in post
    assert post.count("### 주요 내용 및 시사점") == 3
    got = stats(report)
    assert got["summaries"] == {"llm": 3} and got["llm_calls"] == 3 and got["tokens"] == 300
    assert got["bullets_dropped"] == 0 and got["fallback"] == ""
    first = chat.requests[0]
    assert first["model"] == "test-model" and first["response_format"] == {"type": "json_object"}
    assert (
        "오픈AI가 3일 GPT-5 기반의 기업용 AI 비서 서비스를 공개했다."
        in first["messages"][1]["content"]
    )
    assert chat.headers[0]["Authorization"] == "Bearer sekret"

    again, post_again = run(page_server, tmp_path, f"{chat.origin}/v1")
    assert len(chat.requests) == 3  # nothing asked again: the published entries stay as they are
    assert stats(again)["summaries"] == {} and stats(again)["tokens"] == 0
    assert again.jobs[0].status == "unchanged" and post_again == post

    (tmp_path / "posts" / POST).unlink()  # the post is lost: its entries come from the cache
    again, post_again = run(page_server, tmp_path, f"{chat.origin}/v1")
    assert len(chat.requests) == 3
    assert stats(again)["summaries"] == {"llm-cache": 3} and stats(again)["tokens"] == 0
    assert again.jobs[0].status == "written" and post_again == post

    (tmp_path / "posts" / POST).unlink()
    other_model, _ = run(page_server, tmp_path, f"{chat.origin}/v1", model="other-model")
    assert len(chat.requests) == 6 and stats(other_model)["summaries"] == {"llm": 3}


def test_invalid_json_is_retried_once_then_falls_back_for_that_article(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    def reply(title: str, attempt: int) -> tuple[int, str, float]:
        if title.startswith("오픈AI") and attempt == 1:
            return 200, "Sure! Here is the summary: {not json", 0.0
        if title.startswith("인공지능"):  # valid JSON, wrong shape, both times
            return 200, json.dumps({"headline": "x", "summary": ["하나"]}), 0.0
        if title.startswith("카카오") and attempt == 1:  # the right shape, but not Korean
            chinese = {**ANSWERS[title], "summary": ["Kakao禁止使用DeepSeek", "加强联盟", "竞争"]}
            return 200, json.dumps(chinese, ensure_ascii=False), 0.0
        return 200, json.dumps(ANSWERS[title], ensure_ascii=False), 0.0

    chat.reply = reply
    report, post = run(page_server, tmp_path, f"{chat.origin}/v1")
    assert chat.titles().count("오픈AI, GPT-5 기반 기업용 AI 비서 공개") == 2
    assert chat.titles().count("인공지능 반도체 수출 2배로 늘어") == 2
    assert chat.titles().count('카카오,"딥시크 사내 업무 목적 이용 금지"') == 2
    got = stats(report)
    assert got["llm_invalid"] == 1 and got["summaries"] == {"llm": 2, "extractive": 1}
    assert got["llm_calls"] == 6 and got["tokens"] == 600
    assert "- 카카오, 개인정보 유출 우려로 딥시크 사내 업무 이용 금지\n" in post
    assert "## 오픈AI, 기업용 AI 비서 공개" in post
    # the article whose answers stayed invalid: its own title and sentences, no implications
    block = post.split("## 인공지능 반도체 수출 2배로 늘어\n", 1)[1].split("---", 1)[0]
    assert "- 지난해 인공지능 반도체 수출액이 전년보다 2배 늘어난 120억 달러를 기록했다." in block
    assert "주요 내용" not in block


def test_an_invented_number_drops_its_bullet_and_is_counted(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    def reply(title: str, attempt: int) -> tuple[int, str, float]:
        answer = json.loads(json.dumps(ANSWERS[title]))
        if title.startswith("오픈AI"):
            answer["summary"].append("월 이용료 99달러로 책정")  # not in the article
            answer["summary"].append("Anthropic과 경쟁 예상")  # a name the article lacks
        return 200, json.dumps(answer, ensure_ascii=False), 0.0

    chat.reply = reply
    report, post = run(page_server, tmp_path, f"{chat.origin}/v1")
    assert stats(report)["bullets_dropped"] == 2 and stats(report)["summaries"] == {"llm": 3}
    assert "99달러" not in post and "Anthropic" not in post
    assert "- 문서 요약·일정 관리 업무 시간 30% 절감 효과\n" in post


@pytest.mark.parametrize(
    ("how", "expect"),
    [("429", "rate limited (HTTP 429)"), ("timeout", "within 0.5s"), ("down", "unreachable")],
)
def test_unusable_endpoint_falls_back_to_extractive_and_still_publishes(
    page_server: PageServer, chat: ChatServer, tmp_path: Path, how: str, expect: str
) -> None:
    chat.reply = lambda title, attempt: (429, "", 0.0) if how == "429" else (200, "{}", 3.0)
    base = "http://127.0.0.1:9/v1" if how == "down" else f"{chat.origin}/v1"
    report, post = run(page_server, tmp_path, base, timeout=0.5)
    assert len(chat.requests) == (0 if how == "down" else 1)  # not asked again this run
    got = stats(report)
    assert got["summaries"] == {"extractive": 3} and expect in got["fallback"]
    assert any("fell back to extractive" in n and expect in n for n in report.notes)
    assert report.exit_code == 0 and report.jobs[0].status == "written"
    assert post.count("\n## ") == 3 and "주요 내용" not in post


def test_the_article_budget_caps_llm_calls(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    report, post = run(page_server, tmp_path, f"{chat.origin}/v1", max_articles=1)
    assert len(chat.requests) == 1
    got = stats(report)
    assert got["summaries"] == {"llm": 1, "extractive": 2} and "1 articles" in got["fallback"]
    assert post.count("### 주요 내용 및 시사점") == 1


def test_the_token_budget_caps_llm_calls(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    report, _ = run(page_server, tmp_path, f"{chat.origin}/v1", max_tokens=150)
    assert len(chat.requests) == 2  # 100 used < 150, 200 used ≥ 150
    assert stats(report)["summaries"] == {"llm": 2, "extractive": 1}
    assert "150 tokens" in stats(report)["fallback"]


def test_grounding_rules() -> None:
    source = "오픈AI는 GPT-5를 3일 공개했다. 가격은 1,200달러. Sam Altman CEO"
    assert grounded("오픈AI GPT-5 공개, 1200달러", source)
    assert grounded("sam altman 발표", source)  # names compare case-insensitively
    assert not grounded("GPT-6 공개", source)
    assert not grounded("4일 공개", source)
    assert not grounded("20개 모델", "2026년 GPT-5")  # numbers compare whole
    assert grounded("2026년 1월", "2026.01.03 발표, 1개")  # parts of a dotted date count
    assert not grounded("Google 참여", source)
    answer = Answer.model_validate(
        {
            "headline": "GPT-7 출시",
            "summary": ["3일 공개", "4일 공개", "가격 1,200달러"],
            "implications": {"technical": "기술", "industry": "산업", "outlook": "2030년 전망"},
        }
    )
    article = ArticleText("id", "https://e.x/1", "원제목", source)
    summary = checked(answer, article, backend="llm", tokens=7)
    assert summary.headline == "원제목"  # an ungrounded headline gives way to the article's
    assert summary.bullets == ("3일 공개", "가격 1,200달러")
    assert summary.implications == ()  # one ungrounded implication drops all three
    assert summary.dropped == 1 + 3 + 1


def test_a_dry_run_reads_the_cache_but_adds_nothing(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    out = tmp_path / "posts"
    digestsite.serve(page_server)
    base = {
        "fetch": {"host_map": digestsite.host_map(page_server), **FAST_FETCH},
        "output": {"dir": str(out)},
        "summarize": {
            "backend": "llm",
            "llm": {"base_url": f"{chat.origin}/v1", "model": "test-model"},
        },
    }
    cfg = config_mod.load(None, base)
    job = digestsite.naver_only_job()
    pipeline.run([job], DAY, config=cfg, now=NOW)  # a real run fills the cache
    assert len(chat.requests) == 3
    store = Store(state_path(cfg))
    cached = store._db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0]
    store.close()
    (out / POST).unlink()  # so the dry runs summarize the entries again, not keep them
    report, _ = pipeline.run([job], DAY, config=cfg, now=NOW, dry_run=True)
    assert len(chat.requests) == 3 and stats(report)["summaries"] == {"llm-cache": 3}
    other = config_mod.load(
        None,
        {
            **base,
            "summarize": {
                "backend": "llm",
                "llm": {"base_url": f"{chat.origin}/v1", "model": "other-model"},
            },
        },
    )
    report, _ = pipeline.run([job], DAY, config=other, now=NOW, dry_run=True)
    assert len(chat.requests) == 6 and stats(report)["summaries"] == {"llm": 3}
    store = Store(state_path(cfg))
    try:  # the dry run asked the other model but kept none of its answers
        assert store._db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0] == cached == 3
    finally:
        store.close()
