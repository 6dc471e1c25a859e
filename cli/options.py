"""The options every command that runs a check shares (`check`, `explain`, `graph`), declared once.

The policy settings' options are made from their declarations (``ownership.policy.schema``) by
``setting_options``, which adds them to a command's signature and hands the command their values as the
flag layer of the policy resolution. The other shared options are aliases that carry their typer
declaration, so a command lists the parameter by name and type only.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import typer
from typer.models import ArgumentInfo, OptionInfo

from cli.convert import INPUT_FORMAT_HELP, InputFormatOpt
from ownership.api import ReadLimits
from ownership.policy.schema import CI_PANEL as CI_PANEL
from ownership.policy.schema import INPUT_PANEL as INPUT_PANEL
from ownership.policy.schema import PARTIES_PANEL as PARTIES_PANEL
from ownership.policy.schema import RULE_PANEL as RULE_PANEL
from ownership.policy.schema import SETTINGS, Setting, setting

#: The help panels options are grouped in (``--help``); the settings' panels are declared with them.
OUTPUT_PANEL = "Output"

Input = Annotated[
    Path,
    typer.Argument(
        metavar="INPUT",
        show_default=False,
        help="Workbook (.xlsx), holdings CSV, folder with entities.csv + holdings.csv, a BODS, GLEIF, UK PSC or "
        "FollowTheMoney file, or a China A-share top-10 holders CSV (format ashare); detected from the content.",
    ),
]
_PROFILE: Final = setting("profile")
Profiles = Annotated[
    list[str],
    typer.Option(_PROFILE.flag, metavar=_PROFILE.metavar, rich_help_panel=_PROFILE.panel, help=_PROFILE.help),
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
Entities = Annotated[
    list[str],
    typer.Option(
        "--entity",
        metavar="ID",
        rich_help_panel=CI_PANEL,
        help="Only these entities (id or name) decide the exit code; repeatable.",
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


#: The flag layer of the policy resolution, by setting name (TOML-level values; a setting the user did not
#: give is absent or None, so the lower layers apply).
Flags = dict[str, object]

#: The order options are listed in within each ``--help`` panel, by parameter name (a command's own
#: parameters and the settings alike). An option not listed here, such as a newly declared setting, follows
#: the listed ones of its panel.
HELP_ORDER: Final = (
    # Rule
    "jurisdictions",
    "profile",
    "policy_path",
    "no_policy_file",
    "watchlists",
    "threshold",
    "comparison",
    "method",
    "pass_through",
    "pass_through_comparison",
    "as_of",
    # How parties count
    "home",
    "aggregate",
    "weights",
    "control",
    "unrecorded_holders",
    # CI gate
    "entity",
    "fail_on",
    # Input
    "allow_overallocation",
    "max_rows",
    "max_input_mb",
    "input_format",
    "subject",
    "columns",
    "lenient",
    # Output
    "fmt",
    "output",
    "quiet",
    "debug",
    "wide",
)


def _flagged_settings() -> tuple[Setting, ...]:
    """The settings the flag layer takes from the command line (the profile is an option of its own)."""
    return tuple(s for s in SETTINGS if s.flag is not None and s.role in ("policy", "beside"))


def _option(s: Setting) -> tuple[object, object]:
    """The typer annotation and default of setting ``s``'s option."""
    if s.flag is None:
        raise TypeError(f"setting {s.name!r} has no command-line flag")
    names = [f"{s.flag}/{s.off_flag}"] if s.off_flag is not None else [n for n in (s.short, s.flag) if n]
    value_type: Any
    default: object = None
    if s.kind == "bool":
        # A switch that can only turn the setting on is False until given; one with an off flag is None.
        value_type, default = (bool | None, None) if s.off_flag is not None else (bool, False)
    elif s.kind == "percent":
        value_type = float | None
    elif s.kind == "choice":
        # typer offers a Literal's values as the choices, and refuses others with its usual message.
        codes: Any = Literal.__getitem__(s.choices)
        value_type = codes | None
    elif s.kind == "paths":
        value_type = list[Path] if s.repeatable else Path | None
    elif s.repeatable:
        value_type = list[str]
    else:
        value_type = str | None
    if s.repeatable:
        default = []
    info = typer.Option(*names, metavar=s.metavar, rich_help_panel=s.panel, help=s.help)
    return Annotated[value_type, info], default


def _given(s: Setting, value: object) -> object:
    """An option's value as the flag layer takes it: None where the user gave nothing."""
    if s.kind == "countries" and isinstance(value, list):
        return split_jurisdictions([str(v) for v in value])
    if isinstance(value, list):
        return [str(v) for v in value] or None
    if s.kind == "bool" and s.off_flag is None:
        return True if value else None
    return value


def flag_layer(values: Mapping[str, object]) -> Flags:
    """The flag layer from options' values by setting name (what ``setting_options`` passes as ``flags``)."""
    return {s.name: _given(s, values[s.name]) for s in _flagged_settings() if s.name in values}


def _placement(panels: tuple[str, ...]) -> Callable[[tuple[int, inspect.Parameter]], tuple[int, int]]:
    def key(item: tuple[int, inspect.Parameter]) -> tuple[int, int]:
        index, param = item
        info = next(
            (m for m in typing.get_args(param.annotation)[1:] if isinstance(m, ArgumentInfo | OptionInfo)), None
        )
        if info is None or isinstance(info, ArgumentInfo):
            return (-2, index)  # arguments first, as declared
        panel = info.rich_help_panel
        if panel is None:
            return (-1, index)  # the unnamed "Options" panel, as declared
        if panel not in panels:
            raise TypeError(f"option {param.name!r}: panel {panel!r} is not in the command's panels {panels}")
        rank = HELP_ORDER.index(param.name) if param.name in HELP_ORDER else len(HELP_ORDER) + index
        return (panels.index(panel), rank)

    return key


def setting_options(
    *, panels: tuple[str, ...], exclude: Collection[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command one option per policy setting, made from the schema, and their values as ``flags``.

    The command declares its own parameters and ``flags: Flags``; the options of every setting with a
    command-line flag (except ``exclude``) are added to its signature, and their values reach it as the flag
    layer of the policy resolution. ``--help`` lists the panels in the order ``panels`` gives and, inside a
    panel, the options in ``HELP_ORDER``.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(command, eval_str=True).parameters
        if "flags" not in own:
            raise TypeError(f"{command.__name__} takes no 'flags' parameter")
        chosen = [s for s in _flagged_settings() if s.name not in exclude and s.name not in own]
        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own.values() if p.name != "flags"]
        for s in chosen:
            annotation, default = _option(s)
            params.append(
                inspect.Parameter(s.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            )
        ordered = [p for _, p in sorted(enumerate(params), key=_placement(panels))]

        @functools.wraps(command)
        def run(**values: object) -> None:
            flags = flag_layer({s.name: values.pop(s.name) for s in chosen})
            command(**values, flags=flags)

        run.__signature__ = inspect.Signature(ordered)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in ordered}
        return run

    return decorate


def read_limits(
    max_rows: int,
    max_input_mb: int,
    *,
    subject: str | None = None,
    columns: list[str] | None = None,
    lenient: bool = False,
) -> ReadLimits:
    """The reader's caps, with what the user said about the sheets (``--subject``, ``--columns``,
    ``--lenient``): ``ownership.api.read_limits``, which ``ownership.read`` takes the same options to."""
    from ownership.api import read_limits as limits

    return limits(max_rows=max_rows, max_input_mb=max_input_mb, subject=subject, columns=columns or [], lenient=lenient)
