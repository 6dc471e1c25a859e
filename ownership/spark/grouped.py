"""The check on Spark by whole components: each bucket of weakly connected components checked by the
in-memory engine on an executor.

An entity's figures depend only on what lies above it, and everything above an entity lies in its weakly
connected component, so a union of whole components is a closed upstream set: checked alone, it gives every
one of its entities exactly the figures the whole graph gives. This path answers what the distributed
algorithms do not (each party assessed alone, declared indirect interests), for any policy:

1. every entity is labelled with its component (``ownership.spark.components``), over every holding row;
2. components are packed into buckets (a hash of the label modulo about four times the default
   parallelism), so tens of thousands of small components do not each cost a Python call;
3. each bucket's entity and holding rows reach one Python call on an executor as Arrow batches
   (``cogroup(...).applyInPandas``), become ``OwnershipData`` (the row converters of
   ``ownership.spark.upstream``), and are prepared, evaluated and decided by the in-memory engine under the
   same policy, with the watch list replaced by the ids the driver matched;
4. each call returns a row per entity (status and the four bounds, fractions 0..1) and the warnings only
   the engine can give (declared interests, over-allocation, closed and self-supporting loops), or the
   error that stops the check (over-allocated stakes the policy refuses), as rows of one schema.

The limit: the largest component, with its holdings, must fit one executor's Python worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import OwnershipData, Policy
from ownership.model.entities import SourceInfo
from ownership.spark.components import label_components
from ownership.spark.tables import ENTITY_TYPES, Folder
from ownership.spark.upstream import entity_from_row, holding_from_row

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")

#: One schema for everything a bucket returns; ``kind`` says which columns a row fills: ``entity`` (``id``,
#: ``status``, the bounds, ``self_supporting``), ``warning`` (``code``, ``message``, ``place``), ``error``
#: (``message``, ``place``, ``n`` further problems) or ``count`` (``n`` holdings evaluated).
SCHEMA = (
    "kind string, id string, status int, cascade_low double, cascade_high double, lookthrough_low double, "
    "lookthrough_high double, self_supporting boolean, code string, message string, place string, n long"
)
COLUMNS = tuple(part.split()[0] for part in SCHEMA.split(", "))
#: Warning codes only the engine run on the components gives; the rest ``prepare`` gives once for the folder.
BUCKET_CODES = frozenset({"declared_indirect", "overallocated"})
#: Ids named in a warning about loops; the rest are counted.
NAMED = 10
#: The column numbering each row in its table's order (``monotonically_increasing_id`` grows along a file's
#: splits and within each), added before the rows are shuffled into buckets.
ROW = "_row"
#: Buckets per unit of the default parallelism.
BUCKETS_PER_CORE = 4


@dataclass(frozen=True)
class Grouped:
    """The check's figures by whole components.

    Attributes:
        figures: one row per entity: ``id``, ``status`` (code), ``cascade_low``, ``cascade_high``,
            ``lookthrough_low``, ``lookthrough_high`` (fractions 0..1).
        warnings: the buckets' own warnings about the data (declared interests, then over-allocation).
        loops: the closed loops, then the self-supporting loops in one warning.
        holdings_used: equity holdings evaluated (after merging duplicates).
        phases: components, the largest one's size, rounds, buckets and seconds.
    """

    figures: DataFrame
    warnings: tuple[DataWarning, ...]
    loops: tuple[DataWarning, ...]
    holdings_used: int
    phases: dict[str, float] = field(default_factory=dict)


def name_list(ids: Sequence[str]) -> str:
    """Ids for a message: the first ``NAMED``, then how many more."""
    shown = ", ".join(short(i) for i in ids[:NAMED])
    return shown + (f" and {len(ids) - NAMED} more" if len(ids) > NAMED else "")


def closed_loop_warning(ids: Sequence[str], where: Location | None = None) -> DataWarning:
    """The warning for a group that holds itself entirely with no outside owner, as the in-memory check words
    it."""
    return DataWarning(
        "closed_loop",
        f"{name_list(ids)} hold each other entirely and have no outside owner: their look-through figure is unknown "
        "and reported as 0",
        where,
    )


def self_supporting_warning(ids: Sequence[str], count: int) -> DataWarning:
    """The warning for entities a loop would taint only by controlling itself (the first ids of ``count``)."""
    more = f" and {count - len(ids)} more" if count > len(ids) else ""
    return DataWarning(
        "self_supporting_loop",
        f"{', '.join(short(i) for i in ids)}{more} would be tainted in the cascade only by assuming a loop controls "
        "itself; the rule's least fixpoint does not count them, but a regulator might look at them",
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of an Arrow batch as mappings, every missing value (NaN, NaT, None) as None."""
    if frame.empty:
        return []
    plain = frame.astype(object)
    return plain.where(plain.notna(), None).to_dict("records")  # type: ignore[return-value]


