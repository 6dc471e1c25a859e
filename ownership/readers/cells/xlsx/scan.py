"""The byte-level half of the fast xlsx reader: one pass over a worksheet's ``<sheetData>`` that yields the rows
exactly as openpyxl's read-only, data-only reader would.

calamine reports values only, and not all of them as openpyxl does (``36.0`` for ``36``, a date for a
date-formatted serial, ``""`` for an error, trimmed text), so the scan reads each cell's start tag and stored
value itself: the style (percent and date formats), the type, the number as written, the formula, and plain
inline text. calamine supplies only what would be slow in Python: the shared strings (and rich inline text).
The scan trusts nothing it has not checked: markup it does not fully understand raises ``Unsure``, and the
caller reads the workbook with openpyxl instead.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from xml.parsers import expat

from openpyxl.utils.datetime import from_excel

from ownership.errors import InputError, Location, column_letter, short
from ownership.readers.cells.raw import Cell, CellValue, ReadLimits, is_blank

_MAIN_NS: Final = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


class Unsure(Exception):
    """The scan cannot vouch that it reads this part as openpyxl does."""


class DamagedCell(Exception):
    """A cell whose stored value no reader may guess at (see :func:`damaged_cell`)."""

    def __init__(self, row: int, column: int, kind: bytes, text: bytes) -> None:
        super().__init__(f"damaged cell at row {row}, column {column}")
        self.row, self.column, self.kind, self.text = row, column, kind, text

    def error(self, display: str, sheet: str) -> InputError:
        """The located error for the user."""
        return damaged_cell(display, sheet, self.row, self.column, self.kind, self.text)


@dataclass(frozen=True, slots=True)
class Style:
    """What the reader needs of one ``cellXfs`` entry.

    Attributes:
        percent: the number format shows the value as a percentage.
        date: openpyxl turns a number in this style into a datetime (with ``timedelta``, a timedelta).
        usable: False when openpyxl cannot resolve the number format (the workbook is damaged).
    """

    percent: bool = False
    date: bool = False
    timedelta: bool = False
    usable: bool = True


@dataclass
class Grid:
    """A sheet's values as calamine returns them, loaded on first use (most sheets written by scripts hold
    inline text only, which the scan reads itself)."""

    load: Callable[[], tuple[Sequence[Sequence[object]], int, int]]
    check: Callable[[], None] = lambda: None
    rows: Sequence[Sequence[object]] | None = field(default=None, init=False)
    top: int = field(default=0, init=False)
    left: int = field(default=0, init=False)

    def string(self, row: int, column: int) -> str:
        """The non-empty string calamine holds at a 1-based cell; ``Unsure`` when it has none there."""
        if self.rows is None:
            self.check()
            self.rows, self.top, self.left = self.load()
        r, k = row - 1 - self.top, column - 1 - self.left
        value: object = None
        if r >= 0 and k >= 0:
            with contextlib.suppress(IndexError):
                value = self.rows[r][k]
        if value.__class__ is not str or not value:
            raise Unsure(f"calamine has no string at row {row}, column {column}")
        return value

    def agrees(self, valued: int) -> bool:
        """Whether calamine, if it was asked at all, holds values in as many cells as the scan (it reads a
        missing cell and an error as ``""``)."""
        return self.rows is None or valued == sum(len(row) - row.count("") for row in self.rows)


@dataclass(frozen=True)
class SheetRows:
    """The rows of one sheet as the openpyxl path builds them, before uncached formulas are marked.

    Attributes:
        rows: (row number, cells) for each row with a non-blank cell.
        uncached: (row, column) -> formula text (with its '=') for formula cells without a saved value.
    """

    rows: list[tuple[int, list[Cell]]]
    uncached: dict[tuple[int, int], str]


# A row's start tag, or a whole cell: its reference, attributes, and content, read at once when it is a plain
# value or plain inline text (almost every cell), else taken whole for _CONTENT.
_TOKEN: Final = re.compile(
    rb'<row r="([0-9]+)"[^>]*>'
    rb'|<c r="([A-Z]{1,3})([0-9]+)"([^>/]*)(?:/>|>(?:<v>([^<]+)</v>|(<is>)<t>([^<]*)</t></is>|(.*?))</c>)',
    re.DOTALL,
)
_CONTENT: Final = re.compile(
    rb"(<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?"
    rb'(<v ?/>|<v(?: xml:space="preserve")?>([^<]*)</v>)?'
    rb'(<is>(?:(?:<t>|<t xml:space="preserve">)([^<]*)</t></is>|.*</is>))?',
    re.DOTALL,
)
_ATTRIBUTES: Final = re.compile(rb'(?: [A-Za-z:]+="[^"]*")* ?')
_ATTRIBUTE: Final = re.compile(rb' ([A-Za-z:]+)="([^"]*)"')
_FORMULA: Final = re.compile(rb'<f((?: [A-Za-z:0-9]+="[^"]*")*) ?(?:/>|>([^<]*)</f>)')
_ENTITY: Final = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED: Final = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_TYPES: Final = frozenset({b"", b"n", b"s", b"inlineStr", b"str", b"b", b"e"})
_CHUNK: Final = 1 << 20
_EMPTY: Final = Cell(None)

# Text that calamine decodes differently from openpyxl: it trims XML whitespace (also written as character
# references) at the ends of a <t> without xml:space="preserve", decodes _xHHHH_ escapes (openpyxl keeps
# them, and drops 'x005F_' from shared strings), reads an empty string as a missing one, and phonetic runs
# are a part the two may treat differently.
_SPACE: Final = rb"(?:[ \t\n]|&#0*(?:9|10|13|32);|&#[xX]0*(?:9|[aAdD]|20);)"
_TRIMMED: Final = (
    re.compile(rb"<t>(?:" + _SPACE + rb"|</t>)"),
    re.compile(rb"<t>[^<]*" + _SPACE + rb"</t>"),
    re.compile(rb"_x[0-9A-Fa-f]{4}_"),
)
_SUSPECT: Final = (
    *(b"<t/>", b'<t xml:space="preserve"></t>', b"<si/>", b"<si></si>", b"<is/>", b"<is></is>"),
    *(b"<rPh", b"<phoneticPr", b"x005F_", b"\r"),
)


def check_part(xml: bytes, root: bytes) -> None:
    """Refuse a part the regular expressions could misread: not UTF-8, with a DTD, comment or CDATA section,
    not well-formed, or without SpreadsheetML as the default namespace of its root element."""
    body = xml[3:] if xml.startswith(b"\xef\xbb\xbf") else xml
    head = body[:256].lower()
    if not body.lstrip().startswith(b"<") or (b"encoding=" in head and b"utf-8" not in head):
        raise Unsure("not UTF-8")
    if b"<!" in body:
        raise Unsure("DTD, comment or CDATA")  # also keeps expat from expanding entities
    opening = re.search(rb"<" + root + rb"\b[^>]*>", body[:8192])
    if opening is None or b"xmlns=" + _MAIN_NS not in opening.group(0) or opening.group(0).count(_MAIN_NS) != 1:
        raise Unsure(f"no <{root.decode()}> with SpreadsheetML as its only namespace")
    parser = expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except expat.ExpatError:
        raise Unsure("not well-formed XML") from None


def check_calamine_text(xml: bytes) -> None:
    """Refuse text (shared strings, or a sheet's rich inline text) calamine would decode differently."""
    if any(suspect in xml for suspect in _SUSPECT) or any(pattern.search(xml) for pattern in _TRIMMED):
        raise Unsure("text calamine would read differently")
    if xml.count(b"<t ") != xml.count(b'<t xml:space="preserve">'):
        raise Unsure("text attributes calamine may read differently")


# A cell with its type attribute and its stored value, as the checks of damaged values read it.
_VALUE_CELL: Final = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,12})"([^>]*?)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v(?: [^>]*)?>([^<]*)</v>'
)
_TYPE: Final = re.compile(rb'\st="([^"]*)"')


