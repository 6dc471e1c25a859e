"""Readers: one module per input format, each returning the same ownership model.

``read_input`` picks the reader from the path: a folder (``entities.csv`` + ``holdings.csv``), an xlsx
workbook (by extension or by its zip signature), or a delimited text file of holdings.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ownership.errors import InputError, Location
from ownership.model import OwnershipData, SourceInfo
from ownership.readers.canonical import Problems, apply_share_counts, read_entities, read_holdings
from ownership.readers.columns import header_key
from ownership.readers.tables import DEFAULT_LIMITS, RawTable, ReadLimits, file_kind, read_text_table, read_workbook

_ENTITY_SHEETS = frozenset(header_key(n) for n in ("entities", "entity", "parties", "companies", "entity list"))
_HOLDING_SHEETS = frozenset(
    header_key(n)
    for n in (
        "holdings",
        "holding",
        "shareholdings",
        "shareholders",
        "ownership",
        "edges",
        "relationships",
        "cap table",
        "owners",
        "stakes",
    )
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_input(path: Path, display: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> OwnershipData:
    """Read ownership data from ``path``.

    Args:
        path: a workbook, a CSV of holdings, or a folder holding entities.csv and holdings.csv.
        display: the name to use in messages (defaults to the path as given).
        limits: caps on size and rows that keep a hostile file from exhausting the machine.

    Raises:
        InputError: the input is missing, unreadable or invalid; the message names file, sheet, row, column.
    """
    name = display or str(path)
    if path.is_dir():
        return _read_folder(path, name, limits)
    if file_kind(path, name) == "workbook":
        return _read_workbook(path, name, limits)
    return _read_holdings_csv(path, name, limits)


def _finish(
    entities_table: RawTable | None, holdings_table: RawTable, source: SourceInfo, problems: Problems
) -> OwnershipData:
    entities = read_entities(entities_table, problems) if entities_table is not None else []
    declared = None
    if entities_table is not None:
        declared = entities_table.label if entities_table.sheet is not None else entities_table.file
    holdings = read_holdings(holdings_table, entities, problems, declared_source=declared)
    holdings = apply_share_counts(entities, holdings, problems)
    problems.raise_first()
    if not holdings and not entities:
        raise InputError("has no holdings and no entities", holdings_table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def _read_workbook(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    tables = read_workbook(path, name, limits)
    problems = Problems()
    entities_table = next((t for t in tables if header_key(t.sheet) in _ENTITY_SHEETS), None)
    holdings_table = next((t for t in tables if header_key(t.sheet) in _HOLDING_SHEETS), None)
    if holdings_table is None:
        candidates = [t for t in tables if t is not entities_table and t.rows]
        if len(candidates) == 1:
            holdings_table = candidates[0]
        else:
            sheets = ", ".join(f"'{t.sheet}'" for t in tables) or "none"
            raise InputError(
                f"has no Holdings sheet (sheets: {sheets}); name the sheet of holder/subject/percent rows 'Holdings'",
                Location(name),
            )
    if entities_table is None:
        problems.warn(
            "no_entities_sheet",
            "the workbook has no Entities sheet: every entity's country is unknown",
            Location(name),
        )
    for t in tables:
        if t is not entities_table and t is not holdings_table and t.rows:
            problems.warn("ignored_sheet", f"sheet '{t.sheet}' is neither Entities nor Holdings: ignored", t.where())
    if not holdings_table.rows:
        raise InputError("the Holdings sheet is empty", holdings_table.where())
    source = SourceInfo(name, _sha256(path), "workbook")
    return _finish(entities_table, holdings_table, source, problems)


def _read_holdings_csv(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    table = read_text_table(path, name, limits)
    problems = Problems()
    source = SourceInfo(name, _sha256(path), "holdings-csv")
    entities: list = []  # type: ignore[type-arg]
    holdings = read_holdings(table, entities, problems, declared_source=None)
    holdings = apply_share_counts(entities, holdings, problems)
    if not any(e.country_known for e in entities):
        problems.warn(
            "unknown_country",
            "no holder_jurisdiction / subject_jurisdiction columns (or all empty): every country is unknown",
            table.where(),
        )
    problems.raise_first()
    if not holdings:
        raise InputError("has a header but no holdings", table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def _find(folder: Path, filename: str) -> Path | None:
    for child in folder.iterdir():
        if child.is_file() and child.name.lower() == filename:
            return child
    return None


def _read_folder(folder: Path, name: str, limits: ReadLimits) -> OwnershipData:
    holdings_path = _find(folder, "holdings.csv")
    entities_path = _find(folder, "entities.csv")
    if holdings_path is None:
        raise InputError("is a folder without holdings.csv (expected entities.csv and holdings.csv)", Location(name))
    problems = Problems()
    entities_table = None
    if entities_path is not None:
        entities_table = read_text_table(entities_path, f"{name.rstrip('/')}/{entities_path.name}", limits)
    else:
        problems.warn("no_entities_sheet", "the folder has no entities.csv: every country is unknown", Location(name))
    holdings_table = read_text_table(holdings_path, f"{name.rstrip('/')}/{holdings_path.name}", limits)
    digest = hashlib.sha256()
    for p in (entities_path, holdings_path):
        if p is not None:
            digest.update(p.name.encode() + b"\0" + _sha256(p).encode() + b"\n")
    source = SourceInfo(name, digest.hexdigest(), "folder")
    return _finish(entities_table, holdings_table, source, problems)


__all__ = ["DEFAULT_LIMITS", "ReadLimits", "read_input"]
