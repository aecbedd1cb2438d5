"""``run``: ``asyncio.run`` that a Ctrl-C cannot leave half set up.

A Ctrl-C that lands inside ``asyncio.run``'s own setup, after it made its event loop and
before it started the coroutine, leaves both behind: the loop unclosed and the coroutine
never awaited, and the interpreter prints a warning and a traceback about each on the way
out. Here the coroutine is closed and such a loop is closed before the interrupt goes on.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)``; on an interrupt, nothing is left open behind it."""
    try:
        return asyncio.run(coro)
    except BaseException as exc:
        coro.close()  # no-op once it ran; one never started is not warned about
        if isinstance(exc, KeyboardInterrupt):
            _close_abandoned_loops()
        raise


def _close_abandoned_loops() -> None:
    """Close loops that are neither running nor closed (asyncio.run keeps no handle on one
    it made before the interrupt)."""
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    for loop in loops:
        if not loop.is_running() and not loop.is_closed():
            loop.close()
