"""The Spark session the engine runs in, and PySpark imported only when a Spark check runs."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING

from ownership.errors import PolicyError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger("ownership.spark")

#: Settings every session gets unless the user sets them: no console progress bars (stderr carries only
#: warnings and the summary), and adaptive execution so small iterations use few partitions.
DEFAULT_CONF = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
}


def pyspark_sql() -> ModuleType:
    """``pyspark.sql``, or a ``PolicyError`` saying how to install it when it is missing."""
    try:
        with warnings.catch_warnings():
            # PySpark warns at import about pandas versions it has not been tested with; the engine uses no
            # pandas conversion, so the warning says nothing about this run.
            warnings.simplefilter("ignore", FutureWarning)
            import pyspark.sql
            import pyspark.sql.functions
    except ImportError:
        raise PolicyError(
            "--engine spark needs PySpark: install it with pip install 'exposure[spark]' (and Java 17 or later)"
        ) from None
    return pyspark.sql


@contextmanager
def quiet_pyspark() -> Iterator[None]:
    """PySpark's warning that it has not been tested with this pandas version silenced: the engine converts
    nothing to or from pandas, and the warning would otherwise reach the user (or fail a test run that
    treats warnings as errors)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield


def java_found() -> bool:
    """Whether a ``java`` executable is on the path (Spark's local mode needs one; a cluster's driver too)."""
    return shutil.which("java") is not None


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """A Spark session: the running one (under ``spark-submit`` the cluster gives the master), else one on
    ``master`` (default ``local[*]``) with ``conf`` on top of ``DEFAULT_CONF``.

    Raises:
        PolicyError: PySpark is not installed, or Java is missing for a local session.
    """
    sql = pyspark_sql()
    active = sql.SparkSession.getActiveSession()
    if active is not None and master is None:
        for key, value in (conf or {}).items():
            active.conf.set(key, value)
        return active  # type: ignore[no-any-return]
    if not java_found() and "PYSPARK_GATEWAY_PORT" not in os.environ:
        raise PolicyError(
            "--engine spark needs Java 17 or later on the path (Debian: apt-get install openjdk-17-jre-headless)"
        )
    builder = sql.SparkSession.builder.appName("exposure")
    if master is not None:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Not under spark-submit (which starts the JVM first and gives the cluster's master): run locally.
        builder = builder.master("local[*]")
    local = master is None or master.startswith("local")
    if local and "PYSPARK_PYTHON" not in os.environ:
        # Python workers (the watch list's name matching) run this interpreter, which has this package and
        # its dependencies, not whichever ``python3`` comes first on the path (PySpark reads only the
        # environment for it when the session starts in this process).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
