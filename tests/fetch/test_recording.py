"""Record a run against a loopback server, stop the server, replay: the same posts."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from newsbot.errors import RecordingError
from newsbot.fetch.recording import RecordingTransport, ReplayTransport
from tests.conftest import GOLDEN, PAGES, ROOT, PageServer, krnews

ARCHIVE = "/breakingnews/section/105/230"
ARCHIVE_PAGE = PAGES / "naver" / "breakingnews_105_230_20250204.html"
HEADLINE_PAGE = PAGES / "naver" / "section_105_headline_lazy_blind_dup.html"


def posts(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.md"))}


@pytest.fixture
def served(page_server: PageServer) -> PageServer:
    page_server.add(ARCHIVE, ARCHIVE_PAGE.read_bytes(), Content_Type="text/html; charset=UTF-8")
    page_server.add(
        "/section/105", HEADLINE_PAGE.read_bytes(), Content_Type="text/html; charset=UTF-8"
    )
    return page_server


@pytest.mark.parametrize("day", [["--date", "2025-02-04"], []], ids=["past-day", "today"])
def test_replay_with_the_server_stopped_gives_the_same_posts(
    served: PageServer, tmp_path: Path, day: list[str]
) -> None:
    tape = tmp_path / "tape"
    recorded = krnews(served, tmp_path / "a" / "_posts", *day, "--record", str(tape))
    assert recorded.returncode == 0, recorded.stderr
    served.stop()
    requests = len(served.log)
    replayed = krnews(served, tmp_path / "b" / "_posts", "--replay", str(tape))  # its own day
    assert replayed.returncode == 0, replayed.stderr
    assert posts(tmp_path / "b" / "_posts") == posts(tmp_path / "a" / "_posts") != {}
    assert len(served.log) == requests  # the replay asked the server nothing


def test_a_recording_kept_in_the_tests_replays_to_the_golden_post(tmp_path: Path) -> None:
    """The last step of the workflow: a recording in tests/recordings, no server, no host_map."""
    out = tmp_path / "_posts"
    cmd = [
        sys.executable,
        "-m",
        "newsbot",
        "run",
        "--job",
        "krnews-it",
        "--output",
        str(out),
        "--replay",
        str(ROOT / "tests" / "recordings" / "naver-105-20250204"),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    golden = GOLDEN / "2025-02-04-krnews-it-20250204.md"
    assert posts(out) == {golden.name: golden.read_bytes()}


def test_recording_layout_is_an_index_and_raw_bodies(served: PageServer, tmp_path: Path) -> None:
    tape = tmp_path / "tape"
    assert (
        krnews(
            served, tmp_path / "_posts", "--date", "2025-02-04", "--record", str(tape)
        ).returncode
        == 0
    )
    index = json.loads((tape / "index.json").read_text())
    assert index["format"] == "newsbot-recording/1" and index["recorded_at"]
    assert index["day"] == "2025-02-04"
    [entry] = index["entries"]
    assert entry["url"] == f"{served.origin}{ARCHIVE}?date=20250204"
    assert (entry["method"], entry["status"]) == ("GET", 200)
    assert "content-type: text/html; charset=UTF-8" in entry["headers"]
    assert entry["body"].startswith("bodies/") and entry["body"].endswith(".html")
    assert (tape / entry["body"]).read_bytes() == ARCHIVE_PAGE.read_bytes()


def test_replay_of_a_url_not_recorded_fails_clearly(served: PageServer, tmp_path: Path) -> None:
    tape = tmp_path / "tape"
    krnews(served, tmp_path / "a", "--date", "2025-02-04", "--record", str(tape))
    served.stop()
    report = tmp_path / "report.json"
    done = krnews(
        served,
        tmp_path / "b",
        "--date",
        "2025-02-03",
        "--replay",
        str(tape),
        "--report",
        str(report),
    )
    assert done.returncode == 1
    assert "not in the recording" in done.stderr and "20250203" in done.stderr
    src = json.loads(report.read_text())["jobs"][0]["sources"][0]
    assert src["status"] == "unreachable" and "is not in the recording" in src["message"]
    assert not list((tmp_path / "b").glob("*.md"))


def test_replay_needs_a_recording_and_excludes_record(
    tmp_path: Path, page_server: PageServer
) -> None:
    missing = krnews(page_server, tmp_path / "o", "--replay", str(tmp_path / "none"))
    assert missing.returncode == 64 and "no recording at" in missing.stderr
    both = krnews(page_server, tmp_path / "o", "--replay", "x", "--record", "y")
    assert both.returncode == 64 and "not allowed with" in both.stderr


def test_a_recording_with_a_body_missing_is_refused_before_anything_runs(
    served: PageServer, tmp_path: Path
) -> None:
    tape = tmp_path / "tape"
    recorded = krnews(
        served, tmp_path / "a" / "_posts", "--date", "2025-02-04", "--record", str(tape)
    )
    assert recorded.returncode == 0, recorded.stderr
    body = sorted((tape / "bodies").iterdir())[0]
    body.unlink()
    report = tmp_path / "report.json"
    replayed = krnews(
        served, tmp_path / "b" / "_posts", "--replay", str(tape), "--report", str(report)
    )
    assert replayed.returncode == 64, replayed.stderr
    assert (
        f"is incomplete: bodies/{body.name}" in replayed.stderr
        and "Traceback" not in replayed.stderr
    )
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").rglob("*.md"))


@pytest.mark.parametrize("name", ["../../index.json", "/etc/passwd", "bodies/../../x"])
def test_a_body_name_that_leaves_the_recording_is_refused_up_front(
    served: PageServer, tmp_path: Path, name: str
) -> None:
    tape = tmp_path / "tape"
    recorded = krnews(
        served, tmp_path / "a" / "_posts", "--date", "2025-02-04", "--record", str(tape)
    )
    assert recorded.returncode == 0, recorded.stderr
    index = json.loads((tape / "index.json").read_text())
    index["entries"][-1]["body"] = name  # a hand-edited or hostile index
    (tape / "index.json").write_text(json.dumps(index))
    replayed = krnews(served, tmp_path / "b" / "_posts", "--replay", str(tape))
    assert replayed.returncode == 64 and "bad body file name" in replayed.stderr, replayed.stderr
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").rglob("*.md"))


def test_repeated_urls_and_transport_errors_replay_in_order(tmp_path: Path) -> None:
    answers = iter(
        [
            httpx.Response(503, text="busy"),
            httpx.Response(200, text="ok"),
            httpx.Response(200, text="ok again"),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/down":
            raise httpx.ConnectTimeout("timed out", request=request)
        return next(answers)

    async def four_gets(
        transport: httpx.AsyncBaseTransport, paths: tuple[str, ...] = ("/a", "/a", "/down", "/a")
    ) -> list[object]:
        out: list[object] = []
        async with httpx.AsyncClient(transport=transport) as client:
            for path in paths:
                try:
                    out.append((await client.get(f"http://h{path}")).text)
                except httpx.TransportError as exc:
                    out.append(type(exc).__name__)
        return out

    async def five_gets(transport: httpx.AsyncBaseTransport) -> list[object]:
        return await four_gets(transport, ("/a", "/a", "/down", "/a", "/a"))

    recorder = RecordingTransport(httpx.MockTransport(handler), tmp_path)
    live = asyncio.run(four_gets(recorder))
    assert live == ["busy", "ok", "ConnectTimeout", "ok again"]
    assert asyncio.run(four_gets(ReplayTransport(tmp_path))) == live
    assert asyncio.run(five_gets(ReplayTransport(tmp_path)))[-1] == "ok again"  # last repeats
    assert sorted(p.name for p in (tmp_path / "bodies").iterdir())[0].endswith(".txt")

    async def unknown() -> None:
        async with httpx.AsyncClient(transport=ReplayTransport(tmp_path)) as client:
            await client.get("http://h/elsewhere")

    with pytest.raises(httpx.ConnectError, match="GET http://h/elsewhere is not in the recording"):
        asyncio.run(unknown())


def test_a_request_cut_off_by_the_deadline_replays_as_a_timeout(tmp_path: Path) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    async def get(transport: httpx.AsyncBaseTransport) -> None:
        async with httpx.AsyncClient(transport=transport) as client, asyncio.timeout(0.05):
            await client.get("http://h/slow")

    with pytest.raises(TimeoutError):
        asyncio.run(get(RecordingTransport(httpx.MockTransport(slow), tmp_path)))
    with pytest.raises(httpx.ReadTimeout, match="deadline"):
        asyncio.run(get(ReplayTransport(tmp_path)))


def test_writing_into_a_file_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(RecordingError, match="cannot record to"):
        RecordingTransport(httpx.MockTransport(lambda r: httpx.Response(200)), tmp_path / "f")
