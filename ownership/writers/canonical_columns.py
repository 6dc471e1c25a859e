"""The canonical tables straight from the columns a columnar reader hands over, with no object per row.

``canonical_folder.canonical_tables`` builds the two tables from the model's objects, which a table of a
registry's millions of rows makes one by one when asked (about 4 minutes per million holdings, mostly
spent building objects only to read their fields back). Here every column is one Arrow or numpy
operation over the table's own arrays, and the values are those the objects would have given: stakes
times 100 in the same float arithmetic, a missing interval as null, a holding's ``source`` its own note,
else the place it was read, else the input's name.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ownership.model.entities import EntityType
from ownership.model.tables import (
    COUNTRY_KINDS,
    ENTITY_TYPES,
    ArrowTexts,
    EntityTable,
    FloatArray,
    HoldingTable,
    Places,
)

if TYPE_CHECKING:
    import pyarrow as pa

#: Ids a workbook's tidying may change: whitespace at an end, doubled or other than a space, and the
#: control characters XML cannot carry (``canonical_workbook.tidy``).
_MAY_CHANGE = r"^\s|\s$|\s\s|[\t\n\x0b\x0c\r\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}" + (
    r"\x{202f}\x{205f}\x{3000}\x00-\x08\x{0e}-\x{1b}\x{fffe}\x{ffff}]"
)


def columnar_tables(entities: EntityTable, holdings: HoldingTable, origin: str) -> tuple[pa.Table, pa.Table] | None:
    """``canonical_tables`` for tables without objects: the same two Arrow tables (stakes in percent);
    None when an id would not survive a workbook's tidying, which the objects' path refuses with its
    message."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(entities)
    ids = _texts(entities.ids, entities.arrow_ids)
    if not _tidy_safe(ids):
        return None
    names = _texts(entities.names, entities.arrow_names)
    blank_name = pc.fill_null(pc.equal(names, ""), True)
    kinds = pa.array([None if t is EntityType.UNKNOWN else t.value for t in ENTITY_TYPES], pa.string())
    entity_table = pa.table(
        {
            "id": ids,
            "name": pc.if_else(blank_name, ids, names),
            "type": kinds.take(pa.array(entities.types.astype(np.int64))),
            "jurisdiction": _countries(entities.countries, entities.jurisdiction),
            "headquarters": _countries(entities.countries, entities.headquarters),
            "group": _optional(entities.groups, n),
            "ultimate": _flags(entities.ultimate, n),
            "other_countries": _other_countries(entities, n),
            "declared": pa.array(entities.declared, pa.bool_()),
            "source": _sources(entities.sources, entities.where, n, origin),
        }
    )
    m = len(holdings)
    holder = pa.array(holdings.holder, pa.int64())
    subject = pa.array(holdings.subject, pa.int64())
    holding_table = pa.table(
        {
            "holder": ids.take(holder),
            "subject": ids.take(subject),
            "percent_low": _percent(holdings.stake_low, m),
            "percent_high": _percent(holdings.stake_high, m),
            "votes_low": _percent(holdings.votes_low, m),
            "votes_high": _percent(holdings.votes_high, m),
            "control": _flags(holdings.control, m),
            "indirect": _flags(holdings.indirect, m),
            "start": pa.nulls(m, pa.date32()) if holdings.start is None else pa.array(holdings.start, pa.date32()),
            "end": pa.nulls(m, pa.date32()) if holdings.end is None else pa.array(holdings.end, pa.date32()),
            "source": _sources(holdings.sources, holdings.where, m, origin),
        }
    )
    return entity_table, holding_table


def _texts(values: Sequence[str], arrow: Any) -> pa.Array:
    import pyarrow as pa

    if arrow is not None:
        found = arrow
    elif isinstance(values, ArrowTexts):
        found = values.array
    else:
        found = pa.array(list(values), pa.string())
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    return found.cast(pa.string())


