"""A single holdings CSV that declares its parties on the rows (holder_/subject_ name, type, country columns)
read into columns: the entity table is built with hash operations over all the rows at once.

The row reader (``canonical.inline.InlineEntities``) merges what each row says about its two parties one
row at a time. Here the holder and subject cells are taken in the row reader's order (row by row, holder
before subject), so one dictionary encoding gives every party its index in order of first mention, and
every attribute is settled per party with numpy: the name and place of the first mention, the first
country given (a later different one is the row reader's error, so the file is declined), the first type
that is not unknown, yes when any row marks the party ultimate. Warnings come out in the row reader's
order (by row, holder before subject before the stake).

The contract is ``reader.read_folder_fast``'s: exactly the row reader's result, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ownership.errors import DataWarning, Location, short
from ownership.model import EntityType, OwnershipData, SourceInfo
from ownership.model.countries import is_unknown_spelling, normalize_country
from ownership.model.tables import ENTITY_TYPES, NO_COUNTRY, ArrowTexts, EntityTable
from ownership.readers.canonical.row import entity_type
from ownership.readers.cells.columns import HOLDING_COLUMNS
from ownership.readers.cells.fast_csv.parse import ParsedFile, parse_file
from ownership.readers.cells.fast_csv.reader import holding_columns
from ownership.readers.cells.fast_csv.validate import holdings_csv_errors
from ownership.readers.cells.fast_csv.values import Column, Decline, IndexArray, by_distinct, texts
from ownership.readers.cells.tables import ReadLimits, cell_text
from ownership.readers.cells.values import parse_bool

_V = TypeVar("_V")
_ROLES = ("holder", "subject")
#: A marker for a country cell spelling "unknown" (the row reader warns and reads no country).
_UNKNOWN = "?"
#: The order of a row's warnings in the row reader: each party's type, then its countries, then the stake.
_SLOTS = {
    ("holder", "type"): 0,
    ("holder", "jurisdiction"): 1,
    ("holder", "headquarters"): 2,
    ("subject", "type"): 3,
    ("subject", "jurisdiction"): 4,
    ("subject", "headquarters"): 5,
}
_STAKE_SLOT = 6


def read_holdings_csv_fast(path: Path, name: str, limits: ReadLimits) -> OwnershipData | None:
    """The file's parties and holdings as columns, or None when only the row reader reads it exactly.

    Args:
        path: a holdings CSV (holder, subject, a stake; optionally holder_/subject_ name, type, jurisdiction,
            headquarters and ultimate columns).
        name: the file as the user gave it, for messages and ``SourceInfo``.
        limits: the row reader's caps; input past them is left to the row reader, which refuses it.

    Returns:
        What ``readers.canonical.read_holdings_csv`` returns for the file (stakes as fractions 0..1), or None.
    """
    try:
        file, digest = parse_file(path, name, limits, HOLDING_COLUMNS, ("holder", "subject"))
    except Decline:
        return None
    source = SourceInfo(name, digest, "holdings-csv")
    try:
        cols = file.columns
        if "percent" not in cols and "shares" not in cols and "control" not in cols:
            return None  # the row reader refuses it
        # Arrow's kernels release the GIL: the holding values are read while this thread hashes the parties.
        with ThreadPoolExecutor(max_workers=1) as pool:
            values = pool.submit(holding_columns, file, None)
            mentions = _mentions(file)
            parties = _Parties(file, mentions)
            entities = parties.table()
            holdings = values.result()
    except Decline:
        # A value the row reader refuses: it reports it, and every other, from the rows holding them.
        if "subject" in file.columns:
            holdings_csv_errors(file, source, _conflicting_countries(file))
        return None
    # The file's own warnings (unread columns, its encoding) first, then the rows', then the column's.
    first = ("ignored_column", "encoding")
    head = [w for w in holdings.warnings if w.code in first]
    stake = [(w.where.row if w.where else 0, _STAKE_SLOT, w) for w in holdings.warnings if w.code == "unknown_stake"]
    tail = [w for w in holdings.warnings if w.code not in (*first, "unknown_stake")]
    by_row = sorted([*parties.warnings, *stake], key=lambda item: (item[0], item[1]))
    warnings = [*head, *(w for _, _, w in by_row), *tail]
    if entities.countries == ():
        warnings.append(
            DataWarning(
                "unknown_country",
                "no holder_jurisdiction / subject_jurisdiction columns (or all empty): every country is unknown",
                Location(name),
            )
        )
    table = holdings.table(entities.ids, mentions.codes[0::2], mentions.codes[1::2])
    return OwnershipData(entities, table, source, tuple(warnings))


class _Mentions:
    """Every mention of a party, in the row reader's order: row 0's holder, row 0's subject, row 1's holder...

    Attributes:
        ids: the parties' ids (tidied) in order of first mention, as one Arrow array.
        codes: for each mention, its party's index into ``ids``.
        first: for each party, the mention that first names it.
    """

    def __init__(self, ids: Column, codes: IndexArray, first: IndexArray) -> None:
        self.ids, self.codes, self.first = ids, codes, first


def _interleaved(holder: Column, subject: Column) -> Column:
    """Two columns of one length as one array: holder of row 0, subject of row 0, holder of row 1..."""
    both = pa.concat_arrays([_whole(holder), _whole(subject)])
    n = len(holder)
    order = np.empty(2 * n, dtype=np.int64)
    order[0::2] = np.arange(n)
    order[1::2] = np.arange(n, 2 * n)
    return both.take(pa.array(order))


def _whole(column: Column) -> Column:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _mentions(file: ParsedFile) -> _Mentions:
    holder, blank_holder = texts(file.columns["holder"])
    subject, blank_subject = texts(file.columns["subject"])
    if blank_holder.size or blank_subject.size:
        raise Decline  # a row without a holder or subject: an error, or a Total row the row reader checks
    # Arrow's dictionary encoding numbers distinct values in order of first appearance: party k is the k-th
    # party the row reader meets.
    encoded = pc.dictionary_encode(_interleaved(holder, subject))
    codes: IndexArray = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    # Codes count up as parties first appear: a mention names a new party where its code passes every
    # code before it, so the first mentions come out in party order, without sorting.
    before = np.maximum.accumulate(codes)
    first = np.flatnonzero(codes > np.concatenate([[-1], before[:-1]]))
    return _Mentions(encoded.dictionary, codes, first.astype(np.int64))


def _conflicting_countries(file: ParsedFile) -> bool:
    """Whether rows give one party two countries (among the rows naming both parties, as the row reader
    declares parties only there; a country it refuses counts as none)."""
    holder, _ = texts(file.columns["holder"])
    subject, _ = texts(file.columns["subject"])
    empty = pa.scalar("", pa.string())
    named = pc.and_(pc.not_equal(holder, empty), pc.not_equal(subject, empty))
    ids = _interleaved(holder.filter(named), subject.filter(named))
    parties = pc.dictionary_encode(ids).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    n = int(parties.max()) + 1 if parties.size else 0
    for attr in ("jurisdiction", "headquarters"):
        parts = [file.columns.get(f"{role}_{attr}") for role in _ROLES]
        if parts[0] is None and parts[1] is None:
            continue
        blank = pa.array([""] * file.rows, type=pa.string())
        sides = [(blank if part is None else _whole(part)).filter(named) for part in parts]
        column = _interleaved(sides[0], sides[1])
        found, codes = by_distinct(column, _lenient_country)
        index = {c: k for k, c in enumerate(sorted({c for c in found if c is not None}))}
        per_mention = np.array([NO_COUNTRY if c is None else index[c] for c in found], dtype=np.int16)[codes]
        given = per_mention != NO_COUNTRY
        chosen = _first_given(parties, per_mention, given, n, NO_COUNTRY)
        if bool((per_mention[given] != chosen[parties[given]]).any()):
            return True
    return False


def _lenient_country(text: str) -> str | None:
    try:
        found = _country(cell_text(text))
    except ValueError:
        return None
    return None if found == _UNKNOWN else found


def _country(text: str | None) -> str | None:
    if is_unknown_spelling(text):
        return _UNKNOWN
    return normalize_country(text)


class _Parties:
    """The parties' attributes from the mentions; ``warnings`` holds (row, slot, warning) to be ordered."""

    def __init__(self, file: ParsedFile, mentions: _Mentions) -> None:
        self.file, self.mentions = file, mentions
        self.n = len(mentions.ids)
        self.warnings: list[tuple[int, int, DataWarning]] = []

    def _attribute(self, attr: str) -> Column | None:
        """The ``holder_<attr>`` and ``subject_<attr>`` columns interleaved as the mentions are (blank where
        a role has no such column); None when neither role has one."""
        cols = self.file.columns
        present = [f"{role}_{attr}" in cols for role in _ROLES]
        if not any(present):
            return None
        rows = self.file.rows
        empty = pa.array([""] * rows, type=pa.string()) if not all(present) else None
        parts = [cols[f"{role}_{attr}"] if there else empty for role, there in zip(_ROLES, present, strict=True)]
        return _interleaved(parts[0], parts[1])

    def _where(self, mention: int, attr: str) -> tuple[int, Location]:
        role = _ROLES[mention % 2]
        row = self.file.number(mention // 2)
        return row, self.file.where(row, f"{role}_{attr}")

    def _per_mention(self, attr: str, convert: Callable[[str | None], _V]) -> tuple[list[_V], IndexArray] | None:
        """``convert`` of each distinct tidied text of the attribute's mentions, and each mention's index."""
        column = self._attribute(attr)
        if column is None:
            return None
        return by_distinct(column, lambda text: convert(cell_text(text)))

    def table(self) -> EntityTable:
        mentions = self.mentions
        names = self._names()
        types = self._types()
        countries, jurisdiction, headquarters = self._countries()
        return EntityTable(
            ids=ArrowTexts(mentions.ids),
            names=ArrowTexts(names),
            types=types,
            countries=countries,
            jurisdiction=jurisdiction,
            headquarters=headquarters,
            declared=np.ones(self.n, dtype=np.bool_),
            where=_FirstMentions(self.file, mentions.first),
            ultimate=self._ultimate(),
            objects=None,
            arrow_ids=mentions.ids,
            arrow_names=names,
        )

    def _names(self) -> Column:
        """The name given where each party is first mentioned, its id when that cell is blank."""
        ids = self.mentions.ids
        column = self._attribute("name")
        if column is None:
            return ids
        tidied, blank = texts(column)
        first = tidied.take(pa.array(self.mentions.first))
        if not blank.size:
            return first
        return pc.if_else(pc.equal(first, pa.scalar("", pa.string())), ids, first)

    def _types(self) -> npt.NDArray[np.int8]:
        """The first type that is not unknown among a party's mentions; an unrecognised type warns at
        every mention, as the row reader reads every row's type."""
        unknown_code = ENTITY_TYPES.index(EntityType.UNKNOWN)
        found = self._per_mention("type", entity_type)
        if found is None:
            return np.full(self.n, unknown_code, dtype=np.int8)
        values, codes = found
        kinds = np.array([ENTITY_TYPES.index(t or EntityType.UNKNOWN) for t in values], dtype=np.int8)
        unrecognised = np.array([t is None for t in values], dtype=np.bool_)
        if unrecognised.any():
            column = self._attribute("type")
            assert column is not None
            for mention in np.flatnonzero(unrecognised[codes]).tolist():
                text = cell_text(column[mention].as_py())
                row, where = self._where(mention, "type")
                message = (
                    f"type '{short(text)}' is not one of company, person, fund, trust, state, public, unknown: "
                    "read as unknown"
                )
                self.warnings.append(
                    (row, _SLOTS[(_ROLES[mention % 2], "type")], DataWarning("unknown_type", message, where))
                )
        per_mention = kinds[codes]
        return _first_given(self.mentions.codes, per_mention, per_mention != unknown_code, self.n, unknown_code)

    def _countries(self) -> tuple[tuple[str, ...], npt.NDArray[np.int16], npt.NDArray[np.int16]]:
        """Each party's jurisdiction and headquarters: the first given among its mentions; a spelling of
        "unknown" warns at its mention; a different country at a later mention declines (the row reader's
        "one entity, one country" error)."""
        read = {attr: self._per_mention(attr, _country) for attr in ("jurisdiction", "headquarters")}
        names = sorted(
            {c for found in read.values() if found is not None for c in found[0] if c not in (None, _UNKNOWN)}
        )
        index = {c: k for k, c in enumerate(names)}
        out: list[npt.NDArray[np.int16]] = []
        for attr, found in read.items():
            if found is None:
                out.append(np.full(self.n, NO_COUNTRY, dtype=np.int16))
                continue
            values, codes = found
            lookup = np.array(
                [index.get(c, NO_COUNTRY) if isinstance(c, str) else NO_COUNTRY for c in values], dtype=np.int16
            )
            marked = np.array([c == _UNKNOWN for c in values], dtype=np.bool_)
            if marked.any():
                column = self._attribute(attr)
                assert column is not None
                for mention in np.flatnonzero(marked[codes]).tolist():
                    text = cell_text(column[mention].as_py())
                    row, where = self._where(mention, attr)
                    message = (
                        f"country '{short(str(text))}' means unknown: read as an unknown country (which only the "
                        "high bound may take for a watched one)"
                    )
                    slot = _SLOTS[(_ROLES[mention % 2], attr)]
                    self.warnings.append((row, slot, DataWarning("unknown_country", message, where)))
            per_mention = lookup[codes]
            given = per_mention != NO_COUNTRY
            chosen = _first_given(self.mentions.codes, per_mention, given, self.n, NO_COUNTRY)
            if bool((per_mention[given] != chosen[self.mentions.codes[given]]).any()):
                raise Decline  # one party given two countries: the row reader's error, with both places
            out.append(chosen)
        return tuple(names), out[0], out[1]

    def _ultimate(self) -> npt.NDArray[np.bool_] | None:
        found = self._per_mention("ultimate", lambda text: bool(parse_bool(text)))
        if found is None:
            return None
        values, codes = found
        marked = np.array(values, dtype=np.bool_)[codes]
        if not marked.any():
            return None
        ultimate = np.zeros(self.n, dtype=np.bool_)
        ultimate[self.mentions.codes[marked]] = True
        return ultimate


_G = TypeVar("_G", bound=np.generic)


def _first_given(
    parties: IndexArray, values: npt.NDArray[_G], given: npt.NDArray[np.bool_], n: int, missing: object
) -> npt.NDArray[_G]:
    """Per party (``parties`` names each mention's party), the value of its first mention where ``given``;
    ``missing`` for a party with none."""
    chosen: npt.NDArray[_G] = np.full(n, missing, dtype=values.dtype)
    mentions = np.flatnonzero(given)
    first = np.full(n, mentions.size, dtype=np.int64)
    np.minimum.at(first, parties[mentions], np.arange(mentions.size))  # each party's first given mention
    owners = np.flatnonzero(first < mentions.size)
    chosen[owners] = values[mentions[first[owners]]]
    return chosen


class _FirstMentions(Sequence[Location | None]):
    """Where each party was first mentioned: its row, and the holder or subject column of that row."""

    def __init__(self, file: ParsedFile, first: IndexArray) -> None:
        self.file, self.first = file, first

    def __len__(self) -> int:
        return int(self.first.size)

    @overload
    def __getitem__(self, k: int) -> Location | None: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[Location | None]: ...
    def __getitem__(self, k: int | slice) -> Location | Sequence[Location | None] | None:
        if isinstance(k, slice):
            return _FirstMentions(self.file, self.first[k])
        mention = int(self.first[k])
        return self.file.where(self.file.number(mention // 2), _ROLES[mention % 2])
