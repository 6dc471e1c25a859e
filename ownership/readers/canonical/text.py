"""The canonical tables from text: a holdings CSV on its own, or a folder of ``entities.csv`` and
``holdings.csv``, read cell by cell with located errors (the columnar reader in ``cells.fast_csv`` takes
registry-size folders when it reads them exactly the same)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ownership.errors import DataWarning, InputError, Location
from ownership.model import Entity, OwnershipData, SourceInfo
from ownership.readers.canonical.row import Problems
from ownership.readers.canonical.rows import check_mappings, read_entities, read_holdings
from ownership.readers.canonical.shares import apply_share_counts
from ownership.readers.cells.columns import HEADER_SEARCH_ROWS
from ownership.readers.cells.digest import combined_sha256, file_sha256
from ownership.readers.cells.tables import RawTable, ReadLayout, ReadLimits, read_text_table
from ownership.readers.detect import find_file

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def folder_tables(entities_table: RawTable, holdings_table: RawTable, source: SourceInfo) -> OwnershipData:
    """A folder's two raw tables, holding only some of its rows, read as ``read_folder`` reads the files: the
    columnar reader gives it the rows that hold errors, to have them reported exactly as here."""
    return _finish(entities_table, holdings_table, source, Problems(), whole=False)


def _finish(
    entities_table: RawTable | None,
    holdings_table: RawTable,
    source: SourceInfo,
    problems: Problems,
    layout: ReadLayout | None = None,
    *,
    whole: bool = True,
) -> OwnershipData:
    entities = read_entities(entities_table, problems, layout) if entities_table is not None else []
    return _with_holdings(entities, entities_table, holdings_table, source, problems, layout, whole=whole)


def _with_holdings(
    entities: list[Entity],
    entities_table: RawTable | None,
    holdings_table: RawTable,
    source: SourceInfo,
    problems: Problems,
    layout: ReadLayout | None = None,
    *,
    whole: bool = True,
) -> OwnershipData:
    """``_finish`` once the entities are read: ``entities_table`` need only hold the rows a header is
    looked for in."""
    declared = None
    if entities_table is not None:
        declared = entities_table.label if entities_table.sheet is not None else entities_table.file
    holdings = read_holdings(holdings_table, entities, problems, declared_source=declared, layout=layout)
    holdings = apply_share_counts(entities, holdings, problems)
    check_mappings(layout, [t for t in (holdings_table, entities_table) if t is not None], problems)
    problems.raise_first()
    if not holdings and not entities and whole:
        raise InputError("has no holdings and no entities", holdings_table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def read_holdings_csv(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    table = read_text_table(path, name, limits)
    return holdings_csv_table(table, SourceInfo(name, file_sha256(path), "holdings-csv"), limits)


def holdings_csv_table(table: RawTable, source: SourceInfo, limits: ReadLimits, *, whole: bool = True) -> OwnershipData:
    """A holdings CSV's raw table read as ``read_holdings_csv`` reads the file (the columnar reader gives it
    only the rows that hold errors, ``whole`` False, to have them reported exactly as here)."""
    problems = Problems(lenient=limits.layout.lenient)
    entities: list[Entity] = []
    holdings = read_holdings(table, entities, problems, declared_source=None, layout=limits.layout)
    holdings = apply_share_counts(entities, holdings, problems)
    check_mappings(limits.layout, [table], problems)
    if not any(e.country_known for e in entities):
        problems.warn(
            "unknown_country",
            "no holder_jurisdiction / subject_jurisdiction columns (or all empty): every country is unknown",
            table.where(),
        )
    problems.raise_first()
    if not holdings and whole:
        raise InputError("has a header but no holdings", table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def read_folder(folder: Path, name: str, limits: ReadLimits) -> OwnershipData:
    holdings_path = find_file(folder, "holdings.csv")
    entities_path = find_file(folder, "entities.csv")
    if holdings_path is None:
        raise InputError("is a folder without holdings.csv (expected entities.csv and holdings.csv)", Location(name))
    problems = Problems(lenient=limits.layout.lenient)
    entities_table = None
    if entities_path is not None:
        entities_table = read_text_table(entities_path, f"{name.rstrip('/')}/{entities_path.name}", limits)
    holdings_table = read_text_table(holdings_path, f"{name.rstrip('/')}/{holdings_path.name}", limits)
    sha = combined_sha256((p.name, file_sha256(p)) for p in (entities_path, holdings_path) if p is not None)
    source = SourceInfo(name, sha, "folder")
    entities = read_entities(entities_table, problems, limits.layout) if entities_table is not None else []
    # The entities' rows are read: only the rows a header is looked for in are kept (for check_mappings),
    # so that a registry's entity rows are freed before its holdings are read.
    if entities_table is not None:
        entities_table = replace(entities_table, rows=list(entities_table.rows[:HEADER_SEARCH_ROWS]))
    data = _with_holdings(entities, entities_table, holdings_table, source, problems, limits.layout)
    del entities, entities_table, holdings_table
    data = as_columns(data)
    if entities_path is not None:
        return data
    # Said after reading: holdings.csv may carry holder_jurisdiction / subject_jurisdiction columns.
    if any(e.country_known for e in data.entities):
        message = (
            "the folder has no entities.csv: countries come from the country columns of holdings.csv; a party "
            "with none there is of unknown country"
        )
    else:
        message = "the folder has no entities.csv and holdings.csv has no country column: every country is unknown"
    warning = DataWarning("no_entities_sheet", message, Location(name))
    return replace(data, warnings=(warning, *data.warnings))


def as_columns(data: OwnershipData) -> OwnershipData:
    """``data`` with its entities and holdings as column tables that keep no objects, when every row's place
    is a whole row of one file (so ``Places`` gives it back) and no entity lists further countries (which a
    table gives back in another order): then the objects, about 300 bytes per row read, are freed here
    instead of living through the check. Otherwise ``data`` as it is."""
    from ownership.model.tables import EntityTable, HoldingTable, Places

    entity_rows = _rows_of(e.where for e in data.entities)
    holding_rows = _rows_of(h.where for h in data.holdings)
    if entity_rows is None or holding_rows is None or any(e.other_countries for e in data.entities):
        return data
    entities = EntityTable.of(data.entities)
    holdings = HoldingTable.of(data.holdings, entities)
    entities = replace(entities, where=Places(*entity_rows), objects=None)
    holdings = replace(holdings, where=Places(*holding_rows), objects=None)
    return replace(data, entities=entities, holdings=holdings)


def _rows_of(places: Iterable[Location | None]) -> tuple[str, None, npt.NDArray[np.int64]] | None:
    """(file, None, row numbers) when every place is a whole row of one text file; else None."""
    import numpy as np

    file: str | None = None
    rows: list[int] = []
    for where in places:
        if where is None or where.sheet is not None or where.row is None or where.column is not None:
            return None
        if where.header is not None or (file is not None and where.file != file):
            return None
        file = where.file
        rows.append(where.row)
    if file is None:
        return None
    return file, None, np.array(rows, dtype=np.int64)