def _tidy_safe(ids: pa.Array) -> bool:
    """Whether no id is blanked by a workbook's tidying or made equal to another id (which
    ``canonical_workbook._all_entities`` refuses, naming both); only ids tidying may change are looked at."""
    import pyarrow.compute as pc

    from ownership.writers.canonical_workbook import CELL_LIMIT, tidy

    suspect = pc.or_(pc.match_substring_regex(ids, _MAY_CHANGE), pc.greater(pc.utf8_length(ids), CELL_LIMIT))
    rows = np.flatnonzero(suspect.to_numpy(zero_copy_only=False))
    if not rows.size:
        return True
    changed: list[str] = []
    for text in ids.take(rows).to_pylist():
        key = tidy(text)
        if key is None:
            return False
        if key != text:
            changed.append(key)
    if len(set(changed)) < len(changed):
        return False
    return not bool(pc.any(pc.is_in(ids, value_set=pa_array(sorted(set(changed))))).as_py())


def pa_array(values: list[str]) -> pa.Array:
    import pyarrow as pa

    return pa.array(values, pa.string())


def _countries(countries: tuple[str, ...], codes: np.ndarray[Any, Any]) -> pa.Array:
    import pyarrow as pa

    table = pa.array(list(countries), pa.string())
    return table.take(pa.array(codes.astype(np.int64), mask=codes < 0))


def _optional(values: Sequence[str | None] | None, n: int) -> pa.Array:
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, ArrowTexts):
        return values.array
    return pa.array(list(values), pa.string())


def _flags(values: np.ndarray[Any, Any] | None, n: int) -> pa.Array:
    import pyarrow as pa

    return pa.array(np.zeros(n, dtype=np.bool_) if values is None else values, pa.bool_())


def _percent(values: FloatArray | None, n: int) -> pa.Array:
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, pa.float64())
    # The same product the objects' path computes (fraction * 100.0), null where the interval is missing.
    return pa.array(values * 100.0, pa.float64(), mask=np.isnan(values))


def _other_countries(entities: EntityTable, n: int) -> pa.Array:
    import pyarrow as pa

    from ownership.model.countries import other_countries_text

    others = entities.other_countries
    if others is None:
        return pa.nulls(n, pa.string())
    texts: list[str | None] = [None] * n
    heads = np.flatnonzero(np.r_[True, others.entity[1:] != others.entity[:-1]]) if others.entity.size else ()
    bounds = [*(int(k) for k in heads), int(others.entity.size)]
    for lo, hi in itertools.pairwise(bounds):
        pairs = tuple(
            (entities.countries[int(others.code[k])], COUNTRY_KINDS[int(others.kind[k])]) for k in range(lo, hi)
        )
        texts[int(others.entity[lo])] = other_countries_text(pairs) or None
    return pa.array(texts, pa.string())


def _sources(notes: Sequence[str | None] | None, where: Sequence[Any], n: int, origin: str) -> pa.Array:
    """Each row's own note, else the place it was read (``canonical_workbook.place``), else ``origin``."""
    import pyarrow.compute as pc

    places = _places(where, n, origin)
    if notes is None:
        return places
    own = _optional(notes, n)
    given = pc.fill_null(pc.not_equal(own, ""), False)
    return pc.if_else(given, own, places)


def _places(where: Sequence[Any], n: int, origin: str) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    from ownership.writers.canonical_workbook import place

    if isinstance(where, Places):
        head = where.file if where.sheet is None else f"{where.file}!{where.sheet}"
        label = " line " if where.sheet is None else " row "
        rows = np.asarray(where.rows, dtype=np.int64)
        numbered = pc.binary_join_element_wise(
            pa.repeat(pa.scalar(head, pa.string()), n),
            pa.array(rows, pa.int64()).cast(pa.string()),
            label,
        )
        plain = pa.repeat(pa.scalar(head or origin, pa.string()), n)
        return pc.if_else(pa.array(rows != 0, pa.bool_()), numbered, plain) if head else plain
    return pa.array([place(w) or origin for w in where], pa.string())
