"""`exposure check --as-of` on each registry format's own history (issue 14, section 3), through the CLI.

Figures are hand-computed in the comments. The real files and their sources are listed in
tests/fixtures/bods/README.md and tests/fixtures/psc/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FERMCAT = "ent-93c75c87ab28f889"


def test_fermcat_under_ofac_at_2020_06_01_is_flagged(cli: Any) -> None:
    # Riyadh Byrne-Amin (IQ and IE) held exactly 50% of Fermcat Ltd until 2021-04-03: at least 50%.
    path = FIXTURES / "bods" / "real" / "fermcat.json"
    args = ("check", path, "--profile", "ofac", "-j", "IQ", "--entity", FERMCAT)
    result, doc = cli.run_json(*args, "--as-of", "2020-06-01")
    fermcat = cli.by_id(doc)[FERMCAT]
    assert (result.exit_code, fermcat["status"]) == (1, "flagged")
    assert fermcat["cascade_pct"] == {"low": 50.0, "high": 50.0}
    # Since 2022-01-21 Patrick O'Donohue (IE) holds 100%.
    result, doc = cli.run_json(*args, "--as-of", "2024-01-01")
    assert (result.exit_code, cli.by_id(doc)[FERMCAT]["status"]) == (0, "clear")


def test_a_ceased_psc_counts_at_an_earlier_as_of_date(cli: Any, tmp_path: Path) -> None:
    # Hand-made: a Vietnamese PSC with more than 50% but less than 75%, notified 2016-04-06, ceased
    # 2018-05-15 (in force to 2018-05-14). On 2017-01-01 the company is flagged at more than 50%.
    record = {
        "company_number": "09876543",
        "data": {
            "kind": "individual-person-with-significant-control",
            "name": "Mr Van Nguyen",
            "name_elements": {"forename": "Van", "surname": "Nguyen"},
            "date_of_birth": {"month": 1, "year": 1970},
            "nationality": "Vietnamese",
            "natures_of_control": ["ownership-of-shares-50-to-75-percent"],
            "links": {"self": "/company/09876543/persons-with-significant-control/individual/VN1"},
            "notified_on": "2016-04-06",
            "ceased_on": "2018-05-15",
        },
    }
    path = tmp_path / "psc.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    args = ("check", path, "-j", "VN", "--entity", "GB-COH-09876543")
    result, doc = cli.run_json(*args, "--as-of", "2017-01-01")
    company = cli.by_id(doc)["GB-COH-09876543"]
    assert (result.exit_code, company["status"]) == (1, "flagged")
    assert company["cascade_pct"]["low"] > 50.0
    result, doc = cli.run_json(*args, "--as-of", "2019-01-01")
    assert cli.by_id(doc)["GB-COH-09876543"]["cascade_pct"]["low"] == 0.0


def test_a_folder_with_only_an_end_column_filters_like_the_row_reader(cli: Any, tmp_path: Path) -> None:
    # A (CN) held 60% of B until 2023-12-31; C (US person) holds 70%. Today: C's 70% and 30% unallocated,
    # cascade 0-30%, clear; counting A's ended row would be a false 130% over-allocation.
    for name, sep in (("comma", ","), ("semicolon", ";")):
        folder = tmp_path / name
        folder.mkdir()
        entities = "id,name,type,jurisdiction\nA,Alpha,company,CN\nB,Beta,company,GB\nC,Carol,person,US\n"
        holdings = "holder,subject,percent,end\nA,B,60,2023-12-31\nC,B,70,\n"
        (folder / "entities.csv").write_text(entities.replace(",", sep), encoding="utf-8")
        (folder / "holdings.csv").write_text(holdings.replace(",", sep), encoding="utf-8")
        result, doc = cli.run_json("check", folder, "-j", "CN", "--entity", "B", "--as-of", "2025-01-01")
        beta = cli.by_id(doc)["B"]
        assert (result.exit_code, beta["status"], beta["cascade_pct"]) == (0, "clear", {"low": 0.0, "high": 30.0})
        assert "out_of_date" in [w["code"] for w in doc["warnings"]]
