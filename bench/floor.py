"""The I/O floor: the least a screening run must do, timed as a whole process.

It reads the input with pyarrow (a folder's ``entities.csv`` and ``holdings.csv``, or one holdings CSV) or,
for a workbook, with python-calamine (both sheets into Python values: the fastest xlsx reader there is), and
writes a CSV of the report's shape: one row per entity with its id, a status and the four figures (cascade
and look-through, low and high), here constants. No parsing of stakes, no graph, no computation: whatever
``exposure check`` takes beyond this is the price of the answer. Run ``python -m bench.floor INPUT OUT.csv``;
it imports only pyarrow (and calamine for a workbook), so the interpreter start-up counts as it does for the
real command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv


def floor(path: Path, out: Path) -> int:
    """Read the input, write the constant report; return the number of entity rows written."""
    ids = _ids(path)
    n = len(ids)
    report = pa.table(
        {
            "id": ids,
            "status": pa.repeat("clear", n),
            "cascade_low_pct": pa.repeat(0.0, n),
            "cascade_high_pct": pa.repeat(0.0, n),
            "lookthrough_low_pct": pa.repeat(0.0, n),
            "lookthrough_high_pct": pa.repeat(0.0, n),
        }
    )
    pacsv.write_csv(report, out)
    return n


def _ids(path: Path) -> pa.Array:
    """Every entity id: a folder's entity list, else the parties a holdings table names (first mention)."""
    if path.is_dir():
        entities = pacsv.read_csv(path / "entities.csv")
        pacsv.read_csv(path / "holdings.csv")
        return entities.column("id").combine_chunks()
    if path.suffix.lower() == ".xlsx":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
        if "Entities" in sheets:
            return pa.array([str(row[0]) for row in sheets["Entities"][1:]], pa.string())
        rows = sheets.get("Holdings") or next(iter(sheets.values()))
        return pc.unique(pa.array([str(c) for row in rows[1:] for c in row[:2]], pa.string()))
    holdings = pacsv.read_csv(path)
    both = pa.chunked_array(holdings.column("holder").chunks + holdings.column("subject").chunks)
    return pc.unique(both)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.floor INPUT OUT.csv")
    floor(Path(sys.argv[1]), Path(sys.argv[2]))
