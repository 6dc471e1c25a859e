"""Renderers over one ``CheckResult``: they format what the engine computed and never recompute it."""

from __future__ import annotations

from ownership.reports.csv_report import render_csv
from ownership.reports.json_report import render_json, to_document
from ownership.reports.markdown import render_markdown

#: Report formats by file extension (for ``-o FILE`` without ``--format``).
FORMAT_BY_EXTENSION = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "table",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".parquet": "parquet",
}

__all__ = ["FORMAT_BY_EXTENSION", "render_csv", "render_json", "render_markdown", "to_document"]
