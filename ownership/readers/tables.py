"""Raw tables from workbooks and text files: rows of cells with their location, nothing interpreted yet.

Both the xlsx and the CSV readers produce ``RawTable``; one parser (``canonical``) turns any of them into
entities and holdings, so every rule about headers, aliases and cell values lives in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from ownership.errors import InputError, Location

#: A cell: its value as the file stores it, and whether a spreadsheet shows it as a percentage.
CellValue = str | int | float | bool | object | None


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue
    percent_format: bool = False


@dataclass(frozen=True)
class RawTable:
    """A sheet or a CSV file as rows of cells.

    Attributes:
        file: the file name as the user gave it.
        sheet: worksheet name, or None for a text file.
        rows: (1-based row number, cells) for every row that is not entirely blank.
    """

    file: str
    sheet: str | None
    rows: list[tuple[int, list[Cell]]]

    def where(self, row: int | None = None, column: int | None = None, header: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column, header)

    @property
    def label(self) -> str:
        return f"sheet '{self.sheet}'" if self.sheet is not None else self.file


def cell_text(value: object) -> str | None:
    """A cell as text with whitespace (also non-breaking) collapsed; whole floats as integers (36.0 -> '36');
    None for a blank cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).replace("\u00a0", " ").split())
    return text or None


def file_kind(path: Path, display: str) -> str:
    """'workbook' or 'text', from the file's signature first and its extension second.

    Raises:
        InputError: the file is missing, empty, or an old-style or password-protected workbook.
    """
    if not path.exists():
        raise InputError("no such file or folder", Location(display))
    if path.stat().st_size == 0:
        raise InputError("is empty (0 bytes)", Location(display))
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"\xd0\xcf\x11\xe0" or path.suffix.lower() == ".xls":
        # The OLE container: Excel 97-2003 workbooks, and also password-protected .xlsx files.
        raise InputError(
            "is an old-style .xls workbook or a password-protected one; remove the password and save it as "
            ".xlsx (or export CSV), then try again",
            Location(display),
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"} or magic == b"PK\x03\x04":
        return "workbook"
    return "text"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_percent_format(number_format: str | None) -> bool:
    # A '%' inside quotes or after a backslash is a literal character, not a percent format.
    if not number_format or "%" not in number_format:
        return False
    stripped = []
    quoted = False
    escaped = False
    for ch in number_format:
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            stripped.append(ch)
    return "%" in stripped


def read_workbook(path: Path, display: str) -> list[RawTable]:
    """All worksheets of an xlsx workbook as raw tables (cached formula values, percent formats noted).

    Raises:
        InputError: the file is not a readable xlsx workbook.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx/.xlsm, but the
        # caller has already recognised the workbook by its content.
        workbook = load_workbook(BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(
            f"cannot be read as an xlsx workbook ({type(exc).__name__}); open it in a spreadsheet program "
            "and save it as .xlsx, or export the sheets as CSV",
            Location(display),
        ) from None
    tables: list[RawTable] = []
    try:
        for sheet in workbook.worksheets:
            rows: list[tuple[int, list[Cell]]] = []
            # Files written by other tools often carry a wrong <dimension> tag, which would make the
            # read-only reader truncate rows or start at the wrong column; anchor at A1 and read all.
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            for counter, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
                number: int = next((r for c in row if isinstance(r := getattr(c, "row", None), int)), counter)
                cells = [Cell(c.value, _is_percent_format(getattr(c, "number_format", None))) for c in row]
                if any(not _blank(c.value) for c in cells):
                    rows.append((number, cells))
            tables.append(RawTable(display, sheet.title, rows))
    finally:
        workbook.close()
    return tables


def _decode(data: bytes, display: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            "is not UTF-8 text; save it as 'CSV UTF-8' from your spreadsheet program",
            Location(display, row=line),
        ) from None


def _dialect(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        # Sniffing fails on one-column files and on files with a ragged title above the header;
        # fall back to the delimiter that appears most often.
        counts = {d: sample.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_text_table(path: Path, display: str) -> RawTable:
    """A delimited text file (comma, semicolon, tab or pipe) as a raw table of strings.

    Raises:
        InputError: the file is empty or not decodable.
    """
    data = path.read_bytes()
    if not data.strip():
        raise InputError("is empty", Location(display))
    text = _decode(data, display)
    delimiter = _dialect(text)
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for values in reader:
        if any(v.strip() for v in values):
            rows.append((reader.line_num, [Cell(v) for v in values]))
    return RawTable(display, None, rows)


def iter_cells(row: list[Cell], count: int) -> Iterator[Cell]:
    """The first ``count`` cells of a row, padding short rows with blanks."""
    for k in range(count):
        yield row[k] if k < len(row) else Cell(None)
