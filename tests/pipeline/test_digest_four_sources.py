"""``newsbot run --job ai-news`` over all four sources served on 127.0.0.1, offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAST_FETCH_TOML, ROOT, PageServer
from tests.servers import digestsite, digestsites4
from tests.summarize import test_llm as test_summarize_llm
from tests.summarize.test_llm import ChatServer

POST = "2026-01-03-ai-news-20260103.md"
chat = test_summarize_llm.chat  # the chat-completions server fixture


def run_four(
    page_server: PageServer, tmp_path: Path, config: str = ""
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """ai-news (max_articles 12) over the four sites; returns the process and the report path."""
    digestsite.serve(page_server)
    digestsites4.serve(page_server)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    job = (ROOT / "jobs" / "ai-news.toml").read_text(encoding="utf-8")
    (jobs / "ai-news.toml").write_text(job.replace("max_articles = 8 ", "max_articles = 12 "))
    hosts = (*digestsites4.HOSTS, *digestsite.host_map(page_server))
    maps = [a for h in hosts for a in ("--host-map", f"{h}={page_server.origin}")]
    report_path = tmp_path / "report.json"
    fast = tmp_path / "fast.toml"
    fast.write_text(FAST_FETCH_TOML + config)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot",
            "run",
            "--job",
            "ai-news",
            "--date",
            "2026-01-03",
            "--jobs-dir",
            str(jobs),
            "--config",
            str(fast),
            "--output",
            str(tmp_path / "posts"),
            "--report",
            str(report_path),
            *maps,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, report_path


def test_four_sources_make_one_seed_001_format_digest(
    page_server: PageServer, tmp_path: Path
) -> None:
    done, report_path = run_four(page_server, tmp_path)
    assert done.returncode == 0, done.stderr
    post = (tmp_path / "posts" / POST).read_text(encoding="utf-8")
    report = json.loads(report_path.read_text())
    assert [s["status"] for s in report["jobs"][0]["sources"]] == ["ok"] * 4
    stats = report["jobs"][0]["digest"]
    assert stats["candidates"] == 10 and stats["fetched"] == 9
    assert stats["failed"] == {"http_4xx": 1} and stats["summaries"] == {"extractive": 9}

    assert post.startswith('---\nlayout: post\ntitle: "2026-01-03 AI 뉴스"\n')
    sources = re.findall(r"^\[(.+?)\]\((\S+)\) - 발행일: (\S+)$", post, re.M)
    assert len(sources) == 9 == post.count("\n---\n") - 1
    by_site = {name: sorted(link for n, link, _ in sources if n == name) for name, _, _ in sources}
    assert by_site["新浪新闻"] == [
        f"https://news.sina.com.cn{digestsites4.sina_path(n)}" for n in (1, 2)
    ]
    assert by_site["Nate 뉴스"] == [
        f"https://news.nate.com{digestsites4.nate_path(n)}" for n in (1, 2)
    ]
    assert by_site["전자신문"] == [
        f"https://www.etnews.com{digestsites4.etnews_path(n)}" for n in (1, 2)
    ]
    assert len(by_site["네이버 뉴스"]) == 3
    assert {day for _, _, day in sources} <= {"2026-01-02", "2026-01-03"}

    # each site read by its own rule: Chinese stays Chinese, Nate decoded from CP949 and cut
    # at its ▶ marker, etnews without its ad block, Sina without its editor line
    assert "## 科技资讯AI速递：DeepSeek V4完成大规模训练\n" in post
    assert "- DeepSeek表示，V4模型已完成大规模训练，新框架mHC提升了推理和理解能力。\n" in post
    assert "- 壁仞科技1月2日在香港交易所上市，首日股价上涨75.82%。\n" in post
    assert "## 제약·바이오, 2026년 화두는 AI 전환\n" in post
    assert (
        "- 주요 제약·바이오 기업들이 2026년 신년사에서 AI 전환과 글로벌 경쟁력 확대를 강조했다.\n"
        in post
    )
    for leak in ("责任编辑", "관련기사", "광고", "春运", "한파"):
        assert leak not in post, leak
    assert "주요 내용 및 시사점" not in post


def test_four_sources_make_a_korean_llm_digest_when_an_endpoint_is_configured(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    answer = {
        "headline": "AI 업계 소식",
        "summary": ["첫째 요점", "둘째 요점", "셋째 요점"],
        "implications": {
            "technical": "기술 변화",
            "industry": "산업 영향",
            "outlook": "향후 확대 전망",
        },
    }
    chat.reply = lambda title, attempt: (200, json.dumps(answer, ensure_ascii=False), 0.0)
    llm = (
        f'[summarize]\nbackend = "llm"\n[summarize.llm]\nbase_url = "{chat.origin}/v1"\n'
        'model = "test-model"\napi_key_env = ""\n'
    )
    done, report_path = run_four(page_server, tmp_path, llm)
    assert done.returncode == 0, done.stderr
    post = (tmp_path / "posts" / POST).read_text(encoding="utf-8")
    stats = json.loads(report_path.read_text())["jobs"][0]["digest"]
    assert stats["summaries"] == {"llm": 9} and stats["llm_calls"] == 9 == len(chat.requests)
    # the Sina chip story never writes "AI" in Latin letters: its own headline stays
    assert post.count("## AI 업계 소식\n") == 8 and stats["bullets_dropped"] == 1
    assert "## 壁仞科技港股上市 生成式人工智能芯片受关注\n" in post
    assert post.count("### 주요 내용 및 시사점\n- **기술적 의미**: 기술 변화\n") == 9
    asked = {r["messages"][1]["content"].split("\n", 1)[0] for r in chat.requests}
    assert asked == {
        "Source: 新浪新闻",
        "Source: Nate 뉴스",
        "Source: 전자신문",
        "Source: 네이버 뉴스",
    }
    assert "llm calls 9, tokens 900" in done.stderr
