"""Reading the canonical folder into DataFrames: ``entities`` and ``holdings``, Parquet or CSV.

The folder is what ``exposure convert INPUT -o FOLDER/`` writes (``ownership.writers.canonical_folder``):
``entities.parquet`` and ``holdings.parquet`` (or ``.csv``), or folders ``entities/`` and ``holdings/`` of
part files as Spark itself writes them. Any URI Spark reads works (``s3a://``, ``hdfs://``, ``abfss://``,
``file://``). Columns are checked by name before anything runs, and every value is cast to its type with
Spark's ANSI casts, so a value that is not what its column holds stops the check instead of becoming null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ownership.errors import InputError, Location
from ownership.writers.canonical_folder import ENTITY_COLUMNS, HOLDING_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Each column's Spark type; a column missing from the file is null throughout (only the required ones
#: must be there).
ENTITY_TYPES = {c: "string" for c in ENTITY_COLUMNS} | {"ultimate": "boolean", "declared": "boolean"}
HOLDING_TYPES = {c: "string" for c in HOLDING_COLUMNS} | {
    "percent_low": "double",
    "percent_high": "double",
    "votes_low": "double",
    "votes_high": "double",
    "control": "boolean",
    "indirect": "boolean",
    "start": "date",
    "end": "date",
}
REQUIRED = {"entities": ("id",), "holdings": ("holder", "subject", "percent_low", "percent_high")}


@dataclass(frozen=True)
class Folder:
    """The two tables as read, with where each came from (for messages and the summary)."""

    entities: DataFrame
    holdings: DataFrame
    entities_path: str
    holdings_path: str
    file_format: str


def _candidates(data: str, name: str) -> list[tuple[str, str]]:
    base = data.rstrip("/")
    return [
        (f"{base}/{name}.parquet", "parquet"),
        (f"{base}/{name}.csv", "csv"),
        (f"{base}/{name}", "parquet"),
        (f"{base}/{name}", "csv"),
    ]


def _load(spark: SparkSession, data: str, name: str) -> tuple[DataFrame, str, str]:
    from pyspark.errors import AnalysisException

    tried = []
    for path, fmt in _candidates(data, name):
        try:
            if fmt == "parquet":
                frame = spark.read.parquet(path)
            else:
                frame = spark.read.option("header", "true").option("inferSchema", "false").csv(path)
            frame.columns  # noqa: B018  (resolving the schema is what tells a missing path)
        except AnalysisException:
            tried.append(path)
            continue
        return frame, path, fmt
    raise InputError(
        f"has no {name} table (looked for {', '.join(dict.fromkeys(tried))}); write the folder with "
        "exposure convert INPUT -o FOLDER/",
        Location(file=data),
    )


def _typed(frame: DataFrame, types: dict[str, str], required: tuple[str, ...], path: str) -> DataFrame:
    from pyspark.sql import functions as F

    present = set(frame.columns)
    missing = [c for c in required if c not in present]
    if missing:
        raise InputError(
            f"has no column {', '.join(repr(c) for c in missing)} (columns: {', '.join(frame.columns)}); the "
            "canonical tables are written by exposure convert INPUT -o FOLDER/",
            Location(file=path),
        )
    return frame.select(
        *((F.col(f"`{c}`").cast(t) if c in present else F.lit(None).cast(t)).alias(c) for c, t in types.items())
    )


def read_folder(spark: SparkSession, data: str) -> Folder:
    """The ``entities`` and ``holdings`` tables of the folder (or URI) ``data``, typed.

    Raises:
        InputError: a table is missing, or lacks a required column.
    """
    entities, e_path, fmt = _load(spark, data, "entities")
    holdings, h_path, _ = _load(spark, data, "holdings")
    return Folder(
        _typed(entities, ENTITY_TYPES, REQUIRED["entities"], e_path),
        _typed(holdings, HOLDING_TYPES, REQUIRED["holdings"], h_path),
        e_path,
        h_path,
        fmt,
    )
