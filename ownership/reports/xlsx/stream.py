"""Table sheets too large for cell objects: their rows are written as XML text, a batch of rows at a time.

openpyxl keeps an object per cell, which for a registry's million entities and two million holdings costs
minutes and gigabytes. Here openpyxl still writes everything else of such a sheet (header, widths, frozen
panes, filter, print setup, the styles), and the data rows are made from Arrow columns (``StreamCells``)
with the same cell styles ``write_table`` gives, then poured into the sheet's XML while the workbook is
zipped (``pour``). A table longer than a sheet can hold (Excel's 1,048,576 rows) goes on in further sheets
named "<title> (2)", "<title> (3)"...

The XML is kept small, since making and compressing it is most of a registry report's cost: cells carry no
reference (rows are numbered, their cells come in column order), and text that repeats within a batch
(statuses, flags, types, countries, labels) goes to a shared-string table written after the sheets
(``shared_strings_xml``), while text that hardly repeats (ids, names) stays inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

from ownership.reports.cells import MAX_CELL_TEXT, cell_text, looks_like_formula

if TYPE_CHECKING:
    import pyarrow as pa

#: The most rows an Excel sheet holds, its header included.
MAX_ROWS: Final = 1_048_576

#: Rows made into XML at a time: large enough that the column work costs little per row.
BATCH_ROWS: Final = 32_768

#: Characters an xlsx file cannot carry (see ``cells.cell_text``), as an RE2 pattern.
_ILLEGAL: Final = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


@dataclass(frozen=True, slots=True)
class StreamCells:
    """One column's values for a batch of rows.

    Attributes:
        values: text (strings, null for an empty cell); pct and count (float64, NaN or null for empty);
            date (days since 1899-12-30, Excel's day numbers, null for empty); status (codes into
            ``STATUSES``); flag (booleans, null for empty).
    """

    values: pa.Array


@dataclass(frozen=True, slots=True)
class CellStyles:
    """The style index (into the workbook's cell styles) of each look a column's cells can take."""

    empty: int
    plain: int
    formula: int = 0
    statuses: tuple[int, ...] = (0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class StreamColumn:
    """What the XML of one column needs: its letter, kind, styles, and the width its text wraps at."""

    letter: str
    kind: str
    styles: CellStyles
    wrap_width: float | None
    group_styles: CellStyles | None = None
    #: Lines per text already worked out (the same reason or label repeats over many rows).
    known_lines: dict[str, int] = field(default_factory=dict)
    #: Whether the column's text goes to the shared-string table: until a batch's texts hardly repeat
    #: (ids, names), which are inline from then on.
    sharing: list[bool] = field(default_factory=lambda: [True])


Batches = Iterator[list["pa.Array"]]

#: Parts of a batch's rows of XML, joined row by row: a text the same for every row, or an array of one
#: text per row.
Pieces = list["pa.Array | str"]


class RowSource:
    """Batches of a table's columns, handed out so many rows at a time (the parts of a split table)."""

    def __init__(self, batches: Batches) -> None:
        self._batches = batches
        self._left: list[pa.Array] | None = None

    def take(self, rows: int) -> Batches:
        """The next ``rows`` rows (fewer when the table ends first), batch by batch."""
        while rows > 0:
            batch = self._left if self._left is not None else next(self._batches, None)
            self._left = None
            if batch is None:
                return
            size = len(batch[0]) if batch else 0
            if size > rows:
                self._left = [column.slice(rows) for column in batch]
                batch = [column.slice(0, rows) for column in batch]
                size = rows
            rows -= size
            yield batch


#: The sheets whose rows are still to be poured, by ``id`` of the worksheet: (worksheet, XML chunks).
_pending: dict[int, tuple[object, Callable[[], Iterator[bytes]]]] = {}


def register(ws: object, chunks: Callable[[], Iterator[bytes]]) -> None:
    """Remember that ``ws``'s data rows are ``chunks()`` (XML ``<row>`` elements), poured when zipped."""
    _pending[id(ws)] = (ws, chunks)


def pending(ws: object) -> Callable[[], Iterator[bytes]] | None:
    """The rows to pour into ``ws``, if any."""
    found = _pending.get(id(ws))
    return found[1] if found is not None and found[0] is ws else None


def forget() -> None:
    """Let go of the rows of the report just written (and of its shared strings)."""
    _pending.clear()
    _shared.clear()
    _shared_uses[0] = 0


#: The shared-string table of the report being written: text -> its index, in the order first used.
_shared: dict[str, int] = {}
#: How many cells refer to ``_shared`` (the table's ``count``).
_shared_uses: list[int] = [0]

#: How many times a batch's texts must repeat on average to be shared: below it, looking each text up
#: costs more than the markup it saves (reasons with figures in them hardly repeat).
_REPEATS: Final = 8

#: The most texts the shared-string table takes; past it, text not already in it is written inline.
MAX_SHARED: Final = 262_144

#: Where the shared-string table goes in the package, and how the workbook names it.
SHARED_STRINGS_PART: Final = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings() -> int:
    """How many texts the rows poured so far put in the shared-string table."""
    return len(_shared)


def shared_strings_xml() -> Iterator[bytes]:
    """The shared-string table (``xl/sharedStrings.xml``) of the rows poured, with exact counts."""
    from xml.sax.saxutils import escape

    yield (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + f'count="{_shared_uses[0]}" uniqueCount="{len(_shared)}">'.encode()
    )
    part: list[str] = []
    for text in _shared:  # in index order: a dict keeps the order texts were added in
        tag = '<t xml:space="preserve">' if text and (text[0] in " \t\n\r" or text[-1] in " \t\n\r") else "<t>"
        part.append(f"<si>{tag}{escape(text)}</t></si>")
        if len(part) >= 8_192:
            yield "".join(part).encode()
            part.clear()
    yield ("".join(part) + "</sst>").encode()


def with_shared_strings(name: str, xml: bytes) -> bytes:
    """The package's content types or the workbook's relationships (by entry ``name``) naming the
    shared-string table too; other entries unchanged."""
    if name == "[Content_Types].xml":
        addition = f'<Override PartName="/{SHARED_STRINGS_PART}" ContentType="{SHARED_STRINGS_TYPE}"/>'
        return xml.replace(b"</Types>", addition.encode() + b"</Types>", 1)
    if name == "xl/_rels/workbook.xml.rels":
        addition = f'<Relationship Type="{SHARED_STRINGS_REL}" Target="/{SHARED_STRINGS_PART}" Id="rIdShared"/>'
        return xml.replace(b"</Relationships>", addition.encode() + b"</Relationships>", 1)
    return xml


def pour(sheet_xml: bytes, rows: Iterator[bytes], ref: str) -> Iterator[bytes]:
    """``sheet_xml`` (openpyxl's, with the header row only) with ``rows`` after the header and its dimension
    set to ``ref`` (the table's range)."""
    import re

    end = sheet_xml.index(b"</sheetData>")
    # openpyxl writes ``<dimension ref="A1:P1" />``, with a space: readers that trust the dimension (openpyxl's
    # read-only mode) would otherwise see the header alone.
    head, found = re.subn(
        rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), sheet_xml[:end], count=1
    )
    if not found:
        raise ValueError("the sheet has no dimension element to set")
    yield head
    yield from rows
    yield sheet_xml[end:]


