"""The per-cell row reader's memory (issue 18: under 1 KB per row): lines are sliced from the decoded text one
at a time instead of through a second, four-bytes-per-character copy of it, and cells with the same text
share one Cell."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.readers.cells.tables import _Lines, read_text_table


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", ",", '"', "\r", "\n", "\r\n", "\x0b", "\x85", "\u2028", "é"]), max_size=40).map(
        "".join
    )
)
def test_lines_are_split_as_stringio_splits_them(text: str) -> None:
    # Only CR LF, CR and LF end a line for the csv module; the other line breaks str.splitlines knows do not.
    lines = _Lines(text)
    assert list(lines) == list(io.StringIO(text, newline=""))
    assert lines.position == len(text)


def test_repeated_texts_share_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "entities.csv"
    path.write_text("id,type,jurisdiction\nA,company,CN\nB,company,CN\r\nC,person,GB\n", encoding="utf-8")
    table = read_text_table(path, path.name)
    (_, a), (_, b), (_, c) = table.rows[1:]
    assert [cell.value for cell in a + b + c] == ["A", "company", "CN", "B", "company", "CN", "C", "person", "GB"]
    assert a[1] is b[1] and a[2] is b[2]
    assert [n for n, _ in table.rows] == [1, 2, 3, 4]


def test_a_quoted_cell_spanning_lines_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "entities.csv"
    path.write_bytes(b'id,name\r\nA,"two\r\nlines"\r\nB,b\r\n')
    table = read_text_table(path, path.name)
    assert [(n, [c.value for c in cells]) for n, cells in table.rows] == [
        (1, ["id", "name"]),
        (2, ["A", "two\r\nlines"]),
        (3, ["B", "b"]),
    ]
