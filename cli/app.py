"""Typer commands: parse options, call the engine, render, and turn errors into one line and exit code 2."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from ownership.model import Comparison, ControlMode, HomeBasis, Method, Policy
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


def _jurisdictions(values: list[str]) -> frozenset[str]:
    from ownership.countries import UnknownCountryError, normalize_country

    codes: set[str] = set()
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                code = normalize_country(part)
            except UnknownCountryError as exc:
                _fail(f"-j {part.strip()}: {exc}")
            if code is not None:
                codes.add(code)
    return frozenset(codes)


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"--as-of {text}: not a date; use YYYY-MM-DD")


def _fraction(option: str, value: float) -> float:
    if not 0.0 < value <= 100.0:
        _fail(f"{option} {value:g}: must be a percentage above 0 and at most 100")
    return value / 100.0


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
    threshold: Annotated[float, typer.Option(help="Threshold in percent.")] = 50.0,
    comparison: Annotated[Comparison, typer.Option(help="gt: more than; ge: at least.")] = Comparison.GT,
    method: Annotated[Method, typer.Option(help="Which figure decides the status.")] = Method.CASCADE,
    home: Annotated[HomeBasis, typer.Option(help="Which country makes an entity a home entity.")] = HomeBasis.EITHER,
    pass_through: Annotated[
        float | None,
        typer.Option("--pass-through", help="Cascade pass-through threshold in percent (default: --threshold)."),
    ] = None,
    pass_through_comparison: Annotated[
        Comparison | None, typer.Option(help="Comparison for pass-through (default: --comparison).")
    ] = None,
    control: Annotated[
        ControlMode,
        typer.Option(help="Control rows (VIE, board rights): report only, make the subject possible, or taint it."),
    ] = ControlMode.REPORT,
    entity: Annotated[
        list[str],
        typer.Option("--entity", help="Only these entities (id or name) decide the exit code; repeatable."),
    ] = [],  # noqa: B006
    fmt: Annotated[
        FormatOpt | None,
        typer.Option("--format", help="Report format (default: table, or from -o's extension)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report to this file.")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="What makes the exit code 1.")] = FailOn.FLAGGED,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate holdings valid on this date (YYYY-MM-DD).")
    ] = None,
    allow_overallocation: Annotated[
        bool, typer.Option(help="Proceed when a subject's stakes sum above 100%, rescaling them to 100%.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or summary on stderr.")] = False,
    debug: Annotated[bool, typer.Option(help="Show the traceback of an unexpected error.")] = False,
) -> None:
    """Check INPUT: for every entity, is it owned beyond the threshold by the watched jurisdictions?

    Exit codes: 0 nothing deciding is home or flagged; 1 something is; 2 the input or options could not be used.
    """
    from ownership.errors import ExposureError

    policy = Policy(
        jurisdictions=_jurisdictions(jurisdiction),
        threshold=_fraction("--threshold", threshold),
        comparison=comparison,
        pass_through_threshold=_fraction("--pass-through", pass_through) if pass_through is not None else None,
        pass_through_comparison=pass_through_comparison,
        method=method,
        home=home,
        control=control,
        as_of=_as_of(as_of),
        allow_overallocation=allow_overallocation,
    )
    report_format = _report_format(fmt, output)
    if output is not None and output.exists() and input_path.exists() and output.resolve() == input_path.resolve():
        _fail(f"-o {output}: that is the input file; choose another name")
    try:
        code = _run_check(input_path, policy, entity, report_format, output, fail_on, quiet)
    except ExposureError as exc:
        if debug:
            raise
        _fail(exc.one_line())
    except Exception as exc:  # the last line of defence: never a traceback unless asked for
        if debug:
            raise
        _fail(f"internal error ({type(exc).__name__}); please report it, and run with --debug for details")
    raise typer.Exit(code)


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
    policy: Policy,
    targets: list[str],
    report_format: str,
    output: Path | None,
    fail_on: FailOn,
    quiet: bool,
) -> int:
    from rich.console import Console

    from cli.render import render_table, render_warnings
    from ownership.check import check
    from ownership.readers import read_input
    from ownership.reports import render_csv, render_json, render_markdown
    from ownership.reports.common import verdict_sentence

    data = read_input(input_path, str(input_path))
    result = check(data, policy, targets)
    err = Console(stderr=True, highlight=False)

    if report_format == "table":
        if output is None:
            render_table(result, Console(highlight=False))
        else:
            with output.open("w", encoding="utf-8") as handle:
                render_table(result, Console(file=handle, width=160, highlight=False, no_color=True))
    else:
        render = {"json": render_json, "csv": render_csv, "markdown": render_markdown}[report_format]
        text = render(result)
        if output is None:
            sys.stdout.write(text)
        else:
            _write_atomically(output, text)
    if not quiet:
        render_warnings(result, err)
        if output is not None or report_format != "table":
            err.print(verdict_sentence(result) + (f" (report: {output})" if output else ""), markup=False)
    return result.exit_code(fail_on)


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
