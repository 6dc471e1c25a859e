"""The audit workbook's look: status colours, header style, number formats, and one way to write a table.

Every table sheet gets the same care: a bold filled header row frozen in place, an autofilter over the
whole table, column widths fitted to the content (within bounds), wrapped text where it runs long, percent
and date cells as real numbers and dates, and a landscape print setup that fits the width and repeats the
header on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ownership.reports.cells import cell_text, looks_like_formula, put_text
from ownership.reports.xlsx.measure import display_width, line_count, text_width
from ownership.result import STATUSES, Status

if TYPE_CHECKING:
    import pyarrow as pa

    from ownership.reports.xlsx import stream as xlsx_stream

#: Fractions 0..1 shown as percentages: the cell holds the number, Excel shows 37.04%.
PCT_FORMAT: Final = "0.00%"
DATE_FORMAT: Final = "yyyy-mm-dd"
COUNT_FORMAT: Final = "#,##0"

#: Fill and text colours per status: Excel's own red, amber and green cell styles for flagged, possible
#: and clear, and a violet for home (watched by itself), so the four stay apart on screen and on paper,
#: where the words and the bold type of the two failing ones carry the meaning without colour.
STATUS_COLOURS: Final[dict[Status, tuple[str, str]]] = {
    Status.HOME: ("D9D2E9", "3F1F69"),
    Status.FLAGGED: ("FFC7CE", "9C0006"),
    Status.POSSIBLE: ("FFEB9C", "7F4F00"),
    Status.CLEAR: ("C6EFCE", "006100"),
}
_FAILING: Final = frozenset({Status.HOME, Status.FLAGGED})


def font(size: float = 11, *, bold: bool = False, italic: bool = False, color: str | None = None) -> Font:
    """The workbook's font (Calibri, as Excel's default) in a size and style: a ``Font`` without a name
    would fall back to whatever the reading program likes, often a serif."""
    return Font(name="Calibri", size=size, bold=bold, italic=italic, color=color)


HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
HEADER_FONT: Final = font(bold=True, color="1F2937")
SECTION_FILL: Final = PatternFill("solid", fgColor="EEF2F8")
SECTION_FONT: Final = font(12, bold=True, color="1F3864")
TITLE_FONT: Final = font(16, bold=True, color="1F3864")
NOTE_FONT: Final = font(italic=True, color="595959")
_GRID: Final = Side(style="thin", color="BFBFBF")
GRID: Final = Border(left=_GRID, right=_GRID, top=_GRID, bottom=_GRID)
HEADER_BORDER: Final = Border(left=_GRID, right=_GRID, top=_GRID, bottom=Side(style="medium", color="7F7F7F"))
TOP: Final = Alignment(vertical="top")
TOP_WRAP: Final = Alignment(vertical="top", wrap_text=True)
#: The line above the first row of each group (an entity's chains, its derivation).
_GROUP_TOP: Final = Side(style="thin", color="404040")

#: Points per line of 11-point text, for the height of rows with wrapped text.
LINE_HEIGHT: Final = 15.0

Kind = Literal["text", "pct", "date", "count", "status", "flag"]
Value = str | float | int | date | Status | bool | None


@dataclass(frozen=True, slots=True)
class As:
    """A value written with its own kind instead of its column's (a settings table mixes kinds per row)."""

    value: Value
    kind: Kind


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table sheet.

    Attributes:
        title: the header text.
        kind: how values are written: text, pct (a fraction 0..1 shown as a percentage), date, count
            (an integer), status (a ``Status`` with its colour), flag (a bool shown as yes or no).
        widest: the most characters the column is widened to; longer text wraps (when ``wrap``).
        wrap: long text wraps inside the column instead of running over the next one.
        align: horizontal alignment when not the kind's own (small counts such as a rank read best centred).
    """

    title: str
    kind: Kind = "text"
    widest: int = 40
    wrap: bool = False
    align: Literal["left", "center", "right"] | None = None


def at(ws: Worksheet, row: int, column: int) -> Cell:
    """The cell at (row, column), 1-based; never one hidden under a merge (those cannot be written)."""
    cell = ws.cell(row, column)
    if not isinstance(cell, Cell):
        raise TypeError(f"{cell.coordinate} is inside a merged range")
    return cell


def status_style(cell: Cell, status: Status) -> None:
    fill, colour = STATUS_COLOURS[status]
    cell.fill = PatternFill("solid", fgColor=fill)
    cell.font = font(bold=status in _FAILING, color=colour)


def put(cell: Cell, value: Value, kind: Kind = "text") -> None:
    """Write one value with its number format: text always as inert text, fractions with the percent
    format, dates as dates, statuses with their colours, flags as yes or no."""
    if value is None:
        return
    if isinstance(value, datetime):
        raise TypeError("write datetimes as ISO text: a workbook cell has no time zone")
    if kind == "status" and isinstance(value, Status):
        status_style(cell, value)
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif not isinstance(value, str | bool | Status) and kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[kind]
    _put_value(cell, value, kind)


_NUMBER_FORMATS: Final[dict[Kind, str]] = {"pct": PCT_FORMAT, "count": COUNT_FORMAT}


def _put_value(cell: Cell, value: Value, kind: Kind) -> None:
    """The value alone: the cell's style (formats, colours) is already in place."""
    if value is None:
        return
    if kind == "flag" or isinstance(value, bool):
        put_text(cell, "yes" if value else "no")
    elif isinstance(value, Status):
        put_text(cell, value.value)
    elif isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value


