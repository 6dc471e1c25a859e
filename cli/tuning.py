"""Process settings for a big check, applied by ``cli.app.main`` when the command starts (never on import).

Measured on the 2-core development machine (a VM) with the 1M-entity registry of ``bench/``: a page of
fresh memory costs microseconds there, so memory handed back to the system and faulted in again is paid
for twice, and threads that spin take CPU from the work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys

# mallopt parameters (glibc malloc.h)
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def tune() -> None:
    """Keep freed memory for reuse, one allocator for Arrow and numpy, BLAS on one thread; values the user
    set are kept."""
    # The engine's only dense linear algebra is the LU factorisation of small cross-holding groups, far
    # too small for BLAS threads to pay off; idle OpenBLAS threads spin instead (about 0.25 s of CPU).
    if "OPENBLAS_NUM_THREADS" not in os.environ:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        _one_thread_in_loaded_blas()
    # Arrow's default allocator (mimalloc) gives its memory back and takes fresh pages again: on the
    # 1M-entity registry the process spent a median 1.9 s in the kernel with it and 0.5 s with the system
    # allocator, which also lets numpy reuse what the reader freed (median wall time 3.85 -> 3.37 s).
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if not sys.platform.startswith("linux") or any(k.startswith("MALLOC_") for k in os.environ):
        return
    # glibc returns freed blocks of 128 KiB and more to the system, and the engine's arrays are megabytes:
    # every new array was faulted in afresh. Blocks up to the largest threshold glibc allows (32 MiB) now
    # come from the heap, which is never trimmed and grows in steps of 256 MiB, and all threads share one
    # arena so that memory freed by one is reused by another. 2M holdings: 198k -> 160k page faults,
    # system time 1.0 -> 0.7 s.
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    for parameter, value in (
        (_M_MMAP_THRESHOLD, 32 * 2**20),
        (_M_TRIM_THRESHOLD, 2**31 - 1),
        (_M_TOP_PAD, 256 * 2**20),
        (_M_ARENA_MAX, 1),
    ):
        mallopt(parameter, value)


def _one_thread_in_loaded_blas() -> None:
    """One thread for the OpenBLAS libraries already loaded (numpy's, which the commands import before
    ``main`` runs, read the variable when they loaded); those loaded later (scipy's) read the variable."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps.read())))
    except OSError:  # not Linux: the variable alone
        return
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"):
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                setter(1)
                break
