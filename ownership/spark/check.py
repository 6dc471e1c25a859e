"""The whole check on Spark: read the folder, prepare, both computations, statuses, the per-entity table,
and the summary document (``exposure.check/1``)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ownership.engine.decide import STATUS_NAMES, decide, status_codes
from ownership.errors import DataWarning, PolicyError, short
from ownership.model import Policy
from ownership.reports.common import PCT_DECIMALS, policy_document, tool_version
from ownership.reports.csv_report import COLUMNS
from ownership.result import FailOn
from ownership.spark.cascade import cascade
from ownership.spark.grouped import closed_loop_warning, evaluate_components
from ownership.spark.lookthrough import lookthrough
from ownership.spark.prepare import prepare
from ownership.spark.session import quiet_pyspark
from ownership.spark.tables import read_folder

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger("ownership.spark")


@dataclass(frozen=True)
class SparkCheck:
    """The outcome of a check on Spark.

    Attributes:
        figures: one row per entity: ``id``, ``name``, ``type``, ``jurisdiction``, ``headquarters``, ``status``
            (code, see ``ownership.engine.decide``), the four bounds as fractions 0..1 (``cascade_low``...),
            ``decides``.
        policy: the rule applied.
        data: the folder or URI read; file_format: parquet or csv.
        warnings: what the preparation and the computations found.
        counts: entities per status name; overall: the verdict (flagged, possible or clear).
        targets: the entities that decide the exit code (empty: all).
        phases: seconds per phase, and rounds and sizes per computation, for logs and benchmarks.
    """

    figures: DataFrame
    policy: Policy
    data: str
    file_format: str
    warnings: tuple[DataWarning, ...]
    counts: dict[str, int]
    overall: str
    targets: tuple[str, ...]
    entities: int
    holdings_used: int
    phases: dict[str, float] = field(default_factory=dict)

    def exit_code(self, fail_on: FailOn) -> int:
        """0 or 1 as ``CheckResult.exit_code`` decides it, from the statuses of the deciding entities."""
        return _exit_code(self.policy, self.overall, fail_on)

    def report(self, others: Sequence[SparkCheck] = ()) -> DataFrame:
        """The CSV report's columns (figures in percent), deciding entities first, then by severity (flagged,
        home, possible, clear), then id. Reasons and labels are left empty: ``exposure explain --engine spark``
        gives an entity's reasons. With ``others`` (the same data under more rules), a ``status_<rule>``
        column per rule, this one's first, follows, as in the in-memory CSV report."""
        from pyspark.sql import functions as F

        names = F.create_map(*(x for k, name in enumerate(STATUS_NAMES) for x in (F.lit(k), F.lit(name))))
        severity = F.create_map(*(x for k, rank in ((1, 0), (0, 1), (2, 2), (3, 3)) for x in (F.lit(k), F.lit(rank))))
        figures = self.figures
        ruled = [f"status_{r.policy.name}" for r in (self, *others)] if others else []
        if others:
            figures = figures.withColumn(ruled[0], names[F.col("status")])
            for column, other in zip(ruled[1:], others, strict=True):
                figures = figures.join(other.figures.select("id", names[F.col("status")].alias(column)), "id", "left")
        table = figures.select(
            "id",
            "name",
            "type",
            "jurisdiction",
            "headquarters",
            names[F.col("status")].alias("status"),
            *(
                F.bround(F.col(f) * 100.0, PCT_DECIMALS).alias(f"{f}_pct")
                for f in ("cascade_low", "cascade_high", "lookthrough_low", "lookthrough_high")
            ),
            "decides",
            F.lit(None).cast("string").alias("reason"),
            F.lit(None).cast("string").alias("labels"),
            F.lit(None).cast("string").alias("most_restrictive"),
            severity[F.col("status")].alias("_severity"),
            *ruled,
        )
        return table.orderBy(F.col("decides").desc(), "_severity", "id").select(*COLUMNS, *ruled)

    def summary(self, fail_on: FailOn) -> dict[str, Any]:
        """The summary document: the head of the ``exposure.check/1`` JSON report, without ``entities``."""
        return {
            "schema": "exposure.check/1",
            "tool": {"name": "exposure", "version": tool_version()},
            "engine": "spark",
            "input": {"path": self.data, "format": self.file_format},
            "policy": policy_document(self.policy),
            "summary": {
                "entities": self.entities,
                **self.counts,
                "verdict": self.overall,
                "holdings": self.holdings_used,
                "targets": list(self.targets),
            },
            "exit_code": self.exit_code(fail_on),
            "warnings": [
                {"code": w.code, "message": w.message, "where": w.where.cell() if w.where else None}
                for w in self.warnings
            ],
            "phases": self.phases,
        }


def _exit_code(policy: Policy, overall: str, fail_on: FailOn) -> int:
    """The exit code by the one rule (``CheckResult.exit_code``), given the overall status."""
    from ownership.model import Entity
    from ownership.model.entities import SourceInfo
    from ownership.model.tables import EntityTable
    from ownership.result import CheckResult, Figures, Verdicts

    code = {"flagged": 1, "possible": 2, "clear": 3}[overall]
    zero = np.zeros(1)
    figures = Figures(np.array([code], dtype=np.int8), zero, zero, zero, zero, np.ones(1, dtype=np.bool_))
    verdicts = Verdicts(EntityTable.of((Entity("overall", "overall"),)), figures)
    result = CheckResult(policy, SourceInfo("", "", "spark"), verdicts, (), (), 0, fail_on=fail_on)
    return result.exit_code(fail_on)


