"""Raw cells and tables: what every reader produces before anything is interpreted, and the caps on reading.

These types sit below both the table readers (``tables``) and the xlsx scanners (``xlsx.fast``, ``xlsx.scan``),
so each of those imports them from here and none imports the other back.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from ownership.errors import DataWarning, Location

#: A cell: its value as the file stores it, and whether a spreadsheet shows it as a percentage.
CellValue = str | int | float | bool | object | None


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue
    percent_format: bool = False


@dataclass(frozen=True, slots=True)
class UncachedFormula:
    """A formula cell whose workbook holds no calculated value (saved by a tool that does not calculate)."""

    formula: str


@dataclass(frozen=True)
class ReadLayout:
    """What the user told the reader about a sheet it cannot read by itself.

    Attributes:
        subject: the company a register of members (a sheet with no subject column) is about (``--subject``).
        columns: (field, header) pairs: the column headed ``header`` holds ``field`` (``--columns``);
            the field ``ignore`` says a column is read by nobody, on purpose.
        lenient: columns and sheets that look like data but are not read are warnings instead of errors
            (``--lenient``).
    """

    subject: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    lenient: bool = False

    @property
    def is_default(self) -> bool:
        return self.subject is None and not self.columns and not self.lenient


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep a hostile or broken file from taking unbounded time or memory.

    Attributes:
        max_bytes: the most a text file may hold, or a workbook's parts once unpacked. At the default (2048 MB
            of 1,048,576 bytes), a workbook is held to what its file size and the machine's memory justify
            (``budget.workbook_budget``); any other value is taken as is.
        max_rows: the most rows a sheet or text file may have.
        max_cell_chars: the longest cell of a text file.
        layout: how to read sheets the reader cannot read by itself (carried with the limits, which every
            reader call already receives).
    """

    max_bytes: int = 2 * 1024**3
    max_rows: int = 10_000_000
    max_cell_chars: int = 10_000_000
    layout: ReadLayout = ReadLayout()


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class RawTable:
    """A sheet or a CSV file as rows of cells.

    Attributes:
        file: the file name as the user gave it.
        sheet: worksheet name, or None for a text file.
        rows: (1-based row number, cells) for every row that is not entirely blank (a list, or for a text
            file ``TextRows``, which makes each row's cells when asked for).
        warnings: what reading the table noticed (a hidden sheet, a guessed encoding); reported by the parser
            that uses the table.
    """

    file: str
    sheet: str | None
    rows: Sequence[tuple[int, list[Cell]]]
    warnings: tuple[DataWarning, ...] = ()

    def where(self, row: int | None = None, column: int | None = None, header: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column, header)

    @property
    def label(self) -> str:
        return f"sheet '{self.sheet}'" if self.sheet is not None else self.file


class TextRows(Sequence[tuple[int, list[Cell]]]):
    """The rows of a text file as ``RawTable.rows`` gives them, kept as their texts alone: every cell's text in
    one list, where each row starts in it and each row's number in arrays, a row's ``Cell`` list made
    when the row is asked for. A registry's rows held as a list of Cells cost about 450 bytes each on top of
    their texts; here they cost 16 bytes and a pointer per cell. A slice is a view of the same rows.

    Attributes:
        numbers: each row's 1-based number in the file.
        starts: where each row's texts start in ``texts``, and one more entry: where the last one ends.
        texts: every cell's text, row after row.
        shared: one ``Cell`` for each of some frequent texts (the reader's choice), handed out for every
            cell holding that text instead of a new one.
    """

    __slots__ = ("_hi", "_lo", "numbers", "shared", "starts", "texts")

    def __init__(
        self,
        numbers: array[int],
        starts: array[int],
        texts: list[str],
        shared: dict[str, Cell],
        lo: int = 0,
        hi: int | None = None,
    ) -> None:
        self.numbers, self.starts, self.texts, self.shared = numbers, starts, texts, shared
        self._lo, self._hi = lo, len(numbers) if hi is None else hi

    def __len__(self) -> int:
        return self._hi - self._lo

    @overload
    def __getitem__(self, i: int) -> tuple[int, list[Cell]]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, list[Cell]]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, list[Cell]] | Sequence[tuple[int, list[Cell]]]:
        if isinstance(i, slice):
            lo, hi, step = i.indices(len(self))
            if step != 1:
                return [self._row(self._lo + k) for k in range(lo, hi, step)]
            return TextRows(self.numbers, self.starts, self.texts, self.shared, self._lo + lo, self._lo + max(lo, hi))
        size = len(self)
        if not -size <= i < size:
            raise IndexError(i)
        return self._row(self._lo + (i + size if i < 0 else i))

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        for k in range(self._lo, self._hi):
            yield self._row(k)

    def release(self, i: int) -> None:
        """Let go of row ``i``'s texts (it reads as a row of blank cells from now on): a reader that reads
        each row once frees a registry's texts as it goes, instead of holding them beside what it made of
        them."""
        k = self._lo + i
        lo, hi = self.starts[k], self.starts[k + 1]
        self.texts[lo:hi] = [""] * (hi - lo)

    def _row(self, k: int) -> tuple[int, list[Cell]]:
        shared = self.shared
        texts = self.texts[self.starts[k] : self.starts[k + 1]]
        return self.numbers[k], [shared.get(text) or Cell(text) for text in texts]


def cell_text(value: object) -> str | None:
    """A cell as text with whitespace (also non-breaking) collapsed; whole floats as integers (36.0 -> '36');
    None for a blank cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).replace("\u00a0", " ").split())
    return text or None


def is_blank(value: object) -> bool:
    """Whether a cell value is empty: None, or text of whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_percent_format(number_format: str | None) -> bool:
    """Whether a spreadsheet number format shows the value as a percentage (so the cell stores 50% as 0.5)."""
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


def sheet_warnings(display: str, title: str, state: str) -> tuple[DataWarning, ...]:
    """What to tell about a worksheet in ``state`` ('visible', 'hidden' or 'veryHidden')."""
    if state == "visible":
        return ()
    return (
        DataWarning(
            "hidden_sheet",
            f"sheet '{title}' is hidden in the workbook; it is read all the same",
            Location(display, title),
        ),
    )


def chart_sheet_table(display: str, title: str) -> RawTable:
    """The empty table standing for a chart sheet, with the warning that says so."""
    warning = DataWarning("chart_sheet", f"sheet '{title}' is a chart, not a table", Location(display))
    return RawTable(display, title, [], (warning,))


def mark_uncached(table: RawTable, missing: dict[tuple[int, int], str]) -> RawTable:
    """``table`` with the cells at (row, column) of ``missing`` replaced by ``UncachedFormula(formula)``; a
    formula in a row the table skipped as blank brings that row back."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, k), formula in missing.items():
        by_row.setdefault(r, []).append((k, formula))
    rows = [(number, _with_formulas(cells, by_row.pop(number, []))) for number, cells in table.rows]
    rows += [(number, _with_formulas([], found)) for number, found in by_row.items()]
    rows.sort(key=lambda item: item[0])
    return RawTable(table.file, table.sheet, rows, table.warnings)


def _with_formulas(cells: list[Cell], formulas: list[tuple[int, str]]) -> list[Cell]:
    if not formulas:
        return cells
    cells = list(cells)
    for k, formula in formulas:
        cells += [Cell(None)] * (k - len(cells))
        cells[k - 1] = Cell(UncachedFormula(formula))
    return cells


def iter_cells(row: list[Cell], count: int) -> Iterator[Cell]:
    """The first ``count`` cells of a row, padding short rows with blanks."""
    for k in range(count):
        yield row[k] if k < len(row) else Cell(None)
