"""Errors in a big file found in its columns, and reported by the row reader from only the rows that hold them.

When the columnar reader meets a value the row reader refuses (a stake of 150%, an unknown country, an
empty holder, a row with no stake...), running the row reader over the whole file would take minutes on a
registry. Instead each column is checked once per distinct text with the row reader's own conversions,
which finds every row that may hold an error; the row reader then reads the header and those rows alone,
keeping their row numbers, and raises exactly the error it would raise for the whole file (the first
problem, and every other one).

That holds only while each error belongs to its row. Where an error depends on other rows (an id listed
twice, a reference by name, one party given two countries, percent text beside bare fractions, stakes
from share counts), these functions return and the caller leaves the whole file to the row reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ownership.model import SourceInfo
from ownership.model.countries import is_unknown_spelling, normalize_country
from ownership.readers.canonical.fractions import bare_number
from ownership.readers.cells.fast_csv.parse import BLANK_CELL, ParsedFile
from ownership.readers.cells.fast_csv.values import BoolArray, Column, FloatArray, IndexArray, _encoded, _plain, tidy
from ownership.readers.cells.tables import DEFAULT_LIMITS, Cell, RawTable
from ownership.readers.cells.values import parse_bool, parse_date, parse_number, parse_percent


def folder_errors(entities: ParsedFile, holdings: ParsedFile, source: SourceInfo) -> None:
    """Raise the row reader's error for a folder whose rows hold errors, found from the columns.

    Returns (raising nothing) when no row holds one, or when an error may depend on other rows: the caller
    then leaves the folder to the row reader.

    Raises:
        InputError: what ``canonical.read_folder`` raises for the folder, message and locations alike.
    """
    ids = tidy(_whole(entities.columns["id"]))
    if "other_countries" in entities.columns:
        return  # a list of countries per cell: the row reader checks each
    given = pc.not_equal(ids, pa.scalar("", pa.string()))
    named = ids.filter(given)
    if pc.count_distinct(named).as_py() != len(named):
        return  # an id listed twice: a warning or an error naming the first row
    entity_rows = _entity_suspects(entities, ids)
    holder = tidy(_whole(holdings.columns["holder"]))
    subject = tidy(_whole(holdings.columns["subject"])) if "subject" in holdings.columns else None
    if subject is None:
        return  # a register of members: its subject comes from the title or the file name
    refs = [pc.index_in(column, value_set=ids) for column in (holder, subject)]
    blank = [pc.equal(column, pa.scalar("", pa.string())) for column in (holder, subject)]
    for found, empty in zip(refs, blank, strict=True):
        if pc.any(pc.and_(pc.is_null(found), pc.invert(empty))).as_py():
            return  # a reference that is not an exact id: the row reader's resolver decides
    holding_rows = _holding_suspects(holdings, holder, subject)
    if holding_rows is None or (holding_rows.size == 0 and entity_rows.size == 0):
        return
    # The parties of the rows re-read come along, so that each reference stays an exact id.
    referenced = np.concatenate([_indices(found, holding_rows) for found in refs])
    entity_rows = np.union1d(entity_rows, referenced[referenced >= 0])
    from ownership.readers.canonical.text import folder_tables

    # Raises the row reader's error; reading on without one means what stopped the columnar reader was
    # something else, which the row reader is left to read.
    folder_tables(_subset(entities, entity_rows), _subset(holdings, holding_rows), source)


def holdings_csv_errors(holdings: ParsedFile, source: SourceInfo, conflicts: bool) -> None:
    """``folder_errors`` for a single holdings CSV declaring its parties (``conflicts``: whether a party is
    given two countries, which the row reader reports against the first row giving one).

    Raises:
        InputError: what ``canonical.read_holdings_csv`` raises for the file.
    """
    if conflicts or "subject" not in holdings.columns:
        return
    holder = tidy(_whole(holdings.columns["holder"]))
    subject = tidy(_whole(holdings.columns["subject"]))
    rows = _holding_suspects(holdings, holder, subject)
    if rows is None or rows.size == 0:
        return
    cols = holdings.columns
    for role in ("holder", "subject"):
        for attr, check in (("jurisdiction", _country), ("headquarters", _country), ("ultimate", parse_bool)):
            if f"{role}_{attr}" in cols:
                rows = np.union1d(rows, _bad(cols[f"{role}_{attr}"], check))
    from ownership.readers.canonical.text import holdings_csv_table

    holdings_csv_table(_subset(holdings, rows), source, DEFAULT_LIMITS, whole=False)


def inline_country_rows(holdings: ParsedFile) -> IndexArray:
    """Rows of a holdings CSV whose holder or subject country the row reader refuses."""
    rows = np.zeros(0, dtype=np.int64)
    for role in ("holder", "subject"):
        for attr in ("jurisdiction", "headquarters"):
            if f"{role}_{attr}" in holdings.columns:
                rows = np.union1d(rows, _bad(holdings.columns[f"{role}_{attr}"], _country))
    return rows


def _country(text: str) -> None:
    if not is_unknown_spelling(text):
        normalize_country(text)


def _entity_suspects(file: ParsedFile, ids: Column) -> IndexArray:
    """Entity rows that may hold an error: an empty id, a country, number or yes/no the row reader refuses."""
    cols = file.columns
    rows = np.flatnonzero(pc.equal(ids, pa.scalar("", pa.string())).to_numpy(zero_copy_only=False))
    for field, check in (
        ("jurisdiction", _country),
        ("headquarters", _country),
        ("shares_outstanding", parse_number),
        ("ultimate", parse_bool),
    ):
        if field in cols:
            rows = np.union1d(rows, _bad(cols[field], check))
    return rows.astype(np.int64)


def _holding_suspects(file: ParsedFile, holder: Column, subject: Column) -> IndexArray | None:
    """Holding rows that may hold an error; None when an error may depend on other rows."""
    cols = file.columns
    n = file.rows
    blank = np.flatnonzero(
        pc.or_(pc.equal(holder, pa.scalar("", pa.string())), pc.equal(subject, pa.scalar("", pa.string()))).to_numpy(
            zero_copy_only=False
        )
    )
    rows = blank
    has_stake = np.zeros(n, dtype=np.bool_)
    forms: _Percents | None = None
    for field in ("percent", "votes", "shares"):
        if field not in cols:
            continue
        if field == "shares":
            rows = np.union1d(rows, _bad(cols[field], parse_number))
        else:
            read = _percents(cols[field])
            rows = np.union1d(rows, read.refused)
            forms = read if field == "percent" else forms
        has_stake |= _given(cols[field])
    for field in ("control", "indirect"):
        if field in cols:
            rows = np.union1d(rows, _bad(cols[field], parse_bool))
    if "control" in cols:
        has_stake |= _yes(cols["control"])
    rows = np.union1d(rows, np.flatnonzero(~has_stake))  # no stake at all
    if "shares" in cols:
        # A share count stands in for the stake where no percent is read (blank, or refused): the stakes
        # are then worked out across the subject's rows, with errors naming other rows.
        percent = _given(cols["percent"]) if "percent" in cols else np.zeros(n, dtype=np.bool_)
        if forms is not None:
            percent[forms.refused] = False
        if bool((_given(cols["shares"]) & ~percent).any()):
            return None
    dates = [_days(cols[field]) if field in cols else None for field in ("start", "end")]
    for field in ("start", "end"):
        if field in cols:
            rows = np.union1d(rows, _bad(cols[field], parse_date))
    start, end = dates
    if start is not None and end is not None:
        rows = np.union1d(rows, np.flatnonzero(start > end))
    if forms is not None:
        skipped = np.zeros(n, dtype=np.bool_)
        skipped[blank] = True
        widest = forms.widest(skipped)
        if widest is None:
            return None  # percent text beside bare fractions: each bare cell is an error naming the text
        if widest >= 0:
            # The row with the largest bare number comes along, so that the rows re-read mix forms only
            # when the whole column does.
            rows = np.union1d(rows, [widest])
    return rows.astype(np.int64)


def _bad(column: Column, check: Callable[[str], object]) -> IndexArray:
    """Rows whose text ``check`` (a conversion of the row reader's) refuses."""
    dictionary, codes = _encoded(column)
    refused = np.zeros(len(dictionary), dtype=np.bool_)
    for k, text in enumerate(dictionary.to_pylist()):
        try:
            check(text)
        except ValueError:
            refused[k] = True
    if not refused.any():
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(refused[codes]).astype(np.int64)


def _given(column: Column) -> BoolArray:
    """Rows whose cell is not blank."""
    found: BoolArray = ~pc.match_substring_regex(column, BLANK_CELL).to_numpy(zero_copy_only=False)
    return found


def _yes(column: Column) -> BoolArray:
    def yes(text: str) -> bool:
        try:
            return bool(parse_bool(text))
        except ValueError:
            return False

    dictionary, codes = _encoded(column)
    found: BoolArray = np.array([yes(text) for text in dictionary.to_pylist()], dtype=np.bool_)[codes]
    return found


def _days(column: Column) -> np.ndarray:
    def day(text: str) -> np.datetime64:
        try:
            found = parse_date(text)
        except ValueError:
            found = None
        return np.datetime64("NaT") if found is None else np.datetime64(found, "D")

    dictionary, codes = _encoded(column)
    return np.array([day(text) for text in dictionary.to_pylist()], dtype="datetime64[D]")[codes]


@dataclass(frozen=True)
class _Percents:
    """A percent column as the row reader reads it, for finding errors: the rows it refuses, each row's bare
    number (NaN where none), and whether a cell it reads holds a % sign."""

    refused: IndexArray
    bare: FloatArray
    signed: BoolArray

    def widest(self, skipped: BoolArray) -> int | None:
        """None when the column mixes percent text with bare numbers all at most 1 (the row reader's
        error on each bare cell); else the row with the largest bare number, or -1 when there is none.
        Rows the row reader skips before reading their stake (``skipped``: no holder or no subject) count
        for neither."""
        bare = np.where(skipped, np.nan, self.bare)
        if np.isnan(bare).all():
            return -1
        signed = bool(self.signed[~skipped].any())
        if signed and float(np.nanmax(bare)) <= 1.0 and bool((bare > 0).any()):
            return None
        return int(np.nanargmax(bare))


def _percents(column: Column) -> _Percents:
    """``_Percents`` of a column: plain numbers at once (``values._plain``), each other distinct text with
    ``parse_percent``."""
    dictionary, codes = _encoded(column)
    plain = _plain(dictionary)
    bare = plain.bare.copy()
    refused = np.zeros(len(dictionary), dtype=np.bool_)
    read = ~np.isnan(plain.low)
    rest = np.flatnonzero(np.isnan(plain.low))
    for k, text in zip(rest.tolist(), dictionary.take(pa.array(rest)).to_pylist(), strict=True):
        try:
            stake = parse_percent(text)
        except ValueError:
            refused[k] = True
            continue
        if stake is None:
            continue
        read[k] = True
        number = bare_number(Cell(text))
        if number is not None:
            bare[k] = number
    percent_sign = pc.match_substring(dictionary, "%").to_numpy(zero_copy_only=False)
    return _Percents(
        refused=np.flatnonzero(refused[codes]).astype(np.int64),
        bare=bare[codes],
        signed=(percent_sign & read)[codes],
    )


def _indices(found: Column, rows: IndexArray) -> IndexArray:
    picked = pc.fill_null(found.take(pa.array(rows)), -1).to_numpy(zero_copy_only=False)
    return np.asarray(picked, dtype=np.int64)


def _whole(column: Column) -> Column:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _subset(file: ParsedFile, rows: IndexArray) -> RawTable:
    """The header and the given data rows as the row reader's raw table, each row under its own number."""
    header = file.header_table.rows[0]
    picked = file.table.take(pa.array(rows, type=pa.int64())).to_pylist()
    body = [
        (file.number(int(k)), [Cell(value) for value in record.values()])
        for k, record in zip(rows.tolist(), picked, strict=True)
    ]
    return RawTable(file.display, None, [header, *body])