def rows_xml(columns: Sequence[StreamColumn], batches: Batches, first_row: int) -> Iterator[bytes]:
    """The ``<row>`` elements of ``batches``, numbered from ``first_row``. When the columns have group
    styles, each batch has one more array: which rows begin a group."""
    import pyarrow as pa
    import pyarrow.compute as pc

    row = first_row
    for batch in batches:
        size = len(batch[0])
        if not size:
            continue
        numbers = pa.array(np.arange(row, row + size, dtype=np.int64)).cast(pa.string())
        cells: Pieces = []
        lines = np.ones(size, dtype=np.int64)
        starts = None
        if len(batch) > len(columns):
            starts = batch[-1].to_numpy(zero_copy_only=False)
        for column, values in zip(columns, batch[: len(columns)], strict=True):
            xml, used = _cells(column, values, starts)
            cells += xml
            if used is not None:
                lines = np.maximum(lines, used)
        heights = np.where(
            lines > 1, np.char.add(np.char.add(' ht="', (lines * 15).astype(str)), '" customHeight="1"'), ""
        )
        pieces = _merged(['<row r="', numbers, '"', pa.array(heights, type=pa.string()), ">", *cells, "</row>"])
        # One join per batch: every row's XML is copied once, whatever the number of columns.
        joined = pc.binary_join_element_wise(*pieces, "")
        yield _text_bytes(joined)
        row += size


