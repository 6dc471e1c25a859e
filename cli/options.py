"""The options every command that runs a check shares (`check`, `explain`, `graph`), declared once.

Each alias carries its typer declaration, so a command lists the parameter by name and type only, and
``policy_flags`` turns the values into the flag layer of the policy resolution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.convert import INPUT_FORMAT_HELP, InputFormatOpt
from ownership.model import Comparison, ControlMode, HomeBasis, Method, Weights
from ownership.readers.tables import ReadLimits
from ownership.result import FailOn

Input = Annotated[
    Path,
    typer.Argument(
        metavar="INPUT",
        help="Workbook (.xlsx), holdings CSV, folder with entities.csv + holdings.csv, a BODS, GLEIF, UK PSC or "
        "FollowTheMoney file, or a China A-share top-10 holders CSV (format ashare); detected from the content.",
    ),
]
Jurisdictions = Annotated[
    list[str],
    typer.Option("-j", "--jurisdiction", help="Watched country (repeatable, comma-separable): CN, CHN, China, PRC..."),
]
Profiles = Annotated[
    list[str], typer.Option("--profile", help="Named rule (see `exposure profiles`); repeat to compare several.")
]
PolicyFile = Annotated[
    Path | None,
    typer.Option(
        "--policy", help="TOML policy file (default: ./exposure.toml or \\[tool.exposure] in ./pyproject.toml)."
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
    typer.Option("--watchlist", help="CSV/xlsx of parties (id and/or name, optional label) to treat as home."),
]
Threshold = Annotated[float | None, typer.Option(help="Threshold in percent (default 50).")]
ComparisonOpt = Annotated[Comparison | None, typer.Option(help="gt: more than (default); ge: at least.")]
MethodOpt = Annotated[Method | None, typer.Option(help="Which figure decides the status (default cascade).")]
Home = Annotated[HomeBasis | None, typer.Option(help="Which country makes an entity a home entity (default either).")]
PassThrough = Annotated[
    float | None,
    typer.Option("--pass-through", help="Cascade pass-through threshold in percent (default: --threshold)."),
]
PassThroughComparison = Annotated[
    Comparison | None, typer.Option(help="Comparison for pass-through (default: --comparison).")
]
Aggregate = Annotated[
    bool | None,
    typer.Option("--aggregate/--no-aggregate", help="Add different home parties' stakes, or assess each alone."),
]
WeightsOpt = Annotated[Weights | None, typer.Option(help="Use equity stakes, or votes where given.")]
Control = Annotated[
    ControlMode | None,
    typer.Option(help="Control rows (VIE, board rights): report only, make the subject possible, or taint it."),
]
Entities = Annotated[
    list[str], typer.Option("--entity", help="Only these entities (id or name) decide the exit code; repeatable.")
]
FailOnOpt = Annotated[FailOn | None, typer.Option(help="What makes the exit code 1 (default flagged).")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Evaluate holdings valid on this date (YYYY-MM-DD).")]
AllowOverallocation = Annotated[
    bool, typer.Option(help="Proceed when a subject's stakes sum above 100%, rescaling them to 100%.")
]
MaxRows = Annotated[int, typer.Option("--max-rows", min=1, help="Refuse inputs with more rows per sheet or file.")]
MaxInputMb = Annotated[
    int, typer.Option("--max-input-mb", min=1, help="Refuse text files, or unpacked workbooks, larger than this.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or summary on stderr.")]
Debug = Annotated[bool, typer.Option(help="Show the traceback of an unexpected error.")]
InputFormat = Annotated[InputFormatOpt, typer.Option("--input-format", help=INPUT_FORMAT_HELP)]

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
        "as_of": as_of,
        "fail_on": fail_on.value if fail_on else None,
        "watchlists": [str(p) for p in watchlist] or None,
    }


def read_limits(max_rows: int, max_input_mb: int) -> ReadLimits:
    return ReadLimits(max_bytes=max_input_mb * 1024 * 1024, max_rows=max_rows)
