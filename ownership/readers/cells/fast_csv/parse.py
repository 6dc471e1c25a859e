"""CSV files parsed by Arrow into text columns, the cells Python's csv module gives for them.

The row reader reads a text file with ``tables.read_text_table`` (delimiter sniffing, Python's csv module,
blank lines skipped, rows numbered by record). ``parse`` gives the same cells as columns of text, with each
row's record number, for every dialect the row reader reads: any of its delimiters (the same sniffing
chooses it), quoted cells and a quoted header, delimiters, quotes and line breaks inside quoted cells, a
UTF-8 byte-order mark, CRLF line ends, blank lines. It raises ``Decline`` where the two could differ or
Arrow cannot read the file: text that is not UTF-8 (the row reader decodes other encodings and warns),
text the row reader would tidy (not in NFC, or holding zero-width characters), a header that is not on
line 1, spans lines or has blank cells, ragged rows, lone carriage returns, NUL bytes, a last record
spanning lines (possibly a quote never closed), and files past ``ReadLimits``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ownership.errors import DataWarning, InputError, Location
from ownership.readers import progress
from ownership.readers.cells.columns import Header, find_header
from ownership.readers.cells.fast_csv.values import SPACES, Column, Decline
from ownership.readers.cells.tables import Cell, RawTable, ReadLimits, _dialect
from ownership.readers.cells.unicode_text import ZERO_WIDTH

_BOM = b"\xef\xbb\xbf"
#: Enough bytes to hold the 65,536 characters the row reader sniffs the delimiter from.
_SNIFF_BYTES = 4 * 65536
#: Python's csv module refuses a cell this long or longer (read_text_table raises its limit to at least this).
_MIN_CELL_LIMIT = 131072
#: A cell holding nothing but whitespace (what ``str.strip`` removes): a row of these is skipped.
BLANK_CELL = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in SPACES) + "]*$"


@dataclass(frozen=True)
class ParsedFile:
    """One CSV file parsed: its header, and its data rows as text columns (row k is record ``numbers[k]``,
    the row number the row reader gives it; rows of blank cells are left out, as the row reader leaves them)."""

    display: str
    header: Header
    header_table: RawTable
    columns: dict[str, Column]
    rows: int
    numbers: npt.NDArray[np.int64]
    #: Every column of the data rows (``f0``, ``f1``... in header order), for re-reading rows cell by cell.
    table: pa.Table
    #: What the row reader says about the file itself (an encoding other than UTF-8), before its rows.
    warnings: tuple[DataWarning, ...] = ()

    def number(self, k: int) -> int:
        """The row number of data row ``k`` (0-based)."""
        return int(self.numbers[k])

    def where(self, row: int | None = None, field: str | None = None) -> Location:
        if field is None:
            return Location(self.display, None, row)
        k = self.header.columns[field]
        return Location(self.display, None, row, k + 1, self.header.texts.get(k))


def parse(
    data: bytes, display: str, limits: ReadLimits, aliases: dict[str, frozenset[str]], required: tuple[str, ...]
) -> ParsedFile:
    """Parse one file held in memory, declining wherever the row reader could read it differently."""
    data, warnings = _utf8(data, display)
    scan = _scan([data])
    if scan is None:
        raise Decline
    return _parse(scan, pa.BufferReader(pa.py_buffer(data)), display, limits, aliases, required, warnings)


def parse_file(
    path: Path, display: str, limits: ReadLimits, aliases: dict[str, frozenset[str]], required: tuple[str, ...]
) -> tuple[ParsedFile, str]:
    """Parse one file, and its SHA-256 (hex), declining wherever the row reader could read it differently.

    A UTF-8 file is read block by block (hashed and checked on the way) and Arrow parses it from the
    file, so the whole text is never held in memory beside the columns parsed from it: for a registry of
    8M entities that is a gigabyte less at the peak. Text in another encoding is read whole and decoded.
    """
    if path.stat().st_size > limits.max_bytes:
        raise Decline
    with path.open("rb") as stream:
        scan = _scan(iter(lambda: stream.read(_BLOCK), b""))
    if scan is not None:
        # Arrow is given the stream, not the path: it would guess a compression from the file's name.
        with pa.input_stream(str(path), compression=None) as source:
            return _parse(scan, source, display, limits, aliases, required, ()), scan.digest
    data = path.read_bytes()
    return parse(data, display, limits, aliases, required), hashlib.sha256(data).hexdigest()


#: Bytes read at a time when a file is scanned before Arrow parses it.
_BLOCK = 1 << 24


@dataclass
class _Scan:
    """What ``parse`` needs to know of a UTF-8 file's bytes before Arrow reads it, found in one pass."""

    head: bytes  # the first block: the header line and the text the delimiter is sniffed from
    size: int = 0
    lines: int = 0  # line feeds
    returns: int = 0  # carriage returns
    pairs: int = 0  # CR LF pairs
    quoted: bool = False  # a quote after the header line
    last: bytes = b""  # the last byte
    nul: bool = False
    tidy: bool = True  # no text the row reader would tidy (NFC, zero-width characters)
    digest: str = ""


