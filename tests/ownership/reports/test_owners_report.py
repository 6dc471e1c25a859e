"""The owners renderers (JSON, CSV, Markdown) and the Owners section of the xlsx and HTML audit reports.

The structure: P (CN person) holds 60% of H, Q (US person) 40% of H; H holds 40% of T and R (a company named
like a formula) 50%; 10% of T has no named holder. T's owners: R 50% (to 60%), P 24% (to 34%), Q 16% (to 26%),
unallocated 10%.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from openpyxl import load_workbook

import ownership
from ownership.analysis.owners import owners_of_targets
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.reports.html.report import render_html
from ownership.reports.owners import render_owners
from ownership.reports.xlsx.report import render_xlsx

WHEN = datetime(2026, 12, 1, tzinfo=UTC)


def _data() -> OwnershipData:
    entities = (
        Entity("P", "Pearl <b>Li</b>", EntityType.PERSON, "CN"),
        Entity("Q", "Quinn | Co", EntityType.PERSON, "US"),
        Entity("H", "Harbour", EntityType.COMPANY, "HK"),
        Entity("R", "=HYPERLINK(1)", EntityType.COMPANY, "US", ultimate=True),
        Entity("T", "Target", EntityType.COMPANY, "SG"),
    )
    rows = [("P", "H", 0.6), ("Q", "H", 0.4), ("H", "T", 0.4), ("R", "T", 0.5)]
    holdings = tuple(Holding(h, s, Stake.exact(w)) for h, s, w in rows)
    return OwnershipData(entities, holdings, SourceInfo("owners-report", "0" * 64, "test"))


def test_json_has_the_contract_keys_in_percent() -> None:
    doc = json.loads(render_owners(ownership.owners(_data(), "T", jurisdictions=["CN"]), "json"))
    assert doc["schema"] == "exposure.owners/1" and doc["entity"]["id"] == "T"
    first = doc["owners"][0]
    assert list(first)[:6] == ["id", "name", "countries", "lookthrough_pct", "controls", "over_threshold"]
    assert [(o["id"], o["lookthrough_pct"]) for o in doc["owners"]] == [
        ("R", {"low": 50.0, "high": 60.0}),
        ("P", {"low": 24.0, "high": 34.0}),
        ("Q", {"low": 16.0, "high": 26.0}),
    ]
    assert doc["unallocated_pct"] == 10.0 and doc["threshold_pct"] == 50.0


def test_csv_writes_names_that_look_like_formulas_as_inert_text() -> None:
    rows = list(csv.DictReader(io.StringIO(render_owners(ownership.owners(_data(), "T"), "csv"))))
    assert rows[0]["id"] == "R" and not rows[0]["name"].startswith("=")
    assert (rows[1]["lookthrough_low_pct"], rows[1]["home"]) == ("24.0", "")  # nothing watched: home unknown


def test_markdown_escapes_markup_in_names() -> None:
    text = render_owners(ownership.owners(_data(), "T"), "markdown")
    assert "Pearl <b>" not in text and "Pearl \\<b>Li\\</b>" in text and "Quinn \\| Co" in text


def test_the_xlsx_report_has_an_owners_sheet_for_the_named_entity() -> None:
    result = ownership.check(_data(), jurisdictions=["CN"], targets=["T"])
    book = load_workbook(io.BytesIO(render_xlsx(result, WHEN)))
    assert book.sheetnames[:2] == ["Summary", "Owners"]
    rows = list(book["Owners"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], round(r[6], 9), round(r[7], 9)) for r in rows] == [
        ("T", "R", 0.5, 0.6),
        ("T", "P", 0.24, 0.34),
        ("T", "Q", 0.16, 0.26),
        ("T", None, 0.1, 0.1),
    ]
    assert rows[1][5] == "yes" and rows[3][3] == "unallocated"


def test_no_owners_sheet_or_section_without_a_named_entity() -> None:
    result = ownership.check(_data(), jurisdictions=["CN"])
    assert "Owners" not in load_workbook(io.BytesIO(render_xlsx(result, WHEN))).sheetnames
    assert 'id="owners"' not in render_html(result, WHEN)
    assert owners_of_targets(result) == ()


def test_the_html_report_has_an_owners_section_with_escaped_names() -> None:
    page = render_html(ownership.check(_data(), jurisdictions=["CN"], targets=["T"]), WHEN)
    section = page[page.index('<section id="owners">') :]
    section = section[: section.index("</section>")]
    assert "Pearl &lt;b&gt;Li&lt;/b&gt;" in section and "<b>Li" not in section
    assert "24% \N{EN DASH} 34%" in section and "No named holder: 10%" in section
