"""`exposure owners INPUT --entity X`: who ultimately owns one entity, and how much."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli import options as o
from cli.common import guarded, refuse_overwriting_input, resolve_policies, write_atomically
from cli.convert import InputFormatOpt
from cli.explain import no_entity
from cli.render import render_warning_list
from ownership.errors import PolicyError

if TYPE_CHECKING:
    from ownership.analysis.owners import Owners


class OwnersFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.INPUT_PANEL, o.OUTPUT_PANEL, o.CI_PANEL))
def owners_command(
    input_path: o.Input,
    entity: Annotated[
        str,
        typer.Option(
            "--entity", metavar="ID", rich_help_panel=o.CI_PANEL, help="The entity whose owners to list: id or name."
        ),
    ],
    flags: o.Flags,
    every: Annotated[
        bool,
        typer.Option("--all", metavar="", rich_help_panel=o.OUTPUT_PANEL, help="List every intermediate owner too."),
    ] = False,
    profile: o.Profiles = [],  # noqa: B006 - typer needs a literal default for repeatable options
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    fmt: Annotated[
        OwnersFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            rich_help_panel=o.OUTPUT_PANEL,
            help="table (default), json, csv or markdown; with -o, from the extension.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", rich_help_panel=o.OUTPUT_PANEL, help="Write the report here."),
    ] = None,
    max_rows: o.MaxRows = o.DEFAULT_MAX_ROWS,
    max_input_mb: o.MaxInputMb = o.DEFAULT_MAX_INPUT_MB,
    input_format: o.InputFormat = InputFormatOpt.auto,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
    subject: o.Subject = None,
    columns: o.ColumnsOpt = [],  # noqa: B006
    lenient: o.Lenient = False,
) -> None:
    """List who ultimately owns an entity of INPUT, and how much: every ultimate owner (with --all, every
    intermediate too) with its look-through share as bounds, whether it is a home entity, whether it controls
    the entity in the cascade, and whether it reaches --threshold alone; plus the unallocated share.

    Exit codes as for `check --entity X`: 0 the entity is clear (or possible), or nothing is watched; 1 it is
    flagged or home (possible too under --fail-on possible); 2 the input or options could not be used.
    """
    refuse_overwriting_input(output, input_path)

    def run() -> int:
        from ownership.analysis.owners import owners_of
        from ownership.api import read
        from ownership.reports.owners import FORMAT_BY_EXTENSION, render_owners

        chosen = fmt.value if fmt is not None else None
        if chosen is None and output is not None:
            chosen = FORMAT_BY_EXTENSION.get(output.suffix.lower())
            if chosen is None:
                raise PolicyError(
                    f"-o {output}: the extension does not say the format; use .json, .csv, .md or .txt, or --format"
                )
        chosen = chosen or "table"
        policies, fail_on, watch_warnings = resolve_policies(profile, policy_path, flags, no_policy_file=no_policy_file)
        if len(policies) > 1:
            raise PolicyError("--profile: owners takes one rule; run it once per profile")
        limits = o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient)
        data = read(input_path, input_format=input_format.value, limits=limits)
        try:
            found = owners_of(data, entity, policies[0], intermediates=every, fail_on=fail_on, warnings=watch_warnings)
        except PolicyError as exc:
            if "is not an entity id or name" not in exc.reason:
                raise
            raise PolicyError(no_entity(entity, input_path, limits, input_format.value)) from None
        if chosen == "table":
            console = Console(highlight=False, width=160 if output is not None else None, record=output is not None)
            render_table(found, console)
            if output is not None:
                write_atomically(output, console.export_text())
        else:
            text = render_owners(found, chosen)
            if output is not None:
                write_atomically(output, text)
            else:
                sys.stdout.write(text)
        if not quiet:
            err = Console(stderr=True, highlight=False)
            render_warning_list(found.warnings, err)
            if output is not None:
                err.print(f"owners of {found.entity.id} written to {output}", markup=False)
        return found.exit_code()

    raise typer.Exit(guarded(run, debug))


def render_table(found: Owners, console: Console) -> None:
    """The owners as a terminal table, then the unallocated share and the entity's status."""
    from rich.table import Table

    from cli.safe_text import visible
    from ownership.reports.owners import owner_row, summary_lines

    e = found.entity
    title = f"Owners of {visible(e.name)} ({visible(e.id)})" if e.name != e.id else f"Owners of {visible(e.id)}"
    table = Table(title=title, title_justify="left")
    table.add_column("owner", overflow="fold")
    table.add_column("name", overflow="ellipsis", max_width=28)
    for header in ("role", "countries", "home", "look-through", "cascade", "controls", "over"):
        table.add_column(header, no_wrap=header in ("look-through", "cascade"))
    for owner in found.owners:
        r = owner_row(owner)
        table.add_row(
            visible(r["id"]),
            "" if r["name"] == r["id"] else visible(r["name"]),
            r["role"],
            visible(r["countries"]),
            r["home"],
            r["lookthrough"],
            r["cascade"],
            r["controls"],
            r["over"],
            style="bold" if owner.over_threshold else None,
        )
    console.print(table, markup=False)
    for line in summary_lines(found):
        console.print(visible(line), markup=False)
