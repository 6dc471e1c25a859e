"""Giving the C heap's freed memory back to the system after a large columnar read.

Arrow parses a file in blocks of about a megabyte and converts its columns in pieces of similar size, and
with the system allocator (what the CLI asks Arrow for) those blocks come from the C heap, which the CLI
never trims. Once the read is done they are free but stay resident: on the 8M-entity PSC-shaped folder of
the benchmark (``bench/psc.py``), 2.5 GB was resident after the read for about 1 GB of live tables. The
engine cannot reuse most of it either: its arrays of a few million entries are larger than the heap's
32 MiB ceiling and are mapped afresh. Smaller reads keep what they freed, which the engine does reuse.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

#: Free heap kept for reuse after a read; more than this is handed back. A 2M-holding registry's read
#: leaves about 360 MB free (much of it never touched), so it keeps it all.
KEPT_FREE_HEAP: Final = 1024**3

_MALLINFO2_FIELDS: Final = (
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost",
)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS]


def release_free_heap(keep: int = KEPT_FREE_HEAP) -> bool:
    """Hand the C heap's free memory back to the system when more than ``keep`` bytes of it are free.

    Only on Linux with glibc 2.33 or later (``mallinfo2``); elsewhere nothing happens. Returns whether the
    heap was trimmed.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        # By its soname: ctypes.util.find_library would run ldconfig in a subprocess at every read.
        libc = ctypes.CDLL("libc.so.6")
        mallinfo2, malloc_trim = libc.mallinfo2, libc.malloc_trim
    except (OSError, AttributeError):  # not glibc, or one older than 2.33
        return False
    mallinfo2.restype = _MallInfo2
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    if mallinfo2().fordblks <= keep:
        return False
    malloc_trim(0)
    return True
