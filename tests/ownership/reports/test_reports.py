"""The renderers over one CheckResult: the JSON contract, CSV formula neutralising, Markdown escaping, rounding."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from importlib.metadata import version

import pytest

from ownership.errors import Location
from ownership.model import Comparison, Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.reports import render_csv, render_json, render_markdown
from ownership.result import CheckResult

FORMULA = '=HYPERLINK("http://evil.example","click")'
PIPE_NAME = "Alpha | Beta Holdings"
SHA = "ab" * 32


def _entity(entity_id: str, country: str | None, name: str | None = None) -> Entity:
    # Its own ultimate owner when nobody holds it, as these report tests were written for.
    return Entity(id=entity_id, name=name or entity_id, type=EntityType.COMPANY, jurisdiction=country, ultimate=True)


def _holding(holder: str, subject: str, percent: float, row: int) -> Holding:
    return Holding(holder, subject, Stake.exact(percent / 100), where=Location("t.xlsx", "Holdings", row))


@pytest.fixture
def result() -> CheckResult:
    """CN1, CN2, CN3 (CN) hold 3% + 29% + 18% of T, exactly 50% with float noise; US holds the rest.

    FORMULA (a company whose name is a spreadsheet formula) holds 1/3 of PIPE; PIPE's name has a '|'.
    T -60-> S makes a look-through figure of 30% (0.5 x 0.6) for S. V (country unknown) owns W.
    """
    entities = (
        _entity("CN1", "CN"),
        _entity("CN2", "CN"),
        _entity("CN3", "CN"),
        _entity("US", "US", name="-US Holder"),
        _entity("T", "GB", name="+Target Ltd"),
        _entity("S", "GB", name="@Sub Ltd"),
        _entity(FORMULA, "CN", name=FORMULA),
        _entity("PIPE", "GB", name=PIPE_NAME),
        Entity(id="V", name="V", declared=False),
        _entity("W", "GB"),
    )
    holdings = (
        _holding("CN1", "T", 3, 2),
        _holding("CN2", "T", 29, 3),
        _holding("CN3", "T", 18, 4),
        _holding("US", "T", 50, 5),
        _holding("T", "S", 60, 6),
        _holding("US", "S", 40, 7),
        _holding(FORMULA, "PIPE", 100 / 3, 8),
        _holding("US", "PIPE", 100 * 2 / 3, 9),
        _holding("V", "W", 100, 10),
    )
    data = OwnershipData(entities, holdings, SourceInfo("t.xlsx", SHA, "workbook"))
    policy = Policy(jurisdictions=frozenset({"CN"}), comparison=Comparison.GE, as_of=date(2026, 1, 2))
    return check(data, policy, ["T", "PIPE"])


def test_json_matches_the_contract(result: CheckResult) -> None:
    text = render_json(result)
    doc = json.loads(text)
    assert doc["schema"] == "exposure.check/1"
    assert doc["tool"] == {"name": "exposure", "version": version("exposure")}
    assert doc["input"]["path"] == "t.xlsx"
    assert doc["input"]["sha256"] == SHA
    assert {"jurisdictions", "threshold_pct", "comparison", "method", "home", "aggregate", "as_of"} <= set(
        doc["policy"]
    )
    assert doc["policy"]["jurisdictions"] == ["CN"]
    assert doc["policy"]["threshold_pct"] == 50.0
    assert doc["policy"]["comparison"] == "ge"
    assert doc["policy"]["method"] == "cascade"
    assert doc["policy"]["home"] == "either"
    assert doc["policy"]["aggregate"] is True
    assert doc["policy"]["as_of"] == "2026-01-02"

    entities = {e["id"]: e for e in doc["entities"]}
    assert len(entities) == len(doc["entities"]) == 10
    summary = doc["summary"]
    assert summary["entities"] == 10
    assert summary["home"] + summary["flagged"] + summary["possible"] + summary["clear"] == 10
    assert summary["home"] == 4  # CN1, CN2, CN3, FORMULA
    for e in doc["entities"]:
        assert {
            "id",
            "name",
            "type",
            "jurisdiction",
            "headquarters",
            "status",
            "cascade_pct",
            "lookthrough_pct",
        } <= set(e)
        assert e["status"] in {"home", "flagged", "possible", "clear"}
    for home in ("CN1", "CN2", "CN3", FORMULA):
        assert entities[home]["status"] == "home"
        assert entities[home]["cascade_pct"] == {"low": 100.0, "high": 100.0}
        assert entities[home]["lookthrough_pct"] == {"low": 100.0, "high": 100.0}
    t = entities["T"]
    assert t["status"] == "flagged"
    assert t["jurisdiction"] == "GB"
    assert t["headquarters"] is None
    assert t["type"] == "company"
    assert entities["V"]["status"] == "possible"
    assert entities["V"]["jurisdiction"] is None
    assert entities["W"]["status"] == "possible"
    assert entities["W"]["cascade_pct"] == {"low": 0.0, "high": 100.0}
    assert entities["S"]["status"] == "flagged"  # T is tainted at >= 50% and holds 60%
    assert entities["PIPE"]["status"] == "clear"
    # deciding entities lead the list
    assert {e["id"] for e in doc["entities"][:2]} == {"T", "PIPE"}
    for w in doc["warnings"]:
        assert {"code", "message", "where"} <= set(w)


def test_json_percentages_are_rounded(result: CheckResult) -> None:
    text = render_json(result)
    doc = json.loads(text)
    entities = {e["id"]: e for e in doc["entities"]}
    # 0.03 + 0.29 + 0.18 is 0.49999999999999994 in floats: the report says 50.0
    assert entities["T"]["cascade_pct"] == {"low": 50.0, "high": 50.0}
    assert entities["T"]["lookthrough_pct"] == {"low": 50.0, "high": 50.0}
    assert entities["S"]["lookthrough_pct"] == {"low": 30.0, "high": 30.0}
    assert entities["PIPE"]["lookthrough_pct"] == {"low": 33.333333, "high": 33.333333}
    assert not re.search(r"\d\.\d{7,}", text), "a percentage with more than 6 decimals"
    assert "49.9999" not in text


def test_json_keeps_unicode_and_is_one_document(result: CheckResult) -> None:
    text = render_json(result)
    assert text.endswith("\n")
    assert json.loads(text)["entities"]  # a single parseable document


def test_csv_neutralises_formula_cells(result: CheckResult) -> None:
    text = render_csv(result)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 10
    by_name = {r["name"]: r for r in rows}
    evil = by_name["'" + FORMULA]
    assert evil["id"] == "'" + FORMULA
    assert evil["status"] == "home"
    assert "'-US Holder" in by_name
    assert "'+Target Ltd" in by_name
    assert "'@Sub Ltd" in by_name
    # no cell of any row starts with a formula character
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell or cell[0] not in "=+-@", cell
    # plain names are left alone
    assert PIPE_NAME in by_name


def test_csv_percentages_are_rounded(result: CheckResult) -> None:
    text = render_csv(result)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert float(rows["T"]["cascade_low_pct"]) == 50.0
    assert float(rows["T"]["lookthrough_high_pct"]) == 50.0
    assert float(rows["PIPE"]["lookthrough_low_pct"]) == 33.333333
    assert "49.9999" not in text
    assert not re.search(r"\d\.\d{7,}", text)
    assert rows["T"]["status"] == "flagged"
    assert rows["T"]["decides"] == "yes"
    assert rows["CN1"]["decides"] == "no"


def test_markdown_escapes_pipes(result: CheckResult) -> None:
    text = render_markdown(result)
    assert text.startswith("# ")
    assert "Alpha \\| Beta Holdings" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    header = table[0]
    columns = len(re.split(r"(?<!\\)\|", header))
    for line in table:
        # every row has as many unescaped '|' as the header: the name did not add a column
        assert len(re.split(r"(?<!\\)\|", line)) == columns, line
    pipe_rows = [line for line in table if "Alpha" in line]
    assert len(pipe_rows) == 1


def test_markdown_percentages_are_rounded(result: CheckResult) -> None:
    text = render_markdown(result)
    assert "49.99" not in text
    assert not re.search(r"\d\.\d{5,}%", text)
    t_row = next(line for line in text.splitlines() if line.startswith("|") and "+Target Ltd" in line)
    assert "50%" in t_row
    assert "flagged" in t_row