def check_bucket(
    entity_rows: Iterable[Mapping[str, Any]],
    holding_rows: Iterable[Mapping[str, Any]],
    policy: Policy,
    watched: Mapping[str, frozenset[str]],
    paths: tuple[str, str],
) -> dict[str, list[Any]]:
    """Check one bucket of whole components with the in-memory engine: its rows (canonical columns) become
    ``OwnershipData``, prepared under ``policy`` with the ``watched`` ids home, evaluated and decided.

    Returns:
        Columns of ``SCHEMA`` (figures as fractions 0..1): a row per entity, the engine's own warnings, the
        holdings evaluated; or one error row when the preparation refuses the data.
    """
    from ownership.engine.decide import decide, status_codes
    from ownership.engine.evaluate import evaluate
    from ownership.prepare.graph import build_graph

    entities_path, holdings_path = paths
    # In the tables' own order (``ROW``): the order the in-memory engine reads them in, whatever order the
    # shuffle delivered them in, so a bucket's answer (and its warnings' order) is the same on every run.
    entities = [entity_from_row(r, entities_path) for r in sorted(entity_rows, key=_in_table_order)]
    holdings = [holding_from_row(r, holdings_path) for r in sorted(holding_rows, key=_in_table_order)]
    here = {e.id: watched[e.id] for e in entities if e.id in watched}
    data = OwnershipData(tuple(entities), tuple(holdings), SourceInfo(entities_path, "", "spark"))
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}

    def add(kind: str, **values: Any) -> None:
        for c in COLUMNS:
            out[c].append(kind if c == "kind" else values.get(c))

    try:
        graph = build_graph(data, policy, here)
    except InputError as error:
        add("error", message=error.reason, place=error.where.file if error.where else None, n=error.more)
        return out
    ev = evaluate(graph, policy)
    passes_low, passes_high = decide(
        policy,
        (ev.low.cascade, ev.high.cascade),
        (ev.low.lookthrough, ev.high.lookthrough),
        (ev.low.via_control, ev.high.via_control),
    )
    status = np.asarray(status_codes(graph.home, passes_low, passes_high, np.where), dtype=np.int32)
    n = graph.n
    out["kind"] = ["entity"] * n
    out["id"] = list(graph.entities.ids)
    out["status"] = status.tolist()
    out["cascade_low"] = ev.low.cascade.tolist()
    out["cascade_high"] = ev.high.cascade.tolist()
    out["lookthrough_low"] = ev.low.lookthrough.tolist()
    out["lookthrough_high"] = ev.high.lookthrough.tolist()
    out["self_supporting"] = [bool(x) for x in ev.self_supporting]
    for c in ("code", "message", "place", "n"):
        out[c] = [None] * n
    for w in graph.warnings:
        if w.code in BUCKET_CODES:
            add("warning", code=w.code, message=w.message, place=w.where.file if w.where else None)
    for members in ev.low.closed_loops:
        loop = closed_loop_warning([graph.entities[i].id for i in members.tolist()])
        add("warning", code=loop.code, message=loop.message, place=entities_path)
    add("count", n=len(graph.holdings))
    return out


def _in_table_order(row: Mapping[str, Any]) -> int:
    return int(row[ROW])


