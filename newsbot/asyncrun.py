"""``run``: ``asyncio.run`` that a Ctrl-C or a SIGTERM cannot leave half set up.

A Ctrl-C that lands inside ``asyncio.run``'s own setup, after it made its event loop and
before it started the coroutine, leaves both behind: the loop unclosed and the coroutine
never awaited, and the interpreter prints a warning and a traceback about each on the way
out. Here the coroutine is closed and such a loop is closed before the interrupt goes on.

Within ``sigterm_as_interrupt()`` a SIGTERM (what cron, systemd and CI send to stop a
job) is handled as a Ctrl-C is: inside ``run`` the coroutine is cancelled and unwinds,
then ``Terminated`` (a KeyboardInterrupt) is raised; anywhere else it is raised at once.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")


class Terminated(KeyboardInterrupt):
    """SIGTERM stopped the command; caught wherever a Ctrl-C is."""

    signum = signal.SIGTERM


class _Stop:
    """The SIGTERM handler, and the coroutine ``run`` is running when it comes."""

    def __init__(self) -> None:
        self.task: asyncio.Task[Any] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.signalled = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        task, loop = self.task, self.loop
        if task is None or loop is None or self.signalled or task.done():
            raise Terminated  # outside the loop, or a second signal: stop here
        self.signalled = True
        task.cancel()
        loop.call_soon_threadsafe(lambda: None)  # wake a select() with a long timeout


_stop: _Stop | None = None  # set inside sigterm_as_interrupt()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """For the block, SIGTERM stops the command as a Ctrl-C does (main thread only)."""
    global _stop
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stop = _Stop()
    previous = signal.signal(signal.SIGTERM, stop)
    _stop = stop
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop = None


def signal_of(exc: BaseException) -> int:
    """The signal that raised ``exc``: SIGTERM for ``Terminated`` (or what carries one)."""
    return int(getattr(exc, "signum", signal.SIGINT))


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)``; on an interrupt, nothing is left open behind it."""
    stop = _stop if threading.current_thread() is threading.main_thread() else None
    main = _watched(coro, stop) if stop is not None else coro
    try:
        done = asyncio.run(main)
    except BaseException as exc:
        main.close()  # no-op once it ran; one never started is not warned about
        coro.close()
        # cancelled by the SIGTERM (or failing as it unwound): the command stops
        terminated = stop is not None and stop.signalled and not isinstance(exc, KeyboardInterrupt)
        if terminated or isinstance(exc, KeyboardInterrupt):
            _close_abandoned_loops()
        if terminated:
            raise Terminated from None
        raise
    if stop is not None and stop.signalled:  # the coroutine ended anyway: still stop
        raise Terminated
    return done


async def _watched(coro: Coroutine[Any, Any, T], stop: _Stop) -> T:
    """``coro``, with ``stop`` knowing the task and loop to cancel on a SIGTERM."""
    stop.task, stop.loop = asyncio.current_task(), asyncio.get_running_loop()
    try:
        return await coro
    finally:
        stop.task = stop.loop = None


def _close_abandoned_loops() -> None:
    """Close loops that are neither running nor closed (asyncio.run keeps no handle on one
    it made before the interrupt)."""
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    for loop in loops:
        if not loop.is_running() and not loop.is_closed():
            loop.close()
