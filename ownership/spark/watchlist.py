"""Watch lists on Spark: which entities a list names, decided by the in-memory rule on the driver.

``ownership.readers.watchlist.match_watchlist`` decides (an exact id, else the ids equal ignoring case, else
the normalised name). It needs only the entities that can match, and a watch list names thousands of
parties, not millions, so Spark only narrows the entities down to those candidates: an exact id is a plain
``isin`` filter, and only the entries left without an exact match need the case-folded ids and the
normalised names, computed in one pass over the entities in Arrow batches (``mapInPandas``, calling the same
``normalise_name``). That pass runs once per check, never inside the iterations, and not at all for a list whose
ids all match exactly. Every candidate set is a superset of the matches (the same functions decide), so the
driver's answer is the in-memory answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ownership.errors import DataWarning
from ownership.model import Entity, WatchEntry

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")


def match(
    entities: DataFrame, entries: Sequence[WatchEntry]
) -> tuple[dict[str, frozenset[str]], tuple[DataWarning, ...]]:
    """Entity id -> labels for every entity of ``entities`` (columns ``id``, ``name``) the watch list names,
    and the warnings matching drew (as ``match_watchlist`` gives them)."""
    from pyspark.sql import functions as F

    from ownership.readers.watchlist import match_watchlist, normalise_name

    ids = sorted({e.id for e in entries if e.id is not None})
    rows = entities.filter(F.col("id").isin(ids)).select("id", "name").collect() if ids else []
    exact = {r["id"] for r in rows}
    rest = [e for e in entries if e.id is None or e.id not in exact]
    folded = frozenset(e.id.casefold() for e in rest if e.id is not None)
    names = frozenset(key for e in rest if e.name is not None for key in (normalise_name(e.name),) if key)
    if folded or names:
        narrowed = entities.select("id", "name").mapInPandas(_candidates(folded, names), "id string, name string")
        rows += narrowed.collect()
    found = {r["id"]: r["name"] for r in rows}
    log.info("watch list: %d entries, %d candidate entities", len(entries), len(found))
    # Sorted by id, so that warnings naming several entities list them in one order whatever Spark returns.
    candidates = [Entity(i, name if name is not None else i) for i, name in sorted(found.items())]
    return match_watchlist(entries, candidates)


def _candidates(folded: frozenset[str], names: frozenset[str]) -> Any:
    """For ``mapInPandas``: of each batch of entities, those whose case-folded id is one of ``folded`` or whose
    normalised name is one of ``names``."""

    def keep(batches: Iterator[Any]) -> Iterator[Any]:
        from ownership.readers.watchlist import normalise_name

        for frame in batches:
            hit = frame["id"].map(lambda i: i is not None and i.casefold() in folded)
            if names:
                hit |= frame["name"].map(lambda n: n is not None and normalise_name(n) in names)
            yield frame[hit]

    return keep


__all__ = ["match"]
