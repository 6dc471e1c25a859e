"""Typer commands: parse options, call the engine, render, and turn errors into one line and exit code 2."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from ownership.errors import DataWarning
from ownership.model import Comparison, ControlMode, HomeBasis, Method, Policy, WatchEntry, Weights
from ownership.readers.tables import ReadLimits
from ownership.result import FailOn


class _OneLineErrors(TyperGroup):
    """Usage errors (bad option values, unknown options) as one line on stderr with exit code 2, like every
    other error of this tool, instead of click's multi-line box."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> object:
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
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class FormatOpt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _fail(message: str) -> NoReturn:
    typer.echo(f"exposure: error: {message}", err=True)
    raise typer.Exit(2)


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


def _jurisdictions(values: list[str]) -> list[str] | None:
    """-j values split on commas; the policy resolution normalises and checks them."""
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return parts or None


@app.command()
def check(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Workbook (.xlsx), holdings CSV, or folder with entities.csv + holdings.csv.",
        ),
    ],
    jurisdiction: Annotated[
        list[str],
        typer.Option(
            "-j",
            "--jurisdiction",
            help="Watched country (repeatable, comma-separable): CN, CHN, China, PRC...",
        ),
    ] = [],  # noqa: B006 - typer needs a literal default for repeatable options
    profile: Annotated[
        list[str],
        typer.Option("--profile", help="Named rule (see `exposure profiles`); repeat to compare several."),
    ] = [],  # noqa: B006
    policy_path: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="TOML policy file (default: ./exposure.toml or [tool.exposure] in ./pyproject.toml)."
        ),
    ] = None,
    watchlist: Annotated[
        list[Path],
        typer.Option("--watchlist", help="CSV/xlsx of parties (id and/or name, optional label) to treat as home."),
    ] = [],  # noqa: B006
    threshold: Annotated[float | None, typer.Option(help="Threshold in percent (default 50).")] = None,
    comparison: Annotated[Comparison | None, typer.Option(help="gt: more than (default); ge: at least.")] = None,
    method: Annotated[Method | None, typer.Option(help="Which figure decides the status (default cascade).")] = None,
    home: Annotated[
        HomeBasis | None, typer.Option(help="Which country makes an entity a home entity (default either).")
    ] = None,
    pass_through: Annotated[
        float | None,
        typer.Option("--pass-through", help="Cascade pass-through threshold in percent (default: --threshold)."),
    ] = None,
    pass_through_comparison: Annotated[
        Comparison | None, typer.Option(help="Comparison for pass-through (default: --comparison).")
    ] = None,
    aggregate: Annotated[
        bool | None,
        typer.Option("--aggregate/--no-aggregate", help="Add different home parties' stakes, or assess each alone."),
    ] = None,
    weights: Annotated[Weights | None, typer.Option(help="Use equity stakes, or votes where given.")] = None,
    control: Annotated[
        ControlMode | None,
        typer.Option(help="Control rows (VIE, board rights): report only, make the subject possible, or taint it."),
    ] = None,
    entity: Annotated[
        list[str],
        typer.Option("--entity", help="Only these entities (id or name) decide the exit code; repeatable."),
    ] = [],  # noqa: B006
    fmt: Annotated[
        FormatOpt | None,
        typer.Option("--format", help="Report format (default: table, or from -o's extension)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="What makes the exit code 1 (default flagged).")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate holdings valid on this date (YYYY-MM-DD).")
    ] = None,
    allow_overallocation: Annotated[
        bool, typer.Option(help="Proceed when a subject's stakes sum above 100%, rescaling them to 100%.")
    ] = False,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Refuse inputs with more rows per sheet or file.")
    ] = 10_000_000,
    max_input_mb: Annotated[
        int, typer.Option("--max-input-mb", min=1, help="Refuse text files, or unpacked workbooks, larger than this.")
    ] = 2048,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or summary on stderr.")] = False,
    debug: Annotated[bool, typer.Option(help="Show the traceback of an unexpected error.")] = False,
) -> None:
    """Check INPUT: for every entity, is it owned beyond the threshold by the watched jurisdictions?

    Exit codes: 0 nothing deciding is home or flagged; 1 something is; 2 the input or options could not be used.
    """
    from ownership.errors import ExposureError

    flags: dict[str, object] = {
        "jurisdictions": _jurisdictions(jurisdiction),
        "threshold": threshold,
        "comparison": comparison.value if comparison else None,
        "method": method.value if method else None,
        "home": home.value if home else None,
        "pass_through": pass_through,
        "pass_through_comparison": pass_through_comparison.value if pass_through_comparison else None,
        "aggregate": aggregate,
        "weights": weights.value if weights else None,
        "control": control.value if control else None,
        "allow_overallocation": True if allow_overallocation else None,
        "as_of": as_of,
        "fail_on": fail_on.value if fail_on else None,
        "watchlists": [str(p) for p in watchlist] or None,
    }
    report_format = _report_format(fmt, output)
    if output is not None and output.exists() and input_path.exists() and output.resolve() == input_path.resolve():
        _fail(f"-o {output}: that is the input file; choose another name")
    try:
        policies, chosen_fail_on, watch_warnings = _policies(profile, policy_path, flags)
        limits = ReadLimits(max_bytes=max_input_mb * 1024 * 1024, max_rows=max_rows)
        code = _run_check(
            input_path, policies, watch_warnings, entity, report_format, output, chosen_fail_on, quiet, limits
        )
    except ExposureError as exc:
        if debug:
            raise
        _fail(exc.one_line())
    except Exception as exc:  # the last line of defence: never a traceback unless asked for
        if debug:
            raise
        _fail(f"internal error ({type(exc).__name__}); please report it, and run with --debug for details")
    raise typer.Exit(code)


