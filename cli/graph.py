"""``exposure graph INPUT -o FILE``: the checked equity graph for Gephi, yEd, Graphviz or a Mermaid page.

It takes the policy options ``check`` resolves (through the same function, so a policy file and a profile mean
the same here) and writes one file atomically. Exit codes: 0 written, 2 the input or options could not be used.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import options as o
from cli.common import fail, guarded, refuse_overwriting_input, resolve_policies, run_checks, write_atomically
from cli.convert import InputFormatOpt
from ownership.api import ReadLimits
from ownership.errors import DataWarning
from ownership.model import Policy


class GraphFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    dot = "dot"
    mermaid = "mermaid"


@o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.INPUT_PANEL, o.OUTPUT_PANEL), exclude={"fail_on"})
def graph_command(
    input_path: o.Input,
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="Write the graph here (.graphml, .gexf, .dot/.gv, .mmd/.mermaid)."),
    ],
    flags: o.Flags,
    fmt: Annotated[
        GraphFormat | None, typer.Option("--format", help="Graph format (default: from -o's extension).")
    ] = None,
    profile: Annotated[
        list[str],
        typer.Option(
            "--profile", metavar="NAME", help="Named rule (see `exposure profiles`); one, as a graph shows one."
        ),
    ] = [],  # noqa: B006 - typer needs a literal default for repeatable options
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    entity: Annotated[
        list[str],
        typer.Option(
            "--entity", metavar="ID", help="Only these entities (id or name) decide (the 'decides' attribute)."
        ),
    ] = [],  # noqa: B006
    max_rows: o.MaxRows = o.DEFAULT_MAX_ROWS,
    max_input_mb: o.MaxInputMb = o.DEFAULT_MAX_INPUT_MB,
    input_format: o.InputFormat = InputFormatOpt.auto,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
    subject: o.Subject = None,
    columns: o.ColumnsOpt = [],  # noqa: B006
    lenient: o.Lenient = False,
) -> None:
    """Write the checked equity graph of INPUT: entities with their status and figures, holdings in force.

    Exit codes: 0 the graph was written; 2 the input or options could not be used.
    """
    chosen = _graph_format(fmt, output)
    if len(set(p.strip().casefold() for p in profile)) > 1:
        fail(f"--profile given {len(profile)} times: a graph shows the statuses under one rule; give one")
    refuse_overwriting_input(output, input_path)

    def run() -> None:
        policies, _, watch_warnings = resolve_policies(profile, policy_path, flags, no_policy_file=no_policy_file)
        limits = o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient)
        try:
            _write_graph(
                input_path, input_format.value, policies[0], watch_warnings, entity, chosen, output, quiet, limits
            )
        except OSError as exc:
            fail(f"-o {output}: cannot write it ({exc.strerror or type(exc).__name__})")

    guarded(run, debug)


def _graph_format(fmt: GraphFormat | None, output: Path) -> str:
    from ownership.reports.graph_export import GRAPH_FORMATS

    if fmt is not None:
        return fmt.value
    found = GRAPH_FORMATS.get(output.suffix.lower())
    if found is None:
        known = ", ".join(GRAPH_FORMATS)
        fail(f"-o {output}: cannot tell the graph format from '{output.suffix}'; use one of {known} or --format")
    return found


def _write_graph(
    input_path: Path,
    input_format: str,
    policy: Policy,
    extra_warnings: tuple[DataWarning, ...],
    targets: list[str],
    fmt: str,
    output: Path,
    quiet: bool,
    limits: ReadLimits,
) -> None:
    from rich.console import Console

    from cli.render import render_warnings
    from ownership.reports.chart.data import links_in_force
    from ownership.reports.graph_export import export_graph

    result = run_checks(input_path, input_format, limits, [policy], extra_warnings, targets).primary
    content = export_graph(result, fmt)
    write_atomically(output, content if isinstance(content, str) else content.decode("utf-8"))
    if not quiet:
        err = Console(stderr=True, highlight=False)
        render_warnings(result, err)
        err.print(
            f"wrote {fmt}: {len(result.verdicts):,} entities, {len(links_in_force(result)):,} holdings in force "
            f"({output})",
            markup=False,
        )
