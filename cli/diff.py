"""`exposure diff OLD NEW`: what changed between two inputs (or two JSON reports of `check`), and why."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli import options as o
from cli.common import (
    fail,
    guarded,
    refuse_output_over_reads,
    refuse_overwriting_input,
    resolve_policies,
    write_atomically,
)
from cli.convert import InputFormatOpt
from ownership.errors import PolicyError
from ownership.result import FailOn

if TYPE_CHECKING:
    from ownership.analysis.diff import Diff


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


@o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.OUTPUT_PANEL, o.INPUT_PANEL))
def diff_command(
    old_path: Annotated[
        Path,
        typer.Argument(
            metavar="OLD",
            show_default=False,
            help="The earlier input (any format check reads) or a JSON report of `exposure check`.",
        ),
    ],
    new_path: Annotated[
        Path,
        typer.Argument(
            metavar="NEW", show_default=False, help="The later input, or a JSON report of `exposure check`."
        ),
    ],
    flags: o.Flags,
    profile: o.Profiles = [],  # noqa: B006 - typer needs a literal default for repeatable options
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    entity: o.Entities = [],  # noqa: B006
    min_change: Annotated[
        float,
        typer.Option(
            "--min-change",
            metavar="PTS",
            rich_help_panel=o.CI_PANEL,
            help="A figure counts as moved when a bound moves by more than this many percentage points (default 0.01).",
        ),
    ] = 0.01,
    fmt: Annotated[
        DiffFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            rich_help_panel=o.OUTPUT_PANEL,
            help="table (default), json, csv, markdown, html or xlsx (default with -o: from its extension).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            rich_help_panel=o.OUTPUT_PANEL,
            help="Write the diff to this file: .json, .csv, .md, .html, .xlsx or .txt.",
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
) -> None:
    """Compare OLD and NEW: every entity whose status changed or whose figures moved, entities added and
    removed, and for each change the holdings and countries upstream that cause it.

    Exit codes: 0 no deciding entity newly became flagged or home (or possible under --fail-on possible):
    clearances, figure moves and known flags pass; 1 one did; 2 the inputs or options could not be used.
    """
    report_format = _format(fmt, output)
    refuse_overwriting_input(output, old_path)
    refuse_overwriting_input(output, new_path)

    def run() -> int:
        from cli.progress import Phases
        from ownership.analysis.diff import Snapshot
        from ownership.analysis.diff.api import diff_sides

        policies, fail_on, watch_warnings = resolve_policies(profile, policy_path, flags, no_policy_file=no_policy_file)
        if len(policies) > 1:
            raise PolicyError("diff compares under one rule: give one --profile (or none)")
        refuse_output_over_reads(output)
        limits = o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient)
        phases = Phases.on_stderr(quiet)
        sides = diff_sides(
            old_path,
            new_path,
            policies[0],
            targets=entity,
            min_change=min_change,
            input_format=input_format.value,
            limits=limits,
            warnings=watch_warnings,
            step=phases.run,
        )
        found = sides.diff
        new = None if isinstance(sides.new, Snapshot) else sides.new
        if report_format == "xlsx" and new is None:
            fail(f"--format xlsx adds a Changes sheet to the audit workbook of NEW: {new_path} is a JSON report")
        if report_format == "table":
            console = Console(highlight=False, width=160 if output is not None else None, record=output is not None)
            _table(found, console, fail_on)
            if output is not None:
                write_atomically(output, console.export_text())
        else:
            from ownership.reports.diff import render_diff

            content = phases.run(
                f"writing the {report_format} diff", lambda: render_diff(found, report_format, new=new, fail_on=fail_on)
            )
            if output is not None:
                write_atomically(output, content)
            elif isinstance(content, str):
                sys.stdout.write(content)
        if not quiet:
            err = Console(stderr=True, highlight=False)
            _warnings(sides.old, sides.new, err)
            err.print(
                _sentence(found, fail_on) + (f" (report: {output})" if output else ""), markup=False, soft_wrap=True
            )
        return found.exit_code(fail_on)

    raise typer.Exit(guarded(run, debug))


def _format(fmt: DiffFormat | None, output: Path | None) -> str:
    from ownership.reports.diff import FORMAT_BY_EXTENSION

    if fmt is not None:
        chosen = fmt.value
    elif output is None:
        chosen = "table"
    else:
        found = FORMAT_BY_EXTENSION.get(output.suffix.lower())
        if found is None:
            known = ", ".join(sorted(FORMAT_BY_EXTENSION))
            fail(f"-o {output}: cannot tell the format from '{output.suffix}'; use one of {known} or --format")
        chosen = found
    if chosen == "xlsx" and output is None:
        fail("--format xlsx is a binary file: give -o FILE.xlsx")
    return chosen


def _sentence(found: Diff, fail_on: FailOn) -> str:
    s = found.summary
    failing = found.failing(fail_on)
    head = (
        f"NEW FINDINGS: {', '.join(failing[:10])}" + (" ..." if len(failing) > 10 else "")
        if failing
        else "NO NEW FINDINGS"
    )
    return (
        f"{head}: {s.newly_flagged} newly flagged, {s.cleared} cleared, {s.status_changed} status changed, "
        f"{s.figures_moved} figures moved, {s.added} added, {s.removed} removed"
    )


def _warnings(old: object, new: object, err: Console) -> None:
    from cli.render import render_warnings
    from ownership.result import CheckResult

    shown: set[tuple[str, tuple[object, ...]]] = set()
    for side in (old, new):
        if isinstance(side, CheckResult) and side.warnings:
            key = (side.source.path, side.warnings)
            if key in shown:
                continue
            shown.add(key)
            err.print(f"{side.source.path}:", markup=False)
            render_warnings(side, err)


def _table(found: Diff, console: Console, fail_on: FailOn) -> None:
    from rich.table import Table
    from rich.text import Text

    from cli.safe_text import visible
    from ownership.reports.diff.document import cause_text, side_text, what_changed

    for note in (*found.notes, found.causes_note):
        if note:
            console.print(note, markup=False, style="dim")
    if found.policy_differences:
        console.print("The two rules differ: " + "; ".join(found.policy_differences), markup=False, style="yellow")
    everything = found.all_changes()
    if not everything:
        console.print("Nothing changed.", markup=False)
        return
    failing = set(found.failing(fail_on))
    table = Table(header_style="bold", show_lines=True)
    for column in ("entity", "change", "old", "new", "causes"):
        table.add_column(column)
    for c in everything:
        lines = [visible(cause_text(x)) for x in c.causes[:5]]
        if len(c.causes) > 5:
            lines.append(f"... and {len(c.causes) - 5} more")
        if c.note:
            lines.append(visible(c.note))
        mark = " (NEW FINDING)" if c.id in failing else ""
        # Names are the user's text: shown with control characters escaped, never read as rich markup.
        table.add_row(
            Text(visible(f"{c.name} ({c.id})" if c.name != c.id else c.id)),
            Text(what_changed(c) + mark),
            Text(visible(side_text(c.old))),
            Text(visible(side_text(c.new))),
            Text("\n".join(lines)),
        )
    console.print(table)
