"""`exposure explain` and the audit-report outputs of `exposure check -o`, through the real entry point.

The golden files in tests/fixtures/golden were read line by line against the sample's hand-worked figures
(README): HELIO-SG is tainted by LANTING-HK 40% + REDPEAK 12% = 52% > 50%, then holds 56% with HELIO-JP's 4%;
its look-through 37.04% = (0.6 x 0.4 + 0.12) / (1 - 0.04 x 0.7), i.e. chains of 24% and 12% plus 1.037% that
goes round the HELIO-SG / HELIO-JP cross-holding.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.app import app

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "fixtures" / "golden"
SAMPLE = "data/samples/cap_table.xlsx"
AS_OF = ("--as-of", "2026-11-24")


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # The golden files name the sample by its relative path, as the README's command does.
    monkeypatch.chdir(REPO)


def _run(*args: str, columns: int = 110) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


def test_explain_tree_golden() -> None:
    result = _run("explain", SAMPLE, "HELIO-SG", "-j", "CN", *AS_OF)
    assert result.exit_code == 1  # HELIO-SG is flagged, and it alone decides
    assert result.stdout == (GOLDEN / "explain_helio_sg.txt").read_text(encoding="utf-8")


def test_explain_markdown_golden_for_a_possible_entity() -> None:
    result = _run("explain", SAMPLE, "ORBIT", "-j", "CN", *AS_OF, "--format", "markdown")
    assert result.exit_code == 0  # possible does not fail the default --fail-on flagged
    assert result.stdout == (GOLDEN / "explain_orbit.md").read_text(encoding="utf-8")


def test_check_markdown_golden() -> None:
    result = _run("check", SAMPLE, "-j", "CN", *AS_OF, "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == (GOLDEN / "check_sample.md").read_text(encoding="utf-8")


def test_explain_json_has_the_reasons_and_chains_that_add_up() -> None:
    result = _run("explain", SAMPLE, "Helio Robotics Japan KK", "-j", "CN", *AS_OF, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema"] == "exposure.explain/1"
    entity = doc["entity"]
    assert entity["id"] == "HELIO-JP"
    assert entity["status"] == "flagged"
    assert entity["reasons"][-1]["text"] == "HELIO-JP passes the threshold: HELIO-SG (tainted) holds 70% > 50%"
    assert entity["origins"] == ["REDPEAK", "LANTING-KY"]
    chains = entity["chains"]
    listed = sum(c["share_pct"] for c in chains["listed"])
    assert listed + chains["rest_pct"] == pytest.approx(chains["figure_pct"], abs=1e-5)
    assert chains["listed"][0]["path"] == ["LANTING-KY", "LANTING-HK", "HELIO-SG", "HELIO-JP"]
    assert chains["listed"][0]["share_pct"] == pytest.approx(16.8)
    assert doc["explanation"][0].startswith("Helio Robotics Japan KK (HELIO-JP) is FLAGGED")


def test_explain_unknown_entity_is_one_line_exit_2() -> None:
    result = _run("explain", SAMPLE, "NO-SUCH", "-j", "CN")
    assert result.exit_code == 2
    # Issue 15: no option the user never typed, and the closest ids when there are any.
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"exposure: error: no entity 'NO-SUCH' in {SAMPLE}")
    assert "--entity" not in lines[0]


def test_check_json_carries_reasons_and_chains_for_every_entity() -> None:
    result = _run("check", SAMPLE, "-j", "CN", *AS_OF, "--format", "json")
    doc = json.loads(result.stdout)
    by_id = {e["id"]: e for e in doc["entities"]}
    assert len(by_id) == 20
    for entity in by_id.values():
        assert "reasons" in entity and "chains" in entity and "chains_high" in entity
        for key in ("chains", "chains_high"):
            block = entity[key]
            if block is not None:
                total = sum(c["share_pct"] for c in block["listed"]) + block["rest_pct"]
                assert total == pytest.approx(block["figure_pct"], abs=1e-5)
    assert by_id["KESTREL"]["reasons"] == [] and by_id["KESTREL"]["chains"] is None
    orbit_high = by_id["ORBIT"]["chains_high"]["listed"]
    assert orbit_high[0] == {
        "kind": "unallocated",
        "path": ["ORBIT"],
        "stakes_pct": [],
        "unallocated_pct": pytest.approx(29.9999),
        "share_pct": pytest.approx(29.9999),
    }


def test_check_writes_the_xlsx_audit_report(tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    result = _run("check", SAMPLE, "-j", "CN", *AS_OF, "-o", str(out))
    assert result.exit_code == 1
    assert zipfile.is_zipfile(out)
    book = load_workbook(out)
    for sheet in ("Summary", "Entities", "Chains", "Warnings", "Policy"):
        assert sheet in book.sheetnames
    assert any(name.startswith("Holdings") for name in book.sheetnames)
    assert oct(os.stat(out).st_mode & 0o777) != oct(0o600), "reports are written with the usual umask mode"


def test_check_writes_the_html_audit_report(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = _run("check", SAMPLE, "-j", "CN", *AS_OF, "-o", str(out))
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.startswith("<!doctype html>")
    assert "<svg" in html and "HELIO-SG" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_html_format_needs_an_output_file() -> None:
    result = _run("check", SAMPLE, "-j", "CN", "--format", "html")
    assert result.exit_code == 2
    assert "give -o FILE.html" in result.stderr
