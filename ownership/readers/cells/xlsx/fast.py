"""Fast xlsx reading: the same raw tables as the openpyxl path, in a fraction of the time.

A byte-level scan of each sheet (``xlsx_scan``) reads the cells: styles (a percent-formatted cell stores 50%
as 0.5), types, numbers as written, formulas without a saved value, plain inline text. python-calamine (Rust)
supplies the shared strings, the one large part the scan does not read, which is where Excel and LibreOffice
keep all text. openpyxl still reads the small parts (sheet list and states, styles, the date epoch), so those
come out as the openpyxl path sees them. When anything is unusual the fast path steps aside, and the caller
reads the workbook with openpyxl, which also names the place of any damage.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS

from ownership.errors import InputError
from ownership.readers import progress
from ownership.readers.cells.raw import (
    RawTable,
    ReadLimits,
    chart_sheet_table,
    is_percent_format,
    mark_uncached,
    sheet_warnings,
)
from ownership.readers.cells.xlsx.scan import (
    DamagedCell,
    Grid,
    Style,
    Unsure,
    check_calamine_text,
    check_extent,
    check_part,
    check_string_count,
    last_row,
    read_rows,
    sheet_data,
)

#: Where calamine looks for the shared strings; a workbook keeping them elsewhere goes to openpyxl.
_STRINGS_PART = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class _Sheet:
    title: str
    state: str
    part: str


@dataclass(frozen=True)
class _Book:
    """The workbook's parts other than cell data, as openpyxl reads them."""

    sheets: list[_Sheet]
    charts: list[str]
    styles: list[Style]
    epoch: datetime
    strings_part: str | None


def read_workbook_fast(data: bytes, display: str, limits: ReadLimits) -> list[RawTable] | None:
    """All worksheets of the xlsx workbook ``data`` as ``tables.read_workbook`` returns them, or None when
    this reader cannot vouch for doing so (the caller then reads the workbook with openpyxl).

    ``data`` must have passed ``tables._check_archive`` (the unpacked-size limit) already.

    Raises:
        InputError: a sheet whose cells span a larger grid than the limits allow (``xlsx_scan.check_extent``).
    """
    try:
        with warnings.catch_warnings():
            # openpyxl warns about harmless oddities while it reads the workbook's parts.
            warnings.simplefilter("ignore")
            return _read(data, display, limits)
    except Unsure:
        return None
    except (InputError, MemoryError):
        raise  # a sheet past the limits, refused before anything laid it out; or a machine too small for it
    except Exception:  # calamine, zipfile and openpyxl on untrusted bytes: the openpyxl path reports damage
        return None


def _read(data: bytes, display: str, limits: ReadLimits) -> list[RawTable]:
    book = _read_parts(data)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = {name.lower() for name in archive.namelist()}
        if book.strings_part not in (None, _STRINGS_PART) or (
            book.strings_part is None and _STRINGS_PART.lower() in names
        ):
            raise Unsure("shared strings where calamine does not look for them")
        if book.strings_part is not None:
            strings = archive.read(book.strings_part)
            check_part(strings, b"sst")
            check_calamine_text(strings)
            check_string_count(strings)
        calamine = _Calamine(archive)
        try:
            tables = [_read_sheet(archive, calamine, sheet, book, display, limits) for sheet in book.sheets]
        finally:
            calamine.close()
    return tables + [chart_sheet_table(display, title) for title in book.charts]


def _read_sheet(
    archive: zipfile.ZipFile, calamine: _Calamine, sheet: _Sheet, book: _Book, display: str, limits: ReadLimits
) -> RawTable:
    data, rest = sheet_data(archive.read(sheet.part))
    check_extent(data, display, sheet.title, limits)  # before calamine allocates the sheet's whole grid
    if last_row(data) > limits.max_rows:
        raise Unsure("over the row limit")  # openpyxl reads up to the limit and names the row
    # openpyxl reads the sheet's other elements too (columns, views, margins, merged cells...) and refuses
    # the workbook when one of them is damaged: let it read them, without the cells.
    if next(WorkSheetParser(BytesIO(rest), []).parse(), None) is not None:
        raise Unsure("rows outside <sheetData>")
    grid = Grid(lambda: calamine.values(sheet.title), lambda: check_calamine_text(data))
    try:
        scanned = read_rows(data, grid, book.styles, book.epoch, _reporter(archive, sheet.part))
    except DamagedCell as damaged:
        raise damaged.error(display, sheet.title) from None
    table = RawTable(display, sheet.title, scanned.rows, sheet_warnings(display, sheet.title, sheet.state))
    return mark_uncached(table, scanned.uncached) if scanned.uncached else table


