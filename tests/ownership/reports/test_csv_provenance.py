"""The provenance of the CSV and Parquet reports (issue 15): input file and SHA-256, as-of date, rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ownership.model import Entity, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports.csv_report import PROVENANCE_KEY, provenance, provenance_path, write_parquet

SOURCE = SourceInfo(path="cap.xlsx", sha256="ab" * 32, format="workbook")
POLICY = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2025, 1, 1))
DATA = OwnershipData(
    (Entity("P", "P", jurisdiction="CN"), Entity("T", "T", jurisdiction="GB")),
    (Holding("P", "T", Stake.exact(0.6)),),
    SOURCE,
)


def test_provenance_names_input_date_and_rule() -> None:
    doc = provenance(check(DATA, POLICY))
    assert doc["input"] == {"path": "cap.xlsx", "sha256": "ab" * 32, "format": "workbook"}
    assert doc["as_of"] == "2025-01-01"
    assert [r["name"] for r in doc["rules"]] == [POLICY.name]
    assert doc["rules"][0]["policy"]["jurisdictions"] == ["CN"]
    assert doc["rows"] == 2


def test_sidecar_path_keeps_the_report_name() -> None:
    assert provenance_path(Path("out/report.csv")) == Path("out/report.csv.provenance.json")


def test_parquet_metadata_holds_the_provenance(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    write_parquet(check(DATA, POLICY), tmp_path / "r.parquet")
    doc = json.loads(pq.read_schema(tmp_path / "r.parquet").metadata[PROVENANCE_KEY.encode()])
    assert doc["input"]["sha256"] == "ab" * 32
