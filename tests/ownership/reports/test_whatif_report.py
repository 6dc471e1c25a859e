"""The whatif renderers: percentages at the edge, cures rounded toward the clear side, names escaped."""

from __future__ import annotations

import json

from ownership.analysis.whatif import Cure, WhatIf, whatif
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.reports.whatif import max_pct, min_pct, render_whatif


def _answer(name: str = "Xeno Ltd") -> WhatIf:
    data = OwnershipData(
        [
            Entity("P", "Pan", EntityType.PERSON, jurisdiction="CN"),
            Entity("Y", "Yale", EntityType.PERSON, jurisdiction="US"),
            Entity("X", name, EntityType.COMPANY, jurisdiction="US"),
        ],
        [Holding("P", "X", Stake.exact(0.6)), Holding("Y", "X", Stake.exact(0.4))],
        SourceInfo("group.xlsx", "a" * 64, "workbook"),
    )
    return whatif(data, "X", jurisdictions=["CN"])


def test_cure_stakes_are_rounded_toward_the_side_that_clears() -> None:
    # A sale's most-kept stake rounds down, an issue's least stake rounds up, at 9 decimals (percent).
    cure = Cure("P", "X", Stake.exact(0.6), 0.62666666987654, 0.41666666512345, 0.1, "sell")
    assert max_pct(cure) == 62.666666987
    assert min_pct(cure) == 41.666666513


def test_json_document_in_percent() -> None:
    doc = json.loads(render_whatif(_answer(), "json"))
    assert doc["schema"] == "exposure.whatif/1"
    assert doc["input"] == {"path": "group.xlsx", "sha256": "a" * 64, "format": "workbook"}
    assert doc["policy"]["threshold_pct"] == 50.0 and doc["deciding"] == ["cascade"]
    # P keeps at most 50% (10 points); new shares to Y: 60% (1 - y) / 60% <= 50% -> y >= 50% (10 points).
    cures = {c["holder"]: c for c in doc["cure"]}
    assert cures["P"]["max_pct"] == 50.0 and cures["Y"]["min_pct"] == 50.0
    assert doc["best"]["change_pts"] == 10.0


def test_markdown_and_html_escape_the_users_text() -> None:
    hostile = "<script>alert(1)</script> *bold* | [x](y)"
    answer = _answer(hostile)
    md = render_whatif(answer, "markdown")
    assert "<script>" not in md and "\\*bold\\*" in md and "\\|" in md
    page = render_whatif(answer, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_text_says_why_there_is_no_cure() -> None:
    data = OwnershipData(
        [
            Entity("P", "Pan", EntityType.PERSON, jurisdiction="US"),
            Entity("X", "X", EntityType.COMPANY, jurisdiction="CN"),
        ],
        [Holding("P", "X", Stake.exact(1.0))],
        SourceInfo("g", "0" * 64, "test"),
    )
    text = render_whatif(whatif(data, "X", jurisdictions=["CN"]), "table")
    assert "No single change clears X: X is itself a home entity" in text
