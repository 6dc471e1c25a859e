"""``--engine spark`` for ``exposure check`` and ``exposure explain``: the options, and the runs that hand the
check to ``ownership.spark`` and render what it returns.

Only arguments are parsed here; the engine, the statuses and the summary document are the library's.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import options as o

if TYPE_CHECKING:
    from ownership.errors import DataWarning
    from ownership.model import Policy
    from ownership.result import CheckResult, FailOn


class EngineOpt(StrEnum):
    """``--engine``: where the check runs."""

    memory = "memory"
    spark = "spark"


class SparkFormatOpt(StrEnum):
    """The format Spark writes the per-entity table in."""

    parquet = "parquet"
    csv = "csv"


Engine = Annotated[
    EngineOpt,
    typer.Option(
        "--engine",
        rich_help_panel=o.INPUT_PANEL,
        help="Where the check runs: memory (default) or spark (INPUT is then a folder or URI of the canonical "
        "entities and holdings tables, as exposure convert INPUT -o FOLDER/ writes them).",
    ),
]
SparkMaster = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        metavar="URL",
        rich_help_panel=o.INPUT_PANEL,
        help="With --engine spark: the Spark master (default local[*], or the cluster's under spark-submit).",
    ),
]
SparkConf = Annotated[
    list[str],
    typer.Option(
        "--spark-conf",
        metavar="KEY=VALUE",
        rich_help_panel=o.INPUT_PANEL,
        help="With --engine spark: a Spark setting (spark.executor.memory=8g); repeatable.",
    ),
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/+")


def data_uri(path: Path | str) -> str:
    """The folder or URI as the user wrote it: a path argument folds ``s3a://b/x`` into ``s3a:/b/x``, which
    Spark would not read, so the scheme's slashes are put back (``file:`` URIs keep their empty host)."""
    text = str(path)
    found = _SCHEME.match(text)
    if found is None or len(found.group(1)) == 1:  # no scheme, or a Windows drive letter
        return text
    rest = text[found.end() :]
    scheme = found.group(1)
    return f"{scheme}:///{rest}" if scheme.lower() == "file" else f"{scheme}://{rest}"


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` pairs as a dict; a pair without ``=`` stops the run (exit 2)."""
    from cli.common import fail

    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--spark-conf {pair}: write it KEY=VALUE (for example spark.executor.memory=8g)")
        found[key.strip()] = value.strip()
    return found


def refuse_spark_only(engine: EngineOpt, master: str | None, conf: list[str]) -> None:
    """``--spark-master`` and ``--spark-conf`` mean nothing to the in-memory engine: say so (exit 2)."""
    from cli.common import fail

    if engine is EngineOpt.memory and (master is not None or conf):
        fail("--spark-master and --spark-conf apply with --engine spark only")


def run_spark_check(
    input_path: Path,
    profiles: list[str],
    policy_path: Path | None,
    flags: dict[str, object],
    no_policy_file: bool,
    targets: list[str],
    output: Path | None,
    fmt: StrEnum | None,
    master: str | None,
    conf: list[str],
    quiet: bool,
) -> int:
    """Check the canonical folder INPUT on Spark and write OUT/ (the per-entity table and summary.json), with
    the rule resolved as ``check`` resolves it.

    Returns:
        The exit code: 0 or 1 as ``check`` decides it.
    """
    from cli.common import resolve_policies
    from ownership.spark.session import quiet_pyspark

    policies, fail_on, _ = resolve_policies(profiles, policy_path, flags, no_policy_file=no_policy_file)
    with quiet_pyspark():
        return _spark_check(
            input_path, policies, targets, output, fmt.value if fmt else None, fail_on, master, conf, quiet
        )


def _spark_check(
    input_path: Path,
    policies: list[Policy],
    targets: list[str],
    output: Path | None,
    fmt: str | None,
    fail_on: FailOn,
    master: str | None,
    conf: list[str],
    quiet: bool,
) -> int:
    from rich.console import Console

    from cli.common import fail
    from ownership.spark.output import local_path, write_spark_output
    from ownership.spark.rules import spark_check_rules
    from ownership.spark.session import spark_session

    if output is None:
        fail("--engine spark writes a folder: give -o OUT/ (the per-entity table and summary.json go there)")
    if fmt not in (None, "parquet", "csv"):
        fail(f"--engine spark writes parquet (default) or csv, not {fmt}")
    data = data_uri(input_path)
    out = data_uri(output)
    if out.rstrip("/") == data.rstrip("/"):
        fail(f"-o {output}: is the input folder; give another folder")
    local = local_path(out.rstrip("/"))
    if local is not None and (local / "entities").exists():
        # Said before the check runs, not after it (a registry's check takes minutes); the writer refuses too.
        fail(f"{local}: already holds an entities table from an earlier run; give a new folder (nothing is replaced)")
    spark = spark_session(master, parse_conf(conf))
    try:
        result = spark_check_rules(spark, data, policies, targets)
        write_spark_output(result, out, fmt or "parquet", result.summary(fail_on))
    except Exception as exc:
        fail(spark_failure(exc))
    if not quiet:
        err = Console(stderr=True, highlight=False)
        for w in result.warnings:
            err.print(f"warning [{w.code}]: {w.message}", markup=False)
        for r in result.results:
            counts = ", ".join(f"{count} {status}" for status, count in r.counts.items())
            rule = f"{r.policy.name}: " if len(result.results) > 1 else ""
            err.print(f"{rule}{r.entities} entities ({counts}): {r.overall} (report: {out})", markup=False)
    return result.exit_code(fail_on)


def spark_failure(exc: Exception) -> str:
    """One line for an error: the library's own errors as they say it, Spark's (a value its column cannot
    hold, a path it cannot read) by their first line, anything else re-raised for ``guarded``."""
    from ownership.errors import ExposureError

    if isinstance(exc, ExposureError):
        return exc.one_line()
    module = type(exc).__module__
    if module.startswith(("pyspark", "py4j")):
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        return f"spark: {first}"
    raise exc


def spark_upstream_checks(
    input_path: Path,
    entity: str,
    policies: list[Policy],
    watch_warnings: tuple[DataWarning, ...],
    master: str | None,
    conf: list[str],
) -> tuple[CheckResult, ...]:
    """``explain --engine spark``: the entity's upstream part pulled out of Spark, checked in memory (its
    figures there are the whole graph's), one result per rule, ENTITY deciding."""
    from cli.common import fail
    from ownership.api import check_rules
    from ownership.spark.session import quiet_pyspark, spark_session
    from ownership.spark.upstream import upstream

    with quiet_pyspark():
        spark = spark_session(master, parse_conf(conf))
        try:
            data, chosen = upstream(spark, data_uri(input_path), entity)
        except Exception as exc:
            fail(spark_failure(exc))
    return check_rules(data, policies, [chosen], warnings=watch_warnings).results


def submit_main() -> None:
    """The entry point for ``spark-submit`` (and ``python -m cli.spark``): the arguments of ``exposure check``,
    run with ``--engine spark``; the master and settings come from spark-submit."""
    import sys

    from cli.app import main

    sys.argv = ["exposure", "check", "--engine", "spark", *sys.argv[1:]]
    main()


if __name__ == "__main__":
    submit_main()