def _scan(blocks: Iterable[bytes]) -> _Scan | None:
    """One pass over the file's bytes; None when they are not UTF-8 (or start with a UTF-16 or 32 mark),
    which ``_utf8`` decodes as the row reader does. Raises Decline where the header line is not in the
    first block, or the file has no data rows."""
    sha = hashlib.sha256()
    scan: _Scan | None = None
    carry = b""  # the end of the last non-ASCII block after its last line feed: checked with the next
    for block in blocks:
        sha.update(block)
        if scan is None:
            if block.startswith((b"\xff\xfe", b"\xfe\xff")):
                return None
            scan = _Scan(head=block)
            start = len(_BOM) if block.startswith(_BOM) else 0
            end = block.find(b"\n", start)
            if end < 0:
                raise Decline  # no data rows, or a header line longer than a block
            scan.quoted = block.find(b'"', end + 1) >= 0
            text = block[start:]
        else:
            scan.quoted = scan.quoted or b'"' in block
            text = block
            if scan.last == b"\r" and block.startswith(b"\n"):
                scan.pairs += 1
        scan.size += len(block)
        scan.lines += block.count(b"\n")
        if b"\r" in block:
            scan.returns += block.count(b"\r")
            scan.pairs += block.count(b"\r\n")
        scan.nul = scan.nul or b"\x00" in block
        scan.last = block[-1:]
        if carry or not text.isascii():
            # Cut at a line feed, so no character and no run NFC composes is split between two checks.
            piece = carry + text
            cut = piece.rfind(b"\n") + 1
            checked, carry = piece[:cut], piece[cut:]
            tidy = _tidy(checked)
            if tidy is None:
                return None
            scan.tidy = scan.tidy and tidy
    if scan is None:
        raise Decline  # an empty file
    if carry:
        tidy = _tidy(carry)
        if tidy is None:
            return None
        scan.tidy = scan.tidy and tidy
    scan.digest = sha.hexdigest()
    return scan