def _targets(nodes: DataFrame, targets: Sequence[str]) -> tuple[str, ...]:
    """Entity ids for ``--entity`` values: an id, else a unique name (case-insensitive)."""
    from pyspark.sql import functions as F

    found: list[str] = []
    for raw in targets:
        text = raw.strip()
        by_id = nodes.filter(F.col("id") == text).select("id").limit(1).collect()
        if not by_id:
            folded = " ".join(text.split()).casefold()
            by_id = nodes.filter(F.lower(F.trim(F.col("id"))) == folded).select("id").limit(1).collect()
        if not by_id:
            named = nodes.filter(F.lower(F.trim(F.col("name"))) == folded).select("id").limit(3).collect()
            if len(named) > 1:
                raise PolicyError(f"--entity '{short(text)}' names several entities; use an id")
            by_id = named
        if not by_id:
            raise PolicyError(f"--entity '{short(text)}' is not an entity id or name")
        if by_id[0]["id"] not in found:
            found.append(by_id[0]["id"])
    return tuple(found)


def spark_check(
    spark: SparkSession, data: str, policy: Policy, targets: Sequence[str] = (), *, whole_components: bool = False
) -> SparkCheck:
    """Check the canonical folder ``data`` (a path or a URI Spark reads) under ``policy`` on ``spark``; see
    ``_check``. ``whole_components`` takes the path by whole components even where the distributed
    algorithms answer (for comparing the two)."""
    with quiet_pyspark():
        return _check(spark, data, policy, targets, whole_components)


def _check(
    spark: SparkSession, data: str, policy: Policy, targets: Sequence[str], whole_components: bool = False
) -> SparkCheck:
    """Check the canonical folder ``data`` (a path or a URI Spark reads) under ``policy`` on ``spark``.

    Each party assessed alone (``aggregate = false``) and declared indirect interests in force are answered
    by whole components, each bucket of them checked by the in-memory engine on an executor
    (``ownership.spark.grouped``); everything else by the distributed cascade and look-through.

    Raises:
        InputError: the folder's tables cannot be used, or over-allocated stakes the policy refuses.
        PolicyError: nothing is watched, or an ``--entity`` matches nothing.
        SparkUnsupported: the cross-holdings' core is larger than the driver solves.
    """
    from pyspark.sql import functions as F

    if not policy.jurisdictions and not policy.watchlist:
        raise PolicyError("nothing to watch: name a country with -j (for example -j CN) or a --watchlist")
    phases: dict[str, float] = {}
    started = time.perf_counter()
    folder = read_folder(spark, data)
    prepared = prepare(folder, policy, whole_components)
    phases["prepare_s"] = round(time.perf_counter() - started, 3)
    chosen = _targets(prepared.nodes, targets) if targets else ()

    engine_warnings: tuple[DataWarning, ...] = ()
    loop_warnings: list[DataWarning] = []
    holdings_used = prepared.holdings_used
    if prepared.whole_components:
        grouped = evaluate_components(folder, policy, prepared.watched)
        phases.update(grouped.phases)
        joined = prepared.nodes.join(grouped.figures, "id")
        status = F.col("status")
        engine_warnings, loop_warnings = grouped.warnings, list(grouped.loops)
        holdings_used = grouped.holdings_used
    else:
        mark = time.perf_counter()
        taint = cascade(prepared, policy).cache()
        phases["cascade_s"] = round(time.perf_counter() - mark, 3)
        mark = time.perf_counter()
        look = lookthrough(prepared)
        phases["lookthrough_s"] = round(time.perf_counter() - mark, 3)
        phases["lookthrough_rounds"] = look.rounds
        phases["core_entities"] = look.core
        loop_warnings = [closed_loop_warning(members) for members in look.closed_loops]

        joined = prepared.nodes.join(taint, "id").join(look.figures, "id")
        low, high = decide(
            policy,
            (F.col("cascade_low"), F.col("cascade_high")),
            (F.col("lookthrough_low"), F.col("lookthrough_high")),
            (F.col("via_low"), F.col("via_high")),
        )

        def choose(condition: Any, then: int, otherwise: Any) -> Any:
            return F.when(condition, F.lit(then)).otherwise(otherwise)

        status = status_codes(F.col("home"), low, high, choose)
    decides = F.col("id").isin(list(chosen)) if chosen else F.lit(True)
    figures = joined.select(
        "id",
        "name",
        "type",
        "jurisdiction",
        "headquarters",
        status.alias("status"),
        "cascade_low",
        "cascade_high",
        "lookthrough_low",
        "lookthrough_high",
        decides.alias("decides"),
    ).localCheckpoint(eager=True)
    by_status = {
        int(r["status"]): (int(r["n"]), bool(r["deciding"]))
        for r in figures.groupBy("status")
        .agg(F.count(F.lit(1)).alias("n"), F.max("decides").alias("deciding"))
        .collect()
    }
    counts = {name: by_status.get(k, (0, False))[0] for k, name in enumerate(STATUS_NAMES)}
    present = {k for k, (_, deciding) in by_status.items() if deciding}
    overall = "flagged" if present & {0, 1} else "possible" if 2 in present else "clear"
    warnings = [*prepared.warnings, *engine_warnings]
    if not policy.in_force:
        warnings.append(
            DataWarning(
                "rule_not_in_force",
                f"{policy.name}: {policy.note or 'the rule does not apply on ' + policy.as_of.isoformat()}; "
                "the figures are shown for information and do not decide the exit code",
            )
        )
    warnings += loop_warnings
    phases["total_s"] = round(time.perf_counter() - started, 3)
    log.info("spark check: %s", json.dumps(phases))
    return SparkCheck(
        figures=figures,
        policy=policy,
        data=data,
        file_format=folder.file_format,
        warnings=tuple(warnings),
        counts=counts,
        overall=overall,
        targets=chosen,
        entities=prepared.entities,
        holdings_used=holdings_used,
        phases=phases,
    )
