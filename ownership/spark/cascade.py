"""The cascade's least fixpoint on Spark: semi-naive iterated joins, both bounds in one pass.

Round k joins only the holders tainted in round k - 1 (the frontier) with the holdings they hold, adds
their stakes to what each subject has from tainted holders, and taints the subjects that now pass the
pass-through test (or, where the policy counts them, that a newly tainted holder controls by contract).
Every holding is therefore joined once per bound, and the number of rounds is the depth of the taint
(logged). The low bound starts from the home entities with nothing unnamed counting; the high bound from
the home entities and those of unknown country, with each subject's remainder counting as tainted. This is
``ownership.engine.cascade.cascade`` in DataFrame form (docs/rules.md section 1.1).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ownership.engine.decide import passes
from ownership.model import ControlMode, Policy
from ownership.spark.iterate import settle
from ownership.spark.prepare import Prepared

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger("ownership.spark")


def cascade(prepared: Prepared, policy: Policy) -> DataFrame:
    """Per entity (``id``): ``cascade_low``, ``cascade_high`` (fractions 0..1, 1 for seeds), ``tainted_low``,
    ``tainted_high``, ``via_low``, ``via_high`` (tainted only through control rows)."""
    from pyspark.sql import functions as F

    t, comparison = policy.pass_threshold, policy.pass_comparison
    control_low = policy.control is ControlMode.TAINTS
    control_high = policy.control is not ControlMode.REPORT
    nodes = prepared.nodes
    seed_l = F.col("home")
    seed_h = F.col("home") | F.col("unknown_home")
    state = nodes.select(
        "id",
        seed_l.alias("seed_l"),
        seed_h.alias("seed_h"),
        F.lit(0.0).alias("agg_l"),
        F.col("remainder").alias("agg_h"),
        seed_l.alias("t_l"),
        seed_h.alias("t_h"),
        F.lit(False).alias("v_l"),
        F.lit(False).alias("v_h"),
        seed_l.alias("new_l"),
        seed_h.alias("new_h"),
    )
    # Entities whose own remainder already passes are tainted in the first round, as in memory.
    state = settle(state, 0)
    equity = prepared.equity
    control = prepared.control if (control_low or control_high) else None
    step = 0
    while True:
        step += 1
        frontier = state.filter(F.col("new_l") | F.col("new_h")).select(F.col("id").alias("holder"), "new_l", "new_h")
        contrib = (
            equity.join(frontier, "holder")
            .groupBy("subject")
            .agg(
                F.sum(F.when(F.col("new_l"), F.col("w"))).alias("c_l"),
                F.sum(F.when(F.col("new_h"), F.col("w"))).alias("c_h"),
            )
        )
        joined = state.join(contrib, state["id"] == contrib["subject"], "left").drop("subject")
        if control is not None:
            ctrl = (
                control.join(frontier, "holder")
                .groupBy("subject")
                .agg(
                    F.max(F.col("new_l") & F.lit(control_low)).alias("k_l"),
                    F.max(F.col("new_h") & F.lit(control_high)).alias("k_h"),
                )
            )
            joined = joined.join(ctrl, joined["id"] == ctrl["subject"], "left").drop("subject")
        else:
            joined = joined.withColumn("k_l", F.lit(False)).withColumn("k_h", F.lit(False))
        agg_l = F.col("agg_l") + F.coalesce(F.col("c_l"), F.lit(0.0))
        agg_h = F.col("agg_h") + F.coalesce(F.col("c_h"), F.lit(0.0))
        joined = joined.withColumn("agg_l", agg_l).withColumn("agg_h", agg_h)
        by_equity_l = ~F.col("t_l") & passes(F.col("agg_l"), t, comparison)
        by_equity_h = ~F.col("t_h") & passes(F.col("agg_h"), t, comparison)
        by_control_l = ~F.col("t_l") & F.coalesce(F.col("k_l"), F.lit(False)) & ~by_equity_l
        by_control_h = ~F.col("t_h") & F.coalesce(F.col("k_h"), F.lit(False)) & ~by_equity_h
        state = settle(
            joined.select(
                "id",
                "seed_l",
                "seed_h",
                "agg_l",
                "agg_h",
                (F.col("t_l") | by_equity_l | by_control_l).alias("t_l"),
                (F.col("t_h") | by_equity_h | by_control_h).alias("t_h"),
                (F.col("v_l") | by_control_l).alias("v_l"),
                (F.col("v_h") | by_control_h).alias("v_h"),
                (by_equity_l | by_control_l).alias("new_l"),
                (by_equity_h | by_control_h).alias("new_h"),
            ),
            step,
        )
        newly = state.filter(F.col("new_l") | F.col("new_h")).count()
        log.info("cascade round %d: %d entities newly tainted", step, newly)
        if not newly:
            break
    return state.select(
        "id",
        F.when(F.col("seed_l"), F.lit(1.0)).otherwise(F.least(F.col("agg_l"), F.lit(1.0))).alias("cascade_low"),
        F.when(F.col("seed_h"), F.lit(1.0)).otherwise(F.least(F.col("agg_h"), F.lit(1.0))).alias("cascade_high"),
        F.col("t_l").alias("tainted_low"),
        F.col("t_h").alias("tainted_high"),
        F.col("v_l").alias("via_low"),
        F.col("v_h").alias("via_high"),
    )
