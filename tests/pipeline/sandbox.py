"""Real filesystem faults for state-store tests: a full disk and a read-only directory.

Both are made in a user and mount namespace (``unshare -rm``): a small tmpfs that
fills up for ENOSPC, a read-only bind mount for EROFS. No root needed where
unprivileged user namespaces are allowed; tests skip with the reason elsewhere.
"""

from __future__ import annotations

import functools
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@functools.cache
def namespaces() -> str:
    """ "" when ``unshare -rm`` can mount a tmpfs here, else why not."""
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt 2>&1 || true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0 or probe.stdout.strip():
        return f"no unprivileged mount namespace: {(probe.stderr or probe.stdout).strip()}"
    return ""


def require_namespaces() -> None:
    why = namespaces()
    if why:
        pytest.skip(f"filesystem faults need unshare -rm: {why}")


def newsbot_cmd(*args: str) -> str:
    """``python -m newsbot ARGS`` as a shell word list."""
    return shlex.join([sys.executable, "-m", "newsbot", *args])


def full_disk(mount: Path, script: str, *, size: str = "256k") -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with a ``size`` tmpfs on ``mount``; ``$FILL`` fills it up."""
    fill = f"dd if=/dev/zero of={shlex.quote(str(mount))}/.filler bs=4k 2>/dev/null || true"
    return _unshare(f"mount -t tmpfs -o size={size} none {shlex.quote(str(mount))}", script, fill)


def read_only(directory: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with ``directory`` bind-mounted read-only over itself."""
    d = shlex.quote(str(directory))
    return _unshare(f"mount --bind {d} {d} && mount -o remount,bind,ro {d}", script, "true")


def _unshare(setup: str, script: str, fill: str) -> subprocess.CompletedProcess[str]:
    body = f"{setup}\nFILL={shlex.quote(fill)}\n{script}"
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", body],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