def _policies(
    profiles: list[str], policy_path: Path | None, flags: dict[str, object]
) -> tuple[list[Policy], FailOn, tuple[DataWarning, ...]]:
    """One resolved policy per named profile (or the file's / the default), with the watch lists read."""
    from ownership.policies import find_project_policy, load_policy_file, resolve
    from ownership.readers.watchlist import read_watchlist

    policy_file = load_policy_file(policy_path) if policy_path is not None else find_project_policy(Path.cwd())
    names: list[str | None] = list(dict.fromkeys(p.strip().casefold() for p in profiles)) or [None]
    resolved = [resolve(profile=name, policy_file=policy_file, flags=flags, as_of=None) for name in names]
    entries: list[WatchEntry] = []
    warnings: list[DataWarning] = []
    for path in dict.fromkeys(p for r in resolved for p in r.watchlists):
        found, found_warnings = read_watchlist(path, str(path))
        entries += found
        warnings += found_warnings
    policies = [r.policy.with_changes(watchlist=tuple(entries)) if entries else r.policy for r in resolved]
    fail_on = FailOn(resolved[0].fail_on) if resolved[0].fail_on else FailOn.FLAGGED
    return policies, fail_on, tuple(warnings)


def _report_format(fmt: FormatOpt | None, output: Path | None) -> str:
    from ownership.reports import FORMAT_BY_EXTENSION

    if fmt is not None:
        return fmt.value
    if output is None:
        return "table"
    found = FORMAT_BY_EXTENSION.get(output.suffix.lower())
    if found is None:
        known = ", ".join(sorted(FORMAT_BY_EXTENSION))
        _fail(f"-o {output}: cannot tell the format from '{output.suffix}'; use one of {known} or --format")
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
) -> int:
    from dataclasses import replace
    from io import StringIO

    from rich.console import Console

    from cli.render import render_comparison, render_table, render_warnings
    from ownership.check import check
    from ownership.readers import read_input
    from ownership.reports import render_csv, render_json, render_markdown
    from ownership.reports.common import verdict_sentence
    from ownership.result import CheckSet

    data = read_input(input_path, str(input_path), limits)
    if extra_warnings:
        data = replace(data, warnings=data.warnings + extra_warnings)
    checks = CheckSet(tuple(check(data, policy, targets) for policy in policies))
    err = Console(stderr=True, highlight=False)

    if report_format == "table":
        buffer = StringIO() if output is not None else None
        console = (
            Console(file=buffer, width=160, no_color=True, highlight=False) if buffer else Console(highlight=False)
        )
        if len(checks.results) > 1:
            render_comparison(checks, console)
        else:
            render_table(checks.primary, console)
        if output is not None and buffer is not None:
            _write_atomically(output, buffer.getvalue())
    else:
        render = {"json": render_json, "csv": render_csv, "markdown": render_markdown}[report_format]
        text = render(checks)
        if output is None:
            sys.stdout.write(text)
        else:
            _write_atomically(output, text)
    if not quiet:
        render_warnings(checks, err)
        if output is not None or report_format != "table":
            for r in checks.results:
                err.print(verdict_sentence(r) + (f" (report: {output})" if output else ""), markup=False)
    return checks.exit_code(fail_on)


@app.command("profiles")
def profiles_command(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the named rule profiles with their parameters and sources."""
    import json

    from rich.console import Console
    from rich.table import Table

    from ownership.policies import profile_table

    rows = profile_table()
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        _fail(f"--format {fmt}: use table or json")
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


def _write_atomically(path: Path, text: str) -> None:
    import os
    import tempfile

    directory = path.resolve().parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
