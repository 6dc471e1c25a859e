"""Which reader reads an input: ``read_input`` picks the family from the content (``detect``), or takes the
one the user named, and calls that family's ``read``.
"""

from __future__ import annotations

from pathlib import Path

from ownership.errors import InputError, Location
from ownership.model import OwnershipData
from ownership.readers import progress
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits, file_kind
from ownership.readers.detect import FORMATS, MULTI_FILE, Detected, detect, folder_files

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
    # Each family is imported when its input comes: a workbook run never loads the JSON readers.
    fmt = found.format
    if fmt == "folder":
        # Columns straight from the files when that gives exactly what the row reader would (registries of
        # millions of rows); otherwise the row reader, with its located errors and warnings.
        from ownership.readers import canonical
        from ownership.readers.cells.fast_csv.reader import read_folder_fast

        # The columnar reader knows no --columns, --subject or --lenient: those go to the row reader.
        fast = read_folder_fast(path, name, limits) if limits.layout.is_default else None
        if fast is not None:
            return fast
        progress.again()  # the row reader reads the folder over
        return canonical.read(path, name, limits, "folder")
    file, file_name = found.files[0], found.display[0]
    if fmt in ("workbook", "holdings-csv"):
        from ownership.readers import canonical

        kind = file_kind(file, file_name)  # missing, empty and old-style workbooks get their own messages
        if fmt == "workbook" and kind != "workbook":
            raise InputError("is text, not an xlsx workbook", Location(file_name))
        if fmt == "holdings-csv" and kind == "text" and limits.layout.is_default:
            # Columns straight from the file when that gives exactly what the row reader would.
            from ownership.readers.cells.fast_csv.inline import read_holdings_csv_fast

            fast = read_holdings_csv_fast(file, file_name, limits)
            if fast is not None:
                return fast
            progress.again()  # the row reader reads the file over
        return canonical.read(file, file_name, limits, fmt)
    if fmt == "bods":
        from ownership.readers import bods

        return bods.read(file, file_name, limits)
    if fmt == "ftm":
        from ownership.readers import ftm

        return ftm.read(file, file_name, limits)
    if fmt == "ashare":
        from ownership.readers import ashare

        return ashare.read(file, file_name, limits)
    # The files of a folder are named <folder>/<file> by the reader; one file keeps its own name.
    label = file_name if len(found.files) == 1 else name
    if fmt == "gleif":
        from ownership.readers import gleif

        return gleif.read(found.files, label, limits)
    from ownership.readers import psc

    return psc.read(found.files, label, limits)
