"""Fixtures for the reader tests: small workbooks and text files written to ``tmp_path``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

Rows = Sequence[Sequence[object]]
XlsxWriter = Callable[..., Path]
TextWriter = Callable[..., Path]


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Rows],
    *,
    formats: Mapping[str, Mapping[str, str]] | None = None,
    titles: Mapping[str, Rows] | None = None,
) -> Path:
    """Write a workbook with one worksheet per entry of ``sheets`` (in order).

    Args:
        path: where to save it.
        sheets: sheet name -> rows (lists of cell values; ``None`` is an empty cell, ``[]`` an empty row).
        formats: sheet name -> {cell reference such as "C2": number format such as "0%"}.
        titles: sheet name -> rows written above the sheet's rows (title lines, blank rows).
    """
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        above = list((titles or {}).get(name, ()))
        for number, values in enumerate([*above, *rows], start=1):
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=number, column=column, value=value)
        for ref, number_format in (formats or {}).get(name, {}).items():
            sheet[ref].number_format = number_format
    workbook.save(path)
    return path


@pytest.fixture
def xlsx(tmp_path: Path) -> XlsxWriter:
    """``xlsx(sheets, name="book.xlsx", formats=..., titles=...)`` writes a workbook into tmp_path."""

    def make(
        sheets: Mapping[str, Rows],
        *,
        name: str = "book.xlsx",
        formats: Mapping[str, Mapping[str, str]] | None = None,
        titles: Mapping[str, Rows] | None = None,
    ) -> Path:
        return write_xlsx(tmp_path / name, sheets, formats=formats, titles=titles)

    return make


@pytest.fixture
def text_file(tmp_path: Path) -> TextWriter:
    """``text_file(content, name="holdings.csv")`` writes text (UTF-8) or bytes as given into tmp_path."""

    def make(content: str | bytes, *, name: str = "holdings.csv") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return make