def _style_key(value: Value, kind: Kind) -> tuple[object, ...]:
    """What decides the style ``put`` gives a value: cells with the same key look the same."""
    if value is None:
        return ("empty",)
    if kind == "status" and isinstance(value, Status):
        return ("status", value)
    if kind == "flag" or isinstance(value, bool | Status):
        return ("text", False)
    if isinstance(value, str):
        return ("text", looks_like_formula(cell_text(value)))
    if isinstance(value, date):
        return ("date",)
    return ("number", kind)


class _Styles:
    """Styles made once per look and copied to every cell that shares it.

    Setting a style attribute makes openpyxl hash the whole style to find it in the workbook's list, which
    dominates the time of a large sheet; copying the finished style array, as openpyxl's own sheet copy
    does, costs nothing.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], StyleArray] = {}

    def put(
        self, cell: Cell, value: Value, kind: Kind, look: tuple[object, ...], dress: Callable[[Cell], None]
    ) -> None:
        key = (*look, *_style_key(value, kind))
        made = self._made.get(key)
        if made is None:
            put(cell, value, kind)
            dress(cell)
            self._made[key] = copy(cell._style)  # type: ignore[attr-defined]  # the stubs omit the slot
        else:
            cell._style = copy(made)  # type: ignore[attr-defined]
            _put_value(cell, value, kind)


def shown_width(value: Value, kind: Kind) -> int:
    """The characters a value takes as displayed, for fitting the column."""
    if value is None:
        return 0
    if kind == "pct":
        return 8  # "100.00%"
    if isinstance(value, date):
        return 10
    if isinstance(value, Status):
        return len(value.value)
    if isinstance(value, bool):
        return 3
    if isinstance(value, str):
        return text_width(cell_text(value))
    return len(f"{value:,}") if isinstance(value, int) else len(f"{value:.6g}")


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Value | As]],
    *,
    freeze_columns: int = 0,
    banner: str | None = None,
    empty: str = "(none)",
    grouped: bool = False,
) -> int:
    """Write a header and rows from A1 (or below a one-line ``banner``) and dress the sheet as a table:
    frozen header, autofilter, fitted widths, wrapping, grid lines and print setup. With no rows, the
    ``empty`` note stands where the first row would be. ``grouped`` draws a darker line where the first
    column's value changes, so the rows of one entity read as one block.

    Returns:
        The number of data rows written.
    """
    top = 1
    if banner is not None:
        put_text(at(ws, 1, 1), banner)
        at(ws, 1, 1).font = NOTE_FONT
        top = 2
    table = [
        [
            (given.value, given.kind) if isinstance(given, As) else (given, column.kind)
            for column, given in zip(columns, values, strict=True)
        ]
        for values in rows
    ]
    widths = _header_widths(columns)
    for row in table:
        for j, (value, kind) in enumerate(row):
            widths[j] = min(max(widths[j], shown_width(value, kind) + 2), columns[j].widest + 2)
    _write_header(ws, columns, widths, top)
    aligns = [Alignment(horizontal=c.align, vertical="top", wrap_text=c.wrap) for c in columns]
    styles = _Styles()
    for r, row in enumerate(table, start=top + 1):
        wrapped: list[tuple[str, float]] = []
        starts = grouped and r > top + 1 and row[0][0] != table[r - top - 2][0][0]
        border = Border(left=GRID.left, right=GRID.right, top=_GROUP_TOP, bottom=GRID.bottom) if starts else GRID
        for j, (column, (value, kind)) in enumerate(zip(columns, row, strict=True), start=1):

            def dress(cell: Cell, border: Border = border, align: Alignment = aligns[j - 1]) -> None:
                cell.border = border
                cell.alignment = align

            styles.put(at(ws, r, j), value, kind, (j, starts), dress)
            if column.wrap and isinstance(value, str):
                wrapped.append((value, widths[j - 1]))
        _fit_height(ws, r, wrapped)
    if not table:
        put_text(at(ws, top + 1, 1), empty)
        at(ws, top + 1, 1).font = NOTE_FONT
    _finish(ws, columns, top, top + max(len(table), 1), freeze_columns)
    return len(table)


def _header_widths(columns: Sequence[Column]) -> list[int]:
    """Column widths for the header alone (the rows widen them), within each column's bounds."""
    # Headers wrap between words, so a narrow figure column keeps a narrow width under a long title.
    widths = [max(display_width(word) for word in c.title.split(" ")) + 3 for c in columns]  # + the filter button
    return [min(max(width, 6), column.widest + 2) for width, column in zip(widths, columns, strict=True)]


