"""How a command ends: what it says on stderr, the ``--report`` file, a signal's exit code.

Exit codes of a signal are 128 + its number, as a shell reports them: Ctrl-C (SIGINT)
130 ``interrupted``, SIGTERM 143 ``interrupted by SIGTERM``. The report file is written
whole (``report.runfile``) whatever stopped the command; a path that cannot take it
is named with what to fix.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from newsbot.errors import UsageError

if TYPE_CHECKING:
    from newsbot.models import RunReport


def stop_status(exc: BaseException) -> tuple[int, str]:
    """Exit code and message of a command a signal stopped: Ctrl-C 130 ``interrupted``,
    SIGTERM 143 ``interrupted by SIGTERM``."""
    from newsbot import asyncrun

    signum = asyncrun.signal_of(exc)
    by = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
    return 128 + signum, f"interrupted{by}"


def say(args: argparse.Namespace, message: str, code: int, *, error: bool = True) -> None:
    """``newsbot: error: MESSAGE`` (``newsbot: MESSAGE`` for a signal) on stderr, or a
    JSON ``error`` event with ``--log-format json``."""
    if getattr(args, "log_format", "text") == "json":
        from newsbot.report import runlog

        print(runlog.error(message, code), file=sys.stderr)
    else:
        print(f"newsbot: {'error: ' if error else ''}{message}", file=sys.stderr)


def write_stopped(target: str | None, report: RunReport | None, code: int, message: str) -> None:
    """``--report`` of a command stopped with ``code`` for ``message``, with what it did
    (``report``; None: nothing yet); a path that cannot take it is said, once."""
    if not target:
        return
    from newsbot.report import runfile

    try:
        runfile.write(target, runfile.stopped(report, exit_code=code, error=message))
    except OSError as exc:
        if target not in message:  # else the error was that path: said once is enough
            print(f"newsbot: {report_error(target, exc)}", file=sys.stderr)


def interrupted(args: argparse.Namespace, report: RunReport | None, exc: BaseException) -> int:
    """Say the run was stopped, and still write ``--report`` (exit 130, or 143 on SIGTERM)."""
    code, message = stop_status(exc)
    say(args, message, code, error=False)
    write_stopped(args.report, report, code, message)
    return code


def write_report(target: str, text: str) -> None:
    """The report of a command that ran to its end; UsageError if PATH refuses it."""
    from newsbot.report import runfile

    try:
        runfile.write(target, text)
    except OSError as exc:
        raise UsageError(report_error(target, exc)) from None


def report_error(target: str, exc: OSError) -> str:
    """``cannot write report to PATH: why``, a missing folder named as such."""
    from newsbot.app import missing_folder

    folder = Path(target).parent
    why = (exc.strerror or str(exc)) if folder.is_dir() else missing_folder(folder)
    return f"cannot write report to {target}: {why}"
