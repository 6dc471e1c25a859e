"""The audit workbook: sheets, table dressing, number formats, status colours, inert text, chains that add
up, holdings as read, several rules side by side, determinism, and the shipped sample."""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ownership.errors import DataWarning, Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.prepare.in_force import valid_on
from ownership.readers import read_input
from ownership.reports.xlsx.report import render_xlsx
from ownership.reports.xlsx.style import PCT_FORMAT, STATUS_COLOURS
from ownership.reports.xlsx.tables import chain_words
from ownership.result import (
    Chain,
    ChainBreakdown,
    ChainKind,
    CheckResult,
    CheckSet,
    Contribution,
    Derivation,
    Status,
    Step,
)

FORMULA = '=HYPERLINK("http://evil.example","click")'
HOSTILE_SOURCE = "=cmd|' /C calc'!A0"
SHA = "ab" * 32
WHEN = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
AS_OF = date(2026, 1, 2)
SAMPLE = Path(__file__).resolve().parents[4] / "data" / "samples" / "cap_table.xlsx"
TABLES = ["Entities", "Chains", "Derivation", "Warnings", "Holdings as read", "Policy"]


def _entity(entity_id: str, country: str | None, name: str | None = None) -> Entity:
    # Its own ultimate owner when nobody holds it, as these report tests were written for.
    return Entity(id=entity_id, name=name or entity_id, type=EntityType.COMPANY, jurisdiction=country, ultimate=True)


def _holding(holder: str, subject: str, percent: float, row: int, **more: Any) -> Holding:
    return Holding(holder, subject, Stake.exact(percent / 100), where=Location("t.xlsx", "Holdings", row), **more)


def _data() -> OwnershipData:
    """CN1 (30%) and CN2 (25%) hold T: 55% watched, so T is flagged (cascade and look-through 55%). T holds
    60% of S: S's cascade is 60% (T counts in full) and its look-through 0.55 x 0.6 = 33%, in two chains,
    CN1 -30%-> T -60%-> S (18%) and CN2 -25%-> T -60%-> S (15%). A CN company whose id and name are formulas
    holds a third of PIPE (clear at 33.33%). V, of unknown country, owns W: possible, 0-100%. A holding of
    CN1 in W ended in 2020, with a formula as its source: set aside, but listed as read.
    """
    entities = (
        _entity("CN1", "CN"),
        _entity("CN2", "CN"),
        _entity("US", "US", name="-US Holder"),
        _entity("T", "GB", name="+Target Ltd"),
        _entity("S", "GB", name="@Sub Ltd"),
        _entity("=EVIL", "CN", name=FORMULA),
        _entity("PIPE", "GB"),
        Entity(id="V", name="V", declared=False),
        _entity("W", "GB"),
    )
    holdings = (
        _holding("CN1", "T", 30, 2, source="register 2025"),
        _holding("CN2", "T", 25, 3),
        _holding("US", "T", 45, 4),
        _holding("T", "S", 60, 5),
        _holding("US", "S", 40, 6, votes=Stake.between(0.25, 0.5)),
        _holding("=EVIL", "PIPE", 100 / 3, 7),
        _holding("US", "PIPE", 200 / 3, 8),
        _holding("V", "W", 100, 9),
        _holding("CN1", "W", 10, 10, start=date(2019, 1, 1), end=date(2020, 12, 31), source=HOSTILE_SOURCE),
    )
    return OwnershipData(entities, holdings, SourceInfo("t.xlsx", SHA, "workbook"))


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return check(_data(), Policy(jurisdictions=frozenset({"CN"}), as_of=AS_OF, name="default"))


@pytest.fixture(scope="module")
def book(result: CheckResult) -> Workbook:
    return _open(render_xlsx(result, WHEN))


