"""`exposure explain INPUT ENTITY`: why one entity has its status, as a tree in the terminal (or JSON/Markdown)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli import options as o
from cli.common import guarded, refuse_overwriting_input, resolve_policies, run_checks, write_atomically
from cli.convert import InputFormatOpt
from cli.spark import Engine, EngineOpt, SparkConf, SparkMaster, refuse_spark_only, spark_upstream_checks
from ownership.api import ReadLimits
from ownership.errors import PolicyError


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


@o.setting_options(panels=(o.RULE_PANEL, o.PARTIES_PANEL, o.INPUT_PANEL, o.OUTPUT_PANEL, o.CI_PANEL))
def explain_command(
    input_path: o.Input,
    entity: Annotated[str, typer.Argument(metavar="ENTITY", help="The entity to explain: its id or unique name.")],
    flags: o.Flags,
    profile: o.Profiles = [],  # noqa: B006 - typer needs a literal default for repeatable options
    policy_path: o.PolicyFile = None,
    no_policy_file: o.NoPolicyFile = False,
    fmt: Annotated[
        ExplainFormat,
        typer.Option(
            "--format",
            metavar="FORMAT",
            rich_help_panel=o.OUTPUT_PANEL,
            help="table (a tree, default), json or markdown.",
        ),
    ] = ExplainFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", metavar="FILE", rich_help_panel=o.OUTPUT_PANEL, help="Write the explanation to this file."
        ),
    ] = None,
    max_rows: o.MaxRows = o.DEFAULT_MAX_ROWS,
    max_input_mb: o.MaxInputMb = o.DEFAULT_MAX_INPUT_MB,
    input_format: o.InputFormat = InputFormatOpt.auto,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
    subject: o.Subject = None,
    columns: o.ColumnsOpt = [],  # noqa: B006
    lenient: o.Lenient = False,
    engine: Engine = EngineOpt.memory,
    spark_master: SparkMaster = None,
    spark_conf: SparkConf = [],  # noqa: B006
) -> None:
    """Explain why ENTITY in INPUT is home, flagged, possible or clear: the rule in plain words, the cascade
    step by step, and the largest look-through chains.

    Exit codes as for `check`, with ENTITY the only entity that decides: 0 clear (or possible), 1 flagged
    or home, 2 the input or options could not be used.
    """
    refuse_spark_only(engine, spark_master, spark_conf)
    if engine is EngineOpt.memory:
        refuse_overwriting_input(output, input_path)

    def run() -> int:
        from ownership.reports.explanation import (
            explanation_document,
            explanation_tree,
            render_explanation_markdown,
        )

        policies, chosen_fail_on, watch_warnings = resolve_policies(
            profile, policy_path, flags, no_policy_file=no_policy_file
        )
        limits = o.read_limits(max_rows, max_input_mb, subject=subject, columns=columns, lenient=lenient)
        try:
            if engine is EngineOpt.spark:
                results = spark_upstream_checks(input_path, entity, policies, watch_warnings, spark_master, spark_conf)
            else:
                results = run_checks(input_path, input_format.value, limits, policies, watch_warnings, [entity]).results
        except PolicyError as exc:
            if "is not an entity id or name" not in exc.reason:
                raise
            raise PolicyError(no_entity(entity, input_path, limits, input_format.value)) from None
        verdicts = [r.verdict(r.targets[0]) for r in results]
        if fmt is ExplainFormat.json:
            docs = [explanation_document(r, v) for r, v in zip(results, verdicts, strict=True)]
            text = json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n"
        elif fmt is ExplainFormat.markdown:
            text = "\n".join(render_explanation_markdown(r, v) for r, v in zip(results, verdicts, strict=True))
        else:
            text = ""
        if fmt is ExplainFormat.table:
            console = Console(highlight=False, width=160 if output is not None else None, record=output is not None)
            for r, v in zip(results, verdicts, strict=True):
                console.print(explanation_tree(r, v))
            if output is not None:
                write_atomically(output, console.export_text())
        elif output is not None:
            write_atomically(output, text)
        else:
            sys.stdout.write(text)
        if not quiet and output is not None:
            Console(stderr=True, highlight=False).print(f"explanation of {entity} written to {output}", markup=False)
        return max(r.exit_code(chosen_fail_on) for r in results)

    raise typer.Exit(guarded(run, debug))


def no_entity(entity: str, input_path: Path, limits: ReadLimits, input_format: str) -> str:
    """The message for an ENTITY that is in the input neither as an id nor as a name, with the closest ids
    and names (those it begins, then the most alike)."""
    import difflib

    from ownership.api import read

    data = read(input_path, input_format=input_format, limits=limits)
    ids = [e.id for e in data.entities]
    names = list(dict.fromkeys([*ids, *(e.name for e in data.entities)]))
    key = " ".join(entity.split()).casefold()

    def likeness(text: str) -> float:
        return difflib.SequenceMatcher(None, key, text.casefold()).ratio()

    # Ids containing the text first (the likeliest, then input order), then names, then anything alike.
    containing = [n for n in names if key in n.casefold()]
    close = sorted(containing, key=lambda n: (n not in ids, -likeness(n)))
    folded = {n.casefold(): n for n in reversed(names)}
    close += [folded[n] for n in difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)]
    close = list(dict.fromkeys(close))[:3]
    text = f"no entity '{entity}' in {input_path}"
    if not close:
        return f"{text}; give an id or a name as the input spells it"
    listed = ", ".join(close[:-1]) + (" or " if len(close) > 1 else "") + close[-1]
    return f"{text}; did you mean {listed}?"
