"""Renderers of a diff (``ownership.analysis.diff.Diff``): JSON (schema ``exposure.diff/1``), CSV, Markdown,
HTML (charts of the changed entities' upstream) and xlsx (the new check's audit workbook with a Changes
sheet). Percentages 0..100 in every format."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ownership.result import FailOn

if TYPE_CHECKING:
    from ownership.analysis.diff import Diff
    from ownership.result import CheckResult

#: The formats ``render_diff`` makes (``table`` is the terminal's, drawn by the command line).
DIFF_FORMATS = ("json", "csv", "markdown", "html", "xlsx")
#: The format an output file's extension chooses.
FORMAT_BY_EXTENSION = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".txt": "table",
}


def render_diff(
    diff: Diff,
    fmt: str,
    *,
    new: CheckResult | None = None,
    fail_on: FailOn = FailOn.FLAGGED,
    generated_at: datetime | None = None,
) -> str | bytes:
    """The diff in ``fmt`` (one of ``DIFF_FORMATS``): text, or bytes for xlsx.

    Args:
        new: the new check (the HTML charts draw its structure; the xlsx is its audit workbook); needed
            for xlsx, optional for HTML.
        fail_on: what the exit code fails on (the JSON's ``newly_failing`` and ``exit_code``).
        generated_at: when the report is made (HTML footer, workbook dates); default now.

    Raises:
        ValueError: an unknown format, or xlsx without ``new``.
    """
    when = generated_at or datetime.now(UTC).replace(microsecond=0)
    if fmt == "json":
        from ownership.reports.diff.document import render_json

        return render_json(diff, fail_on)
    if fmt == "csv":
        from ownership.reports.diff.document import render_csv

        return render_csv(diff)
    if fmt == "markdown":
        from ownership.reports.diff.document import render_markdown

        return render_markdown(diff, fail_on)
    if fmt == "html":
        from ownership.reports.diff.html import render_html

        return render_html(diff, when, new, fail_on)
    if fmt == "xlsx":
        if new is None:
            raise ValueError("the xlsx diff is the new check's audit workbook: it needs the new check")
        from ownership.reports.diff.xlsx import render_xlsx

        return render_xlsx(diff, new, when)
    raise ValueError(f"unknown diff format {fmt!r}; use one of {', '.join(DIFF_FORMATS)}")


__all__ = ["DIFF_FORMATS", "FORMAT_BY_EXTENSION", "render_diff"]
