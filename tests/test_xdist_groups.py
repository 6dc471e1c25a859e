"""The test run's own scheduling (tests/conftest.py): under ``--dist loadgroup`` the library's Spark tests are
one work unit and the CLI's another, so each runs on one xdist worker with one JVM; every other test is a
unit of its own."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


class _Config:
    """What the scheduler reads of pytest's config: the --dist mode and the workers (``-n 2``)."""

    def __init__(self, dist: str) -> None:
        self.values = {"dist": dist, "tx": ["2*popen"]}

    def getvalue(self, name: str) -> Any:
        return self.values[name]


def _hook() -> Any:
    # The conftest is loaded by file: the test tree has no packages, so it is not importable by name.
    spec = importlib.util.spec_from_file_location("tests_root_conftest", CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pytest_xdist_make_scheduler


def test_spark_tests_are_two_units_and_others_their_own() -> None:
    scheduler = _hook()(_Config("loadgroup"), None)
    scope = scheduler._split_scope
    library = {
        scope("tests/ownership/spark/test_equivalence.py::test_spark_agrees_with_memory[default]"),
        scope("tests/ownership/spark/test_equivalence.py::test_worked_examples_exact"),
    }
    cli = {
        scope("tests/cli/test_spark_cli.py::test_check_on_spark_matches_the_sample"),
        scope("tests/cli/test_spark_cli.py::test_uris_keep_their_slashes[/tmp/data-/tmp/data]"),
    }
    assert library == {"spark"} and cli == {"spark-cli"}
    # Not a Spark test: a unit of its own, as --dist load would send it (even with "spark" in its name).
    other = "tests/cli/test_check.py::test_spark_options_are_not_spark[spark]"
    assert scope(other) == other
    assert scope("tests/cli/test_spark_cli_other.py::test_x") == "tests/cli/test_spark_cli_other.py::test_x"


def test_other_dist_modes_are_xdist_own() -> None:
    assert _hook()(_Config("load"), None) is None
