"""The I/O floor: the least a screening run must do, timed as a whole process.

It reads ``entities.csv`` and ``holdings.csv`` with pyarrow and writes a CSV of the report's shape: one row
per entity with its id, a status and the four figures (cascade and look-through, low and high), here
constants. No parsing of stakes, no graph, no computation: whatever ``exposure check`` takes beyond this
is the price of the answer. Run ``python -m bench.floor FOLDER OUT.csv``; it imports only pyarrow, so the
interpreter start-up counts as it does for the real command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]


def floor(folder: Path, out: Path) -> int:
    """Read both input files, write the constant report; return the number of entity rows written."""
    entities = pacsv.read_csv(folder / "entities.csv")
    holdings = pacsv.read_csv(folder / "holdings.csv")
    n = int(entities.num_rows)
    report = pa.table(
        {
            "id": entities.column("id"),
            "status": pa.repeat("clear", n),
            "cascade_low_pct": pa.repeat(0.0, n),
            "cascade_high_pct": pa.repeat(0.0, n),
            "lookthrough_low_pct": pa.repeat(0.0, n),
            "lookthrough_high_pct": pa.repeat(0.0, n),
        }
    )
    pacsv.write_csv(report, out)
    del holdings
    return n


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.floor FOLDER OUT.csv")
    floor(Path(sys.argv[1]), Path(sys.argv[2]))
