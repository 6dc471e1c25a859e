"""The audit workbook's large sheets are streamed from the result's columns (issue 16, item 9): entities
past the explained ones read the same as explained ones, formula-looking text stays inert, and a table
longer than a sheet holds goes on in a second sheet."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from ownership.errors import Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports.xlsx import stream as xlsx_stream
from ownership.reports.xlsx.report import render_xlsx
from ownership.reports.xlsx.style import PCT_FORMAT, STATUS_COLOURS
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


#: Names that repeat (so the Entities sheet shares them) and that XML, spreadsheets and wrapping find awkward.
_AWKWARD = ("<A & B> Ltd", "=cmd|' /C calc'!A0", "  spaced\x01 ", "Tab\there & > there")


def _awkward() -> OwnershipData:
    """40 ultimate-owner companies whose names are four awkward texts, ten times each; E00 holds 60% of E01."""
    entities = tuple(
        Entity(f"E{k:02d}", _AWKWARD[k % 4], EntityType.COMPANY, "DE", None, ultimate=True) for k in range(40)
    )
    holdings = (Holding("E00", "E01", Stake.exact(0.6), where=Location("in.xlsx", "Holdings", 2)),)
    return OwnershipData(entities, holdings, SourceInfo("in.xlsx", "0" * 64, "workbook"))


def _book_values(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_shared_strings_read_back_as_the_inline_text_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated text goes to a shared-string table; every sheet reads back cell for cell as with inline text,
    XML-special characters, a forbidden control character (as U+FFFD), outer spaces and a leading ``=``
    included."""
    result = check(_awkward(), POLICY)
    shared = render_xlsx(result, WHEN)
    with zipfile.ZipFile(io.BytesIO(shared)) as package:
        assert xlsx_stream.SHARED_STRINGS_PART in package.namelist()
    monkeypatch.setattr(xlsx_stream, "_REPEATS", 10**9)  # nothing repeats enough: all text inline
    inline = render_xlsx(result, WHEN)
    with zipfile.ZipFile(io.BytesIO(inline)) as package:
        assert xlsx_stream.SHARED_STRINGS_PART not in package.namelist()
    assert _book_values(shared) == _book_values(inline)
    ws = openpyxl.load_workbook(io.BytesIO(shared))["Entities"]
    names = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    assert [names[f"E0{k}"].value for k in range(4)] == [
        "<A & B> Ltd",
        "=cmd|' /C calc'!A0",
        "  spaced\ufffd ",
        "Tab\there & > there",
    ]
    assert names["E01"].data_type == "s" and names["E01"].quotePrefix  # inert text, not a formula
    assert not names["E00"].quotePrefix


def test_a_full_shared_string_table_leaves_further_text_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    result = check(_awkward(), POLICY)
    unbounded = render_xlsx(result, WHEN)
    monkeypatch.setattr(xlsx_stream, "MAX_SHARED", 3)
    bounded = render_xlsx(result, WHEN)
    with zipfile.ZipFile(io.BytesIO(bounded)) as package:
        table = package.read(xlsx_stream.SHARED_STRINGS_PART)
    assert table.count(b"<si>") <= 3
    assert _book_values(bounded) == _book_values(unbounded)


def test_the_shared_string_table_is_counted_named_and_referenced_in_order() -> None:
    """What Excel checks before opening a workbook: the table's count (references) and uniqueCount (entries)
    are exact, every reference is an entry, the package and the workbook name the table, and streamed rows
    come in order with their cells unreferenced (each is the next column of its row)."""
    import re

    with zipfile.ZipFile(io.BytesIO(render_xlsx(check(_awkward(), POLICY), WHEN))) as package:
        table = package.read(xlsx_stream.SHARED_STRINGS_PART)
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
        types = package.read("[Content_Types].xml")
        relations = package.read("xl/_rels/workbook.xml.rels")
    entries = table.count(b"<si>")
    references = [int(i) for xml in sheets for i in re.findall(rb'<c [^>]*t="s"[^>]*><v>(\d+)</v>', xml)]
    count = re.search(rb'count="(\d+)" uniqueCount="(\d+)"', table)
    assert count is not None and (int(count[1]), int(count[2])) == (len(references), entries)
    assert references and max(references) < entries
    assert b'PartName="/xl/sharedStrings.xml"' in types and b"sharedStrings+xml" in types
    assert b"relationships/sharedStrings" in relations
    for xml in sheets:
        rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', xml)]
        assert rows == sorted(set(rows))
    entities = sheets[1]
    assert b'<c r="A2"' not in entities and b"<c s=" in entities


def test_wrapped_ascii_text_takes_as_many_lines_as_the_one_by_one_measure() -> None:
    """Row heights: the lines of plain ASCII text worked out for a whole column at once are those
    ``line_count`` gives text by text (double spaces, words longer than a line, outer spaces)."""
    import random

    import pyarrow as pa

    from ownership.reports.xlsx.measure import line_count

    rng = random.Random(7)
    words = ["a", "bb", "Holdings", "Technologies", "0613646", "Ltd", "", "x" * 40, "y" * 75, "中国"]
    texts: list[str | None] = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    texts += [" lead", "trail ", "  two  spaces  ", "a\nb " * 5, None, ""]
    for width in (5.0, 12.0, 26.0, 44.0, 90.0):
        found = xlsx_stream._lines(pa.array(texts, type=pa.string()), width, {})
        assert found.tolist() == [1 if t is None else line_count(t, width) for t in texts]


def test_a_streamed_sheet_declares_its_whole_range() -> None:
    """The sheet's dimension covers every row poured into it: readers that trust it (openpyxl's read-only
    mode) see all the rows, not the header alone."""
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(check(_awkward(), POLICY), WHEN)), read_only=True)
    ws = book["Entities"]
    assert ws.calculate_dimension() == "A1:P41"  # the header and 40 entities, 16 columns
    assert len(list(ws.iter_rows(min_row=2, values_only=True))) == 40
    holdings = book["Holdings as read"]
    assert [row[:3] for row in holdings.iter_rows(min_row=2, values_only=True)] == [("E00", "<A & B> Ltd", "E01")]
