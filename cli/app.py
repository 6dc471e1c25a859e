"""Typer commands: parse options, call the engine, render, and turn errors into one line and exit code 2."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from cli import options as o
from cli.common import (
    fail,
    forget_reads,
    guarded,
    policy_file_used,
    provenance,
    refuse_output_over_reads,
    refuse_overwriting_input,
    resolve_policies,
    run_checks,
    write_atomically,
)
from cli.convert import InputFormatOpt, convert_command
from cli.diff import diff_command
from cli.explain import explain_command
from cli.graph import graph_command
from cli.owners import owners_command
from cli.spark import Engine, EngineOpt, SparkConf, SparkMaster, refuse_spark_only, run_spark_check
from cli.whatif import whatif_command
from ownership.api import ReadLimits
from ownership.errors import DataWarning
from ownership.model import Policy
from ownership.result import CheckSet, FailOn

if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console

    from ownership.reports import Context, Renderer


def _plain_flags(command: Any, ctx: Any) -> Any:
    """``command`` with no type shown beside its flags (``--help``, ``--quiet``): a flag takes no value, so
    the ``<bool>`` typer would print there says nothing."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""
    return command


class _OneLineErrors(TyperGroup):
    """Usage errors (bad option values, unknown options) as one line on stderr with exit code 2, like every
    other error of this tool, instead of click's multi-line box."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_flags(self, ctx)
        super().format_help(ctx, formatter)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        return _plain_flags(found, ctx) if found is not None else None

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> object:
        # A test runner invokes several commands in one process: what an earlier one read does not count.
        forget_reads()
        try:
            rv = super().main(
                args=args, prog_name=prog_name or "exposure", complete_var=complete_var, standalone_mode=False, **extra
            )
        except typer.Abort:
            typer.echo("exposure: aborted", err=True)
            rv = 1
        except typer.TyperException as exc:
            show = getattr(exc, "show", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and callable(show):
                show()
            else:
                ctx = getattr(exc, "ctx", None)
                path = getattr(ctx, "command_path", None) or "exposure"
                message = " ".join(str(getattr(exc, "format_message", exc.__str__)()).split())
                typer.echo(f"exposure: error: {message} (see '{path} --help')", err=True)
            rv = int(getattr(exc, "exit_code", 2))
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


app = typer.Typer(
    cls=_OneLineErrors,
    name="exposure",
    help="Who ultimately owns a company, and does one jurisdiction's share cross a threshold?",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class FormatOpt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"
    html = "html"
    parquet = "parquet"


def _version(value: bool) -> None:
    if value:
        from ownership.reports.common import tool_version

        typer.echo(f"exposure {tool_version()}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """exposure: look-through ownership and control exposure to watched jurisdictions."""


@app.command()
@o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.OUTPUT_PANEL, o.INPUT_PANEL))
def check(
    input_path: o.Input,
    flags: o.Flags,
    profile: o.Profiles = [],  # noqa: B006 - typer needs a literal default for repeatable options
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    entity: o.Entities = [],  # noqa: B006
    fmt: Annotated[
        FormatOpt | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            rich_help_panel=o.OUTPUT_PANEL,
            help="Report format: table (default), json, csv, markdown, xlsx, html or parquet (default with -o: "
            "from its extension).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            rich_help_panel=o.OUTPUT_PANEL,
            help="Write the report to this file: .json, .csv, .parquet, .md, .txt, or the audit reports .xlsx, .html.",
        ),
    ] = None,
    max_rows: o.MaxRows = o.DEFAULT_MAX_ROWS,
    max_input_mb: o.MaxInputMb = o.DEFAULT_MAX_INPUT_MB,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
    input_format: o.InputFormat = InputFormatOpt.auto,
    subject: o.Subject = None,
    columns: o.ColumnsOpt = [],  # noqa: B006
    lenient: o.Lenient = False,
    wide: o.Wide = False,
    engine: Engine = EngineOpt.memory,
    spark_master: SparkMaster = None,
    spark_conf: SparkConf = [],  # noqa: B006
) -> None:
    """Check INPUT: for every entity, is it owned beyond the threshold by the watched jurisdictions?

    Exit codes: 0 nothing deciding is home or flagged; 1 something is; 2 the input or options could not be used.
    """
    refuse_spark_only(engine, spark_master, spark_conf)
    if engine is EngineOpt.spark:
        raise typer.Exit(
            guarded(
                lambda: run_spark_check(
                    input_path,
                    profile,
                    policy_path,
                    flags,
                    no_policy_file,
                    entity,
                    output,
                    fmt,
                    spark_master,
                    spark_conf,
                    quiet,
                ),
                debug,
            )
        )
    report_format = _report_format(fmt, output)
    refuse_overwriting_input(output, input_path)

    def run() -> int:
        policies, chosen_fail_on, watch_warnings = resolve_policies(
            profile, policy_path, flags, no_policy_file=no_policy_file
        )
        # Before the work: -o must not be the policy file or a watch list either.
        refuse_output_over_reads(output)
        return _run_check(
            input_path,
            policies,
            watch_warnings,
            entity,
            report_format,
            output,
            chosen_fail_on,
            quiet,
            o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient),
            input_format.value,
            wide=wide,
        )

    raise typer.Exit(guarded(run, debug))


def _report_format(fmt: FormatOpt | None, output: Path | None) -> str:
    from ownership.reports import FORMAT_BY_EXTENSION

    if fmt is not None:
        return fmt.value
    if output is None:
        return "table"
    found = FORMAT_BY_EXTENSION.get(output.suffix.lower())
    if found is None:
        known = ", ".join(sorted(FORMAT_BY_EXTENSION))
        fail(f"-o {output}: cannot tell the format from '{output.suffix}'; use one of {known} or --format")
    return found


def _run_check(
    input_path: Path,
    policies: list[Policy],
    extra_warnings: tuple[DataWarning, ...],
    targets: list[str],
    report_format: str,
    output: Path | None,
    fail_on: FailOn,
    quiet: bool,
    limits: ReadLimits,
    input_format: str = "auto",
    *,
    wide: bool = False,
) -> int:
    from datetime import UTC, datetime

    from rich.console import Console

    from cli.progress import Phases
    from cli.render import render_warnings
    from ownership.reports import Context
    from ownership.reports.common import verdict_sentence

    renderer = _renderers(wide)[report_format]
    if output is None and renderer.file_only is not None:
        fail(f"--format {report_format} is {renderer.file_only}: give -o FILE.{report_format}")
    phases = Phases.on_stderr(quiet)
    checks = run_checks(input_path, input_format, limits, policies, extra_warnings, targets, phases)
    err = Console(stderr=True, highlight=False)
    files = provenance() if renderer.shows_files else None
    context = Context(datetime.now(UTC).replace(microsecond=0), files, to_file=output is not None)
    if output is None:
        # Only the rendering is a phase: stdout is written once the bar is gone, so the two never mix.
        label = renderer.stdout_phase or f"writing the {report_format} report"
        sys.stdout.write(phases.run(label, lambda: renderer.text(checks, context)))
    else:
        target = output

        def save() -> None:
            write = renderer.write
            if write is not None:
                write_atomically(target, lambda path: write(checks, path, context))
            else:
                write_atomically(target, renderer.text(checks, context))

        phases.run(f"writing {output.name}", save)
        for path, text in renderer.beside(checks, output) if renderer.beside is not None else ():
            write_atomically(path, text)
    if not quiet:
        render_warnings(checks, err)
        _settings_line(err)
        if output is not None or report_format != "table":
            for r in checks.results:
                err.print(verdict_sentence(r) + (f" (report: {output})" if output else ""), markup=False)
    return checks.exit_code(fail_on)


def _settings_line(err: Console) -> None:
    """Name the policy file the run applied, and the settings it gave (fail_on above all)."""
    used = policy_file_used()
    if used is None:
        return
    given = ", ".join(f"{key} = {value}" for key, value in _shown_settings(used.settings))
    err.print(f"settings from {used.label} ({used.path.absolute()}): {given or 'nothing'}", markup=False)


def _shown_settings(settings: Mapping[str, object]) -> list[tuple[str, str]]:
    from ownership.policy.settings import shown

    return [(key, shown(value if not isinstance(value, Path) else str(value))) for key, value in settings.items()]


def _renderers(wide: bool) -> dict[str, Renderer]:
    """The library's report formats, and the terminal table, which only the command line draws."""
    from ownership.reports import RENDERERS, Renderer

    def table(checks: CheckSet, stream: TextIO, context: Context) -> None:
        from rich.console import Console

        if context.to_file:
            _render_table(checks, Console(file=stream, width=160, no_color=True, highlight=False), True)
            return
        # Drawn for the terminal (its width and colours), captured, then written once the bar is gone.
        console = Console(highlight=False)
        with console.capture() as captured:
            _render_table(checks, console, wide)
        stream.write(captured.get())

    return {**RENDERERS, "table": Renderer("table", (".txt",), render=table, stdout_phase="preparing the table")}


