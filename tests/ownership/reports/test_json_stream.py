"""The JSON report is written entity by entity, and the JSON and xlsx reports build each entity's verdict
once however many sheets or rules use it (issue 16, item 9)."""

from __future__ import annotations

import io
import json

import pytest

from ownership.check import check
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
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
    from ownership.check import ExplainedVerdicts

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

    from ownership.check import ExplainedVerdicts
    from ownership.reports import xlsx_tables

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
