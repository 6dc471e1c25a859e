"""From the folder's tables to the graph a policy is evaluated on, as DataFrames.

The steps are those of ``ownership.prepare.graph.build_graph``, and where a step is a rule rather than
bookkeeping, the rule is the in-memory one, called on the driver with the few values it needs:

* holdings in force on the as-of date (inclusive, open ends), self-holdings left out, equity or votes
  weights, duplicates summed (a sum of ranges never reaches above 100%): column arithmetic;
* over-allocated subjects (stakes summing above 100%): their rows are collected and passed through
  ``build_graph``, which refuses them or rescales them exactly as it does in memory;
* who is home, whose country is unknown, and who has unknown owners: the distinct country profiles
  (type, countries, ultimate mark) are collected (a register has thousands, not millions) and marked by
  ``build_graph``, then joined back to every entity with that profile.

* the entities a watch list names: matched on the driver by the in-memory rule, over the candidates Spark
  narrows the entities to (``ownership.spark.watchlist``), then made home like a watched country's.

Assessing each party alone (``aggregate = false``) and declared indirect interests in the data (holdings
with ``indirect = true`` in force) are answered by whole components (``ownership.spark.grouped``): then the
preparation gives the folder's warnings once, leaves the declarations out of the duplicate count (the engine
decides how each one counts) and leaves over-allocated subjects to the engine, which refuses or rescales them
with the components; ``whole_components`` on the result says which path the check takes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ownership.errors import DataWarning, ExposureError, InputError, Location, short
from ownership.model import (
    TOLERANCE,
    Entity,
    EntityType,
    Holding,
    OwnershipData,
    Policy,
    Stake,
    Weights,
)
from ownership.model.countries import parse_other_countries
from ownership.model.entities import SourceInfo
from ownership.prepare.graph import build_graph
from ownership.spark.tables import Folder

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

log = logging.getLogger("ownership.spark")

#: Over-allocated subjects checked on the driver at most; beyond this the data needs correcting first.
OVERALLOCATED_LIMIT = 10_000
#: Ids named in a warning; the rest are counted.
NAMED = 5
#: Separates the parts of a country profile's key (a character no text column holds).
_SEP = "\x1f"
_NULL = "\x00"


class SparkUnsupported(ExposureError):
    """A setting or a feature of the data the Spark engine does not support yet (use --engine memory)."""

    def one_line(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Prepared:
    """The graph as DataFrames (fractions 0..1).

    Attributes:
        nodes: one row per entity: ``id``, ``name``, ``type``, ``jurisdiction``, ``headquarters``, ``home``
            (watched), ``unknown_home`` (country unknown under the basis, so possibly home), ``remainder``
            (the share no named holder accounts for: 1 - the sum of low stakes where the entity has holders,
            1 for unknown owners, else 0).
        equity: one row per (holder, subject) in force: ``holder``, ``subject``, ``w`` (the low stake).
        control: one row per control-without-equity pair in force: ``holder``, ``subject``.
        warnings: what the preparation decided, counted (the first few ids named).
        entities, holdings: how many of each were read; holdings_used: equity holdings evaluated.
        watched: the entity ids the watch list names, with the labels of the lists naming them.
        whole_components: the check is answered by whole components (``ownership.spark.grouped``): each party
            assessed alone, declared indirect interests in force, or asked for; ``equity`` and ``control``
            are then left unevaluated, and over-allocation is the components' to decide.
        indirect: declared indirect interests in force.
    """

    nodes: DataFrame
    equity: DataFrame
    control: DataFrame
    warnings: list[DataWarning] = field(default_factory=list)
    entities: int = 0
    holdings: int = 0
    holdings_used: int = 0
    watched: dict[str, frozenset[str]] = field(default_factory=dict)
    whole_components: bool = False
    indirect: int = 0


def _ids(rows: list[str]) -> str:
    shown = ", ".join(short(r) for r in rows[:NAMED])
    return shown


def _profile_key(columns: list[Column]) -> Column:
    from pyspark.sql import functions as F

    return F.concat_ws(_SEP, *(F.coalesce(c.cast("string"), F.lit(_NULL)) for c in columns))


_PROFILE = ("type", "jurisdiction", "headquarters", "other_countries", "ultimate")


def _profile_entity(key: str, parts: list[str | None], where: str) -> Entity:
    kind, jurisdiction, headquarters, others, ultimate = parts
    try:
        entity_type = EntityType(kind) if kind else EntityType.UNKNOWN
    except ValueError:
        raise InputError(
            f"type '{short(kind or '')}' is not one of {', '.join(t.value for t in EntityType)}", Location(file=where)
        ) from None
    return Entity(
        id=key,
        name=key,
        type=entity_type,
        jurisdiction=jurisdiction,
        headquarters=headquarters,
        ultimate=ultimate == "true",
        other_countries=parse_other_countries(others) if others else (),
    )


def _home_marks(folder: Folder, entities: DataFrame, policy: Policy) -> DataFrame:
    """Per entity: ``home``, ``unknown_home`` and ``no_holder_unknown`` (its owners are unknown should it have no
    recorded holders), decided by ``build_graph`` on the distinct country profiles."""
    from pyspark.sql import functions as F

    keyed = entities.withColumn("profile", _profile_key([F.col(c) for c in _PROFILE]))
    profiles = keyed.select("profile", *_PROFILE).dropDuplicates(["profile"]).collect()
    log.info("home marks: %d distinct country profiles", len(profiles))
    found = [
        _profile_entity(
            row["profile"],
            [None if row[c] is None else str(row[c]).lower() if c == "ultimate" else str(row[c]) for c in _PROFILE],
            folder.entities_path,
        )
        for row in profiles
    ]
    data = OwnershipData(tuple(found), (), SourceInfo(folder.entities_path, "", "spark"))
    graph = build_graph(data, policy)
    unknown_owners = graph.unknown_owners
    rows = [
        (
            e.id,
            bool(graph.home[i]),
            bool(graph.unknown_home[i]),
            bool(unknown_owners[i]) if unknown_owners is not None else False,
        )
        for i, e in enumerate(found)
    ]
    session = entities.sparkSession
    marks = session.createDataFrame(
        rows, "profile string, home boolean, unknown_home boolean, no_holder_unknown boolean"
    )
    return keyed.join(F.broadcast(marks), "profile").drop("profile")


def _listed(
    marks: DataFrame, policy: Policy, warnings: list[DataWarning]
) -> tuple[DataFrame, dict[str, frozenset[str]]]:
    """``marks`` with the entities the watch list names made home (``ownership.spark.watchlist``), and those
    entities' ids with their labels; the matching's warnings go first, as in memory."""
    from pyspark.sql import functions as F

    from ownership.spark.watchlist import match

    listed, found = match(marks.select("id", "name"), policy.watchlist)
    warnings[:0] = found
    if not listed:
        return marks, {}
    flags = marks.sparkSession.createDataFrame([(i, True) for i in sorted(listed)], "id string, listed boolean")
    made_home = (
        marks.join(F.broadcast(flags), "id", "left")
        .withColumn("home", F.col("home") | F.coalesce(F.col("listed"), F.lit(False)))
        .drop("listed")
    )
    return made_home, dict(listed)


def _overallocated(
    equity_rows: DataFrame, merged: DataFrame, policy: Policy, where: str, warnings: list[DataWarning]
) -> DataFrame:
    """``merged`` with the subjects whose low stakes sum above 100% refused or rescaled by ``build_graph``."""
    from pyspark.sql import functions as F

    totals = merged.groupBy("subject").agg(F.sum("w").alias("total"))
    over = totals.filter(F.col("total") > 1.0 + TOLERANCE).select("subject").limit(OVERALLOCATED_LIMIT + 1)
    subjects = [r["subject"] for r in over.collect()]
    if not subjects:
        return merged
    if len(subjects) > OVERALLOCATED_LIMIT:
        raise SparkUnsupported(
            f"more than {OVERALLOCATED_LIMIT} subjects' stakes sum above 100% ({_ids(subjects)}, ...); correct the "
            "data first"
        )
    rows = equity_rows.join(F.broadcast(over), "subject").select("holder", "subject", "low", "high").collect()
    holdings = tuple(
        Holding(r["holder"], r["subject"], Stake(float(r["low"]), float(r["high"])), where=Location(file=where))
        for r in rows
    )
    parties = {p for h in holdings for p in (h.holder, h.subject)}
    data = OwnershipData(tuple(Entity(p, p) for p in sorted(parties)), holdings, SourceInfo(where, "", "spark"))
    graph = build_graph(data, policy)  # raises InputError where it refuses, as the in-memory engine does
    warnings.extend(w for w in graph.warnings if w.code == "overallocated")
    ids = graph.entities.ids
    table = graph.holdings
    fixed = [
        (ids[int(h)], ids[int(s)], float(lo), float(hi))
        for h, s, lo, hi in zip(table.holder, table.subject, table.stake_low, table.stake_high, strict=True)
    ]
    session = merged.sparkSession
    replaced = session.createDataFrame(fixed, "holder string, subject string, w double, high double")
    return merged.join(F.broadcast(over), "subject", "left_anti").unionByName(replaced)


def prepare(folder: Folder, policy: Policy, whole_components: bool = False) -> Prepared:
    """The graph of ``folder`` under ``policy``, as DataFrames (see ``Prepared``).

    Args:
        folder: the canonical tables as read.
        policy: the rule.
        whole_components: prepare for the check by whole components even where the distributed algorithms
            could answer (each party alone and declared indirect interests always take it).

    Raises:
        InputError: duplicate entity ids, an unknown type, or over-allocated stakes the policy refuses (on the
            distributed path; by whole components the engine refuses them with the components).
    """
    from pyspark.sql import functions as F

    warnings: list[DataWarning] = []
    holdings = folder.holdings.cache()
    entities_in = folder.entities

    # One pass over each table for every check and count the warnings need (each Spark job costs seconds).
    ids = entities_in.agg(
        F.count(F.lit(1)).alias("rows"),
        F.countDistinct("id").alias("distinct"),
        F.sum(F.col("id").isNull().cast("long")).alias("blank"),
    ).collect()[0]
    if ids["blank"]:
        raise InputError("an entity has no id", Location(file=folder.entities_path))
    if ids["rows"] != ids["distinct"]:
        twice = entities_in.groupBy("id").count().filter(F.col("count") > 1).limit(1).collect()[0]
        raise InputError(
            f"entity id {short(twice['id'])} is listed {twice['count']} times; ids must be unique",
            Location(file=folder.entities_path),
        )

    as_of = F.lit(policy.as_of)
    in_force = (F.col("start").isNull() | (F.col("start") <= as_of)) & (F.col("end").isNull() | (as_of <= F.col("end")))
    low = F.col("percent_low") / 100.0
    high = F.col("percent_high") / 100.0
    if policy.weights is Weights.VOTES:
        voted = F.col("votes_low").isNotNull()
        low = F.when(voted, F.col("votes_low") / 100.0).otherwise(low)
        high = F.when(voted, F.col("votes_high") / 100.0).otherwise(high)
    rows = (
        holdings.withColumn("in_force", in_force)
        .withColumn("own", F.col("holder") == F.col("subject"))
        .withColumn("low", low)
        .withColumn("high", high)
        .withColumn("control", F.coalesce("control", F.lit(False)))
        .withColumn("indirect", F.coalesce("indirect", F.lit(False)))
    )
    current = F.col("in_force") & ~F.col("own")

    def counted(condition: Column) -> Column:
        return F.sum(condition.cast("long"))

    tally = rows.agg(
        F.count(F.lit(1)).alias("rows"),
        counted(F.col("holder").isNull() | F.col("subject").isNull()).alias("blank"),
        counted(~F.col("in_force")).alias("outside"),
        counted(F.col("in_force") & F.col("own")).alias("own"),
        counted(current & F.col("indirect")).alias("indirect"),
        counted(current & F.col("low").isNull() & ~F.col("control")).alias("votes_only"),
        F.slice(F.collect_set(F.when(F.col("in_force") & F.col("own"), F.col("holder"))), 1, NAMED).alias("own_ids"),
    ).collect()[0]
    if tally["blank"]:
        raise InputError("a holding has no holder or no subject", Location(file=folder.holdings_path))
    indirect = int(tally["indirect"])
    by_components = whole_components or not policy.aggregate or indirect > 0

    named = holdings.select(F.col("holder").alias("id")).union(holdings.select(F.col("subject").alias("id")))
    unlisted = named.distinct().join(entities_in.select("id"), "id", "left_anti").cache()
    unlisted_ids = [r["id"] for r in unlisted.limit(NAMED + 1).collect()]
    if unlisted_ids:
        count = unlisted.count() if len(unlisted_ids) > NAMED else len(unlisted_ids)
        warnings.append(
            DataWarning(
                "unknown_reference",
                f"{count} part{'ies' if count > 1 else 'y'} named in holdings but not in entities "
                f"({_ids(unlisted_ids)}{' ...' if count > NAMED else ''}): added with an unknown country (possibly "
                "a home entity for the high bound)",
                Location(file=folder.holdings_path),
            )
        )
    extra = unlisted.select(
        "id",
        F.col("id").alias("name"),
        *(F.lit(None).cast("string").alias(c) for c in ("type", "jurisdiction", "headquarters")),
        F.lit(None).cast("string").alias("other_countries"),
        F.lit(False).alias("ultimate"),
        F.lit(False).alias("declared"),
    )
    entities = entities_in.select(
        "id",
        F.coalesce("name", "id").alias("name"),
        "type",
        "jurisdiction",
        "headquarters",
        "other_countries",
        F.coalesce("ultimate", F.lit(False)).alias("ultimate"),
        F.coalesce("declared", F.lit(True)).alias("declared"),
    ).unionByName(extra)

    outside = int(tally["outside"])
    if outside:
        warnings.append(
            DataWarning(
                "out_of_date",
                f"{outside} holding{'s are' if outside > 1 else ' is'} outside the as-of date {policy.as_of} (ended "
                "before it or starting after it): ignored",
                Location(file=folder.holdings_path),
            )
        )
    own_ids = sorted(tally["own_ids"] or [])
    if tally["own"]:
        k = int(tally["own"])
        warnings.append(
            DataWarning(
                "self_holding",
                f"{k} holding{'s' if k > 1 else ''} of an entity in itself (treasury shares: {_ids(own_ids)}): "
                "excluded; the other stakes in it are taken as given, so the self-held part counts as unallocated",
                Location(file=folder.holdings_path),
            )
        )
    votes_only = int(tally["votes_only"])
    if votes_only:
        warnings.append(
            DataWarning(
                "votes_only",
                f"{votes_only} holding{'s give' if votes_only > 1 else ' gives'} votes but no equity stake: not "
                "counted when weighing by equity (use --weights votes)",
                Location(file=folder.holdings_path),
            )
        )
    in_play = rows.filter(current)
    equity_rows = in_play.filter(F.col("low").isNotNull())
    merged = equity_rows.groupBy("holder", "subject").agg(
        F.sum("low").alias("w"),
        F.sum("high").alias("summed_high"),
        F.count(F.lit(1)).alias("rows"),
        counted(~F.col("indirect")).alias("direct"),
    )
    merged = merged.cache()
    # How a declared interest counts (a stand-in added to the direct stake, or a floor under the chain) is
    # decided by the engine on the components, which warns of each; only direct rows are duplicates then.
    repeated = F.col("direct") > 1 if by_components else F.col("rows") > 1
    pairs = merged.agg(F.count(F.lit(1)).alias("pairs"), counted(repeated).alias("twice")).collect()[0]
    duplicated = int(pairs["twice"])
    if duplicated:
        warnings.append(
            DataWarning(
                "duplicate_holding",
                f"{duplicated} holder and subject pair{'s appear' if duplicated > 1 else ' appears'} more than once: "
                "stakes summed",
                Location(file=folder.holdings_path),
            )
        )
    # A sum of ranges never reaches above 100%, nor below its own low end (Stake.merged).
    merged = merged.select(
        "holder", "subject", "w", F.greatest(F.least(F.col("summed_high"), F.lit(1.0)), F.col("w")).alias("high")
    )
    # Partitioned by holder once: every round joins its frontier to the holdings by holder, and a cached
    # table partitioned so needs no exchange of the holdings in those joins.
    if not by_components:
        merged = _overallocated(equity_rows, merged, policy, folder.holdings_path, warnings)
    merged = merged.repartition("holder").cache()

    totals = merged.groupBy("subject").agg(F.sum("w").alias("total"))
    marks = _home_marks(folder, entities, policy)
    watched: dict[str, frozenset[str]] = {}
    if policy.watchlist:
        marks, watched = _listed(marks, policy, warnings)
    nodes = marks.join(totals, marks["id"] == totals["subject"], "left").drop("subject")
    has_holders = F.col("total").isNotNull()
    unknown_owners = F.col("no_holder_unknown") & ~has_holders
    remainder = (
        F.when(unknown_owners, F.lit(1.0))
        .when(has_holders, F.greatest(F.lit(0.0), F.least(F.lit(1.0), 1.0 - F.col("total"))))
        .otherwise(F.lit(0.0))
    )
    nodes = nodes.select(
        "id",
        "name",
        "type",
        "jurisdiction",
        "headquarters",
        "home",
        (F.col("unknown_home") & ~F.col("home")).alias("unknown_home"),
        remainder.alias("remainder"),
        unknown_owners.alias("unknown_owners"),
        "declared",
    ).cache()
    counts = nodes.agg(
        F.count(F.lit(1)).alias("n"),
        F.sum((F.col("unknown_home") & F.col("declared")).cast("long")).alias("unknown_country"),
        F.sum((F.col("unknown_owners") & F.col("declared")).cast("long")).alias("unknown_owners"),
    ).collect()[0]
    if counts["unknown_country"]:
        first = [r["id"] for r in nodes.filter(F.col("unknown_home") & F.col("declared")).limit(NAMED).collect()]
        k = counts["unknown_country"]
        warnings.append(
            DataWarning(
                "unknown_country",
                f"{k} entit{'ies have' if k > 1 else 'y has'} no known country under the home basis ({_ids(first)}"
                f"{' ...' if k > NAMED else ''}): each may be a home entity, which only the high bound assumes",
                Location(file=folder.entities_path),
            )
        )
    if counts["unknown_owners"]:
        first = [r["id"] for r in nodes.filter(F.col("unknown_owners") & F.col("declared")).limit(NAMED).collect()]
        k = counts["unknown_owners"]
        warnings.append(
            DataWarning(
                "unknown_owners",
                f"{k} entit{'ies have' if k > 1 else 'y has'} no recorded holders and {'are' if k > 1 else 'is'} not "
                f"marked as ultimate owner ({_ids(first)}{' ...' if k > NAMED else ''}): their owners are unknown, so "
                "what they hold can be possible, never clear on their account",
                Location(file=folder.entities_path),
            )
        )
    control = in_play.filter(F.col("control")).select("holder", "subject").distinct().cache()
    used = int(pairs["pairs"])  # before rescaling, which keeps every pair
    # Materialised with their lineage cut: every round of the iterations joins these, and a plan that
    # carried the whole preparation in each round grows until planning it exhausts the driver's memory.
    equity = merged.select("holder", "subject", "w")
    return Prepared(
        nodes=nodes.localCheckpoint(eager=True),
        equity=equity if by_components else equity.localCheckpoint(eager=True),
        control=control if by_components else control.localCheckpoint(eager=True),
        warnings=warnings,
        entities=int(counts["n"]),
        holdings=int(tally["rows"]),
        holdings_used=used,
        watched=watched,
        whole_components=by_components,
        indirect=indirect,
    )
