"""The look-through on Spark: layered propagation over the acyclic part, the cyclic core solved exactly on
the driver by the in-memory engine, both bounds in one pass.

``x(e) = offset(e) + sum_h W[h, e] * (1 if h is a seed else x(h))`` (docs/rules.md section 1.2). Seeds are
absorbing (x = 1), so they are solved from the start whatever holds them. Then:

1. **Down from the top** (Kahn's layering, semi-naive): an entity is solved once every holder of it is;
   each round joins only the entities solved in the round before with what they hold, subtracting from
   each subject's count of unsolved holders and adding ``W * x`` to its sum. Rounds = the depth of the
   acyclic part above the cross-holdings.
2. **Trimming from the bottom**: what is left unsolved lies on or below a cycle. Entities holding nothing
   among the unsolved are removed round by round; what remains is the cyclic core (the strongly connected
   cross-holdings and the entities between them), which registers keep small.
3. **The core on the driver**: its entities, the holdings among them, and what the solved holders outside
   contribute (as offset) are collected and solved by ``ownership.engine.lookthrough.lookthrough``, which
   also finds the closed loops (groups held only by each other, given 0 with a warning).
4. **Down again**: with the core solved, step 1 resumes and reaches everything below it.

Every step is a join or an aggregation: no per-row Python function runs on the executors.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ownership.engine.edges import Edges
from ownership.engine.lookthrough import lookthrough as solve_exactly
from ownership.spark.iterate import settle
from ownership.spark.prepare import Prepared

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")

#: Entities in the cyclic core collected to the driver at most (dense blocks up to a few hundred members and
#: a sparse solve beyond; far above the UK PSC register's ~500).
CORE_LIMIT = 5_000_000


@dataclass(frozen=True)
class LookthroughFigures:
    """Per entity (``id``): ``lookthrough_low``, ``lookthrough_high`` (fractions 0..1); the closed loops found
    at the low bound (member ids, sorted), the size of the cyclic core, and the rounds taken."""

    figures: DataFrame
    closed_loops: tuple[tuple[str, ...], ...]
    core: int
    rounds: int


def _peel(state: DataFrame, equity: DataFrame, step: int) -> tuple[DataFrame, int]:
    """Layered propagation until no entity becomes solved; returns the state and the rounds taken."""
    from pyspark.sql import functions as F

    while True:
        newly = state.filter(F.col("new")).select(F.col("id").alias("holder"), "x_l", "x_h")
        contrib = (
            equity.join(newly, "holder")
            .groupBy("subject")
            .agg(
                F.count(F.lit(1)).alias("done"),
                F.sum(F.col("w") * F.col("x_l")).alias("s_l"),
                F.sum(F.col("w") * F.col("x_h")).alias("s_h"),
            )
        )
        joined = state.join(contrib, state["id"] == contrib["subject"], "left").drop("subject")
        waiting = F.col("waiting") - F.coalesce(F.col("done"), F.lit(0))
        acc_l = F.col("acc_l") + F.coalesce(F.col("s_l"), F.lit(0.0))
        acc_h = F.col("acc_h") + F.coalesce(F.col("s_h"), F.lit(0.0))
        joined = joined.withColumn("waiting", waiting).withColumn("acc_l", acc_l).withColumn("acc_h", acc_h)
        ready = ~F.col("solved") & (F.col("seed_l") | (F.col("waiting") == 0))
        state = settle(
            joined.select(
                "id",
                "seed_l",
                "seed_h",
                "off_l",
                "off_h",
                "waiting",
                "acc_l",
                "acc_h",
                (F.col("solved") | ready).alias("solved"),
                F.when(ready, _value("seed_l", "off_l", "acc_l")).otherwise(F.col("x_l")).alias("x_l"),
                F.when(ready, _value("seed_h", "off_h", "acc_h")).otherwise(F.col("x_h")).alias("x_h"),
                ready.alias("new"),
            ),
            step,
        )
        count = state.filter(F.col("new")).count()
        log.info("look-through round %d: %d entities solved", step, count)
        step += 1
        if not count:
            return state, step


def _value(seed: str, offset: str, acc: str) -> object:
    from pyspark.sql import functions as F

    return F.when(F.col(seed), F.lit(1.0)).otherwise(F.col(offset) + F.col(acc))


def _core(state: DataFrame, equity: DataFrame, step: int) -> tuple[DataFrame, int]:
    """The unsolved entities that hold, directly or through others, an unsolved entity on a cycle: trimmed
    from the bottom, round by round. Returns their ids and the rounds taken."""
    from pyspark.sql import functions as F

    unsolved = state.filter(~F.col("solved")).select("id")
    inner = equity.join(unsolved.select(F.col("id").alias("holder")), "holder").join(
        unsolved.select(F.col("id").alias("subject")), "subject"
    )
    inner = inner.localCheckpoint(eager=True)
    out_degree = inner.groupBy("holder").agg(F.count(F.lit(1)).alias("held"))
    core = unsolved.join(out_degree, unsolved["id"] == out_degree["holder"], "left").select(
        "id", F.coalesce(F.col("held"), F.lit(0)).alias("held")
    )
    core = settle(core.withColumn("gone", F.lit(False)), step)
    while True:
        leaving = core.filter(~F.col("gone") & (F.col("held") == 0)).select(F.col("id").alias("subject"))
        count = leaving.count()
        log.info("core trimming round %d: %d entities below the cycles", step, count)
        step += 1
        if not count:
            break
        lost = inner.join(leaving, "subject").groupBy("holder").agg(F.count(F.lit(1)).alias("lost"))
        core = core.join(lost, core["id"] == lost["holder"], "left")
        core = settle(
            core.select(
                "id",
                (F.col("held") - F.coalesce(F.col("lost"), F.lit(0))).alias("held"),
                (F.col("gone") | (F.col("held") == 0)).alias("gone"),
            ),
            step,
        )
    return core.filter(~F.col("gone")).select("id"), step


def lookthrough(prepared: Prepared) -> LookthroughFigures:
    """Both bounds of the look-through for every entity (see the module docstring)."""
    from pyspark.sql import functions as F

    nodes, equity = prepared.nodes, prepared.equity
    holders = equity.groupBy("subject").agg(F.count(F.lit(1)).alias("holders"))
    seed_l = F.col("home")
    seed_h = F.col("home") | F.col("unknown_home")
    base = nodes.join(holders, nodes["id"] == holders["subject"], "left")
    state = base.select(
        "id",
        seed_l.alias("seed_l"),
        seed_h.alias("seed_h"),
        F.lit(0.0).alias("off_l"),
        F.col("remainder").alias("off_h"),
        F.coalesce(F.col("holders"), F.lit(0)).alias("waiting"),
        F.lit(0.0).alias("acc_l"),
        F.lit(0.0).alias("acc_h"),
    )
    ready = F.col("seed_l") | (F.col("waiting") == 0)
    state = state.select(
        "*",
        ready.alias("solved"),
        F.when(ready, _value("seed_l", "off_l", "acc_l")).alias("x_l"),
        F.when(ready, _value("seed_h", "off_h", "acc_h")).alias("x_h"),
        ready.alias("new"),
    )
    state = settle(state, 0)
    state, step = _peel(state, equity, 1)
    loops: tuple[tuple[str, ...], ...] = ()
    core_size = 0
    if state.filter(~F.col("solved")).limit(1).count():
        core_ids, step = _core(state, equity, step)
        members = state.join(core_ids, "id").select("id", "seed_l", "seed_h", "off_l", "off_h", "acc_l", "acc_h")
        collected = members.collect()
        core_size = len(collected)
        log.info("cyclic core: %d entities, solved on the driver", core_size)
        if core_size > CORE_LIMIT:
            from ownership.spark.prepare import SparkUnsupported

            raise SparkUnsupported(
                f"the cross-holdings' core has {core_size} entities, more than the {CORE_LIMIT} the driver solves"
            )
        solved_rows, loops = _solve_core(collected, equity.join(core_ids.select(F.col("id").alias("holder")), "holder"))
        session = state.sparkSession
        values = session.createDataFrame(solved_rows, "id string, core_l double, core_h double")
        state = state.join(F.broadcast(values) if core_size < 100_000 else values, "id", "left")
        is_core = F.col("core_l").isNotNull()
        state = settle(
            state.select(
                "id",
                "seed_l",
                "seed_h",
                "off_l",
                "off_h",
                "waiting",
                "acc_l",
                "acc_h",
                (F.col("solved") | is_core).alias("solved"),
                F.when(is_core, F.col("core_l")).otherwise(F.col("x_l")).alias("x_l"),
                F.when(is_core, F.col("core_h")).otherwise(F.col("x_h")).alias("x_h"),
                is_core.alias("new"),
            ),
            step,
        )
        state, step = _peel(state, equity, step + 1)
    figures = state.select(
        "id",
        F.greatest(F.lit(0.0), F.least(F.lit(1.0), F.col("x_l"))).alias("lookthrough_low"),
        F.greatest(F.lit(0.0), F.least(F.lit(1.0), F.col("x_h"))).alias("lookthrough_high"),
    )
    return LookthroughFigures(figures, loops, core_size, step)


def _solve_core(
    members: Sequence[Any], out_of_core: DataFrame
) -> tuple[list[tuple[str, float, float]], tuple[tuple[str, ...], ...]]:
    """Both bounds of the core's figures by the in-memory engine, and its closed loops at the low bound.

    ``out_of_core`` is every holding whose holder is in the core; those whose subject is in the core too
    are the core's own holdings. What solved holders outside contribute is already in each member's
    ``acc``, so it enters as offset.
    """
    from pyspark.sql import functions as F

    ids = [str(m["id"]) for m in members]
    position = {entity: k for k, entity in enumerate(ids)}
    core_set = out_of_core.sparkSession.createDataFrame([(i,) for i in ids], "subject string")
    inner = out_of_core.join(F.broadcast(core_set) if len(ids) < 100_000 else core_set, "subject").collect()
    k = len(ids)
    holder = np.array([position[r["holder"]] for r in inner], dtype=np.int64)
    subject = np.array([position[r["subject"]] for r in inner], dtype=np.int64)
    weight = np.array([float(r["w"]) for r in inner], dtype=np.float64)
    edges = Edges.build(k, holder, subject, weight)
    result: dict[str, tuple[float, float]] = {}
    found_loops: tuple[tuple[str, ...], ...] = ()
    figures = []
    for bound in ("l", "h"):
        seeds = np.array([bool(m[f"seed_{bound}"]) for m in members], dtype=np.bool_)
        offset = np.array(
            [float(m[f"off_{bound}"]) + float(m[f"acc_{bound}"]) for m in members],
            dtype=np.float64,
        )
        outcome = solve_exactly(edges, seeds, np.where(seeds, 0.0, offset))
        figures.append(outcome.figure)
        if bound == "l":
            found_loops = tuple(tuple(sorted(ids[i] for i in loop.tolist())) for loop in outcome.closed_loops)
    for k_, entity in enumerate(ids):
        result[entity] = (float(figures[0][k_]), float(figures[1][k_]))
    return [(entity, lo, hi) for entity, (lo, hi) in result.items()], found_loops
