"""``asyncrun``: a SIGTERM inside ``sigterm_as_interrupt()`` stops the command as a Ctrl-C does.

Real signals, sent to this process (pytest runs tests in the main thread); the
end-to-end case, a ``newsbot run`` killed while a feed hangs, is in
``tests/cli/test_interrupt_report.py``.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal

import pytest

from newsbot import asyncrun


def _sigterm_soon(loop: asyncio.AbstractEventLoop) -> None:
    loop.call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)


def test_a_sigterm_in_the_loop_cancels_the_coroutine_then_raises_terminated() -> None:
    unwound: list[str] = []

    async def hang() -> None:
        _sigterm_soon(asyncio.get_running_loop())
        try:
            await asyncio.sleep(30)
        finally:
            await asyncio.sleep(0)  # cleanup still gets to await
            unwound.append("finally")

    before = signal.getsignal(signal.SIGTERM)
    with asyncrun.sigterm_as_interrupt(), pytest.raises(asyncrun.Terminated) as stopped:
        asyncrun.run(hang())
    assert unwound == ["finally"]
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert asyncrun.signal_of(stopped.value) == signal.SIGTERM
    assert asyncrun.signal_of(KeyboardInterrupt()) == signal.SIGINT
    assert signal.getsignal(signal.SIGTERM) is before  # put back after the block


def test_a_sigterm_outside_the_loop_raises_terminated_at_once() -> None:
    with asyncrun.sigterm_as_interrupt(), pytest.raises(asyncrun.Terminated):
        signal.raise_signal(signal.SIGTERM)
        pytest.fail("the signal did not stop the block")


def test_a_coroutine_that_swallows_the_cancel_still_ends_in_terminated() -> None:
    async def stubborn() -> str:
        _sigterm_soon(asyncio.get_running_loop())
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            return "carried on"
        return "slept"

    with asyncrun.sigterm_as_interrupt(), pytest.raises(asyncrun.Terminated):
        asyncrun.run(stubborn())


def test_a_second_sigterm_while_unwinding_stops_at_once() -> None:
    async def slow_cleanup() -> None:
        loop = asyncio.get_running_loop()
        _sigterm_soon(loop)
        try:
            await asyncio.sleep(30)
        finally:
            _sigterm_soon(loop)
            await asyncio.sleep(30)  # a cleanup that hangs: the second signal ends it

    with asyncrun.sigterm_as_interrupt(), pytest.raises(asyncrun.Terminated):
        asyncrun.run(slow_cleanup())
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    assert not [loop for loop in loops if not loop.is_closed()]  # none left open


def test_without_the_block_run_is_plain_asyncio_run() -> None:
    async def cancelled() -> None:
        raise asyncio.CancelledError

    assert asyncrun.run(asyncio.sleep(0, "done")) == "done"
    with pytest.raises(asyncio.CancelledError):
        asyncrun.run(cancelled())
