"""Errors found in the columns (issue 18, item 4): the columnar reader reports a big file's errors itself, each
with the row reader's message and place, every one of them, by having the row reader re-read only the rows
that hold them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.readers.canonical import read_folder, read_holdings_csv
from ownership.readers.cells.fast_csv.inline import read_holdings_csv_fast
from ownership.readers.cells.fast_csv.reader import read_folder_fast
from ownership.readers.cells.tables import DEFAULT_LIMITS
from tests.ownership.readers.cells.test_fast_csv import _problems, write_folder

ENTITIES = '"id","name","jurisdiction"\n"A","Alpha","CN"\n"B","Beta","GB"\n"C","Gamma","Chinaa"\n"D","Delta",""\n'
HOLDINGS = (
    '"holder","subject","percent","start","end"\n'
    '"A","B","60","",""\n'
    '"B","C","150%","",""\n'  # row 3: more than 100%
    '"","C","10","",""\n'  # row 4: no holder
    '"C","D","","",""\n'  # row 5: no stake
    '"A","D","20","2024-01-01","2023-01-01"\n'  # row 6: starts after it ends
    '"D","A","5","",""\n'
)


def _errors(call: object) -> InputError:
    with pytest.raises(InputError) as info:
        call()  # type: ignore[operator]
    return info.value


def test_every_error_of_a_folder_is_reported_from_the_columns(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "g", ENTITIES, HOLDINGS)
    quick = _errors(lambda: read_folder_fast(folder, "g", DEFAULT_LIMITS))
    slow = _errors(lambda: read_folder(folder, "g", DEFAULT_LIMITS))
    assert _problems(quick) == _problems(slow)
    found = [(quick.where, quick.reason[:40])] + [(e.where, e.reason[:40]) for e in quick.also]
    assert [where for where, _ in found] == [
        Location("g/entities.csv", None, 4, 3, "jurisdiction"),
        Location("g/holdings.csv", None, 3, 3, "percent"),
        Location("g/holdings.csv", None, 4, 1, "holder"),
        Location("g/holdings.csv", None, 5, 3, "percent"),
        Location("g/holdings.csv", None, 6, 5, "end"),
    ]
    assert quick.more == 4
    assert "'150%' is more than 100%" in quick.also[0].reason
    assert quick.also[1].reason.startswith("the holder is empty")
    assert quick.also[2].reason.startswith("no stake")
    assert quick.also[3].reason == "the start date 2024-01-01 is after the end date 2023-01-01"


def test_an_error_after_a_line_break_in_a_quoted_cell_keeps_its_row(tmp_path: Path) -> None:
    entities = '"id","name"\n"A","Alpha\nHoldings"\n"B","Beta"\n'
    folder = write_folder(tmp_path / "g", entities, '"holder","subject","percent"\n"A","B","60"\n"B","A","lots"\n')
    quick = _errors(lambda: read_folder_fast(folder, "g", DEFAULT_LIMITS))
    assert _problems(quick) == _problems(_errors(lambda: read_folder(folder, "g", DEFAULT_LIMITS)))
    assert quick.where == Location("g/holdings.csv", None, 3, 3, "percent")


def test_errors_that_depend_on_other_rows_are_left_to_the_row_reader(tmp_path: Path) -> None:
    # An id listed twice with other details: the message names the first row, which the columns alone
    # do not re-read; the columnar reader steps aside and the row reader reports it.
    folder = write_folder(tmp_path / "g", ENTITIES + '"A","Alpha","US"\n', HOLDINGS)
    assert read_folder_fast(folder, "g", DEFAULT_LIMITS) is None


def test_every_error_of_a_holdings_csv_is_reported_from_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "holder,holder_jurisdiction,subject,percent\nA,CN,B,60\nB,Chinaa,C,70\nC,,A,\nA,CN,C,lots\n", encoding="utf-8"
    )
    quick = _errors(lambda: read_holdings_csv_fast(path, "h.csv", DEFAULT_LIMITS))
    slow = _errors(lambda: read_holdings_csv(path, "h.csv", DEFAULT_LIMITS))
    assert _problems(quick) == _problems(slow)
    assert [quick.where, *(e.where for e in quick.also)] == [
        Location("h.csv", None, 3, 2, "holder_jurisdiction"),
        Location("h.csv", None, 4, 4, "percent"),
        Location("h.csv", None, 5, 4, "percent"),
    ]


def test_a_refused_percent_beside_a_share_count_is_left_to_the_row_reader(tmp_path: Path) -> None:
    # Row 3's share count stands in for its refused percent, and the row reader works out B's stakes from
    # its rows' share counts: an error across rows, so the columnar reader steps aside.
    holdings = "holder,subject,percent,shares\nA,B,60,\nC,B,lots,100\n"
    folder = write_folder(tmp_path / "g", "id,jurisdiction\nA,CN\nB,GB\nC,US\n", holdings)
    assert read_folder_fast(folder, "g", DEFAULT_LIMITS) is None
    slow = _errors(lambda: read_folder(folder, "g", DEFAULT_LIMITS))
    assert "'lots' is not a percentage" in slow.one_line()
