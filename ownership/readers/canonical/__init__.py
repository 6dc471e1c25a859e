"""The canonical format: the Entities and Holdings tables the tool documents and ``exposure convert`` writes,
as a workbook (``workbook``), a holdings CSV or a folder of CSVs (``text``), parsed row by row (``rows``).

``read`` is the family's one entry point.
"""

from __future__ import annotations

from pathlib import Path

from ownership.model import OwnershipData
from ownership.readers.canonical.text import read_folder, read_holdings_csv
from ownership.readers.canonical.workbook import read_canonical_workbook
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits


def read(path: Path, name: str, limits: ReadLimits = DEFAULT_LIMITS, form: str = "workbook") -> OwnershipData:
    """Read the canonical tables from ``path``: ``form`` is "workbook" (an xlsx file), "holdings-csv" (one
    CSV of holdings, countries from its holder/subject columns) or "folder" (``entities.csv`` +
    ``holdings.csv``, read row by row). Stakes come out as fractions 0..1.

    Raises:
        InputError: the file is unreadable or invalid; the message names file, sheet, row and column.
    """
    if form == "workbook":
        return read_canonical_workbook(path, name, limits)
    if form == "holdings-csv":
        return read_holdings_csv(path, name, limits)
    if form == "folder":
        return read_folder(path, name, limits)
    raise ValueError(f"unknown canonical form {form!r}")


__all__ = ["read", "read_canonical_workbook", "read_folder", "read_holdings_csv"]
