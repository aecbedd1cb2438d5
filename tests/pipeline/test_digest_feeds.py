"""The example digest job: the four built-in sites and three English feeds, on 127.0.0.1.

``jobs/examples/ai-news-world.toml`` as shipped, every host mapped to a loopback
server: the post is seed 001's format, English articles are read by the generic
extractor and summarized in English (extractive) or in Korean (llm).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAST_FETCH_TOML, ROOT, PageServer
from tests.servers import digestsite, digestsites4, feedsites
from tests.summarize import test_llm as test_summarize_llm
from tests.summarize.test_llm import ChatServer

POST = "2026-01-03-ai-news-world-20260103.md"
chat = test_summarize_llm.chat  # the chat-completions server fixture


def run_world(page_server: PageServer, tmp_path: Path, config: str = "") -> tuple[int, str, dict]:  # type: ignore[type-arg]
    for site in (digestsite, digestsites4, feedsites):
        site.serve(page_server)
    hosts = (*digestsites4.HOSTS, *digestsite.host_map(page_server), *feedsites.HOSTS)
    maps = [a for h in hosts for a in ("--host-map", f"{h}={page_server.origin}")]
    fast = tmp_path / "fast.toml"
    fast.write_text(FAST_FETCH_TOML + config)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    job = (ROOT / "jobs" / "examples" / "ai-news-world.toml").read_text(encoding="utf-8")
    (jobs / "ai-news-world.toml").write_text(
        job.replace("max_articles = 12 ", "max_articles = 15 ")
    )
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", "run", "--job", "ai-news-world", "--date", "2026-01-03",
         "--jobs-dir", str(jobs), "--config", str(fast),
         "--output", str(tmp_path / "posts"), "--report", str(report), *maps],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return (
        done.returncode,
        (tmp_path / "posts" / POST).read_text(encoding="utf-8"),
        json.loads(report.read_text()),
    )


def test_built_in_sites_and_english_feeds_make_one_seed_001_digest(
    page_server: PageServer, tmp_path: Path
) -> None:
    _, post, report = run_world(page_server, tmp_path)
    sources = report["jobs"][0]["sources"]
    assert [(s["source"], s["section"], s["status"]) for s in sources[4:]] == [
        ("feed", "techcrunch-ai", "ok"),
        ("feed", "verge-ai", "ok"),
        ("feed", "mit-tr-ai", "ok"),
    ]
    assert all(s["status"] == "ok" for s in sources)
    assert post.startswith('---\nlayout: post\ntitle: "2026-01-03 AI 뉴스"\n')
    links = re.findall(r"^\[(.+?)\]\((\S+)\) - 발행일: (\S+)$", post, re.M)
    english = [
        (n, u, d)
        for n, u, d in links
        if not u.startswith(("https://news.", "https://n.", "https://www.etnews"))
    ]
    mit = "https://www.technologyreview.com/2026/01/03/mit-story-1/"
    assert sorted(english) == [  # the post orders by keyword mentions, whatever the source
        ("MIT Technology Review", mit, "2026-01-03"),
        ("TechCrunch", "https://techcrunch.com/2026/01/03/tc-story-1/", "2026-01-03"),
        ("The Verge", "https://www.theverge.com/2026/01/03/verge-story-1/", "2026-01-03"),
    ]
    assert {"新浪新闻", "Nate 뉴스", "전자신문", "네이버 뉴스"} <= {n for n, _, _ in links}
    # English headlines and the article's own sentences, split where English sentences end
    assert "## OpenAI ships a cheaper reasoning model for developers\n" in post
    assert "- Mr. Altman said the U.S. launch would be followed by Europe in February.\n" in post
    assert (
        "- DeepSeek has published a technical report describing how it trained its V4 model on"
        in post
    )
    for leak in (
        "Sign up",
        "Getty",
        "Great article",
        "Related story",
        "All rights",
        "Share",
        "headphones",
    ):
        assert leak not in post, leak
    assert post.count("\n---\n") - 1 == len(links)


def test_english_feeds_get_korean_llm_summaries(
    page_server: PageServer, chat: ChatServer, tmp_path: Path
) -> None:
    answer = {
        "headline": "AI 업계 소식",
        "summary": ["첫째 요점", "둘째 요점", "셋째 요점"],
        "implications": {"technical": "기술 변화", "industry": "산업 영향", "outlook": "향후 전망"},
    }
    chat.reply = lambda title, attempt: (200, json.dumps(answer, ensure_ascii=False), 0.0)
    llm = (
        f'[summarize]\nbackend = "llm"\n[summarize.llm]\nbase_url = "{chat.origin}/v1"\n'
        'model = "test-model"\napi_key_env = ""\n'
    )
    _, post, report = run_world(page_server, tmp_path, llm)
    asked = {r["messages"][1]["content"].split("\n", 1)[0] for r in chat.requests}
    assert {"Source: TechCrunch", "Source: The Verge", "Source: MIT Technology Review"} <= asked
    assert (
        "[TechCrunch](https://techcrunch.com/2026/01/03/tc-story-1/) - 발행일: 2026-01-03\n\n### 요약\n- 첫째 요점\n"
        in post
    )
    assert report["jobs"][0]["digest"]["summaries"].get("llm", 0) >= 3
