"""The JSON report is written entity by entity, and the JSON and xlsx reports build each entity's verdict
once however many sheets or rules use it (issue 16, item 9)."""

from __future__ import annotations

import io
import json

import pytest

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports.json_report import to_document, write_json
from ownership.result import CheckResult, CheckSet, EntityVerdict


def _result(policy: Policy) -> CheckResult:
    entities = (
        Entity("P", "P Holdings", EntityType.COMPANY, "CN", None),
        Entity("T", 'T "Target" \\ Ltd\\n', EntityType.COMPANY, "DE", None),
        Entity("U", "Umlaut GmbH", EntityType.COMPANY, "US", None),
    )
    holdings = (Holding("P", "T", Stake(0.6, 0.6)), Holding("U", "T", Stake(0.4, 0.4)))
    data = OwnershipData(entities, holdings, SourceInfo("in.csv", "0" * 64, "holdings-csv"))
    return check(data, policy)


@pytest.mark.parametrize("rules", [1, 2])
def test_the_streamed_report_is_the_document(rules: int) -> None:
    policies = [Policy(jurisdictions=frozenset({"CN"}), name="a"), Policy(jurisdictions=frozenset({"CN"}), name="b")]
    checks = CheckSet(tuple(_result(p) for p in policies[:rules]))
    sink = io.StringIO()
    write_json(checks, sink)
    text = sink.getvalue()
    assert json.loads(text) == to_document(checks)
    lines = text.splitlines()
    start = lines.index('  "entities": [')
    assert [json.loads(line.rstrip(","))["id"] for line in lines[start + 1 : start + 4]] == ["T", "P", "U"]
    assert lines[start + 4] == "  ],"
    assert text.endswith("\n  ]\n}\n")


def test_each_verdict_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.pipeline import ExplainedVerdicts

    built: list[int] = []
    real = ExplainedVerdicts.verdict

    def counting(self: ExplainedVerdicts, i: int) -> EntityVerdict:
        built.append(i)
        return real(self, i)

    result = _result(Policy(jurisdictions=frozenset({"CN"})))
    monkeypatch.setattr(ExplainedVerdicts, "verdict", counting)
    write_json(result, io.StringIO())
    assert sorted(built) == [0, 1, 2]


def test_the_audit_workbook_builds_each_verdict_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    from ownership.pipeline import ExplainedVerdicts
    from ownership.reports.xlsx import tables as xlsx_tables

    built: list[int] = []
    real = ExplainedVerdicts.verdict

    def counting(self: ExplainedVerdicts, i: int) -> EntityVerdict:
        built.append(i)
        return real(self, i)

    checks = CheckSet.of(_result(Policy(jurisdictions=frozenset({"CN"}))))
    monkeypatch.setattr(ExplainedVerdicts, "verdict", counting)
    workbook = Workbook()
    try:
        for write in (xlsx_tables.write_entities, xlsx_tables.write_chains, xlsx_tables.write_derivation):
            write(workbook.create_sheet(), checks)
    finally:
        xlsx_tables.forget_rows()
    assert sorted(built) == [0, 1, 2]


_COLUMN_KEYS = [
    "id",
    "name",
    "type",
    "jurisdiction",
    "headquarters",
    "status",
    "cascade_pct",
    "lookthrough_pct",
    "decides",
    "reason",
    "labels",
    "most_restrictive",
    "by_profile",
]


def test_entities_past_the_explained_ones_come_from_the_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the first EXPLAIN_LIMIT entities carry an explanation: the others are written from the result's
    columns without a verdict object, with the same values for every key they share."""
    from ownership.pipeline import ExplainedVerdicts

    entities = (
        Entity("P", "P Holdings", EntityType.COMPANY, "CN", None),
        Entity("T", "=T Ltd", EntityType.COMPANY, "DE", "DE"),
        Entity("U", "Nowhere Ltd", EntityType.COMPANY, None, None),
    )
    holdings = (Holding("P", "T", Stake(0.6, 0.6)), Holding("U", "T", Stake(0.3, 0.4)))
    data = OwnershipData(entities, holdings, SourceInfo("in.csv", "0" * 64, "holdings-csv"))
    policies = [Policy(jurisdictions=frozenset({"CN"}), name="a"), Policy(jurisdictions=frozenset({"CN"}), name="b")]
    full = to_document(CheckSet(tuple(check(data, p) for p in policies)))["entities"]
    built: list[int] = []
    real = ExplainedVerdicts.verdict

    def counting(self: ExplainedVerdicts, i: int) -> EntityVerdict:
        built.append(i)
        return real(self, i)

    monkeypatch.setattr(ExplainedVerdicts, "verdict", counting)
    sink = io.StringIO()
    write_json(CheckSet(tuple(check(data, p, explain_limit=1) for p in policies)), sink)
    bare = json.loads(sink.getvalue())["entities"]
    assert [e["id"] for e in bare] == ["T", "P", "U"]
    assert sorted(set(built)) == [1]  # T, flagged, the first in report order, alone is explained
    assert "reasons" in bare[0] and "chains" in bare[0]
    for plain in bare[1:]:
        assert list(plain) == _COLUMN_KEYS
    assert [{k: e[k] for k in _COLUMN_KEYS} for e in bare] == [{k: e[k] for k in _COLUMN_KEYS} for e in full]
    assert bare[2]["jurisdiction"] is None and bare[2]["status"] == "possible"  # unknown country, never clear
    assert bare[0]["name"] == "=T Ltd" and bare[0]["status"] == "flagged"
    assert bare[1]["status"] == "home" and bare[1]["cascade_pct"] == {"low": 100.0, "high": 100.0}
    assert bare[1]["labels"] == ["CN"] and bare[1]["reason"]
