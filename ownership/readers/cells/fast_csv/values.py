"""Columns of CSV text turned into the model's values without a Python object per row (for ``fast_csv``).

Each helper gives exactly what the row reader (``canonical``) gives for every cell of a column, or raises
``Decline`` when it cannot be sure it would. Values that repeat (types, countries, stakes) are converted
once per distinct text with the row reader's own functions and spread to the rows with numpy; the one
vectorised conversion, plain-number stakes, is the same float ``parse_percent`` computes (see ``_plain``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ownership.readers.canonical.fractions import bare_number as _bare_number
from ownership.readers.cells.tables import Cell, cell_text
from ownership.readers.cells.values import ValueProblem, is_unknown_marker, parse_percent

T = TypeVar("T")
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.int64]


class Decline(Exception):
    """The fast path cannot reproduce the row reader exactly on this input; the row reader must run."""


#: Every character str.split() splits on (str.isspace): cell_text collapses runs of them to one space and
#: strips them. The test suite checks this against Python's own.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_OTHER_SPACES = "".join(f"\\x{{{ord(c):x}}}" for c in SPACES if c != " ")
#: Cells that cell_text would change: a space at either end, two in a row, or any other whitespace.
_UNTIDY = f"^ | $|  |[{_OTHER_SPACES}]"

# Stakes written as a plain number of percentage points, maybe with a decimal comma or a % sign: at most
# 12 digits either side, so the Decimal in parse_percent holds them exactly (it keeps 28 digits).
_PLAIN = r"^[0-9]{1,12}(?:[.,][0-9]{1,12})?%?$"


#: A text column: a pyarrow Array or ChunkedArray (pyarrow has no type hints, so to mypy it is Any).
Column: TypeAlias = Any


def untidy_rows(column: Column) -> IndexArray:
    """The rows whose text ``cell_text`` would change (or blank out)."""
    found: IndexArray = np.flatnonzero(pc.match_substring_regex(column, _UNTIDY).to_numpy(zero_copy_only=False))
    return found


def blank_rows(column: Column) -> IndexArray:
    """The rows holding the empty string (whitespace-only cells are among ``untidy_rows``)."""
    found: IndexArray = np.flatnonzero(pc.equal(column, "").to_numpy(zero_copy_only=False))
    return found


def texts(column: Column) -> tuple[Column, IndexArray]:
    """Each cell as ``cell_text`` gives it ("" where blank), as one Arrow array, and the blank rows."""
    tidied = tidy(column)
    whole = tidied.combine_chunks() if isinstance(tidied, pa.ChunkedArray) else tidied
    return whole, blank_rows(whole)


def tidy(column: Column) -> Column:
    """The column with each cell as ``cell_text`` gives it, "" where that is blank."""
    rows = untidy_rows(column)
    if rows.size == 0:
        return column
    whole = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    mask = np.zeros(len(whole), dtype=np.bool_)
    mask[rows] = True
    fixed = [cell_text(v) or "" for v in whole.take(pa.array(rows)).to_pylist()]
    return pc.replace_with_mask(whole, pa.array(mask), pa.array(fixed, type=pa.string()))


def optional_texts(column: Column) -> list[str | None] | None:
    """``texts`` of a column, converted once per distinct text; None when every cell is blank."""
    found, codes = by_distinct(column, cell_text)
    if all(value is None for value in found):
        return None
    spread: list[str | None] = np.array(found, dtype=object)[codes].tolist()
    return spread


def _encoded(column: Column) -> tuple[Column, IndexArray]:
    """The distinct texts of a column and each row's index into them."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        if encoded.num_chunks == 0:
            return pa.array([], type=pa.string()), np.zeros(0, dtype=np.int64)
        first = encoded.chunk(0).dictionary
        if any(not chunk.dictionary.equals(first) for chunk in encoded.chunks[1:]):
            encoded = encoded.unify_dictionaries()
        dictionary = encoded.chunk(0).dictionary
        codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
    else:
        dictionary, codes = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    return dictionary, codes


def by_distinct(column: Column, convert: Callable[[str], T]) -> tuple[list[T], IndexArray]:
    """``convert`` applied once to each distinct text, and each row's index into those results.

    Raises:
        Decline: ``convert`` raised ValueError (a ValueProblem, an unknown country): the row reader reports it.
    """
    dictionary, codes = _encoded(column)
    try:
        found = [convert(text) for text in dictionary.to_pylist()]
    except ValueError:
        raise Decline from None
    return found, codes


