"""The audit workbook's large sheets are streamed from the result's columns (issue 16, item 9): entities
past the explained ones read the same as explained ones, formula-looking text stays inert, and a table
longer than a sheet holds goes on in a second sheet."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from ownership.check import check
from ownership.errors import Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.reports import xlsx_stream
from ownership.reports.xlsx_report import render_xlsx
from ownership.reports.xlsx_style import PCT_FORMAT, STATUS_COLOURS
from ownership.result import Status

WHEN = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
POLICY = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 1, 2))


def _data() -> OwnershipData:
    """P (CN) holds 60% of T (DE): T is flagged. "=U" (no country) holds 40% of T: possible, 0-100%."""
    entities = (
        Entity("P", "P Holdings", EntityType.COMPANY, "CN", None, ultimate=True),
        Entity("T", "T Ltd", EntityType.COMPANY, "DE", None),
        Entity("=U", "@Nowhere", EntityType.COMPANY, None, None, ultimate=True),
    )
    holdings = (
        Holding("P", "T", Stake.exact(0.6), where=Location("in.xlsx", "Holdings", 2)),
        Holding("=U", "T", Stake.exact(0.4), where=Location("in.xlsx", "Holdings", 3), source="=1+1"),
    )
    return OwnershipData(entities, holdings, SourceInfo("in.xlsx", "0" * 64, "workbook"))


def _rows(ws: Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


def test_entities_past_the_explained_ones_read_the_same() -> None:
    full = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(_data(), POLICY), WHEN)))
    bare = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(_data(), POLICY, explain_limit=1), WHEN)))
    assert _rows(bare["Entities"]) == _rows(full["Entities"])
    rows = _rows(bare["Entities"])
    assert [r[0] for r in rows] == ["T", "P", "=U"]
    # The possible entity, not explained, still says what would settle it (its own country is unknown).
    assert rows[2][5] == "possible" and rows[2][14] == "its own country is unknown"
    # Only the explained entity (T) has a derivation.
    assert {r[0] for r in _rows(bare["Derivation"])[1:]} == {"T"}  # below the banner and header
    ws = bare["Entities"]
    assert ws["A4"].value == "=U" and ws["A4"].data_type == "s" and ws["A4"].quotePrefix
    assert ws["B4"].value == "@Nowhere" and ws["B4"].quotePrefix
    assert not ws["A2"].quotePrefix
    assert ws["F2"].fill.fgColor.rgb.endswith(STATUS_COLOURS[Status.FLAGGED][0])
    assert ws["H2"].value == 0.6 and ws["H2"].number_format == PCT_FORMAT  # cascade low of T: 60%
    assert ws["D4"].value is None  # no country: an empty cell
    holdings = bare["Holdings as read"]
    assert holdings["N3"].value == "=1+1" and holdings["N3"].quotePrefix


def test_a_table_past_the_row_limit_goes_on_in_a_second_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3)  # a header and two rows per sheet
    monkeypatch.setattr(xlsx_stream, "BATCH_ROWS", 1)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(_data(), POLICY), WHEN)))
    assert book.sheetnames[1:3] == ["Entities", "Entities (2)"]
    assert [r[0] for r in _rows(book["Entities"])] == ["T", "P"]
    assert [r[0] for r in _rows(book["Entities (2)"])] == ["=U"]
    assert book["Entities (2)"]["A1"].value == "id" and book["Entities (2)"].freeze_panes == "C2"
    assert book["Entities (2)"].auto_filter.ref == "A1:P2"
    assert "Holdings as read (2)" not in book.sheetnames  # two holdings fit


def test_streamed_text_keeps_spaces_and_markup_and_drops_what_xml_cannot_carry() -> None:
    data = _data()
    odd = Entity("X", "  A & <B>\x01\r\nC ", EntityType.COMPANY, "DE", None, ultimate=True)
    data = OwnershipData((*data.entities, odd), data.holdings, data.source)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(data, POLICY), WHEN)))
    names = {r[0]: r[1] for r in _rows(book["Entities"])}
    assert names["X"] == "  A & <B>\ufffd\nC "
    assert names["T"] == "T Ltd"


def test_the_derivation_rows_of_each_entity_read_as_one_block() -> None:
    """A darker line above the first row of each entity's steps, but not above the table's first row."""
    data = _data()
    more = Entity("S", "S Ltd", EntityType.COMPANY, "FR", None)
    data = OwnershipData(
        (*data.entities, more),
        (*data.holdings, Holding("T", "S", Stake.exact(0.7), where=Location("in.xlsx", "Holdings", 4))),
        data.source,
    )
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(data, POLICY), WHEN)))["Derivation"]
    entities = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    tops = [ws.cell(r, 1).border.top.color.rgb.endswith("404040") for r in range(3, ws.max_row + 1)]
    assert entities[0] != entities[-1]
    assert tops == [r > 0 and entities[r] != entities[r - 1] for r in range(len(entities))]
    assert any(tops)