def damaged_cell(display: str, sheet: str, row: int, column: int, kind: bytes, text: bytes) -> InputError:
    """The error for a cell whose stored value is damaged: a number with '_' in it (Python would read
    ``1_0`` as 10) or a shared-string index that is not a plain count (``-1`` would be the last string)."""
    shown = short(text.decode("utf-8", "replace"), 40)
    where = Location(display, sheet, row, column)
    if kind == b"s":
        return InputError(
            f"the cell refers to shared string '{shown}', which cannot exist (the index must be a whole number "
            "from 0); the file is damaged: open it in a spreadsheet program and save it again, or export CSV",
            where,
        )
    return InputError(
        f"the cell holds '{shown}', which is stored as a number but is not one; type a number there, or clear the cell",
        where,
    )


def check_values(xml: bytes, display: str, sheet: str) -> None:
    """Refuse the first damaged stored value of a worksheet (see :func:`damaged_cell`), for the reader that
    would otherwise take it as something else (openpyxl reads ``1_0`` as 10 and index -1 as the last string).

    Raises:
        InputError: naming the cell.
    """
    if b"_" not in xml and b"<v>-" not in xml:
        return
    for match in _VALUE_CELL.finditer(xml):
        letters, digits, attributes, value = match.groups()
        found = _TYPE.search(attributes)
        kind = found.group(1) if found else b""
        if (kind in (b"", b"n") and b"_" in value) or (kind == b"s" and not value.isdigit()):
            raise damaged_cell(display, sheet, int(digits), _column(letters, {}), kind, value)


