"""CSV and Parquet reports say what they were computed from (issue 15): a sidecar JSON beside a CSV file
(the CSV stays plain rows any CSV tool reads), the Parquet file's own metadata."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from ownership.reports.csv_report import PROVENANCE_KEY, provenance_path

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "cap_table.xlsx"
SHA = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


def test_csv_report_has_a_provenance_sidecar(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["check", str(SAMPLE), "-j", "CN", "--as-of", "2026-06-30", "-o", str(out)])
    assert result.exit_code == 1, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20 and rows[0]["id"]  # plain rows, no comment lines
    sidecar = provenance_path(out)
    assert sidecar == tmp_path / "report.csv.provenance.json"
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    assert doc["input"] == {"path": str(SAMPLE), "sha256": SHA, "format": "workbook"}
    assert doc["as_of"] == "2026-06-30"
    assert doc["rules"][0]["name"] == "default"
    assert doc["rules"][0]["rule"].startswith("rule default: more than 50% (cascade)")
    assert doc["rows"] == 20
    assert doc["columns"][:2] == ["id", "name"]


def test_parquet_report_carries_its_provenance(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "report.parquet"
    result = CliRunner().invoke(app, ["check", str(SAMPLE), "-j", "CN", "-o", str(out)])
    assert result.exit_code == 1, result.stderr
    metadata = pq.read_schema(out).metadata
    doc = json.loads(metadata[PROVENANCE_KEY.encode()])
    assert doc["input"]["sha256"] == SHA
