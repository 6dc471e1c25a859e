"""The weakly connected components of the holdings graph, labelled in Spark.

An entity's figures depend only on what lies above it, so entities that no chain of holdings links, in
either direction, are independent problems. This labels every entity with the smallest id of its component
by alternating the *large-star* and *small-star* operations of Kiveris, Lattanzi, Mirrokni, Rastogi and
Vassilvitskii, "Connected Components in MapReduce and Beyond" (SoCC 2014), as GraphFrames' connected
components does. Each operation keeps the components as they are and pulls every node towards the smallest
id it can see; alternated, they turn each component into a star centred on its smallest id within
O(log^2 n) rounds for a component of n entities, proven (a few in practice), not a number that grows with
its diameter, as plain propagation of the smallest label does. Each round is a few joins and aggregations,
no Python per row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ownership.errors import ExposureError
from ownership.spark.iterate import settle

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")

#: Rounds after which labelling stops with an error; the bound is far above the O(log^2 n) rounds the
#: alternation needs for any graph Spark can hold (a guard against a loop that never ends, not a limit).
MAX_ROUNDS = 200


class ComponentsNotConverged(ExposureError):
    """The labelling did not settle within ``MAX_ROUNDS`` rounds (never expected)."""

    def one_line(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Components:
    """Every entity with its component.

    Attributes:
        labels: one row per vertex: ``id``, ``component`` (the smallest id among the entities it is linked to
            by holdings in either direction, its own id when it is in no holding).
        rounds: the large-star / small-star rounds taken.
    """

    labels: DataFrame
    rounds: int


def _large_star(edges: DataFrame) -> DataFrame:
    """Every node's larger neighbours linked to the smallest of its neighbours and itself. In: ``src < dst``;
    out: ``src > dst``."""
    from pyspark.sql import functions as F

    both = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    smallest = both.groupBy("src").agg(F.min("dst").alias("m"))
    smallest = smallest.select("src", F.least(F.col("src"), F.col("m")).alias("m"))
    return edges.join(smallest, "src").select(F.col("dst").alias("src"), F.col("m").alias("dst")).distinct()


def _small_star(edges: DataFrame) -> DataFrame:
    """Every node and its smaller neighbours linked to the smallest of those neighbours. In: ``src > dst``;
    out: ``src < dst``."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("src").agg(F.min("dst").alias("m"))
    moved = edges.join(smallest, "src").select(F.col("m").alias("src"), "dst").filter(F.col("src") != F.col("dst"))
    return moved.unionByName(smallest.select(F.col("m").alias("src"), F.col("src").alias("dst"))).distinct()


def _unsettled(edges: DataFrame) -> int:
    """How many nodes keep ``edges`` (``src < dst``) from being stars: a leaf linked to two centres, or a centre
    that is itself some other centre's leaf. With none, every component is one star centred on its
    smallest id (the edges keep the components, and each edge runs from the smaller id to the larger)."""
    from pyspark.sql import functions as F

    leaves = edges.groupBy("dst").agg(F.count(F.lit(1)).alias("centres"))
    centres = edges.select(F.col("src").alias("dst")).distinct()
    row = (
        leaves.join(centres.withColumn("centre", F.lit(True)), "dst", "left")
        .agg(F.sum(((F.col("centres") > 1) | F.col("centre").isNotNull()).cast("long")).alias("bad"))
        .collect()[0]
    )
    return int(row["bad"] or 0)


def label_components(vertices: DataFrame, pairs: DataFrame) -> Components:
    """The weakly connected component of every vertex.

    Args:
        vertices: column ``id``: every entity (those in no pair are components of their own).
        pairs: columns ``holder``, ``subject``: the links (direction, stakes and duplicates do not matter;
            a pair of an entity with itself links nothing).

    Raises:
        ComponentsNotConverged: the labelling did not settle within ``MAX_ROUNDS`` rounds.
    """
    from pyspark.sql import functions as F

    edges = (
        pairs.select(
            F.least(F.col("holder"), F.col("subject")).alias("src"),
            F.greatest(F.col("holder"), F.col("subject")).alias("dst"),
        )
        .filter(F.col("src") != F.col("dst"))
        .distinct()
    )
    edges = settle(edges, 0)
    rounds = 0
    while True:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise ComponentsNotConverged(
                f"the connected components of the holdings did not settle in {MAX_ROUNDS} rounds"
            )
        edges = settle(_small_star(_large_star(edges)), rounds)
        left = _unsettled(edges)
        log.info("components round %d: %d nodes not yet in a star", rounds, left)
        if not left:
            break
    centre = edges.select(F.col("dst").alias("id"), F.col("src").alias("component"))
    labels = vertices.select("id").join(centre, "id", "left")
    labels = labels.select("id", F.coalesce(F.col("component"), F.col("id")).alias("component"))
    return Components(labels, rounds)


__all__ = ["Components", "ComponentsNotConverged", "label_components"]