def _reporter(archive: zipfile.ZipFile, part: str) -> Callable[[int, int], None] | None:
    """Read progress for one sheet, in bytes of the workbook file: the sheet's compressed part, in
    proportion to the XML scanned (None when nobody asked for progress)."""
    meter = progress.current()
    if meter is None:
        return None
    share = archive.getinfo(part).compress_size
    counted = 0

    def scanned(done: int, size: int) -> None:
        nonlocal counted
        reached = share * done // max(1, size)
        meter.advance(reached - counted)
        counted = reached

    return scanned


class _Calamine:
    """calamine over a stored (uncompressed) copy of the archive, made on first use from the parts as
    Python's zipfile unpacks them: the zip reader under calamine does not stop at a part's declared size, so
    it must not inflate a hostile archive past the limit checked on those sizes. It also reads exactly the
    bytes openpyxl reads."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.workbook: Any = None

    def values(self, title: str) -> tuple[list[list[object]], int, int]:
        """A sheet's values from its first non-empty cell, and that cell's 0-based row and column."""
        import python_calamine

        if self.workbook is None:
            copy = BytesIO()
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as stored:
                for info in self.archive.infolist():
                    stored.writestr(info.filename, self.archive.read(info))
            copy.seek(0)
            self.workbook = python_calamine.CalamineWorkbook.from_filelike(copy)
        if self.workbook.sheet_names.count(title) != 1:
            raise Unsure("calamine names the sheets differently")
        sheet = self.workbook.get_sheet_by_name(title)
        top, left = sheet.start or (0, 0)
        return sheet.to_python(), top, left

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


class _SizelessSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet without its size, which it finds by parsing a sheet that has no <dimension>
    element in full; the fast path never asks."""

    def _get_size(self) -> None:
        return None


class _PartsReader(ExcelReader):
    """openpyxl's read-only workbook reader, less the cell data: calamine reads the shared strings (with the
    sheets, the large parts of a workbook) and the scan the sheets."""

    def read_strings(self) -> None:
        return None

    def read_worksheets(self) -> None:
        # ExcelReader.read_worksheets in read-only mode, with sheets that are not sized.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)  # type: ignore[arg-type]  # the stubs expect a Chartsheet
                continue
            rels_path: str = get_rels_path(rel.target)  # type: ignore[no-untyped-call]
            if rels_path in self.valid_files:
                get_dependents(self.archive, rels_path)  # as openpyxl does: a damaged part fails here
            worksheet = _SizelessSheet(self.wb, sheet.name, rel.target, [])
            worksheet.sheet_state = sheet.state  # type: ignore[assignment]  # as openpyxl does, None or not
            getattr(self.wb, "_sheets").append(worksheet)  # noqa: B009 (private to openpyxl)


def _read_parts(data: bytes) -> _Book:
    reader = _PartsReader(BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read()
        workbook = reader.wb
        sheets = [
            _Sheet(sheet.title, str(sheet.sheet_state), str(getattr(sheet, "_worksheet_path", "")))
            for sheet in workbook.worksheets
        ]
        package: Any = reader.package  # its find() is untyped in the stubs
        strings = package.find(SHARED_STRINGS)
        return _Book(
            sheets=sheets,
            charts=[chart.title for chart in workbook.chartsheets],
            styles=_styles(workbook),
            epoch=workbook.epoch,
            strings_part=None if strings is None else str(strings.PartName)[1:],
        )
    finally:
        reader.archive.close()


def _styles(workbook: object) -> list[Style]:
    # As openpyxl's ReadOnlyCell.number_format resolves a style's format, and its date style sets.
    cell_styles: Sequence[Any] = getattr(workbook, "_cell_styles")  # noqa: B009 (private to openpyxl)
    custom: Sequence[str] = getattr(workbook, "_number_formats")  # noqa: B009
    dates: set[int] = getattr(workbook, "_date_formats")  # noqa: B009
    durations: set[int] = getattr(workbook, "_timedelta_formats")  # noqa: B009
    styles = []
    for index, xf in enumerate(cell_styles):
        number_format: str | None
        format_id = int(xf.numFmtId)
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            number_format = BUILTIN_FORMATS.get(format_id, "General")
        elif format_id - BUILTIN_FORMATS_MAX_SIZE < len(custom):
            number_format = custom[format_id - BUILTIN_FORMATS_MAX_SIZE]
        else:
            styles.append(Style(usable=False))
            continue
        styles.append(Style(is_percent_format(number_format), index in dates, index in durations))
    return styles
