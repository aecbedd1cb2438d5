"""Page work (parsing, selector matching, extraction) in processes a deadline can stop.

lexbor's selector matching holds the GIL for as long as a page makes it work, and a
Python thread cannot be stopped, so work on a stranger's page runs in a process of
its own: one that overruns ``parse_timeout`` (or its source's budget) is killed and
only its own source fails, with ``timeout``. Processes come from a ``forkserver``
that imported the parsers once, so each costs a fork (~10 ms), not an interpreter.
The work is a module-level function of picklable arguments; its errors come back as
themselves (a ``SourceError`` with its status) or as ``unexpected_content``; a worker
ended by a run's stop signal (SIGINT, SIGTERM, SIGHUP: sent to the whole process group)
reports ``interrupted``. Work
that cannot be pickled runs in a thread instead, under the same deadline but not
stoppable. (multiprocessing pickles between newsbot's own processes; no file or
answer from the network is ever unpickled.)
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from newsbot.errors import FetchError, LayoutChanged, SourceError

T = TypeVar("T")
# imported once, by the forkserver. Each worker still imports the main script (the
# ``newsbot`` console script imports newsbot.cli, so that is preloaded too), so a script
# that calls newsbot needs the usual ``if __name__ == "__main__":`` guard.
_PRELOAD: set[str] = {"newsbot.cli"}
# what stops a whole process group (Ctrl-C, cron's or systemd's SIGTERM, a closed terminal's
# SIGHUP): a worker ended by one of them was stopped with the run, not broken by its page
STOPS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
_ERRORS: dict[str, type[SourceError]] = {
    "SourceError": SourceError,
    "FetchError": FetchError,
    "LayoutChanged": LayoutChanged,
}


def _context() -> Any:
    try:
        return multiprocessing.get_context("forkserver")
    except ValueError:  # no forkserver on this platform: threads only
        return None


_CONTEXT = _context()


def preload(*modules: str) -> None:
    """Have the forkserver import ``modules`` (those whose functions run in workers) once,
    instead of every worker; effective when called before the first worker starts."""
    _PRELOAD.update(modules)
    if _CONTEXT is not None:
        _CONTEXT.set_forkserver_preload(sorted(_PRELOAD))


def _serve(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the worker: run ``fn``, send back its result or what went wrong."""
    # Ctrl-C ends the worker as SIGTERM does (by the signal, not a KeyboardInterrupt), so
    # that the run can tell it was stopped, not broken (``_ending``)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        answer: tuple[Any, ...] = ("ok", fn(*args))
    except SourceError as exc:
        answer = ("source", type(exc).__name__, exc.source, exc.url, exc.message, exc.status)
    except Exception as exc:  # reported as the source's unexpected_content
        answer = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(answer)
    except Exception as exc:  # an answer that does not pickle
        conn.send(("error", f"{type(exc).__name__}: the result could not be sent back"))
    conn.close()


class Workers:
    """Runs page work for one run, each piece in its own process, at most ``timeout`` s."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._running: set[BaseProcess] = set()  # started, still watched by their task
        self._done: list[BaseProcess] = []  # handed back by their task, to be reaped
        self._lock = threading.Lock()  # workers are started from threads

    def warm(self) -> None:
        """Start the forkserver now, in the background, so the first page need not wait."""
        if _CONTEXT is not None:
            from multiprocessing import forkserver

            threading.Thread(target=forkserver.ensure_running, daemon=True).start()

    async def run(self, fn: Callable[..., T], *args: Any, source: str, url: str) -> T:
        """``fn(*args)`` in a worker; FetchError ``timeout`` when it takes too long."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._run(fn, args, source, url)
        except TimeoutError:
            message = f"reading the page took over parse_timeout {self.timeout}s; stopped"
            raise FetchError(source, url, message, status="timeout") from None

    async def _run(self, fn: Callable[..., T], args: tuple[Any, ...], source: str, url: str) -> T:
        if _CONTEXT is None:
            return await asyncio.to_thread(fn, *args)
        try:
            process, conn = await asyncio.to_thread(self._start, fn, args)
        except OSError as exc:  # out of processes or file descriptors
            message = f"no worker process could be started ({exc})"
            raise FetchError(source, url, message, status="unexpected_content") from None
        except Exception:  # the work does not pickle (a local function, a lambda)
            return await asyncio.to_thread(fn, *args)
        try:
            answer = await _receive(conn)
            if answer is None:  # it ended without a word: a crash, or a signal from outside
                answer = await asyncio.to_thread(_ending, process)
        finally:
            conn.close()
            self._stop(process)
        result: T = _result(answer, source, url)
        return result

    def _start(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[BaseProcess, Any]:
        self._reap()
        mine, theirs = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_serve, args=(theirs, fn, args), daemon=True)
        try:
            process.start()
        finally:
            theirs.close()
        with self._lock:
            self._running.add(process)
        return process, mine

    def _stop(self, process: BaseProcess) -> None:
        """Kill the worker if it still runs (an overrun), and hand it over to be reaped."""
        if process.exitcode is None:
            process.kill()
        with self._lock:
            self._running.discard(process)
            self._done.append(process)

    def _reap(self) -> None:
        """Release the workers that have exited (each holds a pipe to the forkserver)."""
        with self._lock:
            exited = [p for p in self._done if p.exitcode is not None]
            self._done = [p for p in self._done if p not in exited]
        for process in exited:
            process.close()

    def close(self) -> None:
        """Stop every worker still running and reap them all."""
        with self._lock:
            left, self._running, self._done = [*self._running, *self._done], set(), []
        for process in left:
            if process.exitcode is None:
                process.kill()
            process.join(1)
            if process.exitcode is not None:
                process.close()


async def _receive(conn: Connection) -> Any:
    """The worker's answer, waiting without blocking the event loop."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def readable() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(conn.fileno(), readable)
    try:
        await ready
    finally:
        loop.remove_reader(conn.fileno())
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None


def _ending(process: BaseProcess) -> tuple[str, str]:
    """The answer of a worker that ended without one, once it has ended (a second at most)."""
    process.join(1)
    code = process.exitcode
    if code is not None and -code in STOPS:
        # the signal that stops a run (Ctrl-C, SIGTERM to the process group) reached the
        # worker first: the run is being stopped, the page is not at fault
        return ("stopped", f"the worker process was stopped by {signal.Signals(-code).name}")
    return ("error", f"the worker process ended without an answer (killed or crashed, exit {code})")


def _result(answer: Any, source: str, url: str) -> Any:
    """The worker's result, or its error raised again here."""
    kind = answer[0]
    if kind == "ok":
        return answer[1]
    if kind == "source":
        name, src, where, message, status = answer[1:]
        raise _ERRORS.get(name, SourceError)(src, where, message, status=status)
    status = "interrupted" if kind == "stopped" else "unexpected_content"
    raise FetchError(source, url, answer[1], status=status)
