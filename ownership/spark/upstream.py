"""An entity's upstream subgraph pulled out of Spark, so the in-memory explainer can explain it.

An entity's figures depend only on what lies above it: its holders, their holders, and so on (the cascade
taints from the top down, the look-through multiplies up the chains, and a remainder is measured on an
entity's own holders). So the entities reachable upward from it, with every holding into them, give the
same figures for it as the whole graph does, in a size a driver holds. The walk upward is one join per
level (logged).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ownership.errors import InputError, Location, PolicyError, short
from ownership.model import Entity, EntityType, Holding, OwnershipData, Stake
from ownership.model.countries import parse_other_countries
from ownership.model.entities import SourceInfo
from ownership.spark.session import quiet_pyspark
from ownership.spark.tables import read_folder

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger("ownership.spark")

#: Entities pulled to the driver at most: an explanation of a larger upstream part needs the in-memory engine.
UPSTREAM_LIMIT = 2_000_000


def entity_from_row(row: Any, where: str) -> Entity:
    """The entity a row of the canonical ``entities`` table describes (a Spark ``Row`` or a mapping of column to
    value, nulls as None), with ``where`` (the table's path) as its place.

    Raises:
        InputError: the type is not one the model knows.
    """
    kind = row["type"]
    try:
        entity_type = EntityType(kind) if kind else EntityType.UNKNOWN
    except ValueError:
        raise InputError(
            f"entity {short(row['id'])}: type '{short(kind)}' is not known", Location(file=where)
        ) from None
    return Entity(
        id=row["id"],
        name=row["name"] or row["id"],
        type=entity_type,
        jurisdiction=row["jurisdiction"],
        headquarters=row["headquarters"],
        group=row["group"],
        ultimate=bool(row["ultimate"]),
        other_countries=parse_other_countries(row["other_countries"]) if row["other_countries"] else (),
        declared=row["declared"] is not False,
        source=row["source"],
        where=Location(file=where),
    )


def _stake(low: float | None, high: float | None) -> Stake | None:
    if low is None:
        return None
    return Stake(low / 100.0, (high if high is not None else low) / 100.0)


def holding_from_row(row: Any, where: str) -> Holding:
    """The holding a row of the canonical ``holdings`` table describes (percentages in the row, fractions 0..1 in
    the holding; nulls as None), with ``where`` (the table's path) as its place."""
    return Holding(
        holder=row["holder"],
        subject=row["subject"],
        stake=_stake(row["percent_low"], row["percent_high"]),
        votes=_stake(row["votes_low"], row["votes_high"]),
        control=bool(row["control"]),
        indirect=bool(row["indirect"]),
        start=row["start"],
        end=row["end"],
        source=row["source"],
        where=Location(file=where),
    )


def upstream(spark: SparkSession, data: str, entity: str) -> tuple[OwnershipData, str]:
    """The part of the folder ``data`` above ``entity`` (an id, or a unique name), as ownership data the
    in-memory engine checks, and the entity's id.

    Raises:
        PolicyError: no entity has that id or name, or several have that name.
        InputError: the folder's tables cannot be used.
    """
    with quiet_pyspark():
        return _upstream(spark, data, entity)


def _upstream(spark: SparkSession, data: str, entity: str) -> tuple[OwnershipData, str]:
    from pyspark.sql import functions as F

    folder = read_folder(spark, data)
    entities, holdings = folder.entities, folder.holdings.cache()
    target = entity.strip()
    found = entities.filter(F.col("id") == target).select("id").limit(1).collect()
    if not found:
        found = holdings.filter((F.col("holder") == target) | (F.col("subject") == target)).limit(1).collect()
        found = [{"id": target}] if found else []  # type: ignore[list-item]
    if not found:
        key = " ".join(target.split()).casefold()
        found = entities.filter(F.lower(F.trim(F.col("name"))) == key).select("id").limit(2).collect()
        if len(found) > 1:
            raise PolicyError(f"'{short(entity)}' names several entities in {data}; use an id")
    if not found:
        raise PolicyError(f"no entity '{short(entity)}' in {data}; give an id or a name as the data spells it")
    chosen = str(found[0]["id"])
    reached = spark.createDataFrame([(chosen,)], "id string")
    frontier = reached
    level = 0
    while True:
        level += 1
        holders = holdings.join(frontier.select(F.col("id").alias("subject")), "subject").select(
            F.col("holder").alias("id")
        )
        new = holders.distinct().join(reached, "id", "left_anti").localCheckpoint(eager=True)
        count = new.count()
        log.info("upstream level %d: %d entities", level, count)
        if not count:
            break
        reached = reached.unionByName(new).localCheckpoint(eager=True)
        if reached.count() > UPSTREAM_LIMIT:
            raise PolicyError(
                f"{short(chosen)} has more than {UPSTREAM_LIMIT} entities above it; explain it with --engine memory"
            )
        frontier = new
    ids = reached.select(F.col("id").alias("subject"))
    rows = holdings.join(ids, "subject").collect()
    parties = reached.unionByName(
        spark.createDataFrame([(r["holder"],) for r in rows] or [("",)], "id string")
    ).distinct()
    entity_rows = entities.join(parties, "id").collect()
    listed = [entity_from_row(r, folder.entities_path) for r in entity_rows]
    known = {e.id for e in listed}
    # Parties only the holdings name are added as the readers add them: country unknown, not declared.
    named = {p for r in rows for p in (r["holder"], r["subject"])} | {chosen}
    listed += [Entity(p, p, declared=False, where=Location(file=folder.holdings_path)) for p in sorted(named - known)]
    data_read = OwnershipData(
        tuple(listed),
        tuple(holding_from_row(r, folder.holdings_path) for r in rows),
        SourceInfo(data, "", f"spark {folder.file_format}"),
    )
    return data_read, chosen
