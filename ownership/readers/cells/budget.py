"""How much a workbook may unpack to: the user's limit, scaled down to what the file and the machine justify.

A workbook is a zip archive, and what it costs to read grows with the unpacked size, not the file's: a
6.8 MB file that unpacked to 2 GB took 28 s and 3.2 GB of memory under a flat 2048 MB limit. Genuine
workbooks compress their XML about 5 to 20 times, so unless the user set a limit of their own, a workbook may
unpack to at most ``UNPACK_RATIO`` times its file size (never less than ``UNPACK_FLOOR``, so small files are
never refused for their ratio), and to no more than the memory the machine has available can hold while the
XML is read (``MEMORY_PER_BYTE`` bytes of memory per unpacked byte, a lower bound: the archive, a part and
its copies held at once).

Sizes in messages are in MB of 1,048,576 bytes, the unit of ``--max-input-mb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

UNPACK_RATIO: Final = 100
UNPACK_FLOOR: Final = 256 * 1024**2
MEMORY_PER_BYTE: Final = 4
_MB: Final = 1024**2

#: The default of ``ReadLimits.max_bytes`` (2048 MB); any other value is a limit the user chose, taken as is.
DEFAULT_MAX_BYTES: Final = 2048 * _MB

_RAISE: Final = "--max-input-mb"


def megabytes(size: int | float) -> str:
    """A size in bytes as the messages print it: MB of 1,048,576 bytes, the unit of ``--max-input-mb``."""
    mb = size / _MB
    if 0 < size < 1024:
        return f"{size:,.0f} bytes"
    if 0 < mb < 0.1:
        return f"{size / 1024:,.0f} KB"
    return f"{mb:,.1f} MB" if 0 < mb < 10 else f"{mb:,.0f} MB"


@dataclass(frozen=True)
class Budget:
    """The most a workbook may unpack to, and the words that say which limit set it and how to raise it."""

    max_bytes: int
    reason: str


def workbook_budget(packed: int, max_bytes: int, available: int | None = None) -> Budget:
    """The unpack limit for a workbook file of ``packed`` bytes under the user's ``max_bytes``.

    ``available`` is the memory the machine has free, in bytes (None: read from the system when the limit
    is the default one; unknown on systems that do not say, and then not used).
    """
    if max_bytes != DEFAULT_MAX_BYTES:
        return Budget(max_bytes, f"the limit of {megabytes(max_bytes)} set with {_RAISE}")
    budgets = [Budget(max_bytes, f"the default limit of {megabytes(max_bytes)}; raise it with {_RAISE}")]
    by_ratio = max(UNPACK_FLOOR, UNPACK_RATIO * packed)
    budgets.append(
        Budget(
            by_ratio,
            f"{megabytes(by_ratio)}, the most a {megabytes(packed)} workbook justifies (genuine workbooks unpack "
            f"to at most {UNPACK_RATIO} times their size; heavily repeated content is how zip bombs are made); "
            f"if the file is genuine, set a limit with {_RAISE} (any value given is taken as is)",
        )
    )
    free = available_memory() if available is None else available
    if free is not None:
        by_memory = free // MEMORY_PER_BYTE
        budgets.append(
            Budget(
                by_memory,
                f"{megabytes(by_memory)}, the most this machine's {megabytes(free)} of available memory can read "
                f"(about {MEMORY_PER_BYTE} bytes per unpacked byte); free memory or export the sheets as CSV, or "
                f"set a limit with {_RAISE} to try anyway",
            )
        )
    return min(budgets, key=lambda budget: budget.max_bytes)


def available_memory() -> int | None:
    """The memory the system can give this process without swapping, in bytes (Linux's MemAvailable), or
    None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
