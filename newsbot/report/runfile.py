"""The ``--report PATH`` file: written whole or not at all, however the run stopped.

A run's own report comes from ``RunReport.to_json``; a run stopped by an error or
a signal adds ``error`` (redacted: it may quote a URL) and its exit code to what it
knew by then (nothing but the time when it stopped before any job ran).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from newsbot.dates import KST
from newsbot.models import RunReport
from newsbot.redact import redact


def stopped(report: RunReport | None, *, exit_code: int, error: str) -> str:
    """The JSON of a run that stopped with ``exit_code`` for ``error``: ``report``'s
    jobs and notes (none when it had none yet), ``exit_code`` and ``error`` on top."""
    if report is None:
        data = {"started_at": datetime.now(KST).isoformat(), "notes": [], "jobs": []}
    else:
        data = json.loads(report.to_json())
    head = {"started_at": data.pop("started_at"), "exit_code": exit_code, "error": redact(error)}
    data.pop("exit_code", None)
    return json.dumps(head | data, ensure_ascii=False, indent=2)


def write(target: str, text: str) -> None:
    """``text`` to ``target`` (``-``: stdout) through a temp file renamed over it, so a
    reader never sees half a report; OSError when the path cannot be written."""
    if target == "-":
        print(text)
        return
    path = Path(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".newsbot-report-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:  # a second Ctrl-C too: leave no temp file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