def check_string_count(xml: bytes) -> None:
    """Refuse shared strings whose ``uniqueCount`` claims more strings than the part holds: calamine reserves
    room for that many before reading one (four billion aborted the process), where openpyxl ignores it."""
    opening = re.search(rb"<sst\b[^>]*>", xml[:8192])
    declared = opening and re.search(rb'\suniqueCount="([0-9]{1,20})"', opening.group(0))
    if declared and int(declared.group(1)) > xml.count(b"<si>") + xml.count(b"<si "):
        raise Unsure("uniqueCount larger than the shared strings")


def sheet_data(xml: bytes) -> tuple[bytes, bytes]:
    """A worksheet split in two: its ``<sheetData>`` element, checked to hold only markup the scan
    understands, and the rest of the worksheet, with an empty ``<sheetData/>`` in its place."""
    check_part(xml, b"worksheet")
    start = xml.find(b"<sheetData")
    if start < 0 or xml.find(b"<sheetData", start + 1) >= 0:
        raise Unsure("no single <sheetData>")
    for empty in (b"<sheetData/>", b"<sheetData />"):
        if xml.startswith(empty, start):
            return b"<sheetData/>", xml
    end = xml.find(b"</sheetData>", start)
    if end < 0:
        raise Unsure("no </sheetData>")
    data = xml[start:end]
    if b"xmlns" in data or b"\r" in data:
        raise Unsure("namespace declarations or carriage returns inside the cells")
    return data, xml[:start] + b"<sheetData/>" + xml[end + len(b"</sheetData>") :]


#: A sheet's cells may span (rows times columns, blanks between them included) at most this many cells, or
#: this many for every cell with content, whichever is more: readers lay the cells out as a grid, and a few
#: stray cells far apart would otherwise make it vast (A1 and XFD1048576 span 17 billion cells).
GRID_FLOOR: Final = 1_000_000
GRID_PER_VALUE: Final = 16
#: Likewise for the rows a sheet spans (a reader steps through every row, blank ones included).
ROW_FLOOR: Final = 100_000
#: What one cell of that grid costs in memory: calamine's dense range and the Python lists made of it
#: (measured: a sheet spanning 32.8 million cells took 1.37 GB).
GRID_CELL_BYTES: Final = 48

# References longer than 12 letters or digits overflow every reader's counters: refused as damage.
_OVERLONG: Final = re.compile(rb'<c r="([A-Z]{13}|[A-Z]{1,12}[0-9]{13})')


@dataclass(frozen=True)
class Extent:
    """The rectangle a sheet's cells span (1-based, inclusive), and how many of them hold a value.

    Attributes:
        far_row: the row of the first cell in ``last_column`` (the cell an error about width names).
        deep_column: the column of the first cell in ``last_row`` (the cell an error about depth names).
        overlong: some reference has more than 12 letters or digits (left out of the rectangle).
    """

    first_row: int
    last_row: int
    first_column: int
    last_column: int
    values: int
    far_row: int
    deep_column: int = 1
    overlong: bool = False

    @property
    def cells(self) -> int:
        """How many cells the rectangle holds, blanks included."""
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)

    @property
    def span(self) -> str:
        """The rectangle as a spreadsheet range, ``A1:XFD1048576``."""
        first = f"{column_letter(self.first_column)}{self.first_row}"
        return f"{first}:{column_letter(self.last_column)}{self.last_row}"