def _bucket_function(
    policy: Policy, watched: Mapping[str, frozenset[str]], paths: tuple[str, str]
) -> Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]:
    """For ``cogroup(...).applyInPandas``: a bucket's entity and holding batches to its ``SCHEMA`` rows."""

    def run(entities: pd.DataFrame, holdings: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        columns = check_bucket(_records(entities), _records(holdings), policy, watched, paths)
        return pd.DataFrame(columns, columns=list(COLUMNS))

    return run


def _bucket_entities(folder: Folder) -> DataFrame:
    """Every entity row, with the parties only the holdings name added as ``prepare`` adds them (country
    unknown, not declared)."""
    from pyspark.sql import functions as F

    holdings = folder.holdings
    named = holdings.select(F.col("holder").alias("id")).union(holdings.select(F.col("subject").alias("id")))
    unlisted = named.distinct().join(folder.entities.select("id"), "id", "left_anti")
    fill = {"id": F.col("id"), "name": F.col("id"), "ultimate": F.lit(False), "declared": F.lit(False)}
    extra = unlisted.select(
        *(fill.get(c, F.lit(None)).cast(t).alias(c) for c, t in ENTITY_TYPES.items()),
    )
    return folder.entities.unionByName(extra)


def evaluate_components(folder: Folder, policy: Policy, watched: Mapping[str, frozenset[str]]) -> Grouped:
    """The figures of every entity of ``folder`` under ``policy``, each bucket of whole components checked by
    the in-memory engine on an executor (see the module's description).

    Args:
        folder: the canonical tables as read (``prepare`` has checked them).
        policy: the rule, as the in-memory engine applies it (its watch list is not matched again).
        watched: the entity ids the driver matched on the watch list, with their labels; home entities.

    Raises:
        InputError: a bucket's preparation refused the data (over-allocated stakes the policy refuses), with
            the in-memory engine's message.
    """
    from pyspark.sql import functions as F

    started = time.perf_counter()
    phases: dict[str, float] = {}
    entities = _bucket_entities(folder)
    holdings = folder.holdings
    labelled = label_components(entities.select("id"), holdings.select("holder", "subject"))
    labels = labelled.labels.localCheckpoint(eager=True)
    # One job for the sizes: entities and holdings per component, then their count and largest.
    sizes = labels.groupBy("component").agg(F.count(F.lit(1)).alias("n"))
    by_holder = labels.select(F.col("id").alias("holder"), "component")
    held = holdings.join(by_holder, "holder").groupBy("component").agg(F.count(F.lit(1)).alias("h"))
    size = (
        sizes.join(held, "component", "left")
        .agg(F.count(F.lit(1)).alias("components"), F.max("n").alias("largest"), F.max("h").alias("most"))
        .collect()[0]
    )
    most_holdings = size["most"] or 0
    session = labels.sparkSession
    buckets = max(1, BUCKETS_PER_CORE * int(session.sparkContext.defaultParallelism))
    phases["components"] = int(size["components"] or 0)
    phases["largest_component_entities"] = int(size["largest"] or 0)
    phases["largest_component_holdings"] = int(most_holdings)
    phases["component_rounds"] = labelled.rounds
    phases["component_buckets"] = buckets
    phases["components_s"] = round(time.perf_counter() - started, 3)
    log.info(
        "components: %d (largest %d entities; at most %d holdings in one), %d rounds, %d buckets",
        phases["components"],
        phases["largest_component_entities"],
        phases["largest_component_holdings"],
        labelled.rounds,
        buckets,
    )

    mark = time.perf_counter()
    bucket = F.pmod(F.hash(F.col("component")), F.lit(buckets)).alias("bucket")
    entity_rows = entities.withColumn(ROW, F.monotonically_increasing_id()).join(labels.select("id", bucket), "id")
    holding_rows = holdings.withColumn(ROW, F.monotonically_increasing_id()).join(
        labels.select(F.col("id").alias("holder"), bucket), "holder"
    )
    paths = (folder.entities_path, folder.holdings_path)
    watched_plain = {k: frozenset(v) for k, v in watched.items()}
    answered = (
        entity_rows.groupBy("bucket")
        .cogroup(holding_rows.groupBy("bucket"))
        .applyInPandas(_bucket_function(policy, watched_plain, paths), SCHEMA)
        .localCheckpoint(eager=True)
    )
    phases["buckets_s"] = round(time.perf_counter() - mark, 3)
    # Everything but the figures, in one job: errors, warnings, self-supporting entities, holdings counted.
    said = answered.filter((F.col("kind") != "entity") | F.col("self_supporting")).collect()
    errors = sorted((r for r in said if r["kind"] == "error"), key=lambda r: str(r["message"]))
    if errors:
        first = errors[0]
        raise InputError(
            first["message"],
            Location(file=first["place"]) if first["place"] else None,
            more=int(first["n"] or 0) + len(errors) - 1,
        )
    # Grouped as the in-memory check gives them: declarations, over-allocation, closed loops. Every one is
    # kept: buckets hold disjoint entities, and two equal messages from one bucket are two rows of the data
    # (the same interest declared twice), which the in-memory check warns about twice too.
    rank = {"declared_indirect": 0, "overallocated": 1}
    warned = [(r["code"], r["message"], r["place"] or "") for r in said if r["kind"] == "warning"]
    kept = sorted(warned, key=lambda r: (rank.get(r[0], 2), r))
    found = [DataWarning(code, message, Location(file=place) if place else None) for code, message, place in kept]
    looping = sorted(str(r["id"]) for r in said if r["kind"] == "entity")
    if looping:
        found.append(self_supporting_warning(looping[:NAMED], len(looping)))
    used = sum(int(r["n"] or 0) for r in said if r["kind"] == "count")
    figures = answered.filter(F.col("kind") == "entity")
    return Grouped(
        figures=figures.select("id", "status", "cascade_low", "cascade_high", "lookthrough_low", "lookthrough_high"),
        warnings=tuple(w for w in found if w.code in BUCKET_CODES),
        loops=tuple(w for w in found if w.code not in BUCKET_CODES),
        holdings_used=int(used),
        phases=phases,
    )


__all__ = ["Grouped", "check_bucket", "closed_loop_warning", "evaluate_components", "name_list"]
