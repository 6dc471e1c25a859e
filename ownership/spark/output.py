"""Writing a Spark check's outcome: OUT/entities (the per-entity table, Parquet or CSV, written by Spark in
parts) and OUT/summary.json (the ``exposure.check/1`` head: summary, policy, input, warnings).

Nothing already there is replaced: Spark refuses to write into an existing ``entities`` table, and the
summary is written only after the table, atomically where the folder is local.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ownership.errors import InputError, Location
from ownership.spark.check import SparkCheck
from ownership.spark.rules import SparkChecks
from ownership.writers.output import write_output

_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def local_path(uri: str) -> Path | None:
    """The local path of ``uri`` (a plain path or a ``file://`` URI), or None for a remote one."""
    if uri.lower().startswith("file://"):
        return Path(uri[len("file://") :])
    return None if _REMOTE.match(uri) else Path(uri)


def write_spark_output(result: SparkCheck | SparkChecks, out: str, file_format: str, summary: dict[str, Any]) -> None:
    """Write ``result``'s table to ``out``/entities in ``file_format`` (parquet or csv, with a header) and
    ``summary`` to ``out``/summary.json.

    Raises:
        InputError: the table exists already at ``out``/entities (nothing is replaced).
    """
    from pyspark.errors import AnalysisException

    base = out.rstrip("/")
    local = local_path(base)
    if local is not None and (local / "entities").exists():
        raise InputError(
            "already holds an entities table from an earlier run; give a new folder (nothing is replaced)",
            Location(file=str(local)),
        )
    writer = result.report().write.mode("errorifexists")
    try:
        if file_format == "csv":
            writer.option("header", "true").csv(f"{base}/entities")
        else:
            writer.parquet(f"{base}/entities")
    except AnalysisException as exc:
        raise InputError(f"cannot write the entities table ({str(exc).splitlines()[0]})", Location(file=base)) from None
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    if local is not None:
        write_output(local / "summary.json", text)
    else:
        spark = result.figures.sparkSession
        spark.createDataFrame([(text,)], "value string").coalesce(1).write.mode("errorifexists").text(
            f"{base}/summary.json"
        )
