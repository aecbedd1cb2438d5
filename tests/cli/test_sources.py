"""All four sources in one ``python -m newsbot run``, each site served on 127.0.0.1.

Sina is its real saved feed (../shared, read in place); Naver, Nate and etnews
are our own pages. Nate answers with a changed layout: the run exits 2, names
it, writes the three healthy posts byte for byte and no half-empty post.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import newsbot
from tests.conftest import FAST_FETCH_TOML, GOLDEN, PAGES, ROOT, PageServer

DAY = "2018-09-28"
JOBS = ("krnews-it", "sina-tech", "nate-it", "etnews-it")
HOSTS = (
    "news.naver.com",
    "feed.mix.sina.com.cn",
    "news.nate.com",
    "rss.etnews.com",
    "www.etnews.com",
)
WRITTEN = ("krnews-it", "sina-tech", "etnews-it")
MIXED = """title = "{date:%Y.%m.%d} 국내 IT 뉴스 모음"
slug = "kr-it-mix"
order = "interleaved"
[[sources]]
name = "nate"
section = "n0105"
[[sources]]
name = "etnews"
section = "04"
"""


def serve_all_sites(server: PageServer, shared: Path, *, nate_layout_changed: bool) -> None:
    naver = PAGES / "naver" / "breakingnews_105_230_20250204.html"
    server.add(
        "/breakingnews/section/105/230", naver.read_bytes(), Content_Type="text/html; charset=UTF-8"
    )
    sina = shared / "sina" / "cre-mix-tianyi-wnews-20180928.json"
    server.add("/api/roll/get", sina.read_bytes(), Content_Type="application/json")
    nate = (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes()
    if nate_layout_changed:
        nate = nate.replace(b'class="mlt01"', b'class="mlt02"')
    server.add("/recent", nate)  # cp949, declared in <meta> only
    server.add(
        "/04.xml",
        (PAGES / "etnews" / "rss_04_20180928.xml").read_bytes(),
        Content_Type="application/rss+xml",
    )
    for page in (PAGES / "etnews").glob("article_*.html"):
        server.add("/" + page.stem.split("_")[1], page.read_bytes())


def run_all(server: PageServer, tmp_path: Path, *extra: str) -> tuple[int, str, dict]:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for name in JOBS:
        shutil.copy(ROOT / "jobs" / f"{name}.toml", jobs)
    (jobs / "kr-it-mix.toml").write_text(MIXED)
    host_maps = [arg for host in HOSTS for arg in ("--host-map", f"{host}={server.origin}")]
    if "--config" in extra:  # add scaled politeness to the test's own config file
        given = Path(extra[extra.index("--config") + 1])
        given.write_text(FAST_FETCH_TOML + given.read_text())
    else:
        fast = tmp_path / "fast.toml"
        fast.write_text(FAST_FETCH_TOML)
        extra = ("--config", str(fast), *extra)
    report = tmp_path / "report.json"
    done = newsbot(
        "run",
        "--date",
        DAY,
        "--jobs-dir",
        str(jobs),
        "--output",
        str(tmp_path / "posts"),
        "--report",
        str(report),
        *host_maps,
        *extra,
    )
    return done.returncode, done.stderr, json.loads(report.read_text())


def test_four_sources_one_broken(
    page_server: PageServer, shared_fixtures: Path, tmp_path: Path
) -> None:
    serve_all_sites(page_server, shared_fixtures, nate_layout_changed=True)
    code, err, report = run_all(page_server, tmp_path)
    assert code == 2, err
    posts = tmp_path / "posts"
    written = sorted(p.name for p in posts.glob("*.md"))
    assert written == sorted(f"{DAY}-{job}-{DAY.replace('-', '')}.md" for job in WRITTEN)
    for name in written:
        assert (posts / name).read_bytes() == (GOLDEN / name).read_bytes(), name
        assert "\ufffd" not in (posts / name).read_text()
    # the broken source is named, with its status and URL, on stderr and in the report
    assert "nate" in err and "parse_empty" in err and "mlt01" in err
    assert "news.nate.com/recent?mid=n0105&type=c&date=20180928&page=1" in err
    jobs = {j["job"]: j for j in report["jobs"]}
    assert (
        jobs["nate-it"]["status"] == "skipped"
        and "nate (parse_empty)" in jobs["nate-it"]["message"]
    )
    # the mixed job lost one of its sources: no half-empty post
    assert jobs["kr-it-mix"]["status"] == "skipped" and not list(posts.glob("*kr-it-mix*"))
    assert {jobs[j]["status"] for j in WRITTEN} == {"written"}
    src = {j: jobs[j]["sources"][0] for j in JOBS}
    assert src["nate-it"]["status"] == "parse_empty"
    assert src["sina-tech"]["items_new"] == 18 and src["etnews-it"]["items_new"] == 6
    assert any("sina keeps no date archive" in n for n in report["notes"])
    # a past day pages back through the roll list and stops once max_items (50) are in hand
    roll = [p for p, _ in page_server.log if p.startswith("/api/roll/get")]
    assert [p.rsplit("&", 1)[1] for p in roll] == ["page=1", "page=2", "page=3"]  # 18 items each
    assert any("etnews: 1 of 6 articles have no thumbnail" in n for n in report["notes"])


def test_the_same_run_with_nate_healthy_exits_0(
    page_server: PageServer, shared_fixtures: Path, tmp_path: Path
) -> None:
    serve_all_sites(page_server, shared_fixtures, nate_layout_changed=False)
    code, err, _ = run_all(page_server, tmp_path)
    assert code == 0, err
    assert len(list((tmp_path / "posts").glob("*.md"))) == 5  # four series and the mix
    mix = (tmp_path / "posts" / f"{DAY}-kr-it-mix-{DAY.replace('-', '')}.md").read_text()
    links = [line for line in mix.splitlines() if line.startswith("## [")]
    assert "news.nate.com/view/" in links[0] and "www.etnews.com/" in links[1]  # interleaved
    sent = {path.split("?")[0]: h.get("Referer") for path, h in page_server.headers}
    assert sent["/api/roll/get"] == "https://news.sina.com.cn/"  # Sina's roll API wants it
    assert sent["/breakingnews/section/105/230"] is None  # and nobody else gets one


@pytest.mark.parametrize("job", WRITTEN)
def test_golden_posts_are_kst_dated_list_posts(job: str) -> None:
    text = (GOLDEN / f"{DAY}-{job}-{DAY.replace('-', '')}.md").read_text()
    assert text.startswith("---\ntitle: 2018.09.28 ")
    assert "\ndate: 2018-09-28 12:" in text and " +0900\n" in text


def test_a_config_selector_override_repairs_the_changed_layout(
    page_server: PageServer, shared_fixtures: Path, tmp_path: Path
) -> None:
    serve_all_sites(page_server, shared_fixtures, nate_layout_changed=True)
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text(
        "[sources.nate]\nmax_pages = 1\n[sources.nate.selectors]\n"
        'item = "#newsContents div.mlt02"\n'
    )
    code, err, report = run_all(page_server, tmp_path, "--config", str(cfg), "--job", "nate-it")
    assert code == 0, err
    nate = report["jobs"][0]
    assert nate["status"] == "written" and nate["items"] == 6
    post = (tmp_path / "posts" / f"{DAY}-nate-it-{DAY.replace('-', '')}.md").read_text()
    assert (
        "## [똠방각하 뷁 논란…햏 신조어 사전 등재 추진](https://news.nate.com/view/20250204n19877)"
        in post
    )
