"""`exposure whatif INPUT --entity X`: the holdings pivotal to one entity's verdict, the stake each holding
upstream would need for it to be clear, and scenarios (`--set`, `--drop`, `--country`) checked first."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli import options as o
from cli.common import (
    fail,
    guarded,
    provenance,
    refuse_output_over_reads,
    refuse_overwriting_input,
    resolve_policies,
    write_atomically,
)
from cli.convert import InputFormatOpt
from ownership.errors import PolicyError

#: The help panel of the scenario options.
SCENARIO_PANEL = "Scenario"


class WhatIfFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


@o.setting_options(panels=(SCENARIO_PANEL, o.RULE_PANEL, o.PARTIES_PANEL, o.CI_PANEL, o.OUTPUT_PANEL, o.INPUT_PANEL))
def whatif_command(
    input_path: o.Input,
    flags: o.Flags,
    entity: Annotated[
        str,
        typer.Option(
            "--entity",
            metavar="ID",
            show_default=False,
            rich_help_panel=o.CI_PANEL,
            help="The entity to ask about (id or unique name); it alone decides the exit code.",
        ),
    ],
    sets: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="HOLDER:SUBJECT=PCT",
            rich_help_panel=SCENARIO_PANEL,
            help="Add a holding or replace one (PCT in percent, a range 25-50 allowed) before the check; repeatable.",
        ),
    ] = [],  # noqa: B006 - typer needs a literal default for repeatable options
    drops: Annotated[
        list[str],
        typer.Option(
            "--drop",
            metavar="HOLDER:SUBJECT",
            rich_help_panel=SCENARIO_PANEL,
            help="Remove a holding before the check; repeatable.",
        ),
    ] = [],  # noqa: B006
    countries: Annotated[
        list[str],
        typer.Option(
            "--country",
            metavar="ENTITY=CC",
            rich_help_panel=SCENARIO_PANEL,
            help="Give an entity this country (its only one) before the check; repeatable.",
        ),
    ] = [],  # noqa: B006
    profile: o.Profiles = [],  # noqa: B006
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    fmt: Annotated[
        WhatIfFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            rich_help_panel=o.OUTPUT_PANEL,
            help="table (default), json, markdown or html (default with -o: from its extension).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            rich_help_panel=o.OUTPUT_PANEL,
            help="Write the answer to this file: .json, .md, .html or .txt.",
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
    """What would change the verdict of the entity named with --entity: the holdings whose removal alone
    changes its status, and for every holding upstream the stake that would make it clear (a sale to a party
    outside the watched set, or new shares for a holder that is not home), with the smallest such change.
    With --set, --drop or --country the data is changed first, and the whole check is compared with the
    unchanged one.

    Exit codes as for `check`, with that entity the only one that decides (after the scenario): 0 clear (or
    possible), 1 flagged or home, 2 the input or options could not be used.
    """
    report_format = _format(fmt, output)
    refuse_overwriting_input(output, input_path)

    def run() -> int:
        from cli.progress import Phases
        from cli.render import render_warning_list
        from cli.safe_text import visible
        from ownership.analysis.whatif import run as whatif
        from ownership.api import read
        from ownership.reports.whatif import render_whatif

        policies, fail_on, watch_warnings = resolve_policies(profile, policy_path, flags, no_policy_file=no_policy_file)
        if len(policies) > 1:
            raise PolicyError("whatif asks under one rule: give one --profile (or none)")
        refuse_output_over_reads(output)
        limits = o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient)
        phases = Phases.on_stderr(quiet)
        data = phases.run(
            f"reading {input_path.name}", lambda: read(input_path, input_format=input_format.value, limits=limits)
        )
        answer = phases.run(
            f"asking what would change {entity}",
            lambda: whatif(
                data,
                policies[0],
                entity,
                sets=sets,
                drops=drops,
                countries=countries,
                fail_on=fail_on,
                warnings=watch_warnings,
            ),
        )
        text = render_whatif(answer, report_format, provenance())
        if report_format == "table":
            # Names are the user's text: control characters shown escaped.
            text = "\n".join(visible(line) for line in text.split("\n"))
        if output is not None:
            write_atomically(output, text)
        else:
            sys.stdout.write(text)
        if not quiet:
            err = Console(stderr=True, highlight=False)
            render_warning_list(answer.warnings, err)
            if output is not None:
                err.print(f"whatif for {answer.entity} written to {output}", markup=False)
        return answer.exit_code(fail_on)

    raise typer.Exit(guarded(run, debug))


def _format(fmt: WhatIfFormat | None, output: Path | None) -> str:
    from ownership.reports.whatif import FORMAT_BY_EXTENSION

    if fmt is not None:
        return fmt.value
    if output is None:
        return "table"
    found = {**FORMAT_BY_EXTENSION, ".txt": "table"}.get(output.suffix.lower())
    if found is None:
        fail(f"-o {output}: cannot tell the format from '{output.suffix}'; use .json, .md, .html, .txt or --format")
    return found
