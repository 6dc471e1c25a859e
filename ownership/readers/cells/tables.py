"""Raw tables from workbooks and text files: rows of cells with their location, nothing interpreted yet.

Both the xlsx and the CSV readers produce ``RawTable``; one parser (``canonical``) turns any of them into
entities and holdings, so every rule about headers, aliases and cell values lives in one place.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from ownership.errors import DataWarning, InputError, Location, short
from ownership.readers.cells.raw import (
    DEFAULT_LIMITS,
    Cell,
    CellValue,
    RawTable,
    ReadLayout,
    ReadLimits,
    TextRows,
    UncachedFormula,
    cell_text,
    chart_sheet_table,
    is_blank,
    is_percent_format,
    iter_cells,
    mark_uncached,
    sheet_warnings,
)

# The raw types live in ``raw``; they are named here too because every reader has always imported them from here.
__all__ = [
    "DEFAULT_LIMITS",
    "Cell",
    "CellValue",
    "RawTable",
    "ReadLayout",
    "ReadLimits",
    "TextRows",
    "UncachedFormula",
    "cell_text",
    "chart_sheet_table",
    "file_kind",
    "is_blank",
    "is_percent_format",
    "iter_cells",
    "mark_uncached",
    "read_text_table",
    "read_workbook",
    "sheet_warnings",
]

#: How the CLI names the options that raise each limit (for messages).
_RAISE_BYTES = "raise the limit with --max-input-mb if the file is genuine"
_RAISE_ROWS = "raise the limit with --max-rows if the file is genuine"


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
    if magic == b"PK\x03\x04":
        return "workbook"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        with path.open("rb") as handle:
            head = handle.read(4096)
        if head.strip() and b"\x00" not in head.lstrip(b"\xff\xfe\xef\xbb\xbf"):
            raise InputError(
                "is text (CSV), not an xlsx workbook, despite its name; rename it to .csv and try again",
                Location(display),
            )
        return "workbook"
    return "text"


def _check_archive(data: bytes, display: str, limits: ReadLimits) -> None:
    """Refuse archives that unpack beyond the limit (zip bombs) or that are not zip archives at all."""
    import zipfile

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:  # zipfile on untrusted bytes: bad headers, odd methods
        raise _unreadable(display) from None
    unpacked = sum(info.file_size for info in infos)
    seen: set[str] = set()
    for info in infos:
        # Readers disagree on which of two parts with one name counts (zipfile takes the last), so a
        # workbook could show one table in a spreadsheet program and another here.
        if info.filename in seen:
            raise InputError(
                f"holds two parts named '{short(info.filename, 80)}', so readers may disagree on which one "
                "counts; the file is damaged or was tampered with: open it in a spreadsheet program and save "
                "it again",
                Location(display),
            )
        seen.add(info.filename)
    from ownership.readers.cells.budget import megabytes, workbook_budget

    budget = workbook_budget(len(data), limits.max_bytes)
    if unpacked > budget.max_bytes:
        raise InputError(f"unpacks to {megabytes(unpacked)}, more than {budget.reason}", Location(display))


def _has_formulas(data: bytes, display: str) -> bool:
    """Whether any sheet holds a formula (so openpyxl must read the workbook a second time for them)."""
    import zipfile

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            return any(b"<f>" in (text := archive.read(i)) or b"<f " in text for i in sheets)
    except Exception:  # zipfile and zlib on untrusted bytes: bad deflate streams, odd methods, bad CRCs
        raise _unreadable(display) from None


def _unreadable(display: str) -> InputError:
    return InputError(
        "cannot be read as an xlsx workbook (it is damaged, or not really a workbook); open it in a "
        "spreadsheet program and save it again as .xlsx, or export the sheets as CSV",
        Location(display),
    )


def read_workbook(
    path: Path, display: str, limits: ReadLimits = DEFAULT_LIMITS, *, fast: bool = True
) -> list[RawTable]:
    """All worksheets of an xlsx workbook as raw tables (cached formula values, percent formats noted).

    A formula cell without a saved value comes back as ``UncachedFormula`` instead of a silent blank.
    ``fast=False`` reads with openpyxl alone, the reference the fast reader (``xlsx_fast``) must equal.

    Raises:
        InputError: the file is not a readable xlsx workbook, or it passes the limits.
    """
    import warnings

    from openpyxl import load_workbook

    from ownership.readers.cells.xlsx.fast import read_workbook_fast

    data = path.read_bytes()
    _check_archive(data, display, limits)
    try:
        # calamine reads a large workbook many times faster; openpyxl reads whatever the fast reader cannot
        # vouch for, and names the place of any damage.
        tables = read_workbook_fast(data, display, limits) if fast else None
        if tables is None:
            has_formulas = _has_formulas(data, display)
            with warnings.catch_warnings():
                # openpyxl warns (on stderr) about harmless oddities such as a missing default style.
                warnings.simplefilter("ignore")
                tables = _read_tables(data, display, limits, has_formulas, load_workbook)
        from ownership.readers.cells.unicode_text import tidy_table

        return [tidy_table(table) for table in tables]
    except MemoryError:
        # Not damage: the file may be sound and the machine too small for it.
        from ownership.readers.cells.budget import available_memory, megabytes

        free = available_memory()
        raise InputError(
            f"ran out of memory while reading it ({megabytes(len(data))}, unpacking to "
            f"{megabytes(_unpacked(data))}{'' if free is None else f'; {megabytes(free)} of memory now available'}"
            "); the file is not damaged for all that is known: free memory, or export the sheets as CSV (read "
            "with much less memory), or lower --max-input-mb to refuse such files early",
            Location(display),
        ) from None


def _unpacked(data: bytes) -> int:
    import zipfile

    with zipfile.ZipFile(BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _read_tables(
    data: bytes, display: str, limits: ReadLimits, has_formulas: bool, load_workbook: Any
) -> list[RawTable]:
    try:
        # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx/.xlsm, but the
        # caller has already recognised the workbook by its content.
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # not damage: read_workbook says so
    except Exception as exc:  # openpyxl on untrusted bytes: zip, XML and value errors all mean "damaged"
        raise _damaged(display, None, exc) from None
    tables: list[RawTable] = []
    sheet_name: str | None = None
    try:
        for sheet in workbook.worksheets:
            sheet_name = sheet.title
            tables.append(_read_sheet(sheet, display, limits))
        sheet_name = None
        if has_formulas:
            tables = _mark_uncached_formulas(data, tables)
        tables += [chart_sheet_table(display, chart.title) for chart in getattr(workbook, "chartsheets", [])]
    except (InputError, MemoryError):
        raise
    except ValueError as exc:
        try:
            bad = _bad_number(data)
        except Exception:
            bad = None
        if bad is None:
            raise _damaged(display, sheet_name, exc) from None
        ref, value = bad
        column, row = _split_ref(ref)
        raise InputError(
            f"the cell holds '{value[:40]}', which is stored as a number but is not one; type a number "
            "there, or clear the cell",
            Location(display, sheet_name, row, column),
        ) from None
    except Exception as exc:
        # openpyxl parses untrusted bytes: whatever it raises part-way (a style index out of range, a
        # malformed number) means the file is damaged, and the user needs a located message, not a traceback.
        raise _damaged(display, sheet_name, exc) from None
    finally:
        workbook.close()
    return tables


def _damaged(display: str, sheet: str | None, exc: Exception) -> InputError:
    # The exception's own text is openpyxl's or zlib's, about bytes the user never sees: name its kind only.
    return InputError(
        f"cannot be read as an xlsx workbook: it is damaged ({type(exc).__name__} while reading); open it "
        "in a spreadsheet program and save it again as .xlsx, or export the sheets as CSV",
        Location(display, sheet),
    )


_NUMBER_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v>')


def _bad_number(data: bytes) -> tuple[str, str] | None:
    """The first numeric cell whose stored value is not a number (e.g. 'NaN'), as (reference, value)."""
    import zipfile

    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            for match in _NUMBER_CELL.finditer(archive.read(info)):
                attributes = match.group(2)
                if b' t="' in attributes and b' t="n"' not in attributes:
                    continue  # strings, booleans, errors: not numbers
                text = match.group(3).decode("utf-8", "replace")
                try:
                    float(text)
                except ValueError:
                    return match.group(1).decode(), text
                if text.strip().lower() in ("nan", "inf", "-inf", "infinity", "-infinity"):
                    return match.group(1).decode(), text
    return None


def _split_ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    column = 0
    for ch in letters:
        column = column * 26 + (ord(ch) - 64)
    return column, int(ref[len(letters) :])


def _read_sheet(sheet: object, display: str, limits: ReadLimits) -> RawTable:
    title = str(getattr(sheet, "title", ""))
    rows: list[tuple[int, list[Cell]]] = []
    # Files written by other tools often carry a wrong <dimension> tag, which would make the read-only
    # reader truncate rows or start at the wrong column; anchor at A1 and read all.
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    source = getattr(sheet, "_get_source", None)  # the read-only sheet's XML, checked before it is laid out
    if source is not None:
        from ownership.readers.cells.xlsx.scan import check_extent, check_values

        with source() as handle:
            xml = handle.read()
        check_extent(xml, display, title, limits)
        check_values(xml, display, title)
    for counter, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):  # type: ignore[attr-defined]
        number: int = next((r for c in row if isinstance(r := getattr(c, "row", None), int)), counter)
        if number > limits.max_rows:
            raise InputError(f"has more than {limits.max_rows:,} rows; {_RAISE_ROWS}", Location(display, title, number))
        cells = [Cell(c.value, is_percent_format(getattr(c, "number_format", None))) for c in row]
        if any(not is_blank(c.value) for c in cells):
            rows.append((number, cells))
    return RawTable(display, title, rows, sheet_warnings(display, title, getattr(sheet, "sheet_state", "visible")))


def _mark_uncached_formulas(data: bytes, tables: list[RawTable]) -> list[RawTable]:
    """Replace the blank that a formula without a saved value reads as by ``UncachedFormula``."""
    from openpyxl import load_workbook

    formulas = load_workbook(BytesIO(data), read_only=True, data_only=False)
    marked: list[RawTable] = []
    try:
        for table, sheet in zip(tables, formulas.worksheets, strict=True):
            sheet.reset_dimensions()
            by_row = {number: cells for number, cells in table.rows}
            missing: dict[tuple[int, int], str] = {}
            for row in sheet.iter_rows(min_row=1, min_col=1):
                for c in row:
                    if getattr(c, "data_type", None) == "f":
                        r, k = int(c.row), int(c.column)  # type: ignore[arg-type]
                        cells = by_row.get(r)
                        if cells is None or k > len(cells) or is_blank(cells[k - 1].value):
                            missing[(r, k)] = str(c.value)
            marked.append(mark_uncached(table, missing) if missing else table)
    finally:
        formulas.close()
    return marked


def _dialect(text: str) -> str:
    # The sniffer's regular expressions backtrack on very long lines: give it a bounded sample.
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        # Sniffing fails on one-column files and on files with a ragged title above the header;
        # fall back to the delimiter that appears most often.
        counts = {d: sample.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_text_table(path: Path, display: str, limits: ReadLimits = DEFAULT_LIMITS) -> RawTable:
    """A delimited text file (comma, semicolon, tab or pipe) as a raw table of strings.

    Raises:
        InputError: the file is empty, passes the limits, or is not delimited text.
    """
    size = path.stat().st_size
    if size > limits.max_bytes:
        from ownership.readers.cells.budget import megabytes

        raise InputError(
            f"is {megabytes(size)}, more than the limit of {megabytes(limits.max_bytes)}; {_RAISE_BYTES}",
            Location(display),
        )
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise InputError(
            "is a binary file, not CSV text; export the data as CSV (UTF-8) or save it as .xlsx", Location(display)
        )
    from ownership.readers.cells.decoding import decode_text

    decoded = decode_text(data, display)
    size = len(data)
    del data  # the decoded text is what is read from here on
    text = decoded.text
    if not text.strip():
        raise InputError("is empty", Location(display))
    delimiter = _dialect(text)
    # The rows are kept as their texts alone (``TextRows``): a Cell list per row cost more than the texts.
    numbers: array[int] = array("q")
    starts: array[int] = array("q", [0])
    texts: list[str] = []
    csv.field_size_limit(max(limits.max_cell_chars, 131072))
    # The lines are sliced from the text one at a time: a StringIO over it would hold a second copy of the
    # whole file, at four bytes per character.
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    # Cells of one text share one Cell and one string (a type, a country, a common stake); the first few
    # thousand distinct texts are remembered, enough for the columns that repeat.
    shared: dict[str, Cell] = {}
    from ownership.readers import progress

    meter = progress.current()
    counted = 0
    # Rows are numbered by record, as a spreadsheet program shows the file: a quoted cell spanning lines is
    # one row, so the reader's line number runs ahead of the row number after it.
    record = 0
    start = first = 1  # the line after the last record read; the line the last record starts on
    try:
        for values in reader:
            record, first = record + 1, start
            if reader.line_num > limits.max_rows:
                raise InputError(
                    f"has more than {limits.max_rows:,} lines; {_RAISE_ROWS}", Location(display, row=record)
                )
            if any(v.strip() for v in values):
                for v in values:
                    cell = shared.get(v)
                    if cell is None and len(shared) < _SHARED_CELLS:
                        cell = shared[v] = Cell(v)
                    texts.append(v if cell is None else cast(str, cell.value))
                numbers.append(record)
                starts.append(len(texts))
            start = reader.line_num + 1
            if meter is not None and not record % 16384:
                # The position in the text, as bytes of the file read so far.
                reached = lines.position * size // len(text)
                meter.advance(reached - counted)
                counted = reached
    except csv.Error as exc:
        problem = (
            f"has a cell longer than {limits.max_cell_chars:,} characters (usually a quote that is never closed)"
            if "field limit" in str(exc)
            else f"cannot be read as CSV ({exc})"
        )
        raise InputError(
            f"{problem}; check the quoting from row {record + 1} (line {start})", Location(display, row=record + 1)
        ) from None
    if reader.line_num > first:
        _refuse_unclosed_quote(text, delimiter, display, record, first)
    if meter is not None:
        meter.advance(size - counted)
    warnings: tuple[DataWarning, ...] = ()
    if decoded.note is not None:
        warnings = (DataWarning("encoding", decoded.note, Location(display)),)
    from ownership.readers.cells.unicode_text import tidy_table

    return tidy_table(RawTable(display, None, TextRows(numbers, starts, texts, shared), warnings))


#: Distinct cell texts a text file's Cells are shared for.
_SHARED_CELLS = 4096


class _Lines:
    """The lines of a text as ``io.StringIO(text, newline="")`` gives them (ending at CR LF, CR or LF, the
    ends kept), each sliced when asked for; ``position`` is where the next one starts."""

    _END = re.compile(r"\r\n?|\n")

    def __init__(self, text: str) -> None:
        self.text, self.position = text, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        start = self.position
        if start >= len(self.text):
            raise StopIteration
        found = self._END.search(self.text, start)
        self.position = found.end() if found is not None else len(self.text)
        return self.text[start : self.position]


def _refuse_unclosed_quote(text: str, delimiter: str, display: str, record: int, first: int) -> None:
    """Refuse a file whose last record, starting on line ``first``, ends inside a quote: the csv module reads
    everything after a quote that is never closed as one cell, which would otherwise surface as an empty or
    odd cell instead of the real problem."""
    import itertools

    tail = "".join(itertools.islice(io.StringIO(text, newline=""), first - 1, None))
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InputError(
                f"a quote opened in this row (line {first}) is never closed, so the rest of the file reads as one "
                "cell; close the quote, or remove it",
                Location(display, row=record),
            ) from None
