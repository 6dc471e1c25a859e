"""Progress on stderr for the long phases of a run (reading, computing, writing), in a terminal only.

The engine does no terminal I/O. Reading reports how far it has come through a callback (the bytes of the
input read so far, ``ownership.readers.progress``), so its bar shows the megabytes done of the total and the
time left at the rate so far (``run_measured``); once everything is read and the reader is still building
its tables, the bar says so and shows the time taken. Computing and writing report nothing from inside the
call, so their bars are indeterminate: the phase's name and the time it has taken. A bar appears only once a phase
has run for ``DELAY_SECONDS``, so a quick run on a small file prints nothing extra; it is transient (erased
when the phase ends), so what stays on the terminal, and everything that goes to a pipe or a log, is the
same as without it. Nothing is shown when stderr is not a terminal or with ``--quiet``; nothing ever goes
to stdout.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

T = TypeVar("T")

#: A phase shows its bar once it has run this long (seconds).
DELAY_SECONDS = 1.0
#: Redraws per second while a bar is shown (the spinner and the elapsed time).
REFRESH_PER_SECOND = 10
#: None asks stderr whether it is a terminal; tests set True (or False) to decide it themselves.
FORCE_TERMINAL: bool | None = None


def stderr_is_terminal() -> bool:
    """Whether stderr is an interactive terminal able to redraw a line (not a pipe, file or dumb terminal).

    rich's own test also answers yes to ``FORCE_COLOR``, which CI jobs set for coloured logs; a redrawn bar
    would leave its control codes in such a log, so this asks the stream itself.
    """
    if FORCE_TERMINAL is not None:
        return FORCE_TERMINAL
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return False
    return interactive and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


class _Elapsed(ProgressColumn):
    """Time since the phase began (the bar itself only appears ``DELAY_SECONDS`` later)."""

    def render(self, task: Task) -> Text:
        seconds = int(time.monotonic() - float(task.fields["began"]))
        return Text(f"{seconds // 60}:{seconds % 60:02d}", style="progress.elapsed")


class _Amount(ProgressColumn):
    """``12.3/45.6 MB`` once the phase has reported how far it is (rows and the like in numbers); nothing
    before."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        if task.fields.get("unit") == "bytes":
            # One unit for both figures, the total's: "0.3/1.2 GB", "12.5/80.0 MB", "4.0/20.0 kB".
            size, name = next((u for u in ((1e9, "GB"), (1e6, "MB")) if task.total >= u[0]), (1e3, "kB"))
            return Text(f"{task.completed / size:,.1f}/{task.total / size:,.1f} {name}", style="progress.download")
        return Text(f"{task.completed:,.0f}/{task.total:,.0f} {task.fields.get('unit', '')}", style="progress.download")


class _Left(TimeRemainingColumn):
    """The time left at the rate so far, while there is some; nothing for a phase that does not say how far
    it is, or once everything is read (the reader is then finishing its tables: only the elapsed time shows)."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.completed >= task.total:
            return Text("")
        left = super().render(task)
        return Text(f"{left.plain} left", style="progress.remaining")


class Phases:
    """Runs the phases of one command, each with a delayed, transient bar on ``console``.

    Args:
        console: where bars are drawn (stderr); None when bars are off.
        delay: seconds a phase runs before its bar appears.
    """

    def __init__(self, console: Console | None, delay: float = DELAY_SECONDS) -> None:
        self.console, self.delay = console, delay

    @classmethod
    def on_stderr(cls, quiet: bool) -> Phases:
        """Bars on stderr when it is a terminal and the run is not ``--quiet``; otherwise none."""
        if quiet or not stderr_is_terminal():
            return cls(None)
        return cls(Console(stderr=True, force_terminal=True, force_interactive=True, highlight=False), DELAY_SECONDS)

    def run(self, name: str, call: Callable[[], T]) -> T:
        """``call()`` as the phase ``name``; its result, or its exception once the bar is gone."""
        with self.phase(name):
            return call()

    def run_measured(self, name: str, call: Callable[[Callable[[int, int, str], None] | None], T]) -> T:
        """``call(report)`` as the phase ``name``, where ``call`` tells ``report(done, total, unit)`` how far
        it is (from any thread); ``report`` is None when no bar is shown, so the work measures nothing."""
        if self.console is None:
            return call(None)
        bar = _DelayedBar(self.console, name, self.delay)
        bar.arm()
        try:
            return call(bar.report)
        finally:
            bar.close()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """The body of the ``with`` block as the phase ``name``.

        A timer thread starts the bar if the body is still running after ``delay``; on the way out (also
        when the body raises, or on Ctrl-C) the timer is cancelled and joined and the bar stopped and
        erased, so no thread outlives the phase and an error line printed afterwards stands alone.
        """
        if self.console is None:
            yield
            return
        bar = _DelayedBar(self.console, name, self.delay)
        bar.arm()
        try:
            yield
        finally:
            bar.close()


class _DelayedBar:
    """One phase's bar, drawn by a thread of its own: it waits ``delay``, then redraws the bar ten times a
    second until the phase ends. rich's auto-refresh thread is not used because rich does not join it."""

    def __init__(self, console: Console, name: str, delay: float) -> None:
        self.name, self.delay = name, delay
        self.began = time.monotonic()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            _Amount(),
            _Left(),
            _Elapsed(),
            console=console,
            auto_refresh=False,
            transient=True,
            # Live would otherwise swap sys.stdout for a proxy that prints through this (stderr) console.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.done = threading.Event()
        self.started = False
        self.thread = threading.Thread(target=self._draw, name=f"progress: {name}", daemon=True)
        #: The latest (done, total, unit) reported, applied by the drawing thread at its next redraw (the
        #: reporting thread only stores it: it may report before the bar exists, and must not wait for it).
        self.latest: tuple[int, int, str] | None = None

    def report(self, done: int, total: int, unit: str) -> None:
        """How far the phase is; kept for the next redraw."""
        self.latest = (done, total, unit)

    def arm(self) -> None:
        self.thread.start()

    def _draw(self) -> None:
        if self.done.wait(self.delay):
            return
        task = self.progress.add_task(self.name, total=None, began=self.began, unit="")
        self.progress.start()
        self.started = True
        shown: tuple[int, int, str] | None = None
        while True:
            latest = self.latest
            if latest is not None and latest != shown:
                done, total, unit = latest
                finishing = total > 0 and done >= total
                description = f"{self.name} (read; building the tables)" if finishing else self.name
                self.progress.update(task, completed=done, total=total, unit=unit, description=description)
                shown = latest
            self.progress.refresh()
            if self.done.wait(1 / REFRESH_PER_SECOND):
                return

    def close(self) -> None:
        self.done.set()
        # Joined before the bar is erased, so the thread never draws after (or while) it is stopped.
        self.thread.join()
        if self.started:
            self.progress.stop()
