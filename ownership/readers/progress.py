"""How far a read has come, told to a callback the caller gives (the library itself draws nothing).

``ownership.api.read(path, progress=callback)`` opens a ``Meter`` over the input's size in bytes; the readers
call ``advance`` as they get through it (the row reader per block of records, the xlsx scan per block of
rows, the columnar reader per file parsed), and the callback receives ``(done, total, unit)``. What it
receives only grows, never passes ``total``, and ends at ``total`` once the read has succeeded. A reader
that steps aside for another (the columnar reader declining a file the row reader then reads) calls
``again``: the second pass fills the rest of the bar rather than starting it over.

The meter lives in a context variable, so readers need no extra argument and a read without a callback
costs one lookup per report. Work running in other threads (Arrow's, a thread pool's) takes the meter with
``current()`` first, since context variables do not follow a task into a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: ``callback(done, total, unit)``: ``done`` of ``total`` units ("bytes") read so far.
Callback = Callable[[int, int, str], None]

#: At most this many reports reach the callback over a whole read (besides the last): a reader may call
#: ``advance`` per block of rows, and the callback need not hear of every one.
_STEPS = 1000


class Meter:
    """The progress of one read: ``done`` of ``total`` units, only ever growing.

    Args:
        callback: told ``(done, total, unit)`` as the read advances; called from the reader's thread.
        total: the input's size in ``unit`` (at least 1).
        unit: what is counted ("bytes").
    """

    def __init__(self, callback: Callback, total: int, unit: str = "bytes") -> None:
        self.callback, self.total, self.unit = callback, max(1, total), unit
        self.done = 0
        self._lock = threading.Lock()
        self._counted = 0  # what this pass has counted, in units of the input
        self._base = 0  # where this pass began on the bar
        self._told = -1

    def advance(self, amount: int) -> None:
        """``amount`` more units of the input read in this pass."""
        if amount <= 0:
            return
        with self._lock:
            self._counted += amount
            room = self.total - self._base
            done = min(self.total, self._base + self._counted * room // self.total)
            if done <= self.done:
                return
            self.done = done
            if done - self._told < self.total // _STEPS and done < self.total:
                return
            self._told = done
        self.callback(done, self.total, self.unit)

    def again(self) -> None:
        """A new pass over the same input begins (another reader reads it): it fills the rest of the bar."""
        with self._lock:
            self._base, self._counted = self.done, 0

    def finish(self) -> None:
        """The read has succeeded: the bar ends at ``total``."""
        with self._lock:
            if self._told == self.total:
                return
            self.done = self._told = self.total
        self.callback(self.total, self.total, self.unit)


_meter: ContextVar[Meter | None] = ContextVar("ownership_read_progress", default=None)


@contextmanager
def measuring(callback: Callback | None, total: int, unit: str = "bytes") -> Iterator[Meter | None]:
    """Within the block, readers report to a meter over ``total`` units told to ``callback``; with no callback,
    nothing is measured. The meter is finished by the caller once the read has succeeded (a read that fails
    stops where it was)."""
    if callback is None:
        yield None
        return
    meter = Meter(callback, total, unit)
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)


def current() -> Meter | None:
    """The meter of the read in progress on this thread's context, if anyone asked for progress."""
    return _meter.get()


def advance(amount: int) -> None:
    """``amount`` more units read (no-op when nobody asked for progress)."""
    meter = _meter.get()
    if meter is not None:
        meter.advance(amount)


def again() -> None:
    """Another reader reads the input over (no-op when nobody asked for progress)."""
    meter = _meter.get()
    if meter is not None:
        meter.again()