def _open(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _header_row(ws: Worksheet) -> int:
    """The header is the row just above the frozen pane."""
    assert ws.freeze_panes is not None
    return int(ws[ws.freeze_panes].row) - 1


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    cell = ws.cell(row, column)
    assert isinstance(cell, Cell)
    return cell


def _table(ws: Worksheet) -> list[dict[str, Cell]]:
    """A table sheet's data rows as {header: cell}."""
    top = _header_row(ws)
    titles = [_cell(ws, top, j).value for j in range(1, ws.max_column + 1)]
    rows = []
    for r in range(top + 1, ws.max_row + 1):
        rows.append({str(t): _cell(ws, r, j) for j, t in enumerate(titles, start=1) if t is not None})
    return rows


def _values(ws: Worksheet) -> list[dict[str, Any]]:
    return [{k: c.value for k, c in row.items()} for row in _table(ws)]


def test_sheets_in_order(book: Workbook) -> None:
    assert book.sheetnames == ["Summary", *TABLES]


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_dressed(book: Workbook, name: str) -> None:
    """Frozen header, an autofilter over the whole table, bold filled headers, widths set, print setup."""
    ws = book[name]
    top = _header_row(ws)
    assert top in (1, 2)  # a one-line note may stand above the header
    assert ws.auto_filter.ref == f"A{top}:{_cell(ws, top, ws.max_column).column_letter}{ws.max_row}"
    for j in range(1, ws.max_column + 1):
        header = _cell(ws, top, j)
        assert header.value
        assert header.font.b
        assert header.fill.fgColor.rgb.endswith("D9E1F2")
        width = ws.column_dimensions[header.column_letter].width
        assert 6 <= width <= 92
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${top}:${top}"


def test_entities_in_order_with_figures_as_percent_numbers(result: CheckResult, book: Workbook) -> None:
    rows = _table(book["Entities"])
    assert [r["id"].value for r in rows] == [v.entity.id for v in result.ordered()]
    by_id = {r["id"].value: r for r in rows}
    # hand-computed: T 55% both ways; S cascade 60%, look-through 0.55 x 0.6 = 33%; W 0-100% (V unknown)
    expected = {"T": (0.55, 0.55, 0.55, 0.55), "S": (0.6, 0.6, 0.33, 0.33), "W": (0, 1, 0, 1), "PIPE": (1 / 3,) * 4}
    for entity_id, figures in expected.items():
        row = by_id[entity_id]
        cells = [row["cascade low"], row["cascade high"], row["look-through low"], row["look-through high"]]
        for cell, figure in zip(cells, figures, strict=True):
            assert cell.data_type == "n"
            assert cell.number_format == PCT_FORMAT
            assert math.isclose(float(cell.value), figure, abs_tol=1e-12)  # type: ignore[arg-type]
    assert by_id["T"]["status"].value == "flagged"
    assert by_id["W"]["status"].value == "possible"
    assert by_id["CN1"]["status"].value == "home"
    assert by_id["US"]["status"].value == "clear"
    assert by_id["W"]["what would settle it"].value == "; ".join(result.verdict("W").uncertainty)
    assert by_id["T"]["reason"].alignment.wrap_text


def test_each_status_has_its_own_fill(book: Workbook) -> None:
    fills: dict[str, str] = {}
    for row in _table(book["Entities"]):
        cell = row["status"]
        fills.setdefault(str(cell.value), cell.fill.fgColor.rgb)
        assert cell.fill.fgColor.rgb == fills[str(cell.value)]  # one colour per status
    assert set(fills) == {s.value for s in Status}
    assert len(set(fills.values())) == 4
    for status, (fill, _) in STATUS_COLOURS.items():
        assert fills[status.value].endswith(fill)


def _every_cell(book: Workbook) -> list[Cell]:
    cells = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            cells += [c for c in row if isinstance(c, Cell)]
    return cells


def test_formula_text_comes_back_as_text(result: CheckResult) -> None:
    data = render_xlsx(result, WHEN)
    book = _open(data)
    assert not [c.coordinate for c in _every_cell(book) if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    entities = {r["id"].value: r for r in _table(book["Entities"])}
    for entity_id, name in [("=EVIL", FORMULA), ("US", "-US Holder"), ("T", "+Target Ltd"), ("S", "@Sub Ltd")]:
        cell = entities[entity_id]["name"]
        assert cell.value == name
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert entities["=EVIL"]["id"].data_type == "s"
    ended = [r for r in _table(book["Holdings as read"]) if r["row"].value == 10]
    assert len(ended) == 1
    assert ended[0]["source"].value == HOSTILE_SOURCE
    assert ended[0]["source"].data_type == "s"
    assert ended[0]["source"].quotePrefix
    chains = [r["chain"] for r in _table(book["Chains"]) if r["entity"].value == "PIPE" and r["rank"].value == 1]
    assert [c.value for c in chains] == ["=EVIL -33.33%-> PIPE"]
    assert chains[0].data_type == "s"


def test_chain_rows_add_up_to_each_figure(result: CheckResult, book: Workbook) -> None:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _values(book["Chains"]):
        groups.setdefault((row["entity"], row["figure"]), []).append(row)
    expected = set()
    for v in result.verdicts:
        if v.chains is not None:
            expected.add((v.entity.id, "look-through low"))
        if v.chains_high is not None:
            expected.add((v.entity.id, "look-through high"))
    assert set(groups) == expected
    assert ("S", "look-through low") in groups
    for (entity_id, figure), rows in groups.items():
        value = result.verdict(entity_id).lookthrough
        bound = value.low if figure == "look-through low" else value.high
        assert all(math.isclose(r["figure value"], bound, abs_tol=1e-9) for r in rows)
        assert math.isclose(sum(r["share"] for r in rows), bound, abs_tol=1e-9)
        assert [r["chain"] for r in rows if r["rank"] is None] and rows[-1]["starts from"] == "rest"


def test_chains_of_a_worked_example(book: Workbook) -> None:
    rows = [r for r in _values(book["Chains"]) if r["entity"] == "S" and r["figure"] == "look-through low"]
    listed = [(r["rank"], r["starts from"], r["chain"], round(r["share"], 12)) for r in rows if r["rank"]]
    assert listed == [
        (1, "home entity", "CN1 -30%-> T -60%-> S", 0.18),
        (2, "home entity", "CN2 -25%-> T -60%-> S", 0.15),
    ]
    assert rows[-1]["share"] == 0
    cells = [r for r in _table(book["Chains"]) if r["entity"].value == "S"]
    assert all(c["share"].number_format == PCT_FORMAT for c in cells)


def _hand_made(result: CheckResult) -> CheckResult:
    """S with chains as a figure can have them: an unallocated start, an unknown start, a rest from chains
    not listed; and a derivation whose first steps were cut."""
    s = result.verdict("S")
    chains = ChainBreakdown(
        figure=0.5,
        chains=(
            Chain(ChainKind.HOME, ("CN1", "T", "S"), (0.5, 0.6), 1.0, 0.3),
            Chain(ChainKind.UNALLOCATED, ("T", "S"), (0.5,), 0.2, 0.1),
            Chain(ChainKind.UNKNOWN, ("V", "S"), (0.05,), 1.0, 0.05),
        ),
        rest=0.05,
        searched_all=False,
    )
    holder = Contribution("T", "+Target Ltd", Stake.exact(0.6), holder_is_home=False)
    steps = (
        Step("T", "+Target Ltd", 1, False, (), (), 0.55, True, False, "T is tainted: 55% > 50%"),
        Step("S", "@Sub Ltd", 2, False, (), (holder,), 0.6, True, False, "=S passes the threshold: 60% > 50%"),
    )
    verdict = replace(s, chains=chains, chains_high=None, derivation=Derivation(steps, ("CN1",), omitted=2))
    return replace(result, verdicts=tuple(verdict if v.entity.id == "S" else v for v in result.verdicts))


def test_hand_made_breakdown_and_derivation(result: CheckResult) -> None:
    book = _open(render_xlsx(_hand_made(result), WHEN))
    rows = [r for r in _values(book["Chains"]) if r["entity"] == "S"]
    assert [(r["rank"], r["starts from"], r["chain"], r["share"]) for r in rows] == [
        (1, "home entity", "CN1 -50%-> T -60%-> S", 0.3),
        (2, "unallocated shares", "(20% unallocated) T -50%-> S", 0.1),
        (3, "unknown country", "V -5%-> S", 0.05),
        (None, "rest", "other, smaller chains and circular holdings", 0.05),
    ]
    assert math.isclose(sum(r["share"] for r in rows), 0.5)
    steps = [r for r in _values(book["Derivation"]) if r["entity"] == "S"]
    assert steps[0]["explanation"] == "(2 earlier steps not shown: the chain is long)"
    assert [(r["step"], r["round"], r["step entity"], r["held by tainted holders"]) for r in steps[1:]] == [
        (3, 1, "T", 0.55),
        (4, 2, "S", 0.6),
    ]
    last = [r for r in _table(book["Derivation"]) if r["entity"].value == "S"][-1]["explanation"]
    assert last.value == "=S passes the threshold: 60% > 50%" and last.data_type == "s"


def test_chain_words() -> None:
    assert chain_words(Chain(ChainKind.HOME, ("P", "H", "T"), (0.6, 0.6), 1.0, 0.36)) == "P -60%-> H -60%-> T"
    assert chain_words(Chain(ChainKind.UNALLOCATED, ("X",), (), 0.08, 0.08)) == "(8% unallocated) X"


def test_derivation_follows_the_engine(result: CheckResult, book: Workbook) -> None:
    rows = _values(book["Derivation"])
    for v in result.ordered():
        mine = [r["explanation"] for r in rows if r["entity"] == v.entity.id]
        steps = v.derivation.steps if v.derivation else ()
        assert mine == [s.text for s in steps]


def test_warnings_with_their_place_and_the_entities_they_touch(result: CheckResult) -> None:
    extra = DataWarning("unknown_country", "+V has no country", Location("t.xlsx", "Entities", 9, 3))
    w = result.verdict("W")
    touched = replace(
        result, verdicts=tuple(replace(v, notes=(*v.notes, extra)) if v is w else v for v in result.verdicts)
    )
    touched = replace(touched, warnings=(*touched.warnings, extra))
    rows = _values(_open(render_xlsx(touched, WHEN))["Warnings"])
    assert len(rows) == len(touched.warnings)
    by_code = {r["code"]: r for r in rows}
    assert by_code["out_of_date"]["where"] == "Holdings!10:10"
    assert by_code["out_of_date"]["entities touched"] == ", ".join(
        v.entity.id for v in result.verdicts if result.warnings[0] in v.notes
    )
    assert by_code["unknown_country"] == {
        "code": "unknown_country",
        "message": "+V has no country",
        "where": "Entities!C9",
        "entities touched": "W",
    }


def test_a_warning_that_touches_no_entity_leaves_its_cell_empty(result: CheckResult) -> None:
    # An empty cell, as the sheet had before it was streamed: not a cell holding an empty text.
    lone = DataWarning("ignored_record", "1 Directorship record not used", Location("t.json", None, 10))
    rows = _values(_open(render_xlsx(replace(result, warnings=(*result.warnings, lone)), WHEN))["Warnings"])
    assert {r["code"]: r for r in rows}["ignored_record"]["entities touched"] is None


def test_holdings_as_read_are_every_holding_with_its_source(result: CheckResult, book: Workbook) -> None:
    rows = _table(book["Holdings as read"])
    assert len(rows) == len(result.holdings) == 9
    in_force = f"in force on {AS_OF.isoformat()}"
    for row, h in zip(rows, result.holdings, strict=True):
        assert (row["holder"].value, row["subject"].value) == (h.holder, h.subject)
        assert h.stake is not None
        assert math.isclose(row["stake low"].value, h.stake.low)  # type: ignore[arg-type]
        assert row["stake high"].number_format == PCT_FORMAT
        assert h.where is not None
        assert (row["source file"].value, row["sheet"].value, row["row"].value) == ("t.xlsx", "Holdings", h.where.row)
        assert row[in_force].value == ("yes" if valid_on(h, AS_OF) else "no")
    ended = rows[-1]
    assert ended[in_force].value == "no"
    assert ended["start"].value == datetime(2019, 1, 1)  # a real date, shown as one
    assert ended["end"].is_date and ended["end"].number_format == "yyyy-mm-dd"
    votes = rows[4]
    assert (votes["votes low"].value, votes["votes high"].value) == (0.25, 0.5)
    assert votes["votes low"].number_format == PCT_FORMAT
    assert rows[0]["votes low"].value is None
    assert rows[0]["source"].value == "register 2025"
    assert rows[0]["holder name"].value == "CN1"


def test_summary_says_the_verdict_and_what_was_read(result: CheckResult, book: Workbook) -> None:
    ws = book["Summary"]
    labels = {str(_cell(ws, r, 1).value): r for r in range(1, ws.max_row + 1) if _cell(ws, r, 1).value}
    verdict = _cell(ws, labels["Outcome"], 2)
    assert verdict.value == "FLAGGED"
    # Issue 15: "Verdict" names the section once, not its row as well.
    assert [_cell(ws, r, 1).value for r in range(1, ws.max_row + 1)].count("Verdict") == 1
    assert verdict.fill.fgColor.rgb.endswith(STATUS_COLOURS[Status.FLAGGED][0])
    assert _cell(ws, labels["Exit code"], 2).value == 1
    assert str(_cell(ws, labels["Exit code"], 3).value).startswith("exit 1: at least one deciding entity is flagged")
    assert _cell(ws, labels["SHA-256"], 2).value == SHA
    assert _cell(ws, labels["File"], 2).value == "t.xlsx"
    assert _cell(ws, labels["Format"], 2).value == "workbook"
    assert _cell(ws, labels["Generated at"], 2).value == "2026-01-02T09:30:00+00:00"
    assert _cell(ws, labels["Tool"], 2).value == "exposure"
    threshold = _cell(ws, labels["Threshold"], 2)
    assert threshold.value == 0.5 and threshold.number_format == PCT_FORMAT
    assert _cell(ws, labels["Threshold"], 3).value == "more than 50% (gt) flags an entity"
    assert _cell(ws, labels["As-of date"], 2).value == datetime(2026, 1, 2)
    assert _cell(ws, labels["Deciding"], 2).value == "all 9 entities (none named with --entity)"
    counts = labels["default"]
    assert [_cell(ws, counts, j).value for j in range(2, 7)] == [9, 3, 2, 2, 2]  # entities, home, flagged, ...
    assert _cell(ws, labels["Holdings read"], 2).value == 9
    assert ws.page_setup.orientation == "landscape"


def test_named_targets_are_listed(result: CheckResult) -> None:
    named = check(_data(), result.policy, ["W"])
    ws = _open(render_xlsx(named, WHEN))["Summary"]
    labels = {str(_cell(ws, r, 1).value): r for r in range(1, ws.max_row + 1) if _cell(ws, r, 1).value}
    assert _cell(ws, labels["Named with --entity"], 2).value == "W: W"
    assert _cell(ws, labels["Outcome"], 2).value == "POSSIBLE"
    assert _cell(ws, labels["Exit code"], 2).value == 0
    entities = _values(_open(render_xlsx(named, WHEN))["Entities"])
    assert entities[0]["id"] == "W" and entities[0]["decides"] == "yes"
    assert {r["decides"] for r in entities[1:]} == {"no"}


def test_several_rules_side_by_side(result: CheckResult) -> None:
    """At 58% T (55%) is clear, and so is S, whose holder T no longer passes taint on."""
    strict = check(_data(), replace(result.policy, threshold=0.58, name="strict", origins={"threshold": "--threshold"}))
    book = _open(render_xlsx(CheckSet((result, strict)), WHEN))
    rows = {r["id"]: r for r in _values(book["Entities"])}
    assert (rows["T"]["status (default)"], rows["T"]["status (strict)"], rows["T"]["rules disagree"]) == (
        "flagged",
        "clear",
        "yes",
    )
    assert (rows["S"]["status (default)"], rows["S"]["status (strict)"]) == ("flagged", "clear")
    assert (rows["W"]["status (default)"], rows["W"]["status (strict)"], rows["W"]["rules disagree"]) == (
        "possible",
        "possible",
        "no",
    )
    policy = {r["JSON key"]: r for r in _values(book["Policy"])}
    assert policy["threshold_pct"]["value (default)"] == 0.5
    assert policy["threshold_pct"]["value (strict)"] == 0.58
    assert policy["threshold_pct"]["from (strict)"] == "--threshold"
    summary = book["Summary"]
    labels = {str(_cell(summary, r, 1).value): r for r in range(1, summary.max_row + 1) if _cell(summary, r, 1).value}
    assert _cell(summary, labels["Outcome (default)"], 2).value == "FLAGGED"
    # Under the strict rule nothing is flagged; only CN1, CN2 and =EVIL are home, and the headline says so.
    assert _cell(summary, labels["Outcome (strict)"], 2).value == "HOME ENTITIES PRESENT"
    assert _cell(summary, labels["Rules disagree"], 2).value == 2
    assert "Rule: strict" in labels and "Rule: default" in labels


def test_policy_lists_every_setting_with_its_origin(result: CheckResult, book: Workbook) -> None:
    policy = replace(result.policy, origins={"jurisdictions": "-j", "threshold": "profile default"})
    rows = {r["JSON key"]: r for r in _values(_open(render_xlsx(replace(result, policy=policy), WHEN))["Policy"])}
    from ownership.reports.common import policy_document

    assert set(rows) == set(policy_document(policy)) - {"origins"}
    assert rows["jurisdictions"]["value"] == "CN" and rows["jurisdictions"]["from"] == "-j"
    assert rows["threshold_pct"]["from"] == "profile default"
    assert rows["as_of"]["value"] == datetime(2026, 1, 2)
    assert rows["aggregate"]["value"] == "yes"


def test_same_result_same_bytes(result: CheckResult) -> None:
    first = render_xlsx(result, WHEN)
    assert render_xlsx(result, WHEN) == first
    assert render_xlsx(result, WHEN + timedelta(seconds=1)) != first
    book = _open(first)
    assert book.properties.created == datetime(2026, 1, 2, 9, 30)
    assert book.properties.modified == datetime(2026, 1, 2, 9, 30)


def test_generated_at_keeps_its_time_zone(result: CheckResult) -> None:
    local = datetime(2026, 1, 2, 17, 30, tzinfo=timezone(timedelta(hours=8)))
    book = _open(render_xlsx(result, local))
    summary = book["Summary"]
    texts = [c.value for c in _every_cell(book) if c.parent is summary]
    assert "2026-01-02T17:30:00+08:00" in texts
    assert book.properties.created == datetime(2026, 1, 2, 9, 30)  # stored in UTC
    with pytest.raises(ValueError, match="time zone"):
        render_xlsx(result, datetime(2026, 1, 2, 9, 30))


def test_the_shipped_sample(tmp_path: Path) -> None:
    """The Helio Robotics sample under -j CN: the figures the README states, in the workbook's cells."""
    data = read_input(SAMPLE)
    result = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=AS_OF, name="default"))
    book = _open(render_xlsx(result, WHEN))
    entities = {r["id"]: r for r in _values(book["Entities"])}
    assert len(entities) == 20
    # The flagged entities first, by id (a report is a function of the data, not of the order of its rows).
    assert [r["id"] for r in _values(book["Entities"])][:4] == ["HELIO-EU", "HELIO-JP", "HELIO-SG", "LANTING-HK"]
    sg = entities["HELIO-SG"]
    assert (sg["status"], round(sg["cascade low"], 9), round(sg["cascade high"], 9)) == ("flagged", 0.56, 0.64)
    assert entities["LANTING-KY"]["status"] == "home"
    assert entities["ORBIT"]["status"] == "possible"
    holdings = _values(book["Holdings as read"])
    assert len(holdings) == len(result.holdings) == 28
    sold = [r for r in holdings if (r["holder"], r["subject"]) == ("REDPEAK", "NORDLICHT")]
    assert [r[f"in force on {AS_OF.isoformat()}"] for r in sold] == ["no"]
    assert sold[0]["row"] == 30 and sold[0]["sheet"] == "Holdings"
    warnings = {r["code"]: r for r in _values(book["Warnings"])}
    assert warnings["unknown_reference"]["where"] == "Holdings!A26"
    assert "Vantage Nominees Ltd" in warnings["unknown_reference"]["entities touched"]
    chains = [r for r in _values(book["Chains"]) if r["entity"] == "HELIO-SG" and r["figure"] == "look-through low"]
    assert chains[0]["chain"] == "LANTING-KY -60%-> LANTING-HK -40%-> HELIO-SG"
    assert math.isclose(sum(r["share"] for r in chains), result.verdict("HELIO-SG").lookthrough.low, abs_tol=1e-9)
    out = tmp_path / "report.xlsx"
    out.write_bytes(render_xlsx(result, WHEN))
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"