def extent(xml: bytes) -> Extent | None:
    """The rectangle spanned by the cells of a worksheet's XML, read from their ``r`` references alone (so it
    is known before anything lays the cells out, whatever order the rows come in); None when no cell has
    one. References longer than 12 letters or digits are left out (``check_extent`` refuses them)."""
    import numpy as np

    low_row = low_column = np.iinfo(np.int64).max
    high_row = high_column = far_row = deep_column = 0
    overlong = False
    start = 0
    while start < len(xml):
        # Sixteen megabytes at a time, cut before a cell, so the arrays stay small whatever the markup.
        cut = xml.find(b"<c ", start + (_CHUNK << 4))
        end = len(xml) if cut < 0 else cut
        rows, columns, too_long = _references(np.frombuffer(xml, np.uint8, end - start, start))
        overlong = overlong or too_long
        if len(rows):
            low_row = min(low_row, int(rows.min()))
            deepest = int(rows.max())
            if deepest > high_row:
                high_row, deep_column = deepest, int(columns[int(rows.argmax())])
            low_column = min(low_column, int(columns.min()))
            widest = int(columns.max())
            if widest > high_column:
                high_column, far_row = widest, int(rows[int(columns.argmax())])
        start = end
    if not high_column and not overlong:
        return None
    return Extent(
        first_row=low_row,
        last_row=high_row,
        first_column=low_column,
        last_column=high_column,
        values=xml.count(b"</c>"),  # cells with content: a value, inline text or a formula
        far_row=far_row,
        deep_column=deep_column,
        overlong=overlong,
    )


_REFERENCE_OPEN: Final = b'<c r="'
_LONGEST: Final = 12  # letters or digits of a reference this reading takes


def _references(raw: Any) -> tuple[Any, Any, bool]:
    """(rows, columns) of the well-formed ``<c r="A1"`` references in a byte array, as int64 arrays, and
    whether some reference runs past 12 letters or digits.

    Vectorised (a Python loop over millions of cells, or a regular expression, took a fifth of the time of
    reading the sheet): find each '<c r="', then count the letters and digits after it.
    """
    import numpy as np

    padded = np.concatenate([np.zeros(3, np.uint8), raw, np.zeros(2 * _LONGEST + 4, np.uint8)])
    # Anchored on the 'r' (rarer than '<', which opens every element), then the bytes around it checked.
    at = np.flatnonzero(padded[3 : len(raw) + 3] == ord("r")) + 3
    for k, expected in enumerate(_REFERENCE_OPEN):
        at = at[padded[at + k - 3] == expected]
    at = at + 3
    letters = np.zeros(len(at), np.int64)
    columns = np.zeros(len(at), np.int64)
    open_ = np.ones(len(at), bool)
    for k in range(_LONGEST + 1):
        byte = padded[at + k].astype(np.int64)
        letter = open_ & (byte >= ord("A")) & (byte <= ord("Z"))
        columns = np.where(letter, columns * 26 + byte - 64, columns)
        letters += letter
        open_ = letter
    digits = np.zeros(len(at), np.int64)
    rows = np.zeros(len(at), np.int64)
    open_ = (letters > 0) & (letters <= _LONGEST)
    at = at + letters
    for k in range(_LONGEST + 1):
        byte = padded[at + k].astype(np.int64)
        digit = open_ & (byte >= ord("0")) & (byte <= ord("9"))
        rows = np.where(digit, rows * 10 + byte - 48, rows)
        digits += digit
        open_ = digit
    closed = padded[at + digits] == ord('"')
    keep = closed & (letters > 0) & (letters <= _LONGEST) & (digits > 0) & (digits <= _LONGEST)
    too_long = bool(np.any(letters > _LONGEST) or np.any(digits > _LONGEST))
    return rows[keep], columns[keep], too_long


