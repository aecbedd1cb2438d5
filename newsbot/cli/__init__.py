"""The ``newsbot`` command: parse arguments, delegate to ``app``, map errors to exit codes.

Exit codes: 0 ok (nothing new included), 1 fatal (also an operating-system error:
a path that cannot be read or written, named), 2 partial (a source failed; healthy
posts written), 64 bad command line or configuration (nothing fetched), 75 another
run holds the lock, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM (``run`` and
``backfill`` take it as a Ctrl-C; the daemon stops after its running job, exit 0).
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from newsbot.cli.parser import build_parser
from newsbot.errors import NewsbotError

__all__ = ["build_parser", "main"]

EX_FATAL = 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsbot`` console script and ``python -m newsbot``."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except NewsbotError as exc:
        return _fail(args, str(exc), exc.exit_code)
    except OSError as exc:  # a path the user gave cannot be used: say which, no traceback
        return _fail(args, os_message(exc), EX_FATAL)
    except KeyboardInterrupt as exc:  # one the command did not catch (a second signal)
        from newsbot.cli.reporting import stop_status

        code, why = stop_status(exc)
        print(f"newsbot: {why}", file=sys.stderr)
        return code
    return code


def os_message(exc: OSError) -> str:
    """``PATH: what is wrong``; a file where a folder must be is said in those words."""
    where = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    what = exc.strerror or str(exc)
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) and exc.filename is not None:
        path = Path(exc.filename)  # mkdir or open through a regular file: name that file
        blocker = next((p for p in (path, *path.parents) if p.is_file()), path)
        what = f"{blocker} is a file, where newsbot needs a directory"
    return f"{where}: {what}" if where else what


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    """Say why the command stopped (text or a JSON ``error`` event), and write the
    ``--report`` file if one was asked for, so a scheduler always has one (whole, through
    a temp file: an old report is replaced, never left half written). A command that
    set ``args.report_so_far`` (backfill) has its work until then in it."""
    from newsbot.cli import reporting

    so_far = getattr(args, "report_so_far", None)
    report = so_far() if so_far is not None else None
    reporting.say(args, message, code)
    reporting.write_stopped(getattr(args, "report", None), report, code, message)
    return code
