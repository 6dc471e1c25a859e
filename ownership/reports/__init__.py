"""Renderers over one ``CheckResult``: they format what the engine computed and never recompute it.

Every report format is one ``Renderer`` in ``RENDERERS``: its name, the file extensions that choose it, and
how it is made: ``render(checks, stream, context)`` writes text to a stream, ``write(checks, path, context)``
writes a file (a binary format, or a text one streamed straight into the file). A caller looks the format up
and calls it; nothing outside this module needs to know one format from another. Each renderer imports its
module when called, so importing this package stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ownership.reports.csv_report import render_csv
from ownership.reports.json_report import render_json, to_document
from ownership.reports.markdown import render_markdown

if TYPE_CHECKING:
    from ownership.reports.provenance import Provenance
    from ownership.result import CheckSet


@dataclass(frozen=True)
class Context:
    """What a report may say beyond the result.

    Attributes:
        generated_at: when the report is made (shown by the audit reports).
        files: the other files the run read (policy file, watch lists) with their SHA-256, for the reports
            that show them (``Renderer.shows_files``); None when not given.
        to_file: whether the report goes to a file (``-o``) rather than to standard output.
    """

    generated_at: datetime
    files: Provenance | None = None
    to_file: bool = False


@dataclass(frozen=True)
class Renderer:
    """One report format.

    Attributes:
        name: the ``--format`` name.
        extensions: the file extensions (lower case, with the dot) that choose it for ``-o FILE``.
        render: writes the report as text to a stream; None for formats that are only files.
        write: writes the report into the file at a path; preferred over ``render`` for files.
        file_only: for formats that cannot go to standard output, what they are ("an audit report file",
            "a binary file"), for the message asking for ``-o``.
        beside: files written next to the report (path, text), such as the CSV report's provenance.
        shows_files: whether the report lists the other files the run read (``Context.files``).
        stdout_phase: what the progress bar says while the report is made for standard output.
    """

    name: str
    extensions: tuple[str, ...]
    render: Callable[[CheckSet, TextIO, Context], None] | None = None
    write: Callable[[CheckSet, Path, Context], None] | None = None
    file_only: str | None = None
    beside: Callable[[CheckSet, Path], tuple[tuple[Path, str], ...]] | None = None
    shows_files: bool = False
    stdout_phase: str = ""

    def __post_init__(self) -> None:
        if self.render is None and self.write is None:
            raise ValueError(f"report format {self.name} can neither render nor write")

    def text(self, checks: CheckSet, context: Context) -> str:
        """The report as one text (for standard output, or a file written whole)."""
        import io

        if self.render is None:
            raise ValueError(f"report format {self.name} is a file only")
        buffer = io.StringIO()
        self.render(checks, buffer, context)
        return buffer.getvalue()


def _json_render(checks: CheckSet, stream: TextIO, context: Context) -> None:
    from ownership.reports.json_report import write_json

    write_json(checks, stream, context.files)


def _json_write(checks: CheckSet, path: Path, context: Context) -> None:
    from ownership.reports.json_report import write_json

    # Streamed into the file entity by entity: a registry's report is never held whole.
    with path.open("w", encoding="utf-8", newline="") as sink:
        write_json(checks, sink, context.files)


def _csv_render(checks: CheckSet, stream: TextIO, _context: Context) -> None:
    stream.write(render_csv(checks))


def _csv_write(checks: CheckSet, path: Path, _context: Context) -> None:
    from ownership.reports.csv_report import write_csv

    write_csv(checks, path)


def _csv_beside(checks: CheckSet, output: Path) -> tuple[tuple[Path, str], ...]:
    from ownership.reports.csv_report import provenance_json, provenance_path

    # The rows stay plain CSV; what they were computed from goes beside them.
    return ((provenance_path(output), provenance_json(checks)),)


def _markdown_render(checks: CheckSet, stream: TextIO, _context: Context) -> None:
    stream.write(render_markdown(checks))


def _html_render(checks: CheckSet, stream: TextIO, context: Context) -> None:
    from ownership.reports.html.report import render_html

    stream.write(render_html(checks, context.generated_at, context.files))


def _xlsx_write(checks: CheckSet, path: Path, context: Context) -> None:
    from ownership.reports.xlsx.report import write_xlsx

    # Streamed into the file: a registry's workbook is never held whole.
    write_xlsx(checks, context.generated_at, path, context.files)


def _parquet_write(checks: CheckSet, path: Path, _context: Context) -> None:
    from ownership.reports.csv_report import write_parquet

    write_parquet(checks, path)


#: Every report format of the library, by name.
RENDERERS: Mapping[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", (".json",), render=_json_render, write=_json_write, shows_files=True),
        Renderer("csv", (".csv",), render=_csv_render, write=_csv_write, beside=_csv_beside),
        Renderer("markdown", (".md", ".markdown"), render=_markdown_render),
        Renderer("xlsx", (".xlsx",), write=_xlsx_write, file_only="an audit report file", shows_files=True),
        Renderer("html", (".html", ".htm"), render=_html_render, file_only="an audit report file", shows_files=True),
        Renderer("parquet", (".parquet",), write=_parquet_write, file_only="a binary file"),
    )
}

#: Report formats by file extension (for ``-o FILE`` without ``--format``); ``.txt`` is the terminal table,
#: which the command line draws itself.
FORMAT_BY_EXTENSION = {ext: r.name for r in RENDERERS.values() for ext in r.extensions} | {".txt": "table"}

__all__ = [
    "FORMAT_BY_EXTENSION",
    "RENDERERS",
    "Context",
    "Renderer",
    "render_csv",
    "render_json",
    "render_markdown",
    "to_document",
]
