"""Real git remotes for the publish tests: a bare ``origin`` on disk, clones of it, a
remote that never answers, and killing a process with everything it started."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

IDENT = {
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run git in ``repo`` as a human would (the Tester identity); its stdout."""
    env = {**os.environ, **IDENT}
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


def make_origin(tmp_path: Path) -> Path:
    """A bare ``origin.git`` on branch main with a README and a _config.yml."""
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    seed = tmp_path / "seed"
    subprocess.run(["git", "clone", "-q", str(bare), str(seed)], check=True, capture_output=True)
    (seed / "README.md").write_text("blog\n")
    (seed / "_config.yml").write_text("title: blog\n")
    git(seed, "checkout", "-q", "-b", "main")
    git(seed, "add", "README.md", "_config.yml")
    git(seed, "commit", "-q", "-m", "init")
    git(seed, "push", "-q", "origin", "main")
    return bare


def clone(origin: Path, where: Path) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "-b", "main", str(origin), str(where)],
        check=True,
        capture_output=True,
    )
    return where


def push_file(origin: Path, work: Path, name: str, text: str, message: str) -> str:
    """Someone else commits ``name`` and pushes it to ``origin``; the new tip."""
    if not (work / ".git").exists():
        clone(origin, work)
    git(work, "pull", "-q", "--ff-only", "origin", "main")
    path = work / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(work, "add", name)
    git(work, "commit", "-q", "-m", message)
    git(work, "push", "-q", "origin", "main")
    return git(origin, "rev-parse", "main")


@contextmanager
def silent_remote() -> Iterator[str]:
    """An HTTP "git server" on 127.0.0.1 that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            held.append(conn)  # keep it open, say nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/blog.git"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        sock.close()


def processes_with(marker: str) -> list[str]:
    """Command lines of live processes that mention ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            found.append(cmd)
    return found


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_tree(proc: subprocess.Popen[str]) -> None:
    """kill -9 ``proc`` and everything it started, as a power cut or an OOM kill of the
    whole service would: nothing gets to clean up. Frozen first, so none can fork away."""
    frozen: set[int] = set()
    todo = [proc.pid]
    while todo:
        for pid in todo:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
            frozen.add(pid)
        todo = [p for p in descendants(proc.pid) if p not in frozen]
    for pid in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(0.1)
