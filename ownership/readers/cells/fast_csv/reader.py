"""The canonical folder (``entities.csv`` + ``holdings.csv``) read into columns: the path for registry-size input.

The row reader (``canonical`` over ``tables.read_text_table``) builds a Python object per cell and per row,
which takes over a minute for a million entities. This reader parses both files with Arrow's CSV reader,
converts each column in bulk and hands over ``EntityTable`` / ``HoldingTable`` columns.

Its contract is all or nothing: it returns exactly what the row reader returns for the same folder (the
same entities and holdings, element by element, the same warnings in the same order, the same SourceInfo),
or it returns None and the row reader runs, with its located errors and warnings. Besides what
``fast_csv_parse`` declines (files the two CSV readers might split differently), it declines a folder
without entities.csv, empty or duplicate entity ids, holder or subject references that are not exact
entity ids (names, other case, parties not declared), unknown countries, any value the row reader refuses,
rows without any stake, and stakes given only as share counts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ownership.errors import DataWarning, short
from ownership.model import EntityType, OwnershipData, SourceInfo
from ownership.model.countries import is_unknown_spelling, normalize_country
from ownership.model.tables import (
    ENTITY_TYPES,
    NO_COUNTRY,
    ArrowTexts,
    CodeArray,
    DayArray,
    EntityTable,
    HoldingTable,
    Places,
)
from ownership.readers import progress
from ownership.readers.canonical.fractions import check_fraction_scale as _check_fraction_scale
from ownership.readers.canonical.inline import INLINE_COLUMNS as _INLINE_COLUMNS
from ownership.readers.canonical.row import Problems, entity_type
from ownership.readers.canonical.rows import _ENTITY_COLUMNS, _warn_unknown_columns
from ownership.readers.cells.columns import HOLDING_COLUMNS
from ownership.readers.cells.digest import combined_sha256
from ownership.readers.cells.fast_csv.parse import ParsedFile, parse_file
from ownership.readers.cells.fast_csv.validate import folder_errors
from ownership.readers.cells.fast_csv.values import (
    BoolArray,
    Column,
    Decline,
    FloatArray,
    IndexArray,
    Stakes,
    blank_rows,
    by_distinct,
    days,
    flags,
    numbers,
    optional_texts,
    stakes,
    texts,
    tidy,
)
from ownership.readers.cells.heap import release_free_heap
from ownership.readers.cells.tables import ReadLimits, cell_text
from ownership.readers.cells.values import parse_bool, parse_date, parse_number
from ownership.readers.detect import find_file


def read_folder_fast(folder: Path, name: str, limits: ReadLimits) -> OwnershipData | None:
    """The folder's entities and holdings as columns, or None when only the row reader reads it exactly.

    Args:
        folder: a folder holding ``entities.csv`` and ``holdings.csv``.
        name: the folder as the user gave it, for messages and ``SourceInfo``.
        limits: the row reader's caps; input past them is left to the row reader, which refuses it.

    Returns:
        What ``readers.canonical.read_folder`` returns for the folder (stakes as fractions 0..1), or None.
    """
    data = _read_folder(folder, name, limits)
    # The parsed files are freed by now: a large read's blocks go back to the system (``cells.heap``).
    release_free_heap()
    return data


def _read_folder(folder: Path, name: str, limits: ReadLimits) -> OwnershipData | None:
    entities_path = find_file(folder, "entities.csv")
    holdings_path = find_file(folder, "holdings.csv")
    if entities_path is None or holdings_path is None:
        return None
    base = name.rstrip("/")
    with ThreadPoolExecutor(max_workers=3) as pool:
        # Both files are read at once: hashing and Arrow's parsing release the GIL.
        # The holdings are parsed on another thread, where the read's progress meter is not heard of (it
        # lives in a context variable): their bytes are reported here, once the entities' are.
        holding_parse = pool.submit(
            parse_file,
            holdings_path,
            f"{base}/{holdings_path.name}",
            limits,
            HOLDING_COLUMNS,
            ("holder", "subject"),
        )
        try:
            entity_file, entity_digest = parse_file(
                entities_path, f"{base}/{entities_path.name}", limits, _ENTITY_COLUMNS, ("id",)
            )
        except Decline:
            if not holding_parse.cancel():
                _settle(holding_parse)
            return None
        try:
            holding_file, holding_digest = holding_parse.result()
        except Decline:
            return None
        progress.advance(holdings_path.stat().st_size)
        digest = combined_sha256(((entities_path.name, entity_digest), (holdings_path.name, holding_digest)))
        try:
            cols = holding_file.columns
            if "percent" not in cols and "shares" not in cols and "control" not in cols:
                raise Decline  # the row reader refuses it
            values = pool.submit(holding_columns, holding_file, entity_file.display)
            ids = _combined(tidy(entity_file.columns["id"]))
            references = pool.submit(_references, ids, cols["holder"], cols["subject"])
            problems = Problems()
            entities = _entities(entity_file, ids, problems)
            if problems.errors:
                raise Decline  # an unread column that looks like data: the row reader lists the errors
            holdings = values.result()
            problems.warnings.extend(holdings.warnings)
            refs = references.result()
            table = holdings.table(entities.ids, refs[: holding_file.rows], refs[holding_file.rows :])
        except Decline:
            # A value the row reader refuses: it reports it, and every other, from the rows holding them.
            folder_errors(entity_file, holding_file, SourceInfo(name, digest, "folder"))
            return None
        return OwnershipData(entities, table, SourceInfo(name, digest, "folder"), tuple(problems.warnings))


def _settle(future: Future[tuple[ParsedFile, str]]) -> None:
    """Wait for a task whose answer is no longer needed (it may have declined too)."""
    with contextlib.suppress(Decline):
        future.result()


def _entities(file: ParsedFile, ids: Column, problems: Problems) -> EntityTable:
    """The entity rows as ``canonical.read_entities`` reads them (``ids``: the id column, tidied)."""
    _warn_unknown_columns(file.header_table, file.header, problems)
    problems.warnings.extend(file.warnings)
    cols = file.columns
    if blank_rows(ids).size:
        raise Decline  # an empty id (an error), or a blank row (skipped)
    if "other_countries" in cols:
        raise Decline  # a list of countries per cell: the row reader parses it
    n = file.rows
    arrow_ids = ids
    if "name" in cols:
        arrow_names, blank = texts(cols["name"])
        if blank.size:
            arrow_names = pc.if_else(pc.equal(arrow_names, pa.scalar("", pa.string())), arrow_ids, arrow_names)
    else:
        arrow_names = arrow_ids
    countries, jurisdiction, headquarters = _countries(cols.get("jurisdiction"), cols.get("headquarters"), n)
    return EntityTable(
        ids=ArrowTexts(arrow_ids),
        names=ArrowTexts(arrow_names),
        types=_types(file, problems),
        countries=countries,
        jurisdiction=jurisdiction,
        headquarters=headquarters,
        declared=np.ones(n, dtype=np.bool_),
        where=Places(file.display, None, file.numbers),
        shares_outstanding=numbers(cols["shares_outstanding"], parse_number) if "shares_outstanding" in cols else None,
        groups=optional_texts(cols["group"]) if "group" in cols else None,
        sources=optional_texts(cols["source"]) if "source" in cols else None,
        ultimate=_flags(cols["ultimate"]) if "ultimate" in cols else None,
        objects=None,
        arrow_ids=arrow_ids,
        arrow_names=arrow_names,
    )


def _flags(column: Column) -> npt.NDArray[np.bool_] | None:
    """A yes/no column (each distinct text parsed once, as the row reader parses it); None when no row
    says yes. A value that is not yes or no declines, so the row reader reports it with its place."""
    found, codes = by_distinct(column, lambda text: bool(parse_bool(cell_text(text))))
    flags: npt.NDArray[np.bool_] = np.array(found, dtype=np.bool_)[codes]
    return flags if bool(flags.any()) else None


def _types(file: ParsedFile, problems: Problems) -> npt.NDArray[np.int8]:
    n = file.rows
    if "type" not in file.columns:
        return np.full(n, ENTITY_TYPES.index(EntityType.UNKNOWN), dtype=np.int8)
    found, codes = by_distinct(file.columns["type"], lambda text: entity_type(cell_text(text)))
    kinds = np.array([ENTITY_TYPES.index(t or EntityType.UNKNOWN) for t in found], dtype=np.int8)
    unknown = np.array([t is None for t in found], dtype=np.bool_)
    if unknown.any():
        raw = file.columns["type"]
        for k in np.flatnonzero(unknown[codes]).tolist():
            text = cell_text(raw[k].as_py())
            problems.warn(
                "unknown_type",
                f"type '{short(text)}' is not one of company, person, fund, trust, state, public, unknown: "
                "read as unknown",
                file.where(file.number(k), "type"),
            )
    found_kinds: npt.NDArray[np.int8] = kinds[codes]
    return found_kinds


def _known_country(text: str) -> str | None:
    # "N/A", "unknown"... are read as unknown with a warning per cell, which the row reader gives.
    if is_unknown_spelling(text):
        raise ValueError(text)
    return normalize_country(text)


def _countries(
    jurisdiction: Column | None, headquarters: Column | None, n: int
) -> tuple[tuple[str, ...], CodeArray, CodeArray]:
    """The country codes of both columns (``normalize_country`` once per distinct text), as indices."""
    read = [
        by_distinct(column, _known_country) if column is not None else None for column in (jurisdiction, headquarters)
    ]
    countries = tuple(sorted({c for found in read if found is not None for c in found[0] if c is not None}))
    index = {c: k for k, c in enumerate(countries)}
    columns = []
    for found in read:
        if found is None:
            columns.append(np.full(n, NO_COUNTRY, dtype=np.int16))
            continue
        codes = np.array([NO_COUNTRY if c is None else index[c] for c in found[0]], dtype=np.int16)
        columns.append(codes[found[1]])
    return countries, columns[0], columns[1]


@dataclass(frozen=True)
class HoldingColumns:
    """The holding columns that do not need the entities, and the warnings reading them gave."""

    stake_low: FloatArray
    stake_high: FloatArray
    where: Places
    votes_low: FloatArray | None
    votes_high: FloatArray | None
    control: BoolArray | None
    start: DayArray | None
    end: DayArray | None
    shares: FloatArray | None
    sources: list[str | None] | None
    indirect: npt.NDArray[np.bool_] | None
    warnings: list[DataWarning]

    def table(self, ids: Sequence[str], holder: IndexArray, subject: IndexArray) -> HoldingTable:
        return HoldingTable(
            ids=ids,
            holder=holder,
            subject=subject,
            stake_low=self.stake_low,
            stake_high=self.stake_high,
            where=self.where,
            votes_low=self.votes_low,
            votes_high=self.votes_high,
            control=self.control,
            start=self.start,
            end=self.end,
            shares=self.shares,
            sources=self.sources,
            indirect=self.indirect,
            objects=None,
        )


def holding_columns(file: ParsedFile, declared_source: str | None) -> HoldingColumns:
    """The holding rows as ``canonical.read_holdings`` reads them against a declared entity list, or, with
    ``declared_source`` None, as the only source of the parties (their columns are then read elsewhere)."""
    problems = Problems()
    header, cols = file.header, file.columns
    _warn_unknown_columns(file.header_table, header, problems)
    if problems.errors:
        raise Decline  # the row reader lists the errors
    for extra in _INLINE_COLUMNS if declared_source is not None else ():
        if extra in header.columns:
            k = header.columns[extra]
            problems.warn(
                "ignored_column",
                f"column '{header.texts.get(k, extra)}' is ignored because {declared_source} declares the "
                "entities; give countries there",
                file.header_table.where(header.row, k + 1, header.texts.get(k)),
            )
    problems.warnings.extend(file.warnings)
    n = file.rows
    stake = stakes(cols["percent"]) if "percent" in cols else None
    if stake is not None and _mixed_percent_forms(file, stake):
        raise Decline  # the row reader names the ambiguous cells
    votes = stakes(cols["votes"]) if "votes" in cols else None
    control = flags(cols["control"], parse_bool) if "control" in cols else None
    shares = numbers(cols["shares"], parse_number) if "shares" in cols else None
    start, end = _validity(
        days(cols["start"], parse_date) if "start" in cols else None,
        days(cols["end"], parse_date) if "end" in cols else None,
        n,
    )
    low = np.full(n, np.nan) if stake is None else stake.low
    if start is not None and end is not None and bool((start > end).any()):
        raise Decline  # a start date after the end date
    no_stake = np.isnan(low)
    if shares is not None and bool((no_stake & ~np.isnan(shares)).any()):
        raise Decline  # stakes from share counts: apply_share_counts and its warnings
    if votes is not None:
        no_stake &= np.isnan(votes.low)
    if control is not None:
        no_stake &= ~control
    if bool(no_stake.any()):
        raise Decline  # a row with no stake at all (an error)
    high = low if stake is None else stake.high
    if stake is not None:
        high = _stake_warnings(file, stake, problems)
    return HoldingColumns(
        stake_low=low,
        stake_high=high,
        where=Places(file.display, None, file.numbers),
        votes_low=None if votes is None else votes.low,
        votes_high=None if votes is None else votes.high,
        control=control if control is not None and bool(control.any()) else None,
        start=start,
        end=end,
        shares=shares if shares is not None and not bool(np.isnan(shares).all()) else None,
        sources=optional_texts(cols["source"]) if "source" in cols else None,
        indirect=_flags(cols["indirect"]) if "indirect" in cols else None,
        warnings=problems.warnings,
    )


def _validity(start: DayArray | None, end: DayArray | None, n: int) -> tuple[DayArray | None, DayArray | None]:
    """The start and end columns as the row reader's table has them: both (NaT where open) as soon as one
    row gives a date, neither when none does. A file with only an ``end`` (or only a ``start``) column
    must still have its ended (or not yet started) rows filtered by the as-of date."""
    given = [c for c in (start, end) if c is not None and not bool(np.isnat(c).all())]
    if not given:
        return None, None
    open_ended = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return (open_ended if start is None else start), (open_ended if end is None else end)


def _references(ids: Column, holder: Column, subject: Column) -> IndexArray:
    """Holder then subject as entity indices, with the entity ids (tidied, one array) checked unique in the
    same hash lookup.

    The row reader takes a reference that is exactly an id (after ``cell_text``) as that entity; anything
    else (a name, an id in other case, a party not in entities.csv) goes through its resolver: declined.
    """
    value_set = ids
    found = pc.index_in(pa.chunked_array([*_chunks(ids), *_chunks(holder), *_chunks(subject)]), value_set=value_set)
    index: IndexArray = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    n = len(value_set)
    if not np.array_equal(index[:n], np.arange(n)):
        raise Decline  # an id listed twice: a warning or an error in the row reader
    refs = index[n:]
    missing = np.flatnonzero(refs < 0)
    if missing.size:
        # A reference with stray whitespace is still an exact id once cell_text has tidied it.
        raw = pa.chunked_array([*_chunks(holder), *_chunks(subject)]).take(pa.array(missing))
        fixed = pc.index_in(tidy(raw), value_set=value_set)
        if fixed.null_count:
            raise Decline
        refs[missing] = fixed.to_numpy(zero_copy_only=False)
    return refs


def _combined(column: Column) -> Column:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _chunks(column: Column) -> list[Column]:
    return list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]


def _mixed_percent_forms(file: ParsedFile, stake: Stakes) -> bool:
    """Whether the percent column holds percent text ('45%') beside bare numbers that are all at most 1,
    which ``read_holdings`` refuses as ambiguous (``canonical._check_mixed_forms``)."""
    bare = stake.bare[~np.isnan(stake.bare)]
    if bare.size == 0 or bare.max() > 1.0 or not (bare > 0).any():
        return False
    return bool(pc.any(pc.match_substring(file.columns["percent"], "%")).as_py())


def _stake_warnings(file: ParsedFile, stake: Stakes, problems: Problems) -> FloatArray:
    """The unknown_stake warning per row and the fraction_scale warning, as ``read_holdings`` gives them;
    returns the high ends of the stakes, widened as ``read_holdings`` widens a column of plain numbers at
    most 1 (from the percentage-point to the fraction reading)."""
    raw = file.columns["percent"]
    for k in np.flatnonzero(stake.unknown).tolist():
        problems.warn(
            "unknown_stake",
            f"the stake is '{cell_text(raw[k].as_py())}': read as anywhere from 0 to 100%",
            file.where(file.number(k), "percent"),
        )
    # _check_fraction_scale looks only at how many bare numbers there are, whether all are at most 1,
    # whether one lies strictly between 0 and 1, and where the first is: a few stand for them all.
    bare_rows = np.flatnonzero(~np.isnan(stake.bare))
    if bare_rows.size == 0:
        return stake.high
    values = stake.bare[bare_rows]
    where = file.where(file.number(int(bare_rows[0])), "percent")
    sample = [(float(values[0]), where)]
    if bare_rows.size >= 2:
        sample.append((float(values.max()), where))
        between = values[(values > 0) & (values < 1)]
        if between.size:
            sample.append((float(between[0]), where))
    if not _check_fraction_scale(sample, problems):
        return stake.high
    high: FloatArray = stake.high.copy()
    exact = stake.low[bare_rows] == stake.high[bare_rows]
    chosen = bare_rows[exact]
    high[chosen] = np.maximum(stake.low[chosen], values[exact])
    return high
