"""pandas DataFrames as the canonical Entities and Holdings tables.

A frame is read as the sheet it would be if written with ``to_csv(index=False)`` or ``to_excel(index=False)``:
its column labels are the header (row 1), its rows follow from row 2, and its columns are A, B, C... in
order. The cells then go through the canonical reader the workbook and the CSV files go through, so the
header aliases, the percent forms, the warnings and the located errors are the same.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from ownership.errors import DataWarning, InputError
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.cells.raw import DEFAULT_LIMITS, Cell, RawTable, ReadLimits, is_blank

if TYPE_CHECKING:
    import pandas as pd

#: The format name a result's ``source.format`` gives for frames.
FRAMES_FORMAT = "frames"


def read_frames(
    entities: pd.DataFrame | None,
    holdings: pd.DataFrame,
    name: str = "frames",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> OwnershipData:
    """Entities and holdings from two pandas DataFrames, read as the canonical workbook's two sheets.

    Args:
        entities: the Entities table (``id``, ``name``, ``jurisdiction``... or any of their aliases), or
            None when the holdings carry the parties' countries (``holder_jurisdiction``...) or none at all.
        holdings: the Holdings table (``holder``, ``subject``, ``percent`` and/or ``shares``...). Percent
            cells are percentage points (50 is 50%) or text (``"50%"``, ``"25-50"``), as in a CSV file.
        name: how messages name the input; the tables are "<name> entities" and "<name> holdings".
        limits: the reader's layout options (``columns``, ``subject``, ``lenient``); its size caps do not
            apply to frames, which are in memory already.

    Returns:
        The data, stakes as fractions 0..1; ``source.format`` is "frames" and ``source.sha256`` the SHA-256
        of the cells as read (so equal frames give equal digests).

    Raises:
        InputError: a cell or a header cannot be read; the message names the frame, the row (the header is
            row 1, ``frame.iloc[k]`` is row k + 2) and the column (its letter and label).
        TypeError: an argument is not a DataFrame.
    """
    from ownership.readers.canonical.row import Problems
    from ownership.readers.canonical.rows import check_mappings, read_entities, read_holdings
    from ownership.readers.canonical.shares import apply_share_counts
    from ownership.readers.cells.unicode_text import tidy_table

    layout = limits.layout
    holdings_table = tidy_table(_raw_table(holdings, f"{name} holdings", "holdings"))
    entities_table = None if entities is None else tidy_table(_raw_table(entities, f"{name} entities", "entities"))
    problems = Problems(lenient=layout.lenient)
    found = read_entities(entities_table, problems, layout) if entities_table is not None else []
    declared = entities_table.file if entities_table is not None else None
    read = read_holdings(holdings_table, found, problems, declared_source=declared, layout=layout)
    read = apply_share_counts(found, read, problems)
    check_mappings(layout, [t for t in (holdings_table, entities_table) if t is not None], problems)
    if entities_table is None and not any(e.country_known for e in found):
        problems.warn(
            "unknown_country",
            "no entities frame and no holder_jurisdiction / subject_jurisdiction columns (or all empty): every "
            "country is unknown",
            holdings_table.where(),
        )
    problems.raise_first()
    if not read and not found:
        raise InputError("has no holdings and no entities", holdings_table.where())
    source = SourceInfo(name, _digest(entities_table, holdings_table), FRAMES_FORMAT)
    warnings: tuple[DataWarning, ...] = tuple(problems.warnings)
    return OwnershipData(tuple(found), tuple(read), source, warnings)


def _raw_table(frame: Any, display: str, role: str) -> RawTable:
    """The frame as raw cells, header first (row 1), blank rows left out as a sheet's are."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"the {role} must be a pandas DataFrame, not {type(frame).__name__}")
    header = [Cell(_label(label)) for label in frame.columns]
    rows: list[tuple[int, list[Cell]]] = [(1, header)]
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        cells = [Cell(_value(v)) for v in values]
        if not all(is_blank(c.value) for c in cells):
            rows.append((number, cells))
    return RawTable(display, None, rows)


def _label(label: object) -> str:
    # A MultiIndex header (a tuple) reads as its parts joined, as a spreadsheet's merged title cells would.
    if isinstance(label, tuple):
        return " ".join(str(part) for part in label if part is not None and str(part).strip())
    return str(label)


def _value(value: object) -> object:
    """A frame cell as the readers' cells hold values: None for missing (NaN, NaT, NA), Python numbers and
    booleans, ``datetime`` for timestamps, text as is; anything else as its text, which the reader then
    reads or refuses with the cell's place, as it would in a CSV file."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    import numpy as np
    import pandas as pd

    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.bool_ | np.integer | np.floating):
        return _value(value.item())
    return str(value)


def _digest(entities: RawTable | None, holdings: RawTable) -> str:
    """SHA-256 over the cells as read: each table's name, then each row's number and cells (type and text),
    so that two runs on equal frames are seen to have read the same input."""
    import hashlib

    digest = hashlib.sha256()
    for table in (entities, holdings):
        if table is None:
            digest.update(b"\x00none\x00")
            continue
        digest.update(table.file.encode("utf-8") + b"\x00")
        for number, cells in table.rows:
            digest.update(f"{number}\x1e".encode())
            for cell in cells:
                digest.update(f"{type(cell.value).__name__}\x1f{cell.value!r}\x1e".encode())
    return digest.hexdigest()


__all__ = ["FRAMES_FORMAT", "read_frames"]
