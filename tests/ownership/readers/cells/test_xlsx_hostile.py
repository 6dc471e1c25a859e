"""Workbooks built to hurt the reader: cells far apart, damaged values, duplicate parts. Each must end in a
located ``InputError`` on both the fast path and the openpyxl path, never in a silent misreading, an abort
or an exception of another kind."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest

from ownership.errors import InputError
from ownership.readers.cells.tables import DEFAULT_LIMITS, ReadLimits, read_workbook
from ownership.readers.cells.xlsx.scan import extent
from tests.ownership.readers.cells.test_xlsx_fast_excel import package


def far_cell_workbook(path: Path, far: str) -> Path:
    """A workbook whose Holdings sheet holds the shared string 'holder' at A1 and again at ``far``."""
    row = "".join(ch for ch in far if ch.isdigit())
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="{row}"><c r="{far}" t="s"><v>0</v></c></row>'
    return package(path, {"Holdings": cells}, ["<t>holder</t>"])


def refusal(path: Path, *, fast: bool, limits: ReadLimits = DEFAULT_LIMITS) -> InputError:
    with pytest.raises(InputError) as caught:
        read_workbook(path, path.name, limits, fast=fast)
    return caught.value


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
@pytest.mark.parametrize("far", ["XFD1048576", "XFD2000", "ZZ200000", "C1048576", "A200000"])
def test_cells_spanning_a_vast_grid_are_refused_naming_the_far_cell(tmp_path: Path, fast: bool, far: str) -> None:
    error = refusal(far_cell_workbook(tmp_path / "far.xlsx", far), fast=fast)
    assert error.where is not None
    assert (error.where.sheet, error.where.row) == ("Holdings", int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    assert f"its cells span A1:{far}" in error.reason
    assert "2 cells with content" in error.reason


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_a_modest_spread_is_read(tmp_path: Path, fast: bool) -> None:
    # 2 values may span up to 4,000,000 cells: Z100 (2,600 cells) is an ordinary stray note.
    tables = read_workbook(far_cell_workbook(tmp_path / "near.xlsx", "Z100"), "near.xlsx", fast=fast)
    assert [(number, len(cells)) for number, cells in tables[0].rows] == [(1, 1), (100, 26)]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_the_grid_also_counts_against_the_memory_limit(tmp_path: Path, fast: bool) -> None:
    # Z100 spans 2,600 cells, 124,800 bytes laid out (48 bytes a cell, 0.1 MB): over a 100,000-byte limit.
    path = far_cell_workbook(tmp_path / "near.xlsx", "Z100")
    error = refusal(path, fast=fast, limits=ReadLimits(max_bytes=100_000))
    assert "about 0.1 MB of memory, more than the limit of 98 KB" in error.reason
    assert "--max-input-mb" in error.reason


def test_extent_reads_references_in_any_order() -> None:
    # Rows out of order (damage the scan refuses later) must not hide the far cell from the check.
    xml = b'<sheetData><row r="1"><c r="B1"><v>1</v></c></row><row r="900"><c r="AB900"><v>1</v></c></row>'
    xml += b'<row r="3"><c r="C3"><v>1</v></c></row></sheetData>'
    found = extent(xml)
    assert found is not None
    assert (found.first_row, found.last_row, found.first_column, found.last_column) == (1, 900, 2, 28)
    assert (found.cells, found.values, found.span, found.far_row) == (900 * 27, 3, "B1:AB900", 900)


HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
STRINGS = ["<t>holder</t>", "<t>subject</t>", "<t>percent</t>", "<t>P</t>", "<t>S</t>"]


def holdings_workbook(path: Path, second_row: str) -> Path:
    """Holdings with the header holder, subject, percent and one row of cells given as XML."""
    return package(path, {"Holdings": HEADER + f'<row r="2">{second_row}</row>'}, STRINGS)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_a_negative_shared_string_index_is_refused(tmp_path: Path, fast: bool) -> None:
    # Index -1 is the last string ('S') to a Python list: openpyxl read it as such.
    cells = '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>-1</v></c><c r="C2"><v>60</v></c>'
    error = refusal(holdings_workbook(tmp_path / "negative.xlsx", cells), fast=fast)
    assert error.where is not None
    assert (error.where.sheet, error.where.row, error.where.column) == ("Holdings", 2, 2)
    assert "refers to shared string '-1', which cannot exist" in error.reason


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_a_number_with_an_underscore_is_refused_not_read_as_ten(tmp_path: Path, fast: bool) -> None:
    # Python's int() and float() accept digit separators: '1_0' came out as 10.
    cells = '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>1_0</v></c>'
    error = refusal(holdings_workbook(tmp_path / "underscore.xlsx", cells), fast=fast)
    assert error.where is not None
    assert (error.where.sheet, error.where.row, error.where.column) == ("Holdings", 2, 3)
    assert error.reason.startswith("the cell holds '1_0', which is stored as a number but is not one")


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_duplicate_part_names_are_refused(tmp_path: Path, fast: bool) -> None:
    # Two copies of the sheet: zipfile gives the last one (60% here), a spreadsheet program may show the first.
    cells = '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>{}</v></c>'
    first = holdings_workbook(tmp_path / "first.xlsx", cells.format(10))
    second = holdings_workbook(tmp_path / "second.xlsx", cells.format(60))
    path = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as other, zipfile.ZipFile(path, "w") as out:
        for info in one.infolist():
            out.writestr(info.filename, one.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
            out.writestr("xl/worksheets/sheet1.xml", other.read("xl/worksheets/sheet1.xml"))
    error = refusal(path, fast=fast)
    assert error.where is not None and error.where.file == "twice.xlsx"
    assert error.reason.startswith("holds two parts named 'xl/worksheets/sheet1.xml'")


def test_a_clean_holdings_row_still_reads(tmp_path: Path) -> None:
    cells = '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>-1.5E1</v></c>'
    path = holdings_workbook(tmp_path / "clean.xlsx", cells)
    for fast in (True, False):
        (table,) = read_workbook(path, "clean.xlsx", fast=fast)
        assert [[c.value for c in cells] for _, cells in table.rows][1] == ["P", "S", -15.0]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
@pytest.mark.parametrize("far", ["B99999999999999", "ABCDEFGHIJKLMN2"])
def test_a_reference_past_any_sheet_is_refused(tmp_path: Path, fast: bool, far: str) -> None:
    # Too long for any reader's counters: the openpyxl path stepped through ten million empty rows (20 s).
    error = refusal(far_cell_workbook(tmp_path / "far.xlsx", far), fast=fast)
    assert error.where is not None and error.where.sheet == "Holdings"
    assert "is beyond any spreadsheet's last row and column; the file is damaged" in error.reason
