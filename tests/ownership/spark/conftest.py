"""One local Spark session for every Spark test (``local[2]``, four shuffle partitions), skipped with the reason
only where PySpark or Java is missing (CI installs both)."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("PySpark is not installed (pip install -e '.[test]' installs it)")
    if shutil.which("java") is None:
        pytest.skip("Java is not on the path (Spark needs Java 17 or later; .ci/run installs it)")
    from ownership.spark.session import quiet_pyspark, spark_session

    with quiet_pyspark():
        session = spark_session(
            "local[2]",
            {
                "spark.sql.shuffle.partitions": "4",
                "spark.default.parallelism": "2",
                "spark.ui.enabled": "false",
                "spark.sql.adaptive.enabled": "false",
            },
        )
    yield session
    session.stop()