def write_streamed_table(
    ws: Worksheet,
    columns: Sequence[Column],
    batches: Iterator[list[pa.Array]],
    rows: int,
    *,
    freeze_columns: int = 0,
    empty: str = "(none)",
    banner: str | None = None,
    grouped: bool = False,
) -> list[Worksheet]:
    """``write_table`` for a table of ``rows`` rows given as Arrow columns (see ``xlsx_stream``), batch by
    batch: openpyxl writes the header and the sheet's dressing, the rows are poured into the sheet's XML
    when the workbook is zipped. Widths are fitted to the first batch. A table longer than a sheet holds
    goes on in sheets "<title> (2)"... placed after ``ws``, each with the same header. ``banner`` and
    ``grouped`` as for ``write_table``; a grouped table's batches end with one more array, the rows that
    begin a group (see ``python_batches``).

    Returns:
        The sheets the table was written on, ``ws`` first.
    """
    from ownership.reports.xlsx import stream as xlsx_stream

    first = next(batches, None)
    widths = _header_widths(columns)
    if first is not None:
        for j, (column, values) in enumerate(zip(columns, first[: len(columns)], strict=True)):
            sample = values.slice(0, 2_000).to_pylist()
            shown = max((_shown_cell_width(v, column.kind) for v in sample), default=0)
            widths[j] = min(max(widths[j], shown + 2), column.widest + 2)
    streamed = [
        xlsx_stream.StreamColumn(
            get_column_letter(j),
            column.kind,
            _cell_styles(ws, column),
            float(widths[j - 1]) if column.wrap else None,
            _cell_styles(ws, column, _GROUP_BORDER) if grouped else None,
        )
        for j, column in enumerate(columns, start=1)
    ]
    source = xlsx_stream.RowSource(chain([first] if first is not None else [], batches))
    top = 2 if banner is not None else 1
    per_sheet = xlsx_stream.MAX_ROWS - top
    sheets = [ws]
    workbook = ws.parent
    assert workbook is not None  # a sheet made by a workbook
    while len(sheets) * per_sheet < rows:
        sheets.append(workbook.create_sheet(f"{ws.title} ({len(sheets) + 1})", workbook.index(sheets[-1]) + 1))
    for k, sheet in enumerate(sheets):
        count = min(per_sheet, rows - k * per_sheet)
        if banner is not None:
            put_text(at(sheet, 1, 1), banner)
            at(sheet, 1, 1).font = NOTE_FONT
        _write_header(sheet, columns, widths, top)
        if count <= 0:
            put_text(at(sheet, top + 1, 1), empty)
            at(sheet, top + 1, 1).font = NOTE_FONT
        else:
            xlsx_stream.register(sheet, partial(xlsx_stream.rows_xml, streamed, source.take(count), top + 1))
        _finish(sheet, columns, top, top + max(count, 1), freeze_columns)
    return sheets


