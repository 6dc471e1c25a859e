"""CSV files parsed by Arrow into text columns, only where Python's csv module would split them the same way.

The row reader reads a text file with ``tables.read_text_table`` (delimiter sniffing, Python's csv module,
blank lines skipped, rows numbered by record). ``parse`` gives the same cells as columns of text, one row per
line below a header on line 1, or raises ``Decline`` wherever the two could differ: text that is not UTF-8,
text the row reader would tidy (not in NFC, or holding zero-width characters), a delimiter other than a
comma, a header that is not on line 1 or has quotes or blank cells, blank lines, quoted cells spanning lines,
ragged rows, lone carriage returns, NUL bytes, and files past ``ReadLimits``.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ownership.errors import InputError, Location
from ownership.readers.cells.columns import Header, find_header
from ownership.readers.cells.fast_csv.values import Column, Decline
from ownership.readers.cells.tables import Cell, RawTable, ReadLimits, _dialect
from ownership.readers.cells.unicode_text import ZERO_WIDTH

_BOM = b"\xef\xbb\xbf"
#: Enough bytes to hold the 65,536 characters the row reader sniffs the delimiter from.
_SNIFF_BYTES = 4 * 65536
#: Python's csv module refuses a cell this long or longer (read_text_table raises its limit to at least this).
_MIN_CELL_LIMIT = 131072


@dataclass(frozen=True)
class ParsedFile:
    """One CSV file parsed: its header, and its data rows as text columns (row k is line k + 2)."""

    display: str
    header: Header
    header_table: RawTable
    columns: dict[str, Column]
    rows: int

    def where(self, row: int | None = None, field: str | None = None) -> Location:
        if field is None:
            return Location(self.display, None, row)
        k = self.header.columns[field]
        return Location(self.display, None, row, k + 1, self.header.texts.get(k))


def parse(
    data: bytes, display: str, limits: ReadLimits, aliases: dict[str, frozenset[str]], required: tuple[str, ...]
) -> ParsedFile:
    """Parse one file, declining wherever the row reader could read it differently."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise Decline
    if not data.isascii() and not _tidy(data[start:]):
        raise Decline  # the row reader normalises the text, and warns about zero-width characters
    _check_delimiter(data[start : start + _SNIFF_BYTES], final=len(data) - start <= _SNIFF_BYTES)
    end = data.find(b"\n", start)
    if end < 0 or end + 1 == len(data):
        raise Decline  # no data rows
    header_bytes = data[start:end].removesuffix(b"\r")
    if b'"' in header_bytes or b"\r" in header_bytes:
        raise Decline
    try:
        cells = header_bytes.decode("utf-8").split(",")
    except UnicodeDecodeError:
        raise Decline from None
    if any(not c.strip() for c in cells):
        raise Decline  # a blank header cell: the row reader skips its column, or warns about its cells
    header_table = RawTable(display, None, [(1, [Cell(c) for c in cells])])
    try:
        header = find_header(header_table, aliases, required)
    except InputError:
        raise Decline from None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > limits.max_rows:
        raise Decline
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        raise Decline  # a lone CR ends a line for the csv module
    names = [f"f{k}" for k in range(len(cells))]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(end + 1)),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(delimiter=",", newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        raise Decline from None  # ragged rows, text that is not UTF-8
    # One line per row: no blank lines, no quoted cells spanning lines, so row k is line k + 2.
    if table.num_rows + 1 != lines:
        raise Decline
    limit = max(limits.max_cell_chars, _MIN_CELL_LIMIT)
    if len(header_bytes) >= limit:
        raise Decline
    for column in table.columns:
        if (pc.max(pc.binary_length(column)).as_py() or 0) >= limit:
            raise Decline
    if data.find(b'"', end + 1) >= 0:
        _check_quoted_lines(data, table)
    columns = {field: table.column(k) for field, k in header.columns.items()}
    return ParsedFile(display, header, header_table, columns, table.num_rows)


def _tidy(data: bytes) -> bool:
    """Whether the text is surely as ``unicode_text.tidy_text`` leaves it: no zero-width characters, NFC."""
    if data.isascii():
        return True  # ASCII text has no zero-width characters and is always NFC
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True  # not UTF-8: Arrow refuses it further on, and the row reader reads it
    # On the decoded text: a string of Latin-1 characters answers "holds U+200B?" at once, without a scan.
    if any(ch in text for ch in ZERO_WIDTH):
        return False
    try:
        text.encode("latin-1")
        return True  # no character above U+00FF: no combining marks, so already NFC
    except UnicodeEncodeError:
        pass
    # Text NFC would change in any way goes to the row reader, which decides cell by cell (stepping aside is
    # always safe; such text is rare).
    return unicodedata.is_normalized("NFC", text)


def _check_delimiter(head: bytes, *, final: bool) -> None:
    """Decline unless the row reader's sniffing, on the same first characters, finds a comma."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=final)
    except UnicodeDecodeError:
        raise Decline from None
    if _dialect(text) != ",":
        raise Decline


def _check_quoted_lines(data: bytes, table: pa.Table) -> None:
    """Decline unless Python's csv module reads every line holding a quote as Arrow did, one row per line.

    Lines without a quote split at the commas alike in both readers; quoting is where they may differ
    (a quote inside a cell, text after a closing quote, a quote left open).
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == ord("\n"))
    quoted = np.unique(np.searchsorted(ends, np.flatnonzero(raw == ord('"'))))  # 0-based line of each quote
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends + 1, [len(data)]])
    try:
        lines = [data[starts[k] : stops[k]].decode("utf-8") for k in quoted.tolist()]
        # A trailing blank line reads as [] unless a quote left open swallows it.
        parsed = list(csv.reader([*lines, "\n"], delimiter=","))
    except (UnicodeDecodeError, csv.Error):
        raise Decline from None
    rows = table.take(pa.array(quoted - 1)).to_pylist()
    expected = [list(row.values()) for row in rows]
    if parsed != [*expected, []]:
        raise Decline
