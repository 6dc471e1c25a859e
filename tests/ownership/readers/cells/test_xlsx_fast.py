"""The fast xlsx reader returns exactly what the openpyxl path returns, value types included.

Workbooks written by openpyxl (the fixtures, the samples, and workbooks built here) use inline text, which
the byte scan reads itself; ``test_xlsx_fast_excel`` covers workbooks laid out as Excel writes them.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from ownership.errors import InputError
from ownership.readers.cells.tables import DEFAULT_LIMITS, Cell, RawTable, ReadLimits, UncachedFormula, read_workbook
from ownership.readers.cells.xlsx.fast import read_workbook_fast

REPO = Path(__file__).resolve().parents[4]
WORKBOOKS = sorted([*(REPO / "tests" / "fixtures").rglob("*.xlsx"), *(REPO / "data" / "samples").rglob("*.xlsx")])

#: Fixtures the fast path leaves to openpyxl, and why.
STEPS_ASIDE = {
    "nan_cell.xlsx": "a number cell holding NaN: openpyxl's path names the cell",
    "xml-not-well-formed.xlsx": "damaged XML: openpyxl's path names the error",
    "zip-patched-data-flag.xlsx": "an archive member zipfile cannot unpack",
    "zip-styles-bad-deflate.xlsx": "an archive member zipfile cannot unpack",
}

Typed = list[tuple[str, str | None, tuple[object, ...], list[tuple[int, list[tuple[type, object, bool]]]]]]


def typed(tables: list[RawTable]) -> Typed:
    """Tables with each value's type beside it: ``==`` alone takes 1, 1.0 and True for the same value."""
    return [
        (
            t.file,
            t.sheet,
            t.warnings,
            [(n, [(type(c.value), c.value, c.percent_format) for c in cells]) for n, cells in t.rows],
        )
        for t in tables
    ]


def outcome(path: Path, *, fast: bool, limits: ReadLimits = DEFAULT_LIMITS) -> Typed | tuple[str, str, object]:
    try:
        return typed(read_workbook(path, path.name, limits, fast=fast))
    except InputError as exc:
        return ("InputError", exc.reason, exc.where)


def fast_tables(path: Path) -> list[RawTable]:
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert tables is not None, "the fast path stepped aside"
    return tables


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_fixture_reads_as_with_openpyxl(path: Path) -> None:
    assert outcome(path, fast=True) == outcome(path, fast=False)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_path_reads_every_readable_fixture(path: Path) -> None:
    reference = outcome(path, fast=False)
    if isinstance(reference, tuple):
        pytest.skip("openpyxl refuses it too")
    tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
    assert (tables is None) == (path.name in STEPS_ASIDE)
    if tables is not None:
        assert typed(tables) == reference


def test_the_fixture_list_is_not_empty() -> None:
    assert len(WORKBOOKS) > 20
    assert {p.name for p in WORKBOOKS} >= set(STEPS_ASIDE)