def check_extent(xml: bytes, display: str, sheet: str, limits: ReadLimits) -> None:
    """Refuse a worksheet whose cells span a grid larger than its values justify or than the memory limit
    allows, before any reader lays it out (calamine allocates the whole rectangle at once, and aborts the
    process when it cannot).

    Raises:
        InputError: naming the sheet and its farthest cell, the span, and the limit it passes.
    """
    found = extent(xml)
    if found is None:
        return
    if found.overlong:
        overlong = _OVERLONG.search(xml)
        shown = _xml_text(overlong.group(1))[:40] if overlong else "?"
        raise InputError(
            f"the cell reference {shown}... is beyond any spreadsheet's last row and column; the file is "
            "damaged: open it in a spreadsheet program and save it again, or export CSV",
            Location(display, sheet),
        )
    cells_allowed = max(GRID_FLOOR, GRID_PER_VALUE * found.values)
    rows_allowed = max(ROW_FLOOR, GRID_PER_VALUE * found.values)
    depth = found.last_row - found.first_row + 1
    memory = found.cells * GRID_CELL_BYTES
    if found.cells <= cells_allowed and depth <= rows_allowed and memory <= limits.max_bytes:
        return
    wide = found.cells > cells_allowed
    row, column = (
        (found.far_row, found.last_column) if wide or depth <= rows_allowed else (found.last_row, found.deep_column)
    )
    where = Location(display, sheet, row, column)
    spans = (
        f"its cells span {found.span} ({_count(depth, 'row')} x "
        f"{_count(found.last_column - found.first_column + 1, 'column')}, {found.cells:,} cells) for "
        f"{_count(found.values, 'cell')} with content"
    )
    if wide or depth > rows_allowed:
        raise InputError(
            f"{spans}, more than the limit of {GRID_PER_VALUE} cells and rows per cell with content (and at least "
            f"{GRID_FLOOR:,} cells and {ROW_FLOOR:,} rows); the cell {column_letter(column)}{row} is probably "
            "stray: delete it, or the empty rows and columns around the table, and save the file again",
            where,
        )
    from ownership.readers.cells.budget import megabytes

    raise InputError(
        f"{spans}; laying them out would take about {megabytes(memory)} of memory, more than the limit of "
        f"{megabytes(limits.max_bytes)}; raise the limit with --max-input-mb if the file is genuine",
        where,
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def last_row(data: bytes) -> int:
    """The number of the last ``<row>`` of a sheet's data (0 for none)."""
    at = data.rfind(b'<row r="')
    return 0 if at < 0 else int(data[at + 8 : data.index(b'"', at + 8)])


def read_rows(
    data: bytes,
    grid: Grid,
    styles: Sequence[Style],
    epoch: datetime,
    scanned: Callable[[int, int], None] | None = None,
) -> SheetRows:
    """Every row of ``data`` (from :func:`sheet_data`) with a non-blank cell, as openpyxl reads it: cells up
    to the row's last ``<c>``, blank for the gaps; values of openpyxl's types (int or float as written, a
    datetime for a date-formatted number, the error text for an error); shared strings from ``grid``.
    ``scanned(done, size)`` hears how many bytes of ``data`` are read after each block of rows.

    Raises:
        Unsure: markup the scan does not read as openpyxl would, or a value openpyxl would refuse.
    """
    rows: list[tuple[int, list[Cell]]] = []
    uncached: dict[tuple[int, int], str] = {}
    kinds: dict[bytes, tuple[bytes, Style]] = {}
    columns: dict[bytes, int] = {}
    row: list[Cell] = []
    number, number_text, width, nonblank = 0, b"", 0, False
    # The elements read (<sheetData> itself, rows, cells, what is inside cells), to compare with the
    # elements in the bytes; and the cells holding a value, to compare with calamine.
    elements = 1
    valued = 0
    for start, end in _chunks(data):
        if scanned is not None and start:
            scanned(start, len(data))
        for row_text, letters, digits, attributes, value, inline, inline_text, other in _TOKEN.findall(
            data, start, end
        ):
            if row_text:
                if nonblank:
                    rows.append((number, row))
                if int(row_text) <= number:
                    raise Unsure("rows out of order")
                number, number_text, row, width, nonblank = int(row_text), row_text, [], 0, False
                elements += 1
                continue
            if digits != number_text:
                raise Unsure(f"cell {letters.decode()}{digits.decode()} outside its row")
            column = columns.get(letters) or _column(letters, columns)
            if column <= width:
                raise Unsure("cells out of order")
            kind, style = kinds.get(attributes) or _kind(attributes, styles, kinds)
            formula = b""
            if other:
                formula, value, inline, inline_text, inside = _content(other)
                elements += inside
            elif value:
                elements += 1
            elif inline:
                elements += 2
            elements += 1
            # openpyxl's WorkSheetParser.parse_cell in data-only mode; an empty <v> is no value.
            cell_value: CellValue = None
            if kind == b"inlineStr":
                if inline:
                    valued += 1
                    if inline == b"<is>":
                        cell_value = inline_text.decode() if b"&" not in inline_text else _xml_text(inline_text)
                    else:
                        cell_value = grid.string(number, column)  # rich text
            elif value:
                valued += 1
                if kind == b"" or kind == b"n":
                    if b"_" in value:
                        raise DamagedCell(number, column, kind, value)
                    cell_value = _number(value, style, epoch)
                elif kind == b"s":
                    if not value.isdigit():
                        raise DamagedCell(number, column, kind, value)
                    cell_value = grid.string(number, column)
                elif kind == b"e":
                    valued -= 1  # calamine reads an error as ""
                    cell_value = _xml_text(value)
                elif kind == b"str":
                    cell_value = _xml_text(value)
                else:
                    cell_value = _boolean(value)
            if column > width + 1:
                row.extend([_EMPTY] * (column - 1 - width))
            row.append(Cell(cell_value, style.percent))
            width = column
            if not nonblank and cell_value is not None and not is_blank(cell_value):
                nonblank = True
            if formula and is_blank(cell_value):
                uncached[(number, column)] = _formula_text(formula)
    if nonblank:
        rows.append((number, row))
    if elements != data.count(b"<") - data.count(b"</"):
        raise Unsure("elements the scan did not read")
    if not grid.agrees(valued):
        raise Unsure("calamine read a different number of values")
    return SheetRows(rows, uncached)


def _content(content: bytes) -> tuple[bytes, bytes, bytes, bytes, int]:
    """A cell's content other than a lone value or plain inline text: (formula element, value, ``<is>`` for
    plain inline text or ``<rich>`` for rich, inline text, elements inside)."""
    match = _CONTENT.fullmatch(content)
    if match is None:
        raise Unsure("cell content the scan does not read")
    formula, _, value, inline, inline_text = match.groups()
    if inline is not None:
        inline = b"<is>" if inline_text is not None else b"<rich>"
    inside = content.count(b"<") - content.count(b"</")
    return formula or b"", value or b"", inline or b"", inline_text or b"", inside


def _chunks(data: bytes) -> Iterator[tuple[int, int]]:
    # Tokens are collected about a megabyte of XML at a time, cut after a </row>, to bound the memory of big
    # sheets.
    start = 0
    while start < len(data):
        cut = data.find(b"</row>", start + _CHUNK)
        end = len(data) if cut < 0 else cut + len(b"</row>")
        yield start, end
        start = end


def _column(letters: bytes, columns: dict[bytes, int]) -> int:
    column = 0
    for ch in letters:
        column = column * 26 + ch - 64
    columns[letters] = column
    return column


def _kind(attributes: bytes, styles: Sequence[Style], kinds: dict[bytes, tuple[bytes, Style]]) -> tuple[bytes, Style]:
    found = dict(_ATTRIBUTE.findall(attributes))
    if not _ATTRIBUTES.fullmatch(attributes) or len(found) != attributes.count(b'="'):
        raise Unsure("repeated cell attributes")
    kind = found.get(b"t", b"")
    style_text = found.get(b"s", b"")
    if kind not in _TYPES or (style_text and not style_text.isdigit()):
        raise Unsure(f"cell attributes {attributes.decode(errors='replace')}")
    index = int(style_text) if style_text else 0
    if index >= len(styles) or not styles[index].usable:
        raise Unsure(f"style {index} openpyxl cannot resolve")
    kinds[attributes] = (kind, styles[index])
    return kind, styles[index]


def _number(text: bytes, style: Style, epoch: datetime) -> CellValue:
    # openpyxl's _cast_number: a point or an exponent makes a float, anything else must be an integer
    # (bytes, so that only ASCII digits pass; openpyxl's path names any other cell).
    try:
        number = float(text) if b"." in text or b"e" in text or b"E" in text else int(text)
    except ValueError:
        raise Unsure("a number cell holds something else") from None
    if not style.date:
        return number
    try:
        converted: CellValue = from_excel(number, epoch, timedelta=style.timedelta)
    except (OverflowError, ValueError):
        return "#VALUE!"  # what openpyxl makes of a serial outside the calendar
    return converted


def _boolean(text: bytes) -> bool:
    try:
        return bool(int(text))
    except ValueError:
        raise Unsure("a boolean cell holds something else") from None


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def _formula_text(element: bytes) -> str:
    # openpyxl's parse_formula for an ordinary formula: '=' and the text. Shared, array and data-table
    # formulas it rewrites; the fast path leaves those to it.
    match = _FORMULA.fullmatch(element)
    if match is None:
        raise Unsure("formula markup")
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if attributes.get(b"t", b"normal") != b"normal":
        raise Unsure("shared, array or data-table formula without a saved value")
    return "=" + _xml_text(match.group(2) or b"")
