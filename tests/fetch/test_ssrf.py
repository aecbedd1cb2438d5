"""SSRF end to end: list links and redirects point inside, in every form; nothing goes there.

A second loopback server stands for the inside network. Every list format the
sources read (Naver's three, Nate, Sina's JSON and HTML, etnews' feed and list)
links to it in every spelling, with thumbnails on, and a digest job reads the same
items' article pages; good articles' pages redirect to it in every spelling too.
It must receive no request, and its text must be in no post.
Catalogue: S10.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot import pipeline
from newsbot.config import Config, FetchConfig, OutputConfig, StateConfig
from newsbot.fetch import gate as gate_mod
from newsbot.jobs import load_jobs
from newsbot.models import RunReport
from tests.conftest import PageServer
from tests.servers.dns import fake_dns
from tests.servers.faults import FaultServer, respond, start_fault_server
from tests.servers.listpages import FORMATS, HOSTS, NOW, headline, when

SECRET = "INTERNAL-SECRET-4b1d"
# every spelling the list phase can tell is inside, without DNS
SPELLINGS = [
    "http://127.0.0.1:{port}/admin",
    "http://localhost:{port}/admin",
    "http://LOCALHOST.:{port}/admin",
    "http://0x7f000001:{port}/admin",
    "http://2130706433:{port}/admin",
    "http://0177.0.0.1:{port}/admin",
    "http://127.1:{port}/admin",
    "http://[::1]:{port}/admin",
    "http://[::ffff:127.0.0.1]:{port}/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://10.0.0.1/",
    "http://100.64.0.1/",
    "//127.0.0.1:{port}/protocol-relative",
]
GOOD = 6  # good items per list (every source's min_items is 5)


@pytest.fixture
def internal() -> Iterator[FaultServer]:
    server, stop = start_fault_server()
    page = f"<html><head><title>{SECRET}</title></head><body>{SECRET}</body></html>"
    server.routes["/admin"] = respond(200, page.encode())
    try:
        yield server
    finally:
        stop()


def serve(site: PageServer, internal: FaultServer) -> None:
    """Every format's list page, and the article pages of its good items."""
    inside = [s.format(port=internal.port) for s in SPELLINGS]
    # a name the resolver (standing in for DNS) puts inside: kept by the list, never connected
    inside.append(f"http://rebind.test:{internal.port}/admin")
    for name, (build, path, content_type, _table, article, fmt) in FORMATS.items():
        cards = [(article.format(n=n), "AI " + headline(name, n), when(fmt)) for n in range(GOOD)]
        cards += [(href, f"AI 내부 {i}", when(fmt)) for i, href in enumerate(inside)]
        site.add(path, build(cards), Content_Type=content_type)
        for n in range(GOOD):
            article_path = "/" + article.format(n=n).split("/", 3)[3]
            if n < len(inside) // 4:  # some articles' pages send the fetch inside
                site.add(article_path, b"", status=302, Location=inside[n * 4 % len(inside)])
            else:
                body = "<p>인공지능 AI 기사 본문입니다. 문장이 충분히 깁니다.</p>" * 8
                html = (
                    '<html><head><meta property="og:image" content="/img.jpg">'
                    f"<title>AI {n}</title></head><body><article>{body}</article></body></html>"
                )
                site.add(article_path, html)


def jobs(tmp: Path) -> Path:
    folder = tmp / "jobs"
    folder.mkdir()
    for i, (name, (*_, table, _article, _fmt)) in enumerate(FORMATS.items()):
        text = f'title = "{{date:%Y.%m.%d}} {name}"\nslug = "list-{i}"\nthumbnails = true\n'
        (folder / f"list-{i}.toml").write_text(text + f"[[sources]]\n{table}\n", encoding="utf-8")
    digest = (
        'title = "{date:%Y-%m-%d} AI"\nslug = "digest"\nstyle = "digest"\nallow_partial = true\n'
        '[digest]\nkeywords = ["AI"]\nmax_articles = 40\nmin_chars = 20\n'
    )
    mixed = ("naver-section", "nate", "sina-json", "etnews-rss")  # a job lists a source once
    tables = [f"[[sources]]\n{FORMATS[name][3]}\n" for name in mixed]
    (folder / "digest.toml").write_text(digest + "".join(tables), encoding="utf-8")
    return folder


def run(site: PageServer, tmp: Path) -> RunReport:
    cfg = Config(
        fetch=FetchConfig(host_delay=0.0, backoff=0.05, host_map=dict.fromkeys(HOSTS, site.origin)),
        output=OutputConfig(dir=tmp / "_posts", jobs_dir=tmp / "jobs"),
        state=StateConfig(path=tmp / "state.sqlite"),
    )
    report, _ = pipeline.run(load_jobs(tmp / "jobs"), NOW.date(), config=cfg, now=NOW)
    return report


def test_S10_nothing_inside_is_fetched_from_any_list_or_redirect(
    page_server: PageServer,
    internal: FaultServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate_mod, "resolve", fake_dns({"rebind.test": ["127.0.0.1"]}))
    serve(page_server, internal)
    jobs(tmp_path)
    report = run(page_server, tmp_path)
    assert internal.hits == []
    written = sorted((tmp_path / "_posts").glob("*.md"))
    assert len(written) == len(FORMATS) + 1, [(j.job, j.status, j.message) for j in report.jobs]
    text = "".join(p.read_text(encoding="utf-8") for p in written)
    assert SECRET not in text
    for spelling in SPELLINGS:  # no post links inside, however it was spelled
        host = spelling.split("//", 1)[1].split("/", 1)[0].format(port=internal.port)
        assert f"//{host}/" not in text, host
    for job in report.jobs:
        for src in job.sources:
            assert src.status == "ok", (job.job, src.source, src.message)
            assert src.items_dropped.get("non_public_host") == len(SPELLINGS), job.job
    digest = next(j for j in report.jobs if j.job == "digest").digest
    assert digest is not None and digest.failed.get("redirect_blocked", 0) >= 4
    assert digest.fetched > 0  # the good articles were read