def _parse(
    scan: _Scan,
    source: object,
    display: str,
    limits: ReadLimits,
    aliases: dict[str, frozenset[str]],
    required: tuple[str, ...],
    warnings: tuple[DataWarning, ...],
) -> ParsedFile:
    """Parse the scanned file from ``source`` (a path or an Arrow stream over the same bytes)."""
    head = scan.head
    start = len(_BOM) if head.startswith(_BOM) else 0
    if scan.nul:
        raise Decline
    if not scan.tidy:
        raise Decline  # the row reader normalises the text, and warns about zero-width characters
    delimiter = _delimiter(head[start : start + _SNIFF_BYTES], final=scan.size - start <= _SNIFF_BYTES)
    end = head.find(b"\n", start)
    if end + 1 == scan.size:
        raise Decline  # no data rows
    header_bytes = head[start:end].removesuffix(b"\r")
    cells = _header_cells(header_bytes, delimiter)
    if any(not c.strip() for c in cells):
        raise Decline  # a blank header cell: the row reader skips its column, or warns about its cells
    header_table = RawTable(display, None, [(1, [Cell(c) for c in cells])])
    try:
        header = find_header(header_table, aliases, required)
    except InputError:
        raise Decline from None
    lines = scan.lines + (0 if scan.last == b"\n" else 1)
    if lines > limits.max_rows:
        raise Decline
    if scan.returns != scan.pairs:
        raise Decline  # a lone CR ends a line for the csv module
    # Arrow splits quoted text exactly as Python's csv module does (the property tests hold the two to it),
    # including line breaks inside quoted cells; reading them costs Arrow a slower chunker, so only a file
    # holding a quote pays for it. The header line, one line without a quote left open, is skipped.
    quoted = scan.quoted
    names = [f"f{k}" for k in range(len(cells))]
    try:
        table = pcsv.read_csv(
            source,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        raise Decline from None  # ragged rows, text that is not UTF-8
    limit = max(limits.max_cell_chars, _MIN_CELL_LIMIT)
    if len(header_bytes) >= limit:
        raise Decline
    for column in table.columns:
        if (pc.max(pc.binary_length(column)).as_py() or 0) >= limit:
            raise Decline
    if quoted:
        _check_last_record(table)
    elif table.num_rows + 1 != lines:
        raise Decline  # one row per line is all Arrow can have read from text without quotes
    # Rows are numbered by record, as the row reader numbers them: the header is record 1, Arrow's row k
    # record k + 2 (a blank line is a record of empty cells to both). Rows of blank cells are dropped.
    numbers = np.arange(2, table.num_rows + 2, dtype=np.int64)
    blank = _blank_records(table)
    if blank is not None:
        keep = ~blank
        table = table.filter(pa.array(keep))
        numbers = numbers[keep]
        if table.num_rows == 0:
            raise Decline  # only blank rows: the row reader says the file has no data rows
    columns = {field: table.column(k) for field, k in header.columns.items()}
    progress.advance(scan.size)
    return ParsedFile(display, header, header_table, columns, table.num_rows, numbers, table, warnings)


def _header_cells(header_bytes: bytes, delimiter: str) -> list[str]:
    """The header line's cells as the csv module splits them (quoted or not); declined when the header is
    not one whole record on one line (a quote left open, or a line break inside a quoted header)."""
    if b"\r" in header_bytes or header_bytes.count(b'"') % 2:
        raise Decline
    try:
        text = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise Decline from None
    rows = list(csv.reader([text], delimiter=delimiter))
    if len(rows) != 1:
        raise Decline
    return rows[0]


def _blank_records(table: pa.Table) -> npt.NDArray[np.bool_] | None:
    """Which rows hold only blank cells (whitespace or nothing: the row reader skips them); None for none."""
    if table.num_columns == 0:
        return None
    # Only rows whose first cell is blank can be blank rows: the other columns are looked at for those.
    first = pc.match_substring_regex(table.column(0), BLANK_CELL)
    if not pc.any(first).as_py():
        return None
    candidates = np.flatnonzero(first.to_numpy(zero_copy_only=False))
    rows = table.take(pa.array(candidates))
    blank = np.ones(candidates.size, dtype=np.bool_)
    for column in rows.columns[1:]:
        blank &= pc.match_substring_regex(column, BLANK_CELL).to_numpy(zero_copy_only=False)
    found = np.zeros(table.num_rows, dtype=np.bool_)
    found[candidates[blank]] = True
    return found if bool(found.any()) else None


def _check_last_record(table: pa.Table) -> None:
    """Decline when the last record spans lines: the row reader refuses a quote left open at the end of the
    file (the rest of the file would be one cell), and only it tells where that quote opened. Records
    before the last end where both readers end them, so their quotes are closed."""
    if table.num_rows == 0:
        return
    last = table.slice(table.num_rows - 1)
    for column in last.columns:
        text = column[0].as_py()
        if "\n" in text or "\r" in text:
            raise Decline


def _utf8(data: bytes, display: str) -> tuple[bytes, tuple[DataWarning, ...]]:
    """The file as UTF-8: as it is when it is UTF-8, else decoded as the row reader decodes it (UTF-16 or
    32 by their marks, GB18030, Windows-1252) with its warning; declined where the row reader refuses it."""
    if data.isascii() or (not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _is_utf8(data)):
        return data, ()
    from ownership.readers.cells.decoding import decode_text

    try:
        decoded = decode_text(data, display)
    except InputError:
        raise Decline from None  # the row reader says where the bytes go wrong
    text = decoded.text.encode("utf-8")
    if decoded.note is None:
        return text, ()
    return text, (DataWarning("encoding", decoded.note, Location(display)),)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _tidy(data: bytes) -> bool | None:
    """Whether the text is surely as ``unicode_text.tidy_text`` leaves it: no zero-width characters, NFC;
    None when it is not UTF-8."""
    if data.isascii():
        return True  # ASCII text has no zero-width characters and is always NFC
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
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


def _delimiter(head: bytes, *, final: bool) -> str:
    """The delimiter the row reader's sniffing finds on the same first characters."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=final)
    except UnicodeDecodeError:
        raise Decline from None
    return _dialect(text)
