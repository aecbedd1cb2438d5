"""Page work in worker processes: an overrun is killed, the event loop never waits.

Catalogue: S14.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from newsbot.errors import FetchError, LayoutChanged
from newsbot.fetch.workers import Workers


def spin(pid_file: str) -> None:
    """Work that never ends, holding the CPU (and in lexbor's case, the GIL)."""
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        pass


def layout_changed() -> None:
    raise LayoutChanged("naver", "https://news.naver.com/x", "no items matched selector item")


def broken() -> None:
    raise ValueError("a bug no check foresaw")


def double(x: int) -> int:
    return 2 * x


def signalled(signum: int) -> None:
    """The worker ends by ``signum`` mid-page, as a whole process group does when stopped."""
    os.kill(os.getpid(), signum)
    time.sleep(5)


def crashed() -> None:
    os._exit(3)


def gone(pid_file: Path) -> bool:
    """Whether the worker that wrote ``pid_file`` has ended (give the kill a moment)."""
    pid = int(pid_file.read_text())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def run(workers: Workers, fn: Any, *args: Any) -> Any:
    async def go() -> Any:
        try:
            return await workers.run(fn, *args, source="twin", url="https://news.twin.test/")
        finally:
            workers.close()

    return asyncio.run(go())


def test_S14_an_overrun_is_killed_and_fails_with_timeout(tmp_path: Path) -> None:
    pid_file, workers = tmp_path / "pid", Workers(1.0)

    async def go() -> None:
        await workers.run(spin, str(pid_file), source="twin", url="https://news.twin.test/")

    try:
        with pytest.raises(FetchError) as err:
            asyncio.run(go())
        assert err.value.status == "timeout" and "parse_timeout" in err.value.message
        assert gone(pid_file)  # at once, not only when the run ends
    finally:
        workers.close()


def test_S14_the_event_loop_runs_on_while_a_page_is_read(tmp_path: Path) -> None:
    ticks = 0

    async def go() -> None:
        nonlocal ticks
        workers = Workers(1.0)

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beat = asyncio.create_task(ticker())
        with pytest.raises(FetchError):
            await workers.run(spin, str(tmp_path / "pid"), source="twin", url="u")
        beat.cancel()
        workers.close()

    asyncio.run(go())
    assert ticks >= 30  # a parse on the loop (or holding the GIL) would leave ~0


def test_a_budget_running_out_kills_the_worker(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    async def go() -> None:
        workers = Workers(30.0)
        try:
            async with asyncio.timeout(1.0):  # the source budget
                await workers.run(spin, str(pid_file), source="twin", url="u")
        finally:
            workers.close()

    with pytest.raises(TimeoutError):
        asyncio.run(go())
    assert gone(pid_file)


def test_errors_come_back_as_themselves_or_as_unexpected_content() -> None:
    with pytest.raises(LayoutChanged) as changed:
        run(Workers(5.0), layout_changed)
    assert changed.value.status == "parse_empty" and changed.value.source == "naver"
    with pytest.raises(FetchError) as err:
        run(Workers(5.0), broken)
    assert err.value.status == "unexpected_content"
    assert "ValueError: a bug no check foresaw" in err.value.message


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_worker_stopped_by_a_runs_stop_signal_is_interrupted_not_a_broken_page(
    signum: int,
) -> None:
    """cron's, systemd's or a terminal's stop signal goes to the whole process group: a worker
    it ends first did not fail on its page. Its source is ``interrupted``, as the stopped run
    reports every source it did not finish; a worker that crashed is the page's problem."""
    with pytest.raises(FetchError) as stopped:
        run(Workers(5.0), signalled, signum)
    assert stopped.value.status == "interrupted", stopped.value.message
    assert signal.Signals(signum).name in stopped.value.message
    for fn, args in ((crashed, ()), (signalled, (signal.SIGKILL,))):
        with pytest.raises(FetchError) as died:
            run(Workers(5.0), fn, *args)
        assert died.value.status == "unexpected_content", died.value.message
        assert "killed or crashed" in died.value.message


def test_results_come_back_and_unpicklable_work_runs_in_a_thread() -> None:
    assert run(Workers(5.0), double, 21) == 42
    assert run(Workers(5.0), lambda: 7) == 7
