"""Readers: one module per input format, each returning the same ownership model.

``read_input`` picks the reader from the content (``detect``): a canonical workbook, a holdings CSV, a
folder with ``entities.csv`` + ``holdings.csv``, BODS, GLEIF, UK PSC or FollowTheMoney; or the reader the
user named.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ownership.errors import DataWarning, InputError, Location
from ownership.model import Entity, OwnershipData, SourceInfo
from ownership.readers.canonical.rows import Problems, apply_share_counts, check_mappings, read_entities, read_holdings
from ownership.readers.cells.digest import combined_sha256, file_sha256
from ownership.readers.cells.tables import DEFAULT_LIMITS, RawTable, ReadLayout, ReadLimits, file_kind, read_text_table
from ownership.readers.detect import FORMATS, MULTI_FILE, Detected, detect, find_file, folder_files

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
        from ownership.readers.cells.fast_csv.reader import read_folder_fast

        # The columnar reader knows no --columns, --subject or --lenient: those go to the row reader.
        fast = read_folder_fast(path, name, limits) if limits.layout.is_default else None
        return fast if fast is not None else _read_folder(path, name, limits)
    file, file_name = found.files[0], found.display[0]
    if fmt == "workbook":
        if file_kind(file, file_name) != "workbook":
            raise InputError("is text, not an xlsx workbook", Location(file_name))
        from ownership.readers.canonical.workbook import read_canonical_workbook

        return read_canonical_workbook(file, file_name, limits)
    if fmt == "holdings-csv":
        file_kind(file, file_name)  # missing, empty and old-style workbooks get their own messages
        return _read_holdings_csv(file, file_name, limits)
    if fmt == "bods":
        from ownership.readers.bods.reader import read_bods

        return read_bods(file, file_name, limits)
    if fmt == "ftm":
        from ownership.readers.ftm.reader import read_ftm

        return read_ftm(file, file_name, limits)
    if fmt == "ashare":
        from ownership.readers.ashare.reader import read_ashare

        return read_ashare(file, file_name, limits)
    # The files of a folder are named <folder>/<file> by the reader; one file keeps its own name.
    label = file_name if len(found.files) == 1 else name
    if fmt == "gleif":
        from ownership.readers.gleif.reader import read_gleif

        return read_gleif(found.files, label, limits)
    from ownership.readers.psc.reader import read_psc

    return read_psc(found.files, label, limits)


def _finish(
    entities_table: RawTable | None,
    holdings_table: RawTable,
    source: SourceInfo,
    problems: Problems,
    layout: ReadLayout | None = None,
) -> OwnershipData:
    entities = read_entities(entities_table, problems, layout) if entities_table is not None else []
    declared = None
    if entities_table is not None:
        declared = entities_table.label if entities_table.sheet is not None else entities_table.file
    holdings = read_holdings(holdings_table, entities, problems, declared_source=declared, layout=layout)
    holdings = apply_share_counts(entities, holdings, problems)
    check_mappings(layout, [t for t in (holdings_table, entities_table) if t is not None], problems)
    problems.raise_first()
    if not holdings and not entities:
        raise InputError("has no holdings and no entities", holdings_table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def _read_holdings_csv(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    table = read_text_table(path, name, limits)
    problems = Problems(lenient=limits.layout.lenient)
    source = SourceInfo(name, file_sha256(path), "holdings-csv")
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
    if not holdings:
        raise InputError("has a header but no holdings", table.where())
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(problems.warnings))


def _read_folder(folder: Path, name: str, limits: ReadLimits) -> OwnershipData:
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
    data = _finish(entities_table, holdings_table, source, problems, limits.layout)
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


__all__ = ["DEFAULT_LIMITS", "INPUT_FORMATS", "ReadLimits", "read_input"]
