"""The same folder checked under several rules on Spark (``--profile ofac --profile uk``): one check per rule,
reported side by side as the in-memory ``CheckSet`` is (the first rule's columns, then a status column per
rule; the strictest rule's exit code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ownership.errors import DataWarning
from ownership.model import Policy
from ownership.reports.common import policy_document
from ownership.result import FailOn
from ownership.spark.check import SparkCheck, spark_check

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Ids of entities the rules disagree on named in the summary; the table has every rule's status.
DISAGREEMENTS_NAMED = 20


@dataclass(frozen=True)
class SparkChecks:
    """One ``SparkCheck`` per rule, the first the primary (its columns and figures lead the table)."""

    results: tuple[SparkCheck, ...]

    @property
    def primary(self) -> SparkCheck:
        return self.results[0]

    @property
    def figures(self) -> DataFrame:
        return self.primary.figures

    @property
    def warnings(self) -> tuple[DataWarning, ...]:
        """Every rule's warnings, each once, in the order first raised."""
        return tuple(dict.fromkeys(w for r in self.results for w in r.warnings))

    def exit_code(self, fail_on: FailOn) -> int:
        """The strictest of the rules (``CheckSet.exit_code``): 1 when any rule in force fails the check."""
        return max(r.exit_code(fail_on) for r in self.results)

    def report(self) -> DataFrame:
        """The primary rule's table with a ``status_<rule>`` column per rule (one rule: its table alone)."""
        return self.primary.report(self.results[1:])

    def disagreements(self) -> tuple[int, list[str]]:
        """How many entities the rules in force give different statuses (all rules when none is in force),
        and the first ``DISAGREEMENTS_NAMED`` of their ids."""
        from functools import reduce

        from pyspark.sql import functions as F

        live = [r for r in self.results if r.policy.in_force] or list(self.results)
        if len(live) < 2:
            return 0, []
        joined = live[0].figures.select("id", F.col("status").alias("s0"))
        for k, r in enumerate(live[1:], 1):
            joined = joined.join(r.figures.select("id", F.col("status").alias(f"s{k}")), "id")
        differ = joined.filter(reduce(lambda a, b: a | b, (F.col(f"s{k}") != F.col("s0") for k in range(1, len(live)))))
        differ = differ.cache()
        count = differ.count()
        named = [row["id"] for row in differ.orderBy("id").limit(DISAGREEMENTS_NAMED).collect()]
        differ.unpersist()
        return count, named

    def summary(self, fail_on: FailOn) -> dict[str, Any]:
        """The primary rule's summary document, with every rule under ``profiles`` (as the in-memory JSON report
        has them), how many entities the rules disagree on and the first of them, the strictest exit code,
        and every rule's warnings."""
        document = self.primary.summary(fail_on)
        if len(self.results) == 1:
            return document
        count, named = self.disagreements()
        document["profiles"] = [
            {"name": r.policy.name, "policy": policy_document(r.policy), "summary": r.summary(fail_on)["summary"]}
            for r in self.results
        ]
        document["disagreements_count"] = count
        document["disagreements_first"] = named
        document["exit_code"] = self.exit_code(fail_on)
        document["warnings"] = [
            {"code": w.code, "message": w.message, "where": w.where.cell() if w.where else None} for w in self.warnings
        ]
        return document


def spark_check_rules(
    spark: SparkSession, data: str, policies: Sequence[Policy], targets: Sequence[str] = ()
) -> SparkChecks:
    """Check the canonical folder ``data`` under each of ``policies`` on ``spark``, one after the
    other (each rule prepares the graph its own way: as-of date, weights, home basis)."""
    return SparkChecks(tuple(spark_check(spark, data, policy, targets) for policy in policies))


__all__ = ["SparkChecks", "spark_check_rules"]