def _shown_cell_width(value: object, kind: Kind) -> int:
    """``shown_width`` of a value as a streamed column holds it."""
    if value is None or (isinstance(value, float) and value != value):
        return 0
    if kind == "status" and isinstance(value, int):
        return len(STATUSES[value].value)
    if kind == "date":
        return 10
    if kind == "flag":
        return 3
    if isinstance(value, str | int | float):
        return shown_width(value, kind)
    return 0


#: The border of the first row of a group (the line above it darker).
_GROUP_BORDER: Final = Border(left=GRID.left, right=GRID.right, top=_GROUP_TOP, bottom=GRID.bottom)


def python_batches(
    columns: Sequence[Column], rows: Sequence[Sequence[Value]], *, grouped: bool = False
) -> Iterator[list[pa.Array]]:
    """Rows of Python values as the Arrow batches ``write_streamed_table`` takes (for tables whose rows are
    built one by one); ``grouped`` adds the array of rows whose first value differs from the row before."""
    import pyarrow as pa

    from ownership.reports.xlsx import stream as xlsx_stream

    step = xlsx_stream.BATCH_ROWS
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        arrays: list[pa.Array] = []
        for j, column in enumerate(columns):
            values = [row[j] for row in part]
            if column.kind in ("pct", "count"):
                numbers = [np.nan if v is None or isinstance(v, str | date | Status) else float(v) for v in values]
                arrays.append(pa.array(numbers, type=pa.float64()))
            elif column.kind == "flag":
                arrays.append(pa.array(values, type=pa.bool_()))
            else:
                arrays.append(pa.array([None if v is None else _as_text(v) for v in values], type=pa.string()))
        if grouped:
            # The first row of the table never starts a group; every later one whose entity changes does.
            before = [rows[start - 1][0] if start else part[0][0], *(row[0] for row in part[:-1])]
            starts = [row[0] != key for row, key in zip(part, before, strict=True)]
            arrays.append(pa.array(starts, type=pa.bool_()))
        yield arrays


def _as_text(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Status):
        return value.value
    return str(value)


def _cell_styles(ws: Worksheet, column: Column, border: Border = GRID) -> xlsx_stream.CellStyles:
    """The style indices of the looks a streamed column's cells take, made as ``write_table`` makes them."""
    from ownership.reports.xlsx import stream as xlsx_stream

    align = Alignment(horizontal=column.align, vertical="top", wrap_text=column.wrap)

    def made(value: Value, kind: Kind) -> int:
        cell = Cell(ws, row=1, column=1)  # a scratch cell, never placed on the sheet
        put(cell, value, kind)
        cell.border = border
        cell.alignment = align
        found: int = cell.style_id
        return found

    kind = column.kind
    if kind == "status":
        return xlsx_stream.CellStyles(
            made(None, kind), made("x", "text"), statuses=tuple(made(s, kind) for s in STATUSES)
        )
    if kind in ("pct", "count"):
        return xlsx_stream.CellStyles(made(None, kind), made(0.5, kind))
    if kind == "date":
        return xlsx_stream.CellStyles(made(None, kind), made(date(2000, 1, 1), kind))
    return xlsx_stream.CellStyles(made(None, kind), made("x", "text"), made("=x", "text"))


def _write_header(ws: Worksheet, columns: Sequence[Column], widths: Sequence[int], top: int) -> None:
    for j, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
        cell = at(ws, top, j)
        put_text(cell, column.title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    _fit_height(ws, top, [(c.title, w) for c, w in zip(columns, widths, strict=True)])


def _finish(ws: Worksheet, columns: Sequence[Column], top: int, last: int, freeze_columns: int) -> None:
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{top + 1}"
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    print_setup(ws, title_rows=f"{top}:{top}")


def _fit_height(ws: Worksheet, row: int, texts: Sequence[tuple[str, float]]) -> None:
    """Set a row's height for its wrapped texts: neither Excel nor LibreOffice fits rows on opening a file."""
    lines = max((line_count(cell_text(text), width) for text, width in texts), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = lines * LINE_HEIGHT


def print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    """Landscape, one page wide (as many tall as needed), header rows repeated, sheet name and page number
    in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    footer = ws.oddFooter
    assert footer is not None and footer.left is not None and footer.right is not None  # openpyxl makes them
    footer.left.text = "&A"
    footer.right.text = "Page &P of &N"
