"""Progress of long work (backfill): a rich bar on a terminal, plain lines otherwise.

A log file or a CI step gets one line per day and job, never a redrawn bar, so
what cron mails and what Actions shows stays readable and greppable.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class DayProgress:
    """Counts days done out of ``total``; ``line`` says what happened on each."""

    def __init__(self, total: int, stream: TextIO | None = None, *, tty: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> DayProgress:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(file=self.stream, force_terminal=True, highlight=False)
            self._bar = Progress(
                TextColumn("backfill {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)

    def start(self, day: object) -> None:
        """The bar names the day being worked on."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=str(day))

    def line(self, text: str) -> None:
        """A line that stays: above the bar on a terminal, plain otherwise."""
        if self._bar is not None:
            from rich.text import Text

            self._bar.console.print(Text(text), soft_wrap=True)
        else:
            print(text, file=self.stream, flush=True)

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)