def mixed_workbook(path: Path) -> Path:
    """Every kind of cell openpyxl writes, in the places the reader must get right."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Holdings"
    sheet.append(["holder", "subject", "percent", "start", "note"])
    sheet.append(["A", "B", 36, dt.datetime(2020, 1, 2), "plain"])
    sheet.append(["A", "C", 36.5, dt.date(2021, 3, 4), " leading and trailing "])
    sheet.append(["B", "C", 0.25, dt.datetime(2020, 1, 2, 13, 45, 30, 123456), " "])
    sheet.append([])  # a blank row between holdings
    sheet.append(["C", "D", 0.125, dt.time(12, 30), "a < b & c > d \"q\" 'a'"])
    sheet.append(["D", "E", 12345678901234567890, dt.timedelta(hours=30), "中国 控股 😀"])
    sheet.append(["E", "F", 1e20, True, "line\nbreak\tand tab"])
    sheet.append(["F", "G", -0.0, False, "#N/A"])
    sheet.append(["G", "H", 1.5e-10, "=1/0", "_x000D_ and x005F_ stay as written"])
    sheet.append(["H", "I", "=C2*2", None, ""])
    sheet["H12"] = "far to the right"  # sparse: a value past the header
    sheet["A14"] = "merged"
    sheet.merge_cells("A14:C14")
    for ref, number_format in {
        "C3": "0%",
        "C4": "0.00%",
        "C6": "0.0%",
        "C7": "#,##0.00%",
        "C8": '0.0"%"',  # a quoted % is a literal, not a percent format
        "C9": "0.0\\%",  # so is an escaped one
        "C10": "[Red]0%;[Blue]-0%",
        "E2": "0%",  # a percent format on text
        "D12": "0%",  # on a blank cell, which still ends the row
    }.items():
        sheet[ref].number_format = number_format
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden["C3"] = "x"
    very = book.create_sheet("VeryHidden")
    very.sheet_state = "veryHidden"
    very["A1"] = 1
    book.create_sheet("Empty")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=3, min_row=2, max_row=4))
    book.create_chartsheet("Chart").add_chart(chart)
    book.save(path)
    return path


def test_mixed_workbook(tmp_path: Path) -> None:
    path = mixed_workbook(tmp_path / "mixed.xlsx")
    assert typed(fast_tables(path)) == outcome(path, fast=False)


def test_mixed_workbook_values_by_hand(tmp_path: Path) -> None:
    tables = {t.sheet: t for t in fast_tables(mixed_workbook(tmp_path / "mixed.xlsx"))}
    rows = dict(tables["Holdings"].rows)
    assert [type(c.value) for c in rows[2][2:4]] == [int, dt.datetime]
    assert rows[3][3].value == dt.datetime(2021, 3, 4)  # a date comes back as a datetime, as from openpyxl
    assert (rows[3][2].value, rows[3][2].percent_format) == (36.5, True)
    assert [rows[n][2].percent_format for n in (4, 6, 7, 8, 9, 10)] == [True, True, True, False, False, True]
    assert rows[4][4].value == " "
    assert 5 not in rows  # the blank row
    assert rows[7][2].value == 1.234567890123457e19  # openpyxl writes an int this large as a 16-digit float
    assert rows[9][4].value == "#N/A" and rows[9][2].value == 0 and type(rows[9][2].value) is int
    assert rows[10][3].value == UncachedFormula("=1/0")
    assert rows[11][2].value == UncachedFormula("=C2*2") and rows[11][4].value is None
    assert len(rows[12]) == 8 and rows[12][3].percent_format and rows[12][7].value == "far to the right"
    assert [c.value for c in rows[14]] == ["merged"]
    assert [w.code for w in tables["Hidden"].warnings] == ["hidden_sheet"]
    assert [w.code for w in tables["VeryHidden"].warnings] == ["hidden_sheet"]
    assert tables["Empty"].rows == []
    assert [w.code for w in tables["Chart"].warnings] == ["chart_sheet"]


def test_1904_workbook_dates(tmp_path: Path) -> None:
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.append(["start", dt.datetime(2020, 1, 2), dt.date(1905, 6, 1)])
    path = tmp_path / "mac.xlsx"
    book.save(path)
    tables = fast_tables(path)
    assert typed(tables) == outcome(path, fast=False)
    cells = tables[0].rows[0][1]
    assert [(type(c.value), c.value) for c in cells[1:]] == [
        (dt.datetime, dt.datetime(2020, 1, 2)),
        (dt.datetime, dt.datetime(1905, 6, 1)),
    ]


def test_row_limit_is_left_to_openpyxl(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(1, 8):
        sheet.append([n])
    path = tmp_path / "rows.xlsx"
    book.save(path)
    limits = ReadLimits(max_rows=5)
    assert read_workbook_fast(path.read_bytes(), path.name, limits) is None
    failed = outcome(path, fast=True, limits=limits)
    assert failed == outcome(path, fast=False, limits=limits)
    assert isinstance(failed, tuple) and failed[2] is not None and "more than 5 rows" in failed[1]


def test_two_uncached_formulas_in_an_otherwise_blank_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name"])
    sheet.append(["=1+1", "=2+2"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    rows = fast_tables(path)[0].rows
    assert rows[1] == (2, [Cell(UncachedFormula("=1+1")), Cell(UncachedFormula("=2+2"))])
    assert typed(fast_tables(path)) == outcome(path, fast=False)


# Text openpyxl can write: no control characters but tab and newline (a carriage return makes the fast
# path step aside, which test_any_cells_read_as_with_openpyxl allows).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.sampled_from("\t\n "))
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.sampled_from(["=1+1", "=A1", "#N/A", "#DIV/0!", "", " "]),
)
FORMATS = st.sampled_from(["General", "0%", "0.00%", "0.0%", '0.0"%"', "0.0\\%", "0.00", "yyyy-mm-dd", "h:mm"])
GRID = st.lists(st.lists(st.tuples(VALUES, FORMATS), max_size=6), min_size=1, max_size=6)


def write_grid(path: Path, grid: list[list[tuple[Any, str]]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(grid, start=1):
        for k, (value, number_format) in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=k, value=value)
            if number_format != "General":
                cell.number_format = number_format
    book.save(path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=GRID)
def test_any_cells_read_as_with_openpyxl(tmp_path: Path, grid: list[list[tuple[object, str]]]) -> None:
    path = write_grid(tmp_path / "grid.xlsx", grid)
    reference = outcome(path, fast=False)
    assert outcome(path, fast=True) == reference
    if not isinstance(reference, tuple):
        tables = read_workbook_fast(path.read_bytes(), path.name, DEFAULT_LIMITS)
        assert tables is not None
        assert typed(tables) == reference


def test_float_values_keep_their_type(tmp_path: Path) -> None:
    path = write_grid(tmp_path / "floats.xlsx", [[(0.1, "General"), (2.5e-8, "0%"), (math.pi, "General")]])
    cells = fast_tables(path)[0].rows[0][1]
    assert [(type(c.value), c.value) for c in cells] == [(float, 0.1), (float, 2.5e-8), (float, math.pi)]
