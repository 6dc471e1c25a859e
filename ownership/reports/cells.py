"""Cell text that a spreadsheet shows as typed and never runs as a formula.

A shareholder register is user data: a party named ``=HYPERLINK(...)``, ``+1 Holdings`` or ``@corp`` must
reach a compliance officer's spreadsheet as text. Excel, LibreOffice and Google Sheets start a formula at
``=``, ``+``, ``-`` or ``@`` (also after leading spaces), and a leading tab or carriage return can hide one,
so such text is made inert: CSV cells get a leading apostrophe (``inert``); workbook cells keep the exact
text, stored as a string with the "quote prefix" style Excel sets when a person types ``'=...``
(``put_text``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    # Only for the annotation: CSV reports import this module, and openpyxl costs a tenth of a second.
    from openpyxl.cell.cell import Cell

#: Characters that start a formula (or a DDE payload) in common spreadsheets.
FORMULA_STARTS: Final = frozenset("=+-@")

#: Characters that, first in a cell, a spreadsheet may drop or act on before reading the rest.
_HIDING_STARTS: Final = frozenset("\t\r\n")

#: The longest text a workbook cell holds (Excel's limit); longer text is cut with an ellipsis.
MAX_CELL_TEXT: Final = 32_767

#: Characters an xlsx file cannot carry: XML 1.0 forbids most control characters, lone surrogates and
#: U+FFFE/U+FFFF, and a file holding one is unreadable.
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula: it starts with ``=``, ``+``, ``-``, ``@``, a
    tab, a carriage return or a line feed, or one of the first four follows leading whitespace."""
    if not text:
        return False
    if text[0] in _HIDING_STARTS:
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def inert(text: str) -> str:
    """``text`` for a CSV or plain-text cell that a spreadsheet will show as typed: text that could be read
    as a formula gets a leading apostrophe (``'=1+1``), everything else is returned unchanged."""
    return "'" + text if looks_like_formula(text) else text


def cell_text(text: str) -> str:
    """``text`` as an xlsx cell can hold it: line breaks become line feeds (XML reads a bare carriage return as
    one anyway), characters XML forbids become U+FFFD, and text past Excel's 32,767-character limit is cut
    with an ellipsis. The text is otherwise unchanged."""
    cleaned = _ILLEGAL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(cleaned) > MAX_CELL_TEXT:
        cleaned = cleaned[: MAX_CELL_TEXT - 1] + "…"
    return cleaned


def put_text(cell: Cell, text: str) -> None:
    """Write ``text`` into a workbook cell as a string, whatever it looks like.

    openpyxl stores a value starting with ``=`` as a formula and ``#N/A`` as an error; here the cell is
    always a string, and text that looks like a formula also gets the quote-prefix style, so Excel keeps it
    as text when a person edits the cell.
    """
    value = cell_text(text)
    cell.value = value
    cell.data_type = "s"
    if looks_like_formula(value) and not cell.quotePrefix:
        cell.quotePrefix = True