@dataclass(frozen=True)
class Stakes:
    """A percent column as fractions: NaN where blank.

    Attributes:
        low, high: the stake interval per row (fractions), NaN for a blank cell.
        bare: the cell as a plain number (what ``canonical._bare_number`` gives), NaN where it is not one.
        unknown: rows saying the stake is unknown ("unknown", "?"), read as 0..100%.
    """

    low: FloatArray
    high: FloatArray
    bare: FloatArray
    unknown: BoolArray


def stakes(column: Column) -> Stakes:
    """A percent column read as ``parse_percent`` reads each cell (percentage points in, fractions out).

    Raises:
        Decline: a cell is not a percentage the row reader accepts.
    """
    dictionary, codes = _encoded(column)
    plain = _plain(dictionary)
    low, high, bare = plain.low, plain.low.copy(), plain.bare
    unknown = np.zeros(len(dictionary), dtype=np.bool_)
    rest: IndexArray = np.flatnonzero(np.isnan(plain.low))
    for k, text in zip(rest.tolist(), dictionary.take(pa.array(rest)).to_pylist(), strict=True):
        try:
            stake = parse_percent(text)
        except ValueProblem:
            raise Decline from None
        if stake is None:
            continue
        low[k], high[k] = stake.low, stake.high
        number = _bare_number(Cell(text))
        if number is not None:
            bare[k] = number
        unknown[k] = is_unknown_marker(text)
    return Stakes(low[codes], high[codes], bare[codes], unknown[codes])


@dataclass(frozen=True)
class _Plain:
    low: FloatArray  # the stake as a fraction, NaN for texts left to parse_percent
    bare: FloatArray  # the text as a number where it is bare (no % sign)


def _plain(texts: Column) -> _Plain:
    """Plain-number stakes, vectorised, bit for bit what ``parse_percent`` and ``_bare_number`` give.

    parse_percent divides the exact Decimal of the text by 100 and rounds once to a float; Arrow's text to
    float conversion also rounds correctly, so reading the same digits with the exponent lowered by two
    ("12.5e-2") is the same float. Texts from 100 up are left to parse_percent (its bounds and clamping).
    """
    size = len(texts)
    low = np.full(size, np.nan)
    bare = np.full(size, np.nan)
    mask = pc.match_substring_regex(texts, _PLAIN)
    if not pc.any(mask).as_py():
        return _Plain(low, bare)
    rows: IndexArray = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    chosen = texts.filter(mask)
    digits = chosen
    for mark, replacement in (("%", ""), (",", ".")):
        if pc.any(pc.match_substring(digits, mark)).as_py():
            digits = pc.replace_substring(digits, mark, replacement)
    points = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    fraction = pc.cast(pc.binary_join_element_wise(digits, "e-2", ""), pa.float64()).to_numpy(zero_copy_only=False)
    below = points < 100.0
    low[rows[below]] = fraction[below]
    signed = pc.ends_with(chosen, "%").to_numpy(zero_copy_only=False)
    bare[rows[below & ~signed]] = points[below & ~signed]
    return _Plain(low, bare)


def flags(column: Column, convert: Callable[[str], bool | None]) -> BoolArray:
    """A yes/no column (blank is no), each distinct text read once with ``convert``."""
    found, codes = by_distinct(column, convert)
    values: BoolArray = np.array([bool(v) for v in found], dtype=np.bool_)
    return values[codes]


def numbers(column: Column, convert: Callable[[str], float | None]) -> FloatArray:
    """A number column (NaN where blank), each distinct text read once with ``convert``."""
    found, codes = by_distinct(column, convert)
    values: FloatArray = np.array([np.nan if v is None else v for v in found], dtype=np.float64)
    return values[codes]


def days(column: Column, convert: Callable[[str], date | None]) -> npt.NDArray[np.datetime64]:
    """A date column (NaT where blank), each distinct text read once with ``convert``."""
    found, codes = by_distinct(column, convert)
    values = np.array(
        [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in found], dtype="datetime64[D]"
    )
    return values[codes]
