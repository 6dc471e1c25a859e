"""Cell text that spreadsheets show as typed: formula-looking text is inert in CSV and in workbooks."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell

from ownership.reports.cells import MAX_CELL_TEXT, cell_text, inert, looks_like_formula, put_text

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+1 Holdings",
    "-X-",
    "@corp",
    "\t=1+1",
    "\r=1+1",
    "\nx",
    "  =SUM(A1:A2)",
    "\u00a0+cmd",  # a no-break space before the sign
    "-2",
]
PLAIN = ["Helio Robotics Pte Ltd", "Li Na (李娜)", "A=B Holdings", "x-1", "", "   ", "#N/A", "'quoted"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_looking_text_is_recognised(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_left_alone(text: str) -> None:
    assert not looks_like_formula(text)
    assert inert(text) == text


def test_inert_prefixes_an_apostrophe() -> None:
    assert inert("=1+1") == "'=1+1"
    assert inert("+1 Holdings") == "'+1 Holdings"
    assert inert("  @corp") == "'  @corp"
    assert inert("\tx") == "'\tx"


def _round_trip(texts: list[str]) -> list[Cell]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row, text in enumerate(texts, start=1):
        cell = sheet.cell(row, 1)
        assert isinstance(cell, Cell)
        put_text(cell, text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert loaded is not None
    cells = []
    for row in range(1, len(texts) + 1):
        cell = loaded.cell(row, 1)
        assert isinstance(cell, Cell)
        cells.append(cell)
    return cells


def test_workbook_cells_keep_the_text_and_are_never_formulas() -> None:
    texts = [t for t in HOSTILE + PLAIN if "\r" not in t and t]
    for text, cell in zip(texts, _round_trip(texts), strict=True):
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix == looks_like_formula(text)


def test_workbook_cells_drop_what_xml_cannot_carry() -> None:
    long = "x" * (MAX_CELL_TEXT + 10)
    cells = _round_trip(["a\x00b\x1fc", "\ud800x\ufffe", "a\r\nb\rc", long])
    assert cells[0].value == "a\ufffdb\ufffdc"
    assert cells[1].value == "\ufffdx\ufffd"
    assert cells[2].value == "a\nb\nc"
    assert isinstance(cells[3].value, str)
    assert len(cells[3].value) == MAX_CELL_TEXT
    assert cells[3].value.endswith("…")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_any_text_comes_back_as_the_same_string(texts: list[str]) -> None:
    """Whatever a register holds, the workbook opens and each cell is a string equal to ``cell_text``."""
    for text, cell in zip(texts, _round_trip(texts), strict=True):
        expected = cell_text(text)
        assert (cell.value or "") == expected
        if expected:
            assert cell.data_type == "s"
