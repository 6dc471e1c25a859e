"""The options every command that runs a check shares (`check`, `explain`, `graph`), declared once.

Each alias carries its typer declaration, so a command lists the parameter by name and type only, and
``policy_flags`` turns the values into the flag layer of the policy resolution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.convert import INPUT_FORMAT_HELP, InputFormatOpt
from ownership.model import Comparison, ControlMode, HomeBasis, Method, UnrecordedHolders, Weights
from ownership.readers.cells.tables import ReadLayout, ReadLimits
from ownership.result import FailOn

#: The help panels options are grouped in (``--help``).
INPUT_PANEL = "Input"
RULE_PANEL = "Rule"
PARTIES_PANEL = "How parties count"
OUTPUT_PANEL = "Output"
CI_PANEL = "CI gate"

Input = Annotated[
    Path,
    typer.Argument(
        metavar="INPUT",
        show_default=False,
        help="Workbook (.xlsx), holdings CSV, folder with entities.csv + holdings.csv, a BODS, GLEIF, UK PSC or "
        "FollowTheMoney file, or a China A-share top-10 holders CSV (format ashare); detected from the content.",
    ),
]
Jurisdictions = Annotated[
    list[str],
    typer.Option(
        "-j",
        "--jurisdiction",
        metavar="CODE",
        rich_help_panel=RULE_PANEL,
        help="Watched country (repeatable, comma-separable): CN, CHN, China, PRC...",
    ),
]
Profiles = Annotated[
    list[str],
    typer.Option(
        "--profile",
        metavar="NAME",
        rich_help_panel=RULE_PANEL,
        help="Named rule: default, ofac, bis, eu, uk, amlr (see `exposure profiles`); repeat to compare several.",
    ),
]
PolicyFile = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        metavar="FILE",
        rich_help_panel=RULE_PANEL,
        help="TOML policy file (default: ./exposure.toml or \\[tool.exposure] in ./pyproject.toml).",
    ),
]
NoPolicyFile = Annotated[
    bool,
    typer.Option(
        "--no-policy-file",
        metavar="",
        rich_help_panel=RULE_PANEL,
        help="Ignore ./exposure.toml and \\[tool.exposure] in ./pyproject.toml (a --policy file is still read).",
    ),
]
Watchlists = Annotated[
    list[Path],
    typer.Option(
        "--watchlist",
        metavar="FILE",
        rich_help_panel=RULE_PANEL,
        help="CSV/xlsx of parties (id and/or name, optional label) to treat as home; repeatable.",
    ),
]
Threshold = Annotated[
    float | None,
    typer.Option(metavar="PCT", rich_help_panel=RULE_PANEL, help="Threshold in percent (default 50)."),
]
ComparisonOpt = Annotated[
    Comparison | None,
    typer.Option(metavar="gt|ge", rich_help_panel=RULE_PANEL, help="gt: more than (default); ge: at least."),
]
MethodOpt = Annotated[
    Method | None,
    typer.Option(
        metavar="NAME",
        rich_help_panel=RULE_PANEL,
        help="Which figure decides the status: cascade (default), lookthrough or either.",
    ),
]
Home = Annotated[
    HomeBasis | None,
    typer.Option(
        metavar="BASIS",
        rich_help_panel=PARTIES_PANEL,
        help="Which country makes an entity a home entity: headquarters, incorporation or either (default).",
    ),
]
PassThrough = Annotated[
    float | None,
    typer.Option(
        "--pass-through",
        metavar="PCT",
        rich_help_panel=RULE_PANEL,
        help="Cascade pass-through threshold in percent (default: --threshold).",
    ),
]
PassThroughComparison = Annotated[
    Comparison | None,
    typer.Option(
        "--pass-through-comparison",
        metavar="gt|ge",
        rich_help_panel=RULE_PANEL,
        help="Comparison for pass-through: gt or ge (default: --comparison).",
    ),
]
Aggregate = Annotated[
    bool | None,
    typer.Option(
        "--aggregate/--no-aggregate",
        metavar="",
        rich_help_panel=PARTIES_PANEL,
        help="Add different home parties' stakes (default), or assess each alone.",
    ),
]
WeightsOpt = Annotated[
    Weights | None,
    typer.Option(
        metavar="NAME",
        rich_help_panel=PARTIES_PANEL,
        help="equity (default), or votes where a votes column gives them.",
    ),
]
Control = Annotated[
    ControlMode | None,
    typer.Option(
        metavar="MODE",
        rich_help_panel=PARTIES_PANEL,
        help="Control rows (VIE, board rights): report (default), possible (make the subject possible) or taints.",
    ),
]
Entities = Annotated[
    list[str],
    typer.Option(
        "--entity",
        metavar="ID",
        rich_help_panel=CI_PANEL,
        help="Only these entities (id or name) decide the exit code; repeatable.",
    ),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        metavar="STATUS",
        rich_help_panel=CI_PANEL,
        help="What makes the exit code 1: flagged (default), possible (what a gate wants) or never.",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        rich_help_panel=RULE_PANEL,
        help="Evaluate holdings valid on this date (YYYY-MM-DD; default today).",
    ),
]
Unrecorded = Annotated[
    UnrecordedHolders | None,
    typer.Option(
        "--unrecorded-holders",
        metavar="READING",
        rich_help_panel=PARTIES_PANEL,
        help="An entity with no recorded holders and no ultimate mark: unknown owners (unknown, default), or its "
        "own ultimate owner (ultimate).",
    ),
]
AllowOverallocation = Annotated[
    bool,
    typer.Option(
        "--allow-overallocation",
        metavar="",
        rich_help_panel=INPUT_PANEL,
        help="Proceed when a subject's stakes sum above 100%, rescaling them to 100%.",
    ),
]
MaxRows = Annotated[
    int,
    typer.Option(
        "--max-rows",
        min=1,
        metavar="N",
        rich_help_panel=INPUT_PANEL,
        help="Refuse inputs with more rows per sheet or file (default 10,000,000).",
        show_default=False,
    ),
]
MaxInputMb = Annotated[
    int,
    typer.Option(
        "--max-input-mb",
        min=1,
        metavar="MB",
        rich_help_panel=INPUT_PANEL,
        help="Refuse text files, or unpacked workbooks, larger than this (default 2048).",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", metavar="", rich_help_panel=OUTPUT_PANEL, help="No warnings or summary on stderr."),
]
Debug = Annotated[
    bool,
    typer.Option(
        "--debug", metavar="", rich_help_panel=OUTPUT_PANEL, help="Show the traceback of an unexpected error."
    ),
]
InputFormat = Annotated[
    InputFormatOpt,
    typer.Option(
        "--input-format", metavar="FORMAT", rich_help_panel=INPUT_PANEL, help=INPUT_FORMAT_HELP, show_default=False
    ),
]
Subject = Annotated[
    str | None,
    typer.Option(
        "--subject",
        metavar="NAME",
        rich_help_panel=INPUT_PANEL,
        help="The company a register of members is about (a holdings sheet with no subject column); default: "
        "the company the title row names, else the file name.",
    ),
]
ColumnsOpt = Annotated[
    list[str],
    typer.Option(
        "--columns",
        metavar="FIELD=HEADER",
        rich_help_panel=INPUT_PANEL,
        help='Read the column headed HEADER as FIELD, e.g. holder_country="Country of residence", or '
        'ignore="Old country"; repeatable.',
    ),
]
Wide = Annotated[
    bool,
    typer.Option(
        "--wide",
        metavar="",
        rich_help_panel=OUTPUT_PANEL,
        help="The terminal table with full names and reasons, however wide (default: fit the terminal).",
    ),
]
Lenient = Annotated[
    bool,
    typer.Option(
        "--lenient",
        metavar="",
        rich_help_panel=INPUT_PANEL,
        help="Columns and sheets that look like data but are not read are warnings, not errors (exit 2).",
    ),
]

DEFAULT_MAX_ROWS = 10_000_000
DEFAULT_MAX_INPUT_MB = 2048


def split_jurisdictions(values: list[str]) -> list[str] | None:
    """-j values split on commas; the policy resolution normalises and checks them."""
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return parts or None


def policy_flags(
    *,
    jurisdiction: list[str],
    threshold: float | None,
    comparison: Comparison | None,
    method: Method | None,
    home: HomeBasis | None,
    pass_through: float | None,
    pass_through_comparison: Comparison | None,
    aggregate: bool | None,
    weights: Weights | None,
    control: ControlMode | None,
    allow_overallocation: bool,
    as_of: str | None,
    unrecorded_holders: UnrecordedHolders | None = None,
    fail_on: FailOn | None,
    watchlist: list[Path],
) -> dict[str, object]:
    """The command-line layer of the policy (None where the user gave nothing, so lower layers apply)."""
    return {
        "jurisdictions": split_jurisdictions(jurisdiction),
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
        "unrecorded_holders": unrecorded_holders.value if unrecorded_holders else None,
        "as_of": as_of,
        "fail_on": fail_on.value if fail_on else None,
        "watchlists": [str(p) for p in watchlist] or None,
    }


def read_limits(
    max_rows: int,
    max_input_mb: int,
    *,
    subject: str | None = None,
    columns: list[str] | None = None,
    lenient: bool = False,
) -> ReadLimits:
    """The reader's caps, with what the user said about the sheets (``--subject``, ``--columns``,
    ``--lenient``)."""
    layout = ReadLayout(subject=(subject or "").strip() or None, columns=parse_columns(columns or []), lenient=lenient)
    return ReadLimits(max_bytes=max_input_mb * 1024 * 1024, max_rows=max_rows, layout=layout)


def parse_columns(values: list[str]) -> tuple[tuple[str, str], ...]:
    """``--columns FIELD=HEADER`` values as (field, header) pairs.

    Raises:
        PolicyError: a value without '=', or a field exposure does not know (one line, exit 2).
    """
    from ownership.errors import PolicyError
    from ownership.readers.cells.columns import known_fields, mapping_field

    pairs: list[tuple[str, str]] = []
    known = set(known_fields())
    for value in values:
        name, sep, header = value.partition("=")
        header = header.strip().strip('"').strip("'").strip()
        if not sep or not name.strip() or not header:
            raise PolicyError(f"--columns '{value}': write FIELD=HEADER, e.g. holder_country=\"Country\"")
        field = mapping_field(name)
        if field not in known and name.strip() not in known:
            raise PolicyError(
                f"--columns '{value}': '{name.strip()}' is not a field; use one of {', '.join(sorted(known))}"
            )
        pairs.append((field, header))
    return tuple(pairs)