def _merged(pieces: Pieces) -> Pieces:
    """``pieces`` with each run of texts the same for every row made one text."""
    merged: Pieces = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _text_bytes(array: pa.Array) -> bytes:
    """The concatenated text of a string array without nulls."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=array.offset + len(array) + 1)
    data = array.buffers()[2]
    if data is None:
        return b""
    start, end = int(offsets[array.offset]), int(offsets[array.offset + len(array)])
    found: bytes = data.slice(start, end - start).to_pybytes()
    return found


def _cells(
    column: StreamColumn, values: pa.Array, starts: np.ndarray | None = None
) -> tuple[Pieces, np.ndarray | None]:
    """One column's ``<c>`` elements for a batch, as pieces to join row by row (text the same for every
    row, or an array with a row's part), and the lines its wrapped text takes per row; ``starts`` marks
    the rows that begin a group (they take the group's styles)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ownership.result import STATUSES

    styles = column.styles
    size = len(values)
    looks = [styles.empty, styles.plain, styles.formula, *styles.statuses]
    if column.group_styles is not None:
        group = column.group_styles
        looks += [group.empty, group.plain, group.formula, *group.statuses]
    table = pa.array([str(look) for look in looks], type=pa.string())
    lines = None
    if column.kind == "status":
        codes = values.to_numpy(zero_copy_only=False).astype(np.int64)
        text = pa.array(np.array([s.value for s in STATUSES])[codes])
        present = np.ones(size, dtype=np.bool_)
        look = 3 + codes
    elif column.kind == "flag":
        present = pc.is_valid(values).to_numpy(zero_copy_only=False)
        text = pc.if_else(pc.fill_null(values, False), "yes", "no")
        look = np.ones(size, dtype=np.int64)
    elif column.kind != "text":
        present = pc.fill_null(pc.invert(pc.is_nan(pc.cast(values, pa.float64()))), False)
        present = present.to_numpy(zero_copy_only=False)
        text = values  # made text below, unless no cell has a value
        look = np.ones(size, dtype=np.int64)
    else:
        texts = _cleaned(values)
        present = pc.is_valid(texts).to_numpy(zero_copy_only=False)
        look = np.where(_formula_rows(texts), 2, 1)
        lines = _lines(texts, column.wrap_width, column.known_lines) if column.wrap_width is not None else None
        text = pc.fill_null(texts, "")
    look = np.where(present, look, 0)
    if starts is not None and column.group_styles is not None:
        look = np.where(starts, look + 3 + len(styles.statuses), look)
    same = look.size > 0 and int(look.min()) == int(look.max())  # one look for the whole batch: one literal
    style = table[int(look[0])].as_py() if same else table.take(pa.array(look))
    # Cells carry no reference: each row has every column's cell, in order, and a cell without one is
    # the next column of its row (ECMA-376 Part 1, 18.3.1.4), which also spares a third of the sheet's XML.
    opened: Pieces = [f'<c s="{style}"'] if same else ['<c s="', style, '"']
    if not present.any():  # a column empty in this batch (votes, dates): nothing to make per row
        return [*opened, "/>"], lines
    inner: Pieces
    shared = None
    if column.kind in ("text", "status", "flag") and column.sharing[0]:
        shared = _shared_refs(text, present)
        column.sharing[0] = shared is not None
    if shared is not None:
        inner = [' t="s"><v>', shared, "</v></c>"]
    elif column.kind in ("pct", "count", "date"):
        inner = ["><v>", pc.cast(pc.fill_null(text, 0 if column.kind == "date" else 0.0), pa.string()), "</v></c>"]
    else:
        inner = _text_cells(text)
    if present.all():
        return [*opened, *inner], lines
    # Pieces are joined once per row (see ``rows_xml``); only a column with empty cells is joined here.
    full = pc.binary_join_element_wise(*inner, "")
    return [*opened, pc.if_else(pa.array(present), full, "/>")], lines


def _shared_refs(text: pa.Array, present: np.ndarray) -> pa.Array | None:
    """Each row's index in the shared-string table, as text, when the batch's texts repeat (statuses,
    reasons, countries, labels): a reference is a few bytes where the text inline is the text and ~30
    bytes of markup. None when the texts are mostly distinct (ids, names), which stay inline: the table
    is held in memory until the end."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(text)
    words = encoded.dictionary.to_pylist()
    if len(words) * _REPEATS > len(text):
        return None
    index: list[str] = []
    for word in words:
        found = _shared.get(word)
        if found is None:
            if len(_shared) >= MAX_SHARED:
                return None
            found = _shared[word] = len(_shared)
        index.append(str(found))
    _shared_uses[0] += int(np.count_nonzero(present))
    refs: pa.Array = pa.array(index, type=pa.string()).take(encoded.indices)
    return refs


def _text_cells(text: pa.Array) -> Pieces:
    """What follows a cell's ``<c s="..."`` for inline-string cells of ``text`` (null-free)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    escaped = text
    data = _data(text)
    for raw, entity in ((0x26, "&amp;"), (0x3C, "&lt;"), (0x3E, "&gt;")):  # & first: the others add one
        if (data == raw).any():
            escaped = pc.replace_substring(escaped, chr(raw), entity)
    # Space at either end is kept only where the element says so; elsewhere the shorter tag.
    first, last = _ends(text)
    spaced = np.isin(first, _SPACES) | np.isin(last, _SPACES)
    if spaced.any():
        tag = pc.if_else(pa.array(spaced), '<t xml:space="preserve">', "<t>")
        return [' t="inlineStr"><is>', tag, escaped, "</t></is></c>"]
    return [' t="inlineStr"><is><t>', escaped, "</t></is></c>"]


#: Bytes of white space that XML drops at the ends of an element unless told to keep it.
_SPACES: Final = np.array([0x20, 0x09, 0x0A, 0x0D], dtype=np.uint8)


def _cleaned(values: pa.Array) -> pa.Array:
    """``cells.cell_text`` on a column: line breaks as line feeds, forbidden characters as U+FFFD, text past
    Excel's limit cut."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = values
    data = _data(texts)
    if (data == 0x0D).any():
        texts = pc.replace_substring(pc.replace_substring(texts, "\r\n", "\n"), "\r", "\n")
    # Most text holds no control character and no U+FFFE/U+FFFF (which start with byte EF): no regex then.
    if (((data < 0x20) & (data != 0x09) & (data != 0x0A) & (data != 0x0D)) | (data == 0xEF)).any():
        texts = pc.replace_substring_regex(texts, _ILLEGAL, "\ufffd")
    long = pc.fill_null(pc.greater(pc.utf8_length(texts), MAX_CELL_TEXT), False)
    if pc.any(long).as_py():
        listed = texts.to_pylist()
        for k in np.flatnonzero(long.to_numpy(zero_copy_only=False)).tolist():
            listed[k] = cell_text(listed[k])
        texts = pa.array(listed, type=pa.string())
    return texts


def _formula_rows(texts: pa.Array) -> np.ndarray:
    """Which texts a spreadsheet could run as a formula (they get the quote-prefix style)."""
    import pyarrow as pa

    first, _ = _ends(texts)
    letter = first | 0x20  # ASCII upper case to lower case
    plain = (first == 0) | ((first >= 0x30) & (first <= 0x39)) | ((letter >= 0x61) & (letter <= 0x7A))
    at = np.flatnonzero(~plain)
    found = np.zeros(len(texts), dtype=np.bool_)
    if at.size:
        picked = texts.take(pa.array(at)).to_pylist()
        found[at] = [looks_like_formula(v) for v in picked]
    return found


def _data(texts: pa.Array) -> np.ndarray:
    """The bytes of a string array's values (all of them, one after the other)."""
    data = texts.buffers()[2]
    if data is None or not len(texts):
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32, count=texts.offset + len(texts) + 1)
    start, end = int(offsets[texts.offset]), int(offsets[-1])
    return np.frombuffer(data, dtype=np.uint8)[start:end]


