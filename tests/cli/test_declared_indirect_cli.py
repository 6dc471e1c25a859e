"""Declared indirect interests through the real entry point: the status, and `explain` and the JSON report
naming them as declared (hand-made workbook: the BODS example "multiple indirect ownership 2" in the
canonical format, where GBP declares 60% of A held through B, whose links give no share)."""

from __future__ import annotations

import json
from pathlib import Path

ENTITIES = [
    {"id": "GBP", "name": "A British Person", "type": "person", "jurisdiction": "GB"},
    {"id": "A", "name": "Company A", "type": "company", "jurisdiction": "IE"},
    {"id": "B", "name": "Company B", "type": "company", "jurisdiction": "IE"},
]
HOLDINGS = [
    {"holder": "GBP", "subject": "B", "percent": "unknown", "indirect": None, "source": "register"},
    {"holder": "B", "subject": "A", "percent": "unknown", "indirect": None, "source": "register"},
    {"holder": "GBP", "subject": "A", "percent": "60%", "indirect": "yes", "source": "statement 123"},
]


def test_explain_names_the_declared_indirect_interest(tmp_path: Path, cli) -> None:
    path = cli.write_workbook(tmp_path, ENTITIES, HOLDINGS)
    result = cli.run("explain", path, "A", "-j", "GB", "--format", "markdown")
    assert result.exit_code == 1, result.output
    text = " ".join(result.stdout.replace("\\", "").split())
    assert "FLAGGED" in text
    assert "GBP 60% (home, declared indirect)" in text
    assert "(declared indirect, above the chains) GBP -60%-> A = 60%" in text
    assert "declared_indirect" in text  # the data warning on the row, with what was decided


def test_the_json_report_marks_the_declared_interest(tmp_path: Path, cli) -> None:
    path = cli.write_workbook(tmp_path, ENTITIES, HOLDINGS)
    result = cli.run("check", path, "-j", "GB", "--format", "json")
    doc = json.loads(result.stdout)
    a = next(e for e in doc["entities"] if e["id"] == "A")
    assert a["status"] == "flagged"
    assert a["cascade_pct"]["low"] == 60.0
    assert a["lookthrough_pct"]["low"] == 60.0
    assert a["tainted_by"] == [
        {"holder": "GBP", "stake_pct": {"low": 60.0, "high": 60.0}, "holder_home": True, "declared_indirect": True}
    ]
    assert [c["kind"] for c in a["chains"]["listed"]] == ["declared"]
    warning = next(w for w in doc["warnings"] if w["code"] == "declared_indirect")
    assert "floor" in warning["message"]
