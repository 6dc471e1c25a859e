"""The columnar reader on every dialect of delimited text the row reader reads (issue 18): quoted fields and a
quoted header, delimiters, doubled quotes and line breaks inside quoted cells, a byte-order mark, CRLF,
blank lines, semicolon and tab delimiters, decimal commas. Each is read by the columnar path and gives the
row reader's result exactly (``assert_same``); errors carry the row reader's message and location.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import EntityType, Stake
from ownership.model.tables import EntityTable
from ownership.readers import read_input
from ownership.readers.canonical import read_folder
from ownership.readers.cells.tables import DEFAULT_LIMITS
from tests.ownership.readers.cells.test_fast_csv import assert_same, write_folder

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "fast_csv"


def test_every_field_quoted_with_a_line_break_in_a_name() -> None:
    data = assert_same(FIXTURES / "quoted", fast=True)
    assert data is not None
    assert [(e.id, e.name) for e in data.entities] == [
        ("A1", "Alpha Holdings, Ltd"),
        ("B2", "Beta Fund"),  # "Beta\nFund": the line break is whitespace, tidied to one space
        ("C3", "C3"),
        ("D4", 'The "Delta" Trust'),
    ]
    # B2's record spans lines 3 and 4; rows count records, so C3 is row 4 and D4 row 5.
    assert [e.where.row for e in data.entities if e.where is not None] == [2, 3, 4, 5]
    assert (data.entities[1].type, data.entities[1].jurisdiction, data.entities[1].headquarters) == (
        EntityType.FUND,
        "HK",
        "CN",
    )
    assert [h.stake for h in data.holdings] == [
        Stake(0.6, 0.6),
        Stake(0.1, 0.2),
        Stake.between(0.5, 1.0, low_exclusive=True),
        Stake(0.125, 0.125),  # "12,5": a decimal comma inside quotes
        Stake(0.0, 1.0),
    ]
    assert [(w.code, w.where) for w in data.warnings] == [
        ("unknown_stake", Location("quoted/holdings.csv", None, 6, 3, "percent"))
    ]


def test_semicolons_decimal_commas_bom_crlf_and_blank_lines() -> None:
    data = assert_same(FIXTURES / "semicolon", fast=True)
    assert data is not None
    # A comma inside a cell is text, not a delimiter; a semicolon inside quotes too.
    assert [(e.id, e.name) for e in data.entities] == [("P", "Parent, Co"), ("Q", "Quartz Ltd"), ("R", "Rita; Ng")]
    # The blank line (row 3 of entities.csv) is skipped but still counted, as the row reader counts it.
    assert [e.where.row for e in data.entities if e.where is not None] == [2, 4, 5]
    assert [(h.holder, h.subject, h.stake, h.votes) for h in data.holdings] == [
        ("P", "Q", Stake(0.125, 0.125), None),
        ("R", "Q", Stake(0.333, 0.333), Stake(0.4, 0.4)),
        ("P", "R", Stake(0.0, 1.0), None),
    ]
    # Row 3 is blank and row 4 holds only delimiters: both skipped, the rows below keep their numbers.
    assert [h.where.row for h in data.holdings if h.where is not None] == [2, 5, 6]
    assert [(w.code, w.where) for w in data.warnings] == [
        ("unknown_stake", Location("semicolon/holdings.csv", None, 6, 3, "percent"))
    ]


def test_tab_delimited() -> None:
    data = assert_same(FIXTURES / "tabbed", fast=True)
    assert data is not None
    assert [e.name for e in data.entities] == ["Alpha", "Beta Two"]  # a quoted tab is whitespace in a name
    assert [h.stake for h in data.holdings] == [Stake(0.51, 0.51), Stake(0.005, 0.005)]


def test_read_input_reads_a_quoted_folder_columnar() -> None:
    data = read_input(FIXTURES / "quoted", display="quoted")
    assert isinstance(data.entities, EntityTable) and data.entities.objects is None


ENTITIES = '"id","name","jurisdiction"\n"A","Alpha\nHoldings","CN"\n"B","Beta","GB"\n'


def _error(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        read_input(folder, display=folder.name)
    return info.value.one_line()


def _row_reader_error(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        read_folder(folder, folder.name, DEFAULT_LIMITS)
    return info.value.one_line()


@pytest.mark.parametrize(
    ("holdings", "wanted"),
    [
        # Row 3 is the third record although it starts on line 4 (A's name spans two lines).
        ('"holder","subject","percent"\n"A","B","60\n"\n"B","A","lots"\n', "g/holdings.csv, row 3, column C"),
        ('"holder";"subject";"percent"\n"A";"B";"150"\n', "g/holdings.csv, row 2, column C (percent)"),
        ('"holder","subject","percent"\n"A","B","60"\n"B","A",""\n', "g/holdings.csv, row 3, column C (percent)"),
    ],
)
def test_errors_in_quoted_files_name_the_row_readers_place(holdings: str, wanted: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "g", ENTITIES, holdings)
    message = _error(folder)
    assert message == _row_reader_error(folder)
    assert wanted in message


def test_entity_rows_after_a_line_break_in_a_quoted_cell_keep_their_record_numbers(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "g", ENTITIES + '"C","Gamma","Chinaa"\n', '"holder","subject","percent"\n"A","B","60"\n'
    )
    message = _error(folder)
    assert message == _row_reader_error(folder)
    assert "g/entities.csv, row 4, column C (jurisdiction): country 'Chinaa' was not recognised" in message