def _ends(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The first and last byte of each value (0 for an empty value or null)."""
    size = len(texts)
    first, last = np.zeros(size, dtype=np.uint8), np.zeros(size, dtype=np.uint8)
    data = texts.buffers()[2]
    if data is None or not size:
        return first, last
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32, count=texts.offset + size + 1)[texts.offset :]
    valid = texts.is_valid().to_numpy(zero_copy_only=False) if texts.null_count else np.ones(size, dtype=np.bool_)
    nonempty = (offsets[1:] > offsets[:-1]) & valid
    raw = np.frombuffer(data, dtype=np.uint8)
    first[nonempty] = raw[offsets[:-1][nonempty]]
    last[nonempty] = raw[offsets[1:][nonempty] - 1]
    return first, last


def _lines(texts: pa.Array, width: float, known: dict[str, int]) -> np.ndarray:
    """The lines each text takes wrapped in a column ``width`` wide (``measure.line_count``), worked out
    once per distinct text and only for texts that could need more than one line."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ownership.reports.xlsx.measure import line_count

    lines = np.ones(len(texts), dtype=np.int64)
    usable = max(width * 1.2 - 1.0, 1.0)
    # A character is at most two wide, so text of at most usable/2 characters and no line feed fits on a line.
    # A character takes at least as many UTF-8 bytes as it is wide (wide ones take three), so text of at
    # most ``usable`` bytes with no line feed fits on a line without a closer look.
    maybe = pc.fill_null(pc.binary_length(texts), 0).to_numpy(zero_copy_only=False) > usable
    if (_data(texts) == 0x0A).any():
        maybe |= pc.fill_null(pc.match_substring(texts, "\n"), False).to_numpy(zero_copy_only=False)
    if maybe.any():
        # Plain ASCII on one line (names, most reasons) is wrapped for all rows at once; the rest one by one.
        plain = maybe & pc.fill_null(pc.string_is_ascii(texts), False).to_numpy(zero_copy_only=False)
        if (_data(texts) == 0x0A).any():
            plain &= ~pc.fill_null(pc.match_substring(texts, "\n"), False).to_numpy(zero_copy_only=False)
        at = np.flatnonzero(plain)
        if at.size:
            lines[at] = _ascii_line_counts(texts.take(pa.array(at)), usable)
        maybe &= ~plain
    at = np.flatnonzero(maybe)
    if at.size:
        encoded = pc.dictionary_encode(texts.take(pa.array(at)))
        if len(known) > 50_000:  # texts that hardly repeat (notes per row): keep the memory bounded
            known.clear()
        counts = np.array(
            [known.get(v) or known.setdefault(v, line_count(v, width)) for v in encoded.dictionary.to_pylist()],
            dtype=np.int64,
        )
        lines[at] = counts[encoded.indices.to_numpy(zero_copy_only=False)]
    return lines


def _ascii_line_counts(texts: pa.Array, usable: float) -> np.ndarray:
    """``measure.line_count`` of ASCII texts without line feeds (each character one wide), ``usable``
    characters to a line: its word-by-word greedy wrap, taken one word position at a time across all
    texts, with the same arithmetic so the counts are the same."""
    import pyarrow.compute as pc

    words = pc.split_pattern(texts, " ")
    starts = words.offsets.to_numpy(zero_copy_only=False)[:-1].astype(np.int64)
    counts = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
    sizes = pc.binary_length(words.values).to_numpy(zero_copy_only=False).astype(np.float64)
    lines = np.ones(len(texts), dtype=np.int64)
    used = np.zeros(len(texts), dtype=np.float64)
    for k in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > k)
        size = sizes[starts[rows] + k]
        now, taken = used[rows], lines[rows]
        full = (now != 0) & (now + 1 + size > usable)
        taken += full
        now = np.where(full, 0.0, now)
        over = size > usable
        while over.any():  # a word longer than a line breaks anywhere
            taken += over
            size = np.where(over, size - usable, size)
            over = size > usable
        used[rows] = now + (np.where(now != 0, 1.0, 0.0) + size)
        lines[rows] = taken
    return lines


__all__ = [
    "BATCH_ROWS",
    "MAX_ROWS",
    "CellStyles",
    "RowSource",
    "StreamCells",
    "StreamColumn",
    "forget",
    "pending",
    "pour",
    "register",
    "rows_xml",
    "shared_strings",
    "shared_strings_xml",
    "with_shared_strings",
]
