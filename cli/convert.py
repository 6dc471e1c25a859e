"""`exposure convert`: any input exposure reads, written as the canonical workbook for review."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from datetime import date


class FolderFormatOpt(StrEnum):
    """``--format`` of a folder: the two tables as Parquet or CSV files."""

    parquet = "parquet"
    csv = "csv"


class InputFormatOpt(StrEnum):
    """``--input-format``: detect the format from the content (auto), or use the named reader."""

    auto = "auto"
    workbook = "workbook"
    csv = "csv"
    folder = "folder"
    bods = "bods"
    gleif = "gleif"
    uk_psc = "uk-psc"
    ftm = "ftm"
    ashare = "ashare"


INPUT_FORMAT_HELP = (
    "The input's format: auto (from its content, default), workbook, csv, folder, bods, gleif, uk-psc, ftm "
    "or ashare (China A-share top-10 holders)."
)


def convert_command(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Workbook, holdings CSV, folder, or a BODS, GLEIF, UK PSC, FollowTheMoney or A-share file or folder.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            help="The workbook to write (.xlsx), or a folder (a name ending in /, an existing folder, or with "
            "--format) for the canonical entities and holdings tables.",
        ),
    ],
    input_format: Annotated[
        InputFormatOpt, typer.Option("--input-format", help=INPUT_FORMAT_HELP)
    ] = InputFormatOpt.auto,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Keep only the holdings in force on this date (default: all, with their dates)."),
    ] = None,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Refuse inputs with more rows per sheet or file.")
    ] = 10_000_000,
    max_input_mb: Annotated[
        int, typer.Option("--max-input-mb", min=1, help="Refuse text files, or unpacked workbooks, larger than this.")
    ] = 2048,
    file_format: Annotated[
        FolderFormatOpt | None,
        typer.Option(
            "--format",
            help="For a folder: parquet (default) or csv files entities and holdings, with typed columns (stakes "
            "in percent as low and high ends), for the Spark engine.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or summary on stderr.")] = False,
    debug: Annotated[bool, typer.Option(help="Show the traceback of an unexpected error.")] = False,
) -> None:
    """Write INPUT as the canonical workbook (sheets Entities and Holdings) to review, correct and check,
    or as a folder of entities and holdings tables (Parquet or CSV) for the Spark engine.

    Each row names its source. Exit codes: 0 written; 2 the input or options could not be used.
    """
    from cli.common import fail, guarded, refuse_overwriting_input

    path = Path(output)
    folder = file_format is not None or output.endswith(("/", os.sep)) or path.is_dir()
    if not folder and path.suffix.lower() != ".xlsx":
        fail(
            f"-o {output}: the canonical workbook is an .xlsx file; give a name ending in .xlsx, or a folder "
            "(ending in /) for Parquet or CSV tables"
        )
    if folder and path.suffix.lower() == ".xlsx" and not path.is_dir():
        fail(f"-o {output}: --format {file_format} writes a folder; give a folder name, not an .xlsx file")
    refuse_overwriting_input(None if folder else path, input_path)
    day = _as_of(as_of)
    chosen = (file_format or FolderFormatOpt.parquet).value if folder else None
    guarded(lambda: _convert(input_path, path, input_format.value, day, max_rows, max_input_mb, quiet, chosen), debug)


def _as_of(text: str | None) -> date | None:
    from datetime import date

    from cli.common import fail

    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"--as-of {text}: use a date written YYYY-MM-DD")


def _convert(
    input_path: Path,
    output: Path,
    input_format: str,
    day: date | None,
    max_rows: int,
    max_input_mb: int,
    quiet: bool,
    folder_format: str | None = None,
) -> None:
    from rich.console import Console

    from cli.common import fail
    from cli.render import render_warnings
    from ownership.api import data_in_force, read
    from ownership.model import Policy
    from ownership.result import CheckResult, VerdictTuple
    from ownership.writers import write_canonical_workbook

    data = read(input_path, input_format=input_format, max_rows=max_rows, max_input_mb=max_input_mb)
    notes: list[tuple[str, str]] = []
    if day is not None:
        data, left_out = data_in_force(data, day)
        notes.append(("as of", f"{day.isoformat()}: {left_out} holdings not in force on that date left out"))
    if folder_format is not None:
        from cli.common import files_read
        from ownership.writers.canonical_folder import write_canonical_folder
        from ownership.writers.output import OutputError

        try:
            write_canonical_folder(data, output, "csv" if folder_format == "csv" else "parquet", files_read())
        except OutputError as exc:
            fail(exc.one_line())
    else:
        try:
            write_canonical_workbook(data, output, notes=notes)
        except OSError as exc:
            fail(f"-o {output}: cannot write it ({exc.strerror or type(exc).__name__})")
    if quiet:
        return
    err = Console(stderr=True, highlight=False)
    # The same warning lines as `exposure check` prints (a result with no verdicts carries just the warnings).
    render_warnings(CheckResult(Policy(), data.source, VerdictTuple(()), data.warnings, (), 0), err)
    parties = len({e.id for e in data.entities} | {p for h in data.holdings for p in (h.holder, h.subject)})
    err.print(
        f"wrote {output}: {parties} entities, {len(data.holdings)} holdings from {data.source.path} "
        f"({data.source.format})",
        markup=False,
    )
