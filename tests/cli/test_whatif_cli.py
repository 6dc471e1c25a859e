"""`exposure whatif INPUT --entity X` through the real entry point: formats, scenarios, exit codes, errors.

The structure (a folder input): P (CN, a person) holds 60% of X (US), Y (US, a person) 30%, Q (US, a
person) 10%. Under the default rule ("more than 50%", cascade) X is flagged at 60%. Hand-computed cures:
P keeps at most 50% (a sale of 10 points); new shares to Y: P's 60% becomes 60% (1 - y) / 70% <= 50%, so
y >= 41.666667% (11.666667 points); to Q: 60% (1 - q) / 90% <= 50%, q >= 25% (15 points). Removing P's
holding leaves 60% unallocated: possible, so P -> X is pivotal; Y and Q are not.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ENTITIES = (
    "id,name,type,jurisdiction\nP,Pan Holdings,person,CN\nY,Yale,person,US\nQ,Quill,person,US\nX,Xeno Ltd,company,US\n"
)
HOLDINGS = "holder,subject,percent\nP,X,60\nY,X,30\nQ,X,10\n"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "group"
    folder.mkdir()
    (folder / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (folder / "holdings.csv").write_text(HOLDINGS, encoding="utf-8")
    return folder


def _args(case: Path, *more: str) -> list[object]:
    return ["whatif", case, "--entity", "X", "-j", "CN", "--no-policy-file", *more]


def test_table_names_the_pivotal_holding_and_the_smallest_cure(case: Path, cli: Any) -> None:
    result = cli.run(*_args(case))
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert "X (Xeno Ltd): flagged (cascade 60%" in out
    assert "P -> X 60%: possible" in out
    assert "P -> X 60%: keep at most 50% (10 points)" in out
    assert "Y -> X 30%: new shares to at least 41.666667% (11.666667 points)" in out
    assert "Smallest change: P keeps at most 50% of X" in out


def test_json_follows_the_schema(case: Path, cli: Any) -> None:
    result, doc = cli.run_json(*_args(case, "--format", "json"))
    assert result.exit_code == 1, result.stderr
    assert doc["schema"] == "exposure.whatif/1"
    assert doc["entity"] == {"id": "X", "name": "Xeno Ltd"}
    assert doc["baseline"]["status"] == "flagged" and doc["baseline"]["cascade_pct"] == {"low": 60.0, "high": 60.0}
    assert doc["pivotal"] == [
        {
            "holder": "P",
            "subject": "X",
            "pct": 60.0,
            "pct_range": {"low": 60.0, "high": 60.0},
            "status_without": "possible",
        }
    ]
    cures = {(c["holder"], c["subject"]): c for c in doc["cure"]}
    assert cures["P", "X"]["max_pct"] == 50.0 and cures["P", "X"]["min_pct"] is None
    assert cures["P", "X"]["change_pts"] == 10.0
    assert cures["Q", "X"]["min_pct"] == 25.0 and cures["Q", "X"]["change_pts"] == 15.0
    assert abs(cures["Y", "X"]["min_pct"] - (100 - 35 / 0.6)) < 1e-6
    assert doc["best"] == {"holder": "P", "subject": "X", "change_pts": 10.0, "kind": "sell", "to_pct": 50.0}
    assert doc["why"] is None and doc["diff"] is None and doc["exit_code"] == 1


def test_a_scenario_is_checked_and_diffed_against_the_data_as_read(case: Path, cli: Any) -> None:
    # P sells 10 points to Y: 50% is not more than 50%, so X is clear (exit 0).
    result, doc = cli.run_json(*_args(case, "--set", "P:X=50", "--set", "Y:X=40", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    assert doc["before"]["status"] == "flagged" and doc["baseline"]["status"] == "clear"
    assert [c["text"] for c in doc["scenario"]] == ["P:X=50", "Y:X=40"]
    assert doc["diff"]["schema"] == "exposure.diff/1"
    (change,) = doc["diff"]["changes"]
    assert change["id"] == "X" and change["old"]["status"] == "flagged" and change["new"]["status"] == "clear"
    assert doc["best"] is None and doc["why"] == "X is already clear"


def test_dropping_a_holding_and_changing_a_country(case: Path, cli: Any) -> None:
    dropped = cli.run(*_args(case, "--drop", "P:X", "--fail-on", "possible"))
    assert dropped.exit_code == 1, dropped.stderr  # P's 60% unallocated: possible
    moved = cli.run(*_args(case, "--country", "P=United States"))
    assert moved.exit_code == 0, moved.stderr


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--set", "NOPE:X=30", "--set 'NOPE:X=30': 'NOPE' is not an entity id or unique name"),
        ("--set", "P:X=lots", "--set 'P:X=lots'"),
        ("--set", "P:X", "--set 'P:X': write HOLDER:SUBJECT=PCT"),
        ("--drop", "Y:Q", "--drop 'Y:Q': Y holds nothing in Q"),
        ("--country", "X=Atlantis", "--country 'X=Atlantis'"),
    ],
)
def test_bad_scenario_text_is_one_line_naming_the_option(
    case: Path, cli: Any, option: str, value: str, words: str
) -> None:
    result = cli.run(*_args(case, option, value))
    assert result.exit_code == 2
    line = cli.error_line(result)
    assert words in line and "Traceback" not in result.stderr


def test_an_unknown_entity_and_two_rules_are_usage_errors(case: Path, cli: Any) -> None:
    unknown = cli.run("whatif", case, "--entity", "NOBODY", "-j", "CN", "--no-policy-file")
    assert unknown.exit_code == 2 and "NOBODY" in cli.error_line(unknown)
    two = cli.run(*_args(case, "--profile", "ofac", "--profile", "uk"))
    assert two.exit_code == 2 and "one --profile" in cli.error_line(two)


@pytest.mark.parametrize(("name", "marker"), [("w.md", "# What would change X"), ("w.html", "<!DOCTYPE html>")])
def test_markdown_and_html_from_the_output_extension(
    case: Path, cli: Any, tmp_path: Path, name: str, marker: str
) -> None:
    out = tmp_path / name
    result = cli.run(*_args(case, "-o", out))
    assert result.exit_code == 1, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(marker) and "Pan Holdings" not in text.split("\n")[0]
    assert "50" in text


def test_the_installed_console_script(case: Path, cli: Any) -> None:
    exe = cli.repo / ".venv" / "bin" / "exposure"
    done = subprocess.run(
        [str(exe), *map(str, _args(case, "--format", "json"))], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["best"]["holder"] == "P"


def test_many_warnings_are_listed_as_check_lists_them(tmp_path: Path, cli: Any) -> None:
    # 60 holders of X with no country: 60 'unknown_country' warnings. Like check, whatif shows the first 50
    # with their code and place and says how many more there are (it used to print every one).
    folder = tmp_path / "many"
    folder.mkdir()
    people = "".join(f"U{k},Unknown {k},person,\n" for k in range(60))
    (folder / "entities.csv").write_text(
        "id,name,type,jurisdiction\nP,Pan Holdings,person,CN\nX,Xeno Ltd,company,US\n" + people, encoding="utf-8"
    )
    holdings = "".join(f"U{k},X,0.5\n" for k in range(60))
    (folder / "holdings.csv").write_text("holder,subject,percent\nP,X,60\n" + holdings, encoding="utf-8")
    result = cli.run("whatif", folder, "--entity", "X", "-j", "CN", "--no-policy-file")
    assert result.exit_code == 1, result.stderr
    assert "60 warnings:" in result.stderr
    assert result.stderr.count("unknown_country") == 50
    assert "... and 10 more (all of them are in --format json)" in result.stderr
