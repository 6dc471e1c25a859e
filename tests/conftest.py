"""What tests in several folders share: one local Spark session per test process, and the xdist scheduling
that keeps the tests using it together.

Starting Spark (a JVM, then the session) takes 10-20 s, so the engine's equivalence tests
(``tests/ownership/spark``) and the ``--engine spark`` CLI tests (``tests/cli/test_spark_cli.py``, which run
the app in this process, where ``--engine spark`` without ``--spark-master`` takes the active session) use
the same one per process; under pytest-xdist the library's and the CLI's Spark tests each go to one worker,
so at most two JVMs start.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from xdist.scheduler import Scheduling

#: Where the tests that take the ``spark`` fixture live (node id prefixes, relative to the repository).
SPARK_TESTS = ("tests/ownership/spark/", "tests/cli/test_spark_cli.py::")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Scheduling | None:
    """Under ``--dist loadgroup`` (pyproject's addopts): the tests in each of ``SPARK_TESTS`` in one group, so
    on one worker; any other test goes to whichever worker is free, as with ``--dist load``.

    pytest-xdist groups tests marked ``xdist_group`` by renaming their node ids, which pytest 9.2 no longer
    reads (the mark is silently ignored), so the group is made here, from the node ids the scheduler sees.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SparkGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            # Two groups, each with its own session on its own worker: the library's Spark tests and the
            # CLI's, so that neither worker carries every Spark test (about 15 minutes together in CI).
            if nodeid.startswith(SPARK_TESTS[0]):
                return "spark"
            if nodeid.startswith(SPARK_TESTS[1]):
                return "spark-cli"
            return super()._split_scope(nodeid)

    return SparkGroupScheduling(config, log)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local Spark session (``local[2]``, two shuffle partitions, no UI), skipped with the reason only where
    PySpark or Java is missing (CI installs both)."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("PySpark is not installed (pip install -e '.[test]' installs it)")
    if shutil.which("java") is None:
        pytest.skip("Java is not on the path (Spark needs Java 17 or later; .ci/run installs it)")
    from ownership.spark.session import quiet_pyspark, spark_session

    # The tests' data is tiny, so a check's time is Spark's fixed cost per job (about 75 jobs for the sample),
    # not its work. Two partitions per shuffle still split every join and aggregation across tasks. The JVM
    # runs its quick compiler only and one collector thread (a short run never repays the optimising compiler).
    # Whole-stage code generation compiles Java for every new plan, most of a job's time here; the same plans
    # run interpreted, as Spark runs any plan it cannot compile, and test_spark_cli.py's sample check turns it
    # back on so that the generated code runs too.
    with quiet_pyspark():
        session = spark_session(
            "local[2]",
            {
                "spark.sql.shuffle.partitions": "2",
                "spark.default.parallelism": "2",
                "spark.ui.enabled": "false",
                "spark.sql.adaptive.enabled": "false",
                "spark.sql.codegen.wholeStage": "false",
                "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
            },
        )
    yield session
    session.stop()
