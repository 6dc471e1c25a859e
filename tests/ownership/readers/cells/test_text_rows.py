"""A text file's rows kept as their texts (``TextRows``): they read as the list of (number, Cells) they
replace, and cost far less memory per row (issue 18: the row reader under 1 KB per row)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from ownership.readers.cells.raw import Cell, TextRows
from ownership.readers.cells.tables import read_text_table

CSV = 'holder,subject,percent\nA,B,60\n\nB,"C\nD",40\nA,C,60,extra\n'
#: The rows as a list of Cells: blank line 3 skipped, the quoted cell spanning lines one record (row 4).
ROWS = [
    (1, ["holder", "subject", "percent"]),
    (2, ["A", "B", "60"]),
    (4, ["B", "C\nD", "40"]),
    (5, ["A", "C", "60", "extra"]),
]


def _values(rows: object) -> list[tuple[int, list[object]]]:
    return [(n, [c.value for c in cells]) for n, cells in rows]  # type: ignore[attr-defined]


def test_text_rows_read_as_the_list_of_cells(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text(CSV, encoding="utf-8")
    rows = read_text_table(path, path.name).rows
    assert isinstance(rows, TextRows)
    assert len(rows) == 4
    assert _values(rows) == ROWS
    assert _values([rows[k] for k in range(4)]) == ROWS
    assert _values([rows[-1]]) == ROWS[-1:]
    assert _values(rows[1:3]) == ROWS[1:3]
    assert _values(rows[1:][1:]) == ROWS[2:]  # a slice of a slice
    assert _values(rows[::2]) == ROWS[::2]
    assert _values(rows[3:1]) == []
    assert all(isinstance(cell, Cell) and not cell.percent_format for _, cells in rows for cell in cells)
    with pytest.raises(IndexError):
        rows[4]
    with pytest.raises(IndexError):
        rows[-5]


def test_a_slice_is_a_view_of_the_same_texts(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text(CSV, encoding="utf-8")
    rows = read_text_table(path, path.name).rows
    assert isinstance(rows, TextRows)
    part = rows[2:]
    assert isinstance(part, TextRows) and part.texts is rows.texts


def test_zero_width_characters_in_text_rows_are_tidied_and_placed(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text("holder,subject,percent\nA,B,60\nA,B\u200b,40\nA\u200d,C,1\n", encoding="utf-8")
    table = read_text_table(path, path.name)
    assert _values(table.rows)[2:] == [(3, ["A", "B", "40"]), (4, ["A", "C", "1"])]
    (warning,) = table.warnings
    assert warning.code == "invisible_characters"
    assert warning.where is not None and (warning.where.row, warning.where.column) == (3, 2)
    assert "(and 1 more cell)" in warning.message


def test_text_rows_cost_little_beyond_their_texts(tmp_path: Path) -> None:
    # 20,000 rows of three distinct texts each: held as Cell lists they took about 500 bytes a row
    # (texts included); kept as texts, about 230 (the three texts, their pointers and the row's number).
    path = tmp_path / "holdings.csv"
    path.write_text(
        "holder,subject,percent\n" + "".join(f"H{k:07d},S{k:07d},{k / 1000:.4f}\n" for k in range(20_000)),
        encoding="utf-8",
    )
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table = read_text_table(path, path.name)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(table.rows) == 20_001
    assert held / 20_000 < 300
