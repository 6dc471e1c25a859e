"""Progress on stderr for the long phases of a run (reading, computing, writing), in a terminal only.

The engine does no terminal I/O and reports no progress from inside a call, so a phase is one call and its
bar is indeterminate: the phase's name and the time it has taken so far. A bar appears only once a phase
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
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
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

    def arm(self) -> None:
        self.thread.start()

    def _draw(self) -> None:
        if self.done.wait(self.delay):
            return
        self.progress.add_task(self.name, total=None, began=self.began)
        self.progress.start()
        self.started = True
        while not self.done.wait(1 / REFRESH_PER_SECOND):
            self.progress.refresh()

    def close(self) -> None:
        self.done.set()
        # Joined before the bar is erased, so the thread never draws after (or while) it is stopped.
        self.thread.join()
        if self.started:
            self.progress.stop()
