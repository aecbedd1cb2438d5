"""The ``newsbot`` command: parse arguments, delegate to ``app``, map errors to exit codes.

Exit codes: 0 ok, 1 fatal, 2 partial (a source failed; healthy posts written),
64 bad command line or configuration, 75 another run holds the lock.
"""

from __future__ import annotations

import sys

from newsbot.cli.parser import build_parser
from newsbot.errors import NewsbotError

__all__ = ["build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsbot`` console script and ``python -m newsbot``."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except NewsbotError as exc:
        if getattr(args, "log_format", "text") == "json":
            from newsbot.report import runlog

            print(runlog.error(str(exc), exc.exit_code), file=sys.stderr)
        else:
            print(f"newsbot: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return code