def _render_table(checks: CheckSet, console: Console, wide: bool = False) -> None:
    from cli.render import render_comparison, render_table

    if len(checks.results) > 1:
        render_comparison(checks, console)
    else:
        render_table(checks.primary, console, wide=wide)


@app.command("profiles")
def profiles_command(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the named rule profiles with their parameters and sources."""
    import json

    from rich.console import Console
    from rich.table import Table

    from ownership.policy import profile_table

    rows = profile_table()
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        fail(f"--format {fmt}: use table or json")
    console = Console(highlight=False)
    prose = ("description", "source")
    columns = [c for c in (rows[0] if rows else {}) if c not in prose]
    table = Table(header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    console.print(table)
    for row in rows:
        console.print(f"\n[bold]{row['name']}[/bold]: {row.get('description', '')}")
        console.print(f"  [dim]Source: {row.get('source', '')}[/dim]")


app.command("convert")(convert_command)
app.command("graph")(graph_command)
app.command("explain")(explain_command)
app.command("owners")(owners_command)
app.command("diff")(diff_command)
app.command("whatif")(whatif_command)


def main() -> None:
    """Console-script entry point."""
    import gc

    from cli.tuning import tune

    tune()
    # The model is millions of small acyclic objects (entities, holdings, their locations) that live until the
    # process exits; the cyclic collector kept re-scanning them for nothing. Measured on a 500k-entity /
    # 1M-holding registry (bench/): 74 s -> 53 s, peak memory unchanged. A CLI run is short-lived, so what
    # little cyclic garbage it makes is reclaimed at exit.
    gc.disable()
    _guard_streams()
    try:
        app()
        code = 0
    except SystemExit as done:
        code = _exit_code(done)
    # A registry check leaves a million objects, some in reference cycles that only the collector at
    # interpreter shutdown would free, for nothing: the process ends now instead (as mypy does), once the
    # output is flushed. Every file the command wrote is closed by then.
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (| head) or a closed stream: there is nothing left to say there.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


class _QuietStream:
    """stdout or stderr for the command: when the reader goes away (``| head``), what is left to write there
    goes nowhere and the command carries on to its exit code, instead of failing on a broken pipe."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._gone()

    def _gone(self) -> None:
        # The stream's own buffer still holds text: pointed at /dev/null, its next flush succeeds quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _guard_streams() -> None:
    """Make stdout and stderr safe to write whatever they are: a stream closed before the start (``>&-``)
    becomes /dev/null, text the stream's encoding cannot hold is escaped (``\\u5b57``) rather than an error,
    and a reader that leaves ends the output quietly. The exit code never depends on the streams."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            # The descriptor was closed; this open takes the lowest free one, which is that descriptor.
            stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
        setattr(sys, name, _QuietStream(stream))


def _exit_code(done: SystemExit) -> int:
    """The process exit code ``sys.exit`` would give for ``done``."""
    if done.code is None:
        return 0
    if isinstance(done.code, int):
        return done.code
    print(done.code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
