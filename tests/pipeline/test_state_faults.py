"""The state store and the lock handled as what they are.

Busy is waited for, then exit 75; read-only and a full disk exit 1 with nothing
moved or lost; only real corruption is moved aside, never over an earlier
backup; a dry run never creates, moves or modifies the store; a run killed
between writing a post and recording it makes no later day repeat its items;
symlinks are refused for the lock and the store.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from newsbot.config import Config
from newsbot.jobs import Job
from tests.conftest import ROOT, PageServer
from tests.pipeline import sandbox
from tests.servers.pagegen import archive_page, article_url

ARCHIVE = "/breakingnews/section/105/230"
D1, D2 = date(2025, 2, 4), date(2025, 2, 5)
POST1, POST2 = "2025-02-04-krnews-it-20250204.md", "2025-02-05-krnews-it-20250205.md"
STORE = ".newsbot-state.sqlite"


def serve_day(server: PageServer, day: date, numbers: list[int]) -> None:
    server.add(f"{ARCHIVE}?date={day:%Y%m%d}", archive_page(numbers))


def args(server: PageServer, out: Path, day: date, *extra: str) -> list[str]:
    """``newsbot run`` for krnews-it on ``day`` against ``server``, posts in ``out``."""
    return [
        "run",
        "--date",
        day.isoformat(),
        "--job",
        "krnews-it",
        "--output",
        str(out),
        "--host-map",
        f"news.naver.com={server.origin}",
        *extra,
    ]


def newsbot(*argv: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m newsbot ARGV``; ``prelude`` is Python run first in the same process."""
    code = f"{prelude}\nimport sys\nfrom newsbot.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def links(path: Path) -> list[str]:
    return [
        line.split("](", 1)[1].rstrip(")")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("## [")
    ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{STORE}.corrupt-*"))


def rows(store: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.fixture
def one_day(page_server: PageServer, tmp_path: Path) -> Path:
    """A posts dir whose store knows one run of krnews-it (day 1: articles 1-5)."""
    serve_day(page_server, D1, [1, 2, 3, 4, 5])
    serve_day(page_server, D2, [4, 5, 6, 7, 8])
    out = tmp_path / "_posts"
    done = newsbot(*args(page_server, out, D1))
    assert done.returncode == 0, done.stderr
    return out


def test_F33_a_busy_store_is_waited_for_then_exit_75_with_nothing_moved(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    store = tmp_path / STORE
    before = rows(store, "SELECT * FROM runs")
    cfg = config_file(tmp_path, "[state]\nbusy_timeout = 0.5\n")
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the store
    try:
        start = time.monotonic()
        done = newsbot(*args(page_server, one_day, D2, "--config", str(cfg)))
        waited = time.monotonic() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 75, done.stderr
    assert "is busy" in done.stderr and str(store) in done.stderr and waited >= 0.5
    assert "Traceback" not in done.stderr and not backups(tmp_path)
    assert rows(store, "SELECT * FROM runs") == before and not (one_day / POST2).exists()


def test_a_store_released_while_waiting_is_used(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    store = tmp_path / STORE
    holder = sqlite3.connect(store, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        done = newsbot(*args(page_server, one_day, D2))  # default busy_timeout: 30 s
    finally:
        release.join()
        holder.close()
    assert done.returncode == 0, done.stderr
    assert links(one_day / POST2) == [article_url(n) for n in (6, 7, 8)]


def test_F33_a_read_only_store_exits_1_with_nothing_moved_or_written(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    sandbox.require_namespaces()
    state = tmp_path / "state"
    state.mkdir()
    (tmp_path / STORE).rename(state / STORE)
    cfg = config_file(tmp_path, f'[state]\npath = "{state / STORE}"\n')
    before = digest(state / STORE)
    run = sandbox.newsbot_cmd(*args(page_server, one_day, D2, "--config", str(cfg)))
    done = sandbox.read_only(state, f"{run}; echo rc=$?")
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "readonly database" in done.stderr and "nothing was moved" in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(state / STORE) == before and not backups(state)
    assert not (one_day / POST2).exists()  # refused before anything was fetched or written


def test_F33_a_full_disk_leaves_no_empty_store_and_no_traceback(
    page_server: PageServer, tmp_path: Path
) -> None:
    sandbox.require_namespaces()
    serve_day(page_server, D1, [1, 2, 3, 4, 5])
    disk, keep = tmp_path / "disk", tmp_path / "after"
    disk.mkdir()
    keep.mkdir()
    run = sandbox.newsbot_cmd(*args(page_server, disk / "_posts", D1))
    done = sandbox.full_disk(disk, f'eval "$FILL"; {run}; echo rc=$?; ls -A {disk} > {keep}/ls')
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "disk is full" in done.stderr and "Traceback" not in done.stderr
    assert (keep / "ls").read_text().split() == [".filler", ".newsbot.lock"]  # no store


def test_F33_a_full_disk_keeps_the_existing_store_whole(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    sandbox.require_namespaces()
    disk, keep = tmp_path / "disk", tmp_path / "after"
    disk.mkdir()
    keep.mkdir()
    seed = tmp_path / STORE
    history = rows(seed, "SELECT count(*) FROM runs")
    posts = shlex.quote(str(disk / "_posts"))
    run = sandbox.newsbot_cmd(*args(page_server, disk / "_posts", D2))
    script = (
        f"mkdir {posts} && cp {shlex.quote(str(one_day / POST1))} {posts}/ && "
        f"cp {shlex.quote(str(seed))} {disk}/ && "
        f'eval "$FILL"; {run}; echo rc=$?; cp -a {disk}/. {keep}/; rm -f {keep}/.filler'
    )
    done = sandbox.full_disk(disk, script, size="1m")
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "disk is full" in done.stderr and "Traceback" not in done.stderr
    kept = keep / STORE
    assert rows(kept, "SELECT count(*) FROM runs") == history  # history kept, nothing torn
    assert rows(kept, "PRAGMA integrity_check") == [("ok",)] and not backups(keep)
    assert not (keep / "_posts" / POST2).exists()


def test_S12_two_corrupt_stores_in_one_second_keep_both_backups(tmp_path: Path) -> None:
    from newsbot.pipeline import memory

    out = tmp_path / "_posts"
    cfg = Config.model_validate({"output": {"dir": str(out)}})
    job = Job.model_validate(
        {"name": "j", "title": "t", "slug": "j", "sources": [{"name": "naver"}]}
    )
    payloads = [b"first corrupt store " * 50, b"second corrupt store " * 50]
    for payload in payloads:
        (tmp_path / STORE).write_bytes(payload)
        store, notes = memory.open_store(cfg, [job])
        store.close()
        assert any("unreadable" in n for n in notes)
    kept = backups(tmp_path)
    assert sorted(p.read_bytes() for p in kept) == sorted(payloads)  # neither overwritten


class _Trap:
    """Unpickling this (or loading it as YAML with an unsafe loader) leaves a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_S12_a_hostile_state_file_is_never_loaded_as_code(
    page_server: PageServer, tmp_path: Path
) -> None:
    serve_day(page_server, D1, [1, 2, 3, 4, 5])
    out = tmp_path / "_posts"
    marker = tmp_path / "pwned"
    yaml = f"\n!!python/object/apply:os.system ['touch {marker}']\n".encode()
    payload = pickle.dumps(_Trap(marker)) + yaml
    (tmp_path / STORE).write_bytes(payload)
    done = newsbot(*args(page_server, out, D1))
    assert done.returncode == 0, done.stderr
    assert "unreadable" in done.stderr and "moved to" in done.stderr
    assert not marker.exists() and "python/object" not in done.stderr
    assert [p.read_bytes() for p in backups(tmp_path)] == [payload]


def test_S12_hostile_values_inside_a_valid_store_are_only_data(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    trap, yaml = pickle.dumps(_Trap(marker)), f"!!python/object/apply:os.system ['touch {marker}']"
    db = sqlite3.connect(tmp_path / STORE)
    with db:  # a cached LLM answer and a history message that are payloads
        db.execute("INSERT INTO summaries VALUES (?, 'm', 's', ?, 1, '')", (trap.hex(), yaml))
        db.execute("UPDATE source_runs SET message = ?", (yaml,))
    db.close()
    done = newsbot(*args(page_server, one_day, D2))
    assert done.returncode == 0, done.stderr
    assert links(one_day / POST2) == [article_url(n) for n in (6, 7, 8)]
    shown = subprocess.run(
        [sys.executable, "-m", "newsbot", "status", "--output", str(one_day), "--days", "3660"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode in (0, 2) and not marker.exists()


# kill -9 exactly where a run has written a post but not yet recorded it
KILL_BEFORE_RECORD = """
import os, signal
from newsbot.store import Store
def _die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
for name in ("record_post", "record"):
    if hasattr(Store, name):
        setattr(Store, name, _die)
"""


def test_F34_killed_between_writing_an_updated_post_and_recording_it(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    serve_day(page_server, D1, [1, 2, 3, 4, 5, 6, 7])  # 6 and 7 came out later on day 1
    killed = newsbot(*args(page_server, one_day, D1), prelude=KILL_BEFORE_RECORD)
    assert killed.returncode == -9
    assert links(one_day / POST1) == [article_url(n) for n in range(1, 8)]  # written, not recorded
    done = newsbot(*args(page_server, one_day, D2))  # day 2 still lists 4-7, and 8
    assert done.returncode == 0, done.stderr
    assert links(one_day / POST2) == [article_url(8)]


def test_a_dry_run_never_creates_moves_or_modifies_the_store(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    store = tmp_path / STORE
    # an older store (before items and posts), and a post it does not know yet
    (one_day / POST1).rename(tmp_path / "held")
    store.unlink()
    db = sqlite3.connect(store)
    from newsbot.store import MIGRATIONS

    for step in MIGRATIONS[:6]:
        db.execute(step)
    db.execute("PRAGMA user_version = 6")
    db.commit()
    db.close()
    (tmp_path / "held").rename(one_day / POST1)
    stat = store.stat()
    before = digest(store)
    done = newsbot(*args(page_server, one_day, D2, "--dry-run"))
    assert done.returncode == 0, done.stderr
    assert "## [" in done.stdout and article_url(4) not in done.stdout  # the post was read in
    assert digest(store) == before and store.stat().st_mtime_ns == stat.st_mtime_ns
    assert not list(tmp_path.glob(f"{STORE}-*"))  # no journal left either
    store.write_bytes(b"not a database at all" * 10)  # corrupt: a dry run leaves it there
    done = newsbot(*args(page_server, one_day, D2, "--dry-run"))
    assert done.returncode == 0 and "unreadable" in done.stderr, done.stderr
    assert store.read_bytes() == b"not a database at all" * 10 and not backups(tmp_path)
    store.unlink()  # none at all: a dry run creates none
    assert newsbot(*args(page_server, one_day, D2, "--dry-run")).returncode == 0
    assert not store.exists()


def test_a_symlinked_lock_is_refused_and_its_target_untouched(
    page_server: PageServer, tmp_path: Path
) -> None:
    serve_day(page_server, D1, [1, 2, 3, 4, 5])
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(victim, tmp_path / ".newsbot.lock")
    done = newsbot(*args(page_server, tmp_path / "_posts", D1))
    assert done.returncode == 1 and "lock file" in done.stderr, done.stderr
    assert "it is a symlink" in done.stderr
    assert victim.read_text() == "precious\n" and not (tmp_path / "_posts" / POST1).exists()
    os.unlink(tmp_path / ".newsbot.lock")
    os.link(victim, tmp_path / ".newsbot.lock")  # a hard link to it: refused too
    done = newsbot(*args(page_server, tmp_path / "_posts", D1))
    assert done.returncode == 1 and "hard link" in done.stderr, done.stderr
    assert victim.read_text() == "precious\n"


def test_a_symlinked_store_is_refused_and_its_target_untouched(
    page_server: PageServer, one_day: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "elsewhere.sqlite"
    (tmp_path / STORE).rename(victim)
    os.symlink(victim, tmp_path / STORE)
    before = digest(victim)
    done = newsbot(*args(page_server, one_day, D2))
    assert done.returncode == 1 and ": it is a symlink" in done.stderr, done.stderr
    assert digest(victim) == before and (tmp_path / STORE).is_symlink()
    assert not (one_day / POST2).exists()


def test_a_slug_or_post_name_with_a_trailing_newline_is_refused() -> None:
    from pydantic import ValidationError

    from newsbot.posts.files import parse_post_name

    with pytest.raises(ValidationError, match="slug"):
        Job.model_validate(
            {"name": "j", "title": "t", "slug": "krnews\n", "sources": [{"name": "naver"}]}
        )
    assert parse_post_name("2025-02-04-krnews-it-20250204.md\n") is None
    assert parse_post_name("2025-13-40-krnews-it-20251340.md") is None  # no such day
