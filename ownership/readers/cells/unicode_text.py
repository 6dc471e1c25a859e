"""Text cells made comparable: one Unicode normal form, no zero-width characters.

The same name can arrive as different code points: "Société" typed on one machine is 'e' + U+0301 (NFD) on
another, and text copied from web pages carries zero-width spaces and joiners. Matched as they are, a CN home
"Société" and a US "Société" would be two entities. Every text cell is therefore composed as NFC composes it
(which changes no character anyone can see, so it is done silently; see ``tidy_text``), and zero-width
characters are removed with a warning
(they change what is matched, and the user should know the file holds them). No-break spaces are already
ordinary whitespace to the readers (``tables.cell_text`` collapses every kind of space).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from typing import Final

from ownership.errors import DataWarning, short
from ownership.readers.cells.raw import Cell, RawTable, TextRows

#: Zero-width space, non-joiner, joiner, word joiner, and the byte-order mark inside text (zero-width
#: no-break space).
ZERO_WIDTH: Final = "\u200b\u200c\u200d\u2060\ufeff"
_DROP: Final = str.maketrans(dict.fromkeys(ZERO_WIDTH))


def tidy_text(text: str) -> str:
    """``text`` without zero-width characters, and in NFC where that composes characters (a letter and its
    combining accent become the accented letter). Where NFC would only swap a character for its canonical
    twin (a CJK compatibility ideograph, the Ångström sign), the text is kept as written: such characters are
    chosen on purpose, and a file converted to a workbook and read back must give the same text."""
    if text.isascii():
        return text
    text = text.translate(_DROP)
    if unicodedata.is_normalized("NFC", text):
        return text
    composed = unicodedata.normalize("NFC", text)
    return composed if len(composed) < len(text) else text


def tidy_table(table: RawTable) -> RawTable:
    """``table`` with every text cell tidied (:func:`tidy_text`), and an ``invisible_characters`` warning
    naming the first cell that held zero-width characters and how many did; the same table when nothing
    changed."""
    if isinstance(table.rows, TextRows):
        return _tidy_text_rows(table, table.rows)
    rows: list[tuple[int, list[Cell]]] | None = None
    first: tuple[int, int, str] | None = None
    dropped = 0
    for index, (number, cells) in enumerate(table.rows):
        for k, cell in enumerate(cells):
            text = cell.value
            if not isinstance(text, str) or text.isascii():
                continue
            tidied = tidy_text(text)
            if tidied == text:
                continue
            if any(ch in ZERO_WIDTH for ch in text):
                dropped += 1
                first = first or (number, k + 1, text)
            if rows is None:
                rows = [(n, list(c)) for n, c in table.rows]
            rows[index][1][k] = Cell(tidied, cell.percent_format)
    if rows is None:
        return table
    return RawTable(table.file, table.sheet, rows, _warned(table, first, dropped))


def _tidy_text_rows(table: RawTable, rows: TextRows) -> RawTable:
    """``tidy_table`` for a text file's rows, kept as texts: the texts tidied in a copy of their list."""
    texts: list[str] | None = None
    first: tuple[int, int, str] | None = None
    dropped = 0
    for k, text in enumerate(rows.texts):
        if text.isascii():
            continue
        tidied = tidy_text(text)
        if tidied == text:
            continue
        if any(ch in ZERO_WIDTH for ch in text):
            dropped += 1
            if first is None:
                row = bisect_right(rows.starts, k) - 1
                first = (rows.numbers[row], k - rows.starts[row] + 1, text)
        if texts is None:
            texts = list(rows.texts)
        texts[k] = tidied
    if texts is None:
        return table
    # A shared Cell holds the text as read: the tidied text gets no shared Cell.
    shared = {text: cell for text, cell in rows.shared.items() if tidy_text(text) == text}
    tidied_rows = TextRows(rows.numbers, rows.starts, texts, shared)
    return RawTable(table.file, table.sheet, tidied_rows, _warned(table, first, dropped))


def _warned(table: RawTable, first: tuple[int, int, str] | None, dropped: int) -> tuple[DataWarning, ...]:
    """``table``'s warnings, and the ``invisible_characters`` one when ``first`` (row, column, text) is set."""
    warnings = table.warnings
    if first is not None:
        row, column, text = first
        more = f" (and {dropped - 1} more cell{'s' if dropped > 2 else ''})" if dropped > 1 else ""
        warnings += (
            DataWarning(
                "invisible_characters",
                f"the cell '{short(text)}' holds zero-width characters{more}; they were removed, so that it "
                "matches the same text without them",
                table.where(row, column),
            ),
        )
    return warnings
