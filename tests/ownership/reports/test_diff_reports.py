"""The diff's renderers on a diff built by hand, and a JSON report of ``check`` read back as a snapshot."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

import ownership
from ownership.analysis.diff import Cause, CauseKind, Change, Diff, Side, compare, is_report, read_report
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.reports.diff import render_diff
from ownership.reports.diff.html import _css_string
from ownership.reports.json_report import render_json as check_json
from ownership.result import FailOn, Interval, Status

WHEN = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HOSTILE = '=cmd|" /C calc"!A0</style><script>'


def side(status: Status, cascade: float, look: float) -> Side:
    return Side(status, Interval(cascade, cascade), Interval(look, look))


def hand_diff() -> Diff:
    cause = Cause(CauseKind.ADDED, HOSTILE, "S", None, Stake.exact(0.2), explains=0.2, bound="cascade low")
    change = Change("S", "Spring", side(Status.CLEAR, 0.4, 0.24), side(Status.FLAGGED, 0.6, 0.44), True, (cause,))
    return Diff(changes=(change,), added=(), removed=(), old_label="old.csv", new_label="new.csv")


def test_json_document_keys_and_figures_in_percent() -> None:
    doc = json.loads(render_diff(hand_diff(), "json"))  # type: ignore[arg-type]
    assert doc["schema"] == "exposure.diff/1"
    assert doc["summary"]["newly_flagged"] == 1 and doc["exit_code"] == 1
    (change,) = doc["changes"]
    assert change["old"] == {
        "status": "clear",
        "cascade_pct": {"low": 40.0, "high": 40.0},
        "lookthrough_pct": {"low": 24.0, "high": 24.0},
    }
    assert change["causes"][0] == {
        "holder": HOSTILE,
        "subject": "S",
        "old_pct": None,
        "new_pct": {"low": 20.0, "high": 20.0},
        "kind": "added",
        "explains_pts": 20.0,
        "bound": "cascade low",
    }


def test_csv_makes_formula_text_inert() -> None:
    text = render_diff(hand_diff(), "csv")
    assert isinstance(text, str)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["cause_holder"] == "'" + HOSTILE and row["cause_explains_pts"] == "20.0"


def test_markdown_escapes_table_pipes() -> None:
    text = render_diff(hand_diff(), "markdown")
    assert isinstance(text, str)
    assert "\\|" in text and "**Newly failing (exit 1):** S" in text


def test_css_strings_cannot_close_the_string_or_the_style_element() -> None:
    quoted = _css_string(HOSTILE)
    assert "<" not in quoted and quoted.count('"') == 2 and "</style>" not in quoted


def test_html_without_the_new_check_lists_causes_without_charts() -> None:
    page = render_diff(hand_diff(), "html", generated_at=WHEN)
    assert isinstance(page, str)
    assert "<svg" not in page and "Newly failing: S" in page
    assert "<script>" not in page


def test_xlsx_needs_the_new_check() -> None:
    with pytest.raises(ValueError, match="new check"):
        render_diff(hand_diff(), "xlsx")


def _data(stake: float) -> OwnershipData:
    entities = (
        Entity("P", "P", EntityType.COMPANY, jurisdiction="CN", ultimate=True),
        Entity("Q", "Q", EntityType.COMPANY, jurisdiction="US", ultimate=True),
        Entity("S", "Spring", EntityType.COMPANY, jurisdiction="SG"),
    )
    holdings = (Holding("P", "S", Stake.exact(stake)), Holding("Q", "S", Stake.exact(1 - stake)))
    return OwnershipData(entities, holdings, SourceInfo("t", "0" * 64, "test"))


def test_a_check_report_read_back_gives_the_same_figures(tmp_path: Path) -> None:
    old = ownership.check(_data(0.3), jurisdictions=["CN"])
    new = ownership.check(_data(0.6), jurisdictions=["CN"])
    path = tmp_path / "old.json"
    path.write_text(check_json(old), encoding="utf-8")
    assert is_report(path) and not is_report(tmp_path / "nothing.json")
    snap = read_report(path)
    # The report rounds percentages to 6 decimals: the snapshot and the check itself agree beyond that.
    assert compare(snap, old, min_change=1e-8).empty
    diff = compare(snap, new)
    (change,) = diff.changes
    assert change.causes == () and "JSON report" in diff.causes_note


def test_the_xlsx_changes_sheet_is_added_after_the_audit_sheets() -> None:
    old = ownership.check(_data(0.3), jurisdictions=["CN"])
    new = ownership.check(_data(0.6), jurisdictions=["CN"])
    data = render_diff(compare(old, new), "xlsx", new=new, fail_on=FailOn.FLAGGED, generated_at=WHEN)
    assert isinstance(data, bytes)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "Changes" and book.sheetnames[0] == "Summary"
    assert book["Changes"]["A2"].value == "S" and book["Changes"]["N2"].value is not None
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len([n for n in names if n.startswith("xl/worksheets/sheet")]) == len(book.sheetnames)


def test_html_draws_only_the_upstream_of_each_change_with_the_changed_holding_highlighted() -> None:
    # Beside S (P and Q its holders) sit 200 unrelated companies: the chart of S's change draws S, P and Q
    # only, and the rule that draws P's holding in S thick and orange names that holding.
    def with_others(stake: float) -> OwnershipData:
        base = _data(stake)
        others = tuple(
            Entity(f"O{k}", f"O{k}", EntityType.COMPANY, jurisdiction="US", ultimate=True) for k in range(200)
        )
        return OwnershipData((*base.entities, *others), base.holdings, base.source)

    old = ownership.check(with_others(0.3), jurisdictions=["CN"])
    new = ownership.check(with_others(0.6), jurisdictions=["CN"])
    page = render_diff(compare(old, new), "html", new=new, generated_at=WHEN)
    assert isinstance(page, str)
    assert page.count("<svg") == 1 and "Upstream of <bdi>Spring</bdi> in the new check: 3 entities" in page
    assert '#diff-chart-0 path.holding[data-holder="P"][data-subject="S"]{stroke:#ea580c' in page
    assert 'data-entity="O1"' not in page
