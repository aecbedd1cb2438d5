"""``newsbot extract URL``: one page through the fetch layer, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST_FETCH_TOML, PAGES, ROOT, PageServer

ARTICLE = "/mnews/article/421/0008770777"


def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def fast(tmp_path: Path) -> tuple[str, str]:
    """``--config`` with no politeness delay or backoff: the site is on loopback."""
    path = tmp_path / "fast.toml"
    path.write_text(FAST_FETCH_TOML)
    return ("--config", str(path))


def test_json_from_a_real_naver_page_through_host_map(
    shared_fixtures: Path, page_server: PageServer, fast: tuple[str, str]
) -> None:
    real = shared_fixtures / "naver" / "article-421-0008770777-20260212.html"
    page_server.add(ARTICLE, real.read_bytes(), Content_Type="text/html; charset=utf-8")
    done = newsbot(
        "extract",
        f"https://n.news.naver.com{ARTICLE}?sid=110",
        "--json",
        "--host-map",
        f"n.news.naver.com={page_server.origin}",
        *fast,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["rule"] == "naver" and got["published"] == "2026-02-12T10:30:00+09:00"
    assert got["title"] == "3분의 물이 지키는 것…예비주수, 산불 대응의 새로운 전략 [기고]"
    assert got["image"].startswith("https://imgnews.pstatic.net/image/421/2026/02/12/")
    assert "초속 20m가 넘는 강풍" in got["text"]
    assert got["url"] == f"https://n.news.naver.com{ARTICLE}?sid=110"
    assert [p for p, _ in page_server.log] == [f"{ARTICLE}?sid=110"]  # naver: no robots.txt


def test_text_output_of_a_board_page(page_server: PageServer, fast: tuple[str, str]) -> None:
    board = PAGES / "board" / "board_repost_menu_and_list_seed002.html"
    page_server.add("/board/42870", board.read_bytes())
    done = newsbot(
        "extract",
        "https://board.example/board/42870",
        "--host-map",
        f"board.example={page_server.origin}",
        *fast,
    )
    assert done.returncode == 0, done.stderr
    head, text = done.stdout.split("\n\n", 1)
    assert head.splitlines() == [
        'title: 카카오,"딥시크 사내 업무 목적 이용 금지"',
        "published: -",
        "image: -",
        "rule: generic",
        "url: https://board.example/board/42870",
    ]
    assert text.startswith("개인정보 유출 막고 동맹 강화 '일석 이조'\n\n")
    assert "랭크뉴스" not in text
    # a generic site obeys robots.txt: it was asked for first (404 = allowed)
    assert [p for p, _ in page_server.log] == ["/robots.txt", "/board/42870"]


def test_failures_exit_1_and_bad_input_64(page_server: PageServer, fast: tuple[str, str]) -> None:
    menu = "".join(f"<li><a href='/{i}'>메뉴 {i}</a></li>" for i in range(20))
    page_server.add("/empty", f"<html><body><nav><ul>{menu}</ul></nav></body></html>")
    mapped = ("--host-map", f"e.example={page_server.origin}", *fast)
    missing = newsbot("extract", "https://e.example/nope", *mapped)
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    empty = newsbot("extract", "https://e.example/empty", *mapped)
    assert empty.returncode == 1 and "no article text found" in empty.stderr
    assert newsbot("extract", "ftp://e.example/x").returncode == 64
    assert newsbot("extract").returncode == 64


def test_help_shows_an_example() -> None:
    done = newsbot("extract", "--help")
    assert done.returncode == 0 and "Example: newsbot extract" in done.stdout


def test_unknown_extract_rule_in_config_is_refused_before_fetching(tmp_path: Path) -> None:
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text('[extract.daum]\nbody = "#x"\n')
    done = newsbot("run", "--job", "ai-news", "--config", str(cfg), "--output", str(tmp_path))
    assert done.returncode == 64 and "[extract.daum]: unknown rule" in done.stderr


BODY = "<p>본문입니다. 문장이 충분히 깁니다. 아주 길게 씁니다.</p>" * 4
REFUSED = [  # (og:image, why the gate refuses it)
    ("http://127.0.0.1:8701/admin.jpg", "127.0.0.1 is a non-public address (127.0.0.1)"),
    ("http://localhost/og.jpg", "localhost names the local machine or network"),
    ("http://10.0.0.1/og.jpg", "10.0.0.1 is a non-public address (10.0.0.1)"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a non-public address"),
    ("http://0x7f000001/og.jpg", "0x7f000001 is a non-public address (127.0.0.1)"),
]


def og_page(image: str) -> str:
    return (
        f'<html><head><meta property="og:image" content="{image}"><title>t</title></head>'
        f"<body><article>{BODY}</article></body></html>"
    )


@pytest.mark.parametrize(("image", "why"), REFUSED, ids=[i for i, _ in REFUSED])
def test_an_og_image_the_gate_refuses_is_named_as_refused_not_as_the_image(
    page_server: PageServer, fast: tuple[str, str], image: str, why: str
) -> None:
    page_server.add("/a", og_page(image))
    mapped = ("--host-map", f"e.example={page_server.origin}", *fast)
    done = newsbot("extract", "https://e.example/a", *mapped)
    assert done.returncode == 0, done.stderr
    head = done.stdout.split("\n\n", 1)[0].splitlines()
    assert head[2] == "image: -"
    assert head[3].startswith(f"image refused: {image} ({why}")
    assert head[4:] == ["rule: generic", "url: https://e.example/a"]
    as_json = json.loads(newsbot("extract", "https://e.example/a", "--json", *mapped).stdout)
    assert as_json["image"] is None
    assert as_json["images_refused"][0]["url"] == image
    assert as_json["images_refused"][0]["why"].startswith(why)


def test_an_image_a_run_would_show_is_printed_and_a_non_http_one_never(
    page_server: PageServer, fast: tuple[str, str]
) -> None:
    page_server.add("/ok", og_page("/img/lead.jpg"))  # on the mapped host: a run shows it
    page_server.add("/ftp", og_page("ftp://img.example.com/lead.jpg"))
    mapped = ("--host-map", f"e.example={page_server.origin}", *fast)
    ok = newsbot("extract", "https://e.example/ok", "--json", *mapped)
    got = json.loads(ok.stdout)
    assert got["image"] == "https://e.example/img/lead.jpg" and got["images_refused"] == []
    ftp = newsbot("extract", "https://e.example/ftp", *mapped)
    assert ftp.returncode == 0 and "image: -\nrule: generic" in ftp.stdout
    assert "ftp:" not in ftp.stdout


def test_the_image_shown_is_the_first_the_gate_lets_through(
    page_server: PageServer, fast: tuple[str, str]
) -> None:
    first = REFUSED[3][0]
    page = og_page(first).replace(
        "<title>", '<meta name="twitter:image" content="https://img.example.com/tw.jpg"><title>'
    )
    page_server.add("/a", page)
    mapped = ("--host-map", f"e.example={page_server.origin}", *fast)
    head = newsbot("extract", "https://e.example/a", *mapped).stdout.split("\n\n", 1)[0]
    assert head.splitlines()[2:4] == [
        "image: https://img.example.com/tw.jpg",
        f"image refused: {first} ({REFUSED[3][1]} (169.254.169.254))",
    ]
    got = json.loads(newsbot("extract", "https://e.example/a", "--json", *mapped).stdout)
    assert got["images"] == [first, "https://img.example.com/tw.jpg"]  # as the page names them
    assert got["image"] == "https://img.example.com/tw.jpg"
