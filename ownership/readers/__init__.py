"""Readers: one module per input format, each returning the same ownership model.

``read_input`` picks the reader from the content (``detect``): a canonical workbook, a holdings CSV, a
folder with ``entities.csv`` + ``holdings.csv``, BODS, GLEIF, UK PSC or FollowTheMoney; or the reader the
user named.
"""

from __future__ import annotations

from pathlib import Path

from ownership.errors import InputError, Location
from ownership.model import Entity, OwnershipData, SourceInfo
from ownership.readers.canonical import Problems, apply_share_counts, read_entities, read_holdings
from ownership.readers.columns import header_key
from ownership.readers.detect import FORMATS, MULTI_FILE, Detected, detect, find_file, folder_files
from ownership.readers.digest import combined_sha256, file_sha256
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


#: ``--input-format`` names: the detected formats, "csv" for a holdings CSV, and "auto" (detect).
INPUT_FORMATS = ("auto", "workbook", "csv", "folder", "bods", "gleif", "uk-psc", "ftm", "ashare")


def read_input(
    path: Path,
    display: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    input_format: str | None = None,
) -> OwnershipData:
    """Read ownership data from ``path``.

    Args:
        path: a workbook, a CSV of holdings, a folder holding entities.csv and holdings.csv, or a BODS,
            GLEIF, UK PSC, FollowTheMoney or China A-share top-10 file (or a folder holding one GLEIF or UK
            PSC dataset).
        display: the name to use in messages (defaults to the path as given).
        limits: caps on size and rows that keep a hostile file from exhausting the machine.
        input_format: one of ``INPUT_FORMATS`` (or ``FORMATS``) to use that reader whatever the content
            looks like; None or "auto" detects it from the content.

    Raises:
        InputError: the input is missing, unreadable, of no known format, or invalid; the message names
            file, sheet, row, column.
    """
    name = display or str(path)
    chosen = _format_name(input_format)
    found = detect(path, name) if chosen is None else _forced(path, name, chosen)
    return _read_detected(path, name, found, limits)


def _format_name(input_format: str | None) -> str | None:
    if input_format is None or input_format == "auto":
        return None
    if input_format == "csv":
        return "holdings-csv"
    if input_format not in FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; use one of {', '.join(INPUT_FORMATS)}")
    return input_format


def _forced(path: Path, name: str, fmt: str) -> Detected:
    """The files for the reader the user named; the reader itself says what is wrong with them."""
    if not path.exists():
        raise InputError("no such file or folder", Location(name))
    if fmt == "folder":
        if not path.is_dir():
            raise InputError(
                "is a file, not a folder; --input-format folder reads a folder holding entities.csv and holdings.csv",
                Location(name),
            )
        return Detected(fmt, (), ())
    if not path.is_dir():
        return Detected(fmt, (path,), (name,))
    files = folder_files(path, name)
    if fmt not in MULTI_FILE and len(files.files) > 1:
        raise InputError(
            f"is a folder of {len(files.files)} files; --input-format {fmt} reads one file: give the file itself",
            Location(name),
        )
    return Detected(fmt, files.files, files.display)


def _read_detected(path: Path, name: str, found: Detected, limits: ReadLimits) -> OwnershipData:
    fmt = found.format
    if fmt == "folder":
        # Columns straight from the files when that gives exactly what the row reader would (registries of
        # millions of rows); otherwise the row reader, with its located errors and warnings.
        from ownership.readers.fast_csv import read_folder_fast

        fast = read_folder_fast(path, name, limits)
        return fast if fast is not None else _read_folder(path, name, limits)
    file, file_name = found.files[0], found.display[0]
    if fmt == "workbook":
        if file_kind(file, file_name) != "workbook":
            raise InputError("is text, not an xlsx workbook", Location(file_name))
        return _read_workbook(file, file_name, limits)
    if fmt == "holdings-csv":
        file_kind(file, file_name)  # missing, empty and old-style workbooks get their own messages
        return _read_holdings_csv(file, file_name, limits)
    if fmt == "bods":
        from ownership.readers.bods import read_bods

        return read_bods(file, file_name, limits)
    if fmt == "ftm":
        from ownership.readers.ftm import read_ftm

        return read_ftm(file, file_name, limits)
    if fmt == "ashare":
        from ownership.readers.ashare import read_ashare

        return read_ashare(file, file_name, limits)
    # The files of a folder are named <folder>/<file> by the reader; one file keeps its own name.
    label = file_name if len(found.files) == 1 else name
    if fmt == "gleif":
        from ownership.readers.gleif import read_gleif

        return read_gleif(found.files, label, limits)
    from ownership.readers.psc import read_psc

    return read_psc(found.files, label, limits)


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


def _is_about_sheet(table: RawTable) -> bool:
    """Whether ``table`` is the About sheet ``exposure convert`` writes (metadata, not data)."""
    from ownership.writers.canonical_workbook import ABOUT_MARKER, ABOUT_SHEET

    if header_key(table.sheet) != header_key(ABOUT_SHEET) or not table.rows:
        return False
    first = table.rows[0][1]
    return bool(first) and first[0].value == ABOUT_MARKER


def _read_workbook(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    tables = read_workbook(path, name, limits)
    problems = Problems()
    entities_table = next((t for t in tables if header_key(t.sheet) in _ENTITY_SHEETS), None)
    holdings_table = next((t for t in tables if header_key(t.sheet) in _HOLDING_SHEETS), None)
    if holdings_table is None:
        candidates = [t for t in tables if t is not entities_table and t.rows and not _is_about_sheet(t)]
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
        if t is not entities_table and t is not holdings_table and t.rows and not _is_about_sheet(t):
            problems.warn("ignored_sheet", f"sheet '{t.sheet}' is neither Entities nor Holdings: ignored", t.where())
    if not holdings_table.rows:
        raise InputError("the Holdings sheet is empty", holdings_table.where())
    source = SourceInfo(name, file_sha256(path), "workbook")
    return _finish(entities_table, holdings_table, source, problems)


def _read_holdings_csv(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    table = read_text_table(path, name, limits)
    problems = Problems()
    source = SourceInfo(name, file_sha256(path), "holdings-csv")
    entities: list[Entity] = []
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


def _read_folder(folder: Path, name: str, limits: ReadLimits) -> OwnershipData:
    holdings_path = find_file(folder, "holdings.csv")
    entities_path = find_file(folder, "entities.csv")
    if holdings_path is None:
        raise InputError("is a folder without holdings.csv (expected entities.csv and holdings.csv)", Location(name))
    problems = Problems()
    entities_table = None
    if entities_path is not None:
        entities_table = read_text_table(entities_path, f"{name.rstrip('/')}/{entities_path.name}", limits)
    else:
        problems.warn("no_entities_sheet", "the folder has no entities.csv: every country is unknown", Location(name))
    holdings_table = read_text_table(holdings_path, f"{name.rstrip('/')}/{holdings_path.name}", limits)
    sha = combined_sha256((p.name, file_sha256(p)) for p in (entities_path, holdings_path) if p is not None)
    source = SourceInfo(name, sha, "folder")
    return _finish(entities_table, holdings_table, source, problems)


__all__ = ["DEFAULT_LIMITS", "INPUT_FORMATS", "ReadLimits", "read_input"]
