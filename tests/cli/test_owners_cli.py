"""`exposure owners INPUT --entity X` through the real entry point: every format, the exit codes, errors.

The structure (holdings CSV): P (CN) holds 60% of H (HK), Q (US) 40% of H; H holds 40% of T (SG) and R (US)
50% of T; 10% of T has no named holder. T's ultimate owners: R 50%, P 0.6 x 0.4 = 24%, Q 0.4 x 0.4 = 16%
(together 90%), unallocated 10%; each may hold the unallocated 10% as well (high bounds 60%, 34%, 26%).
T under the default rule with CN watched: cascade 40% (H is controlled by P) to 50% (with the 10%): not more
than 50%, so clear; look-through 24% to 34%.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROWS = [
    ("P", "CN", "H", "HK", "60"),
    ("Q", "US", "H", "HK", "40"),
    ("H", "HK", "T", "SG", "40"),
    ("R", "US", "T", "SG", "50"),
]


@pytest.fixture
def case(tmp_path: Path, cli: Any) -> Path:
    path: Path = cli.write_holdings_csv(tmp_path, ROWS)
    return path


def test_json_lists_the_ultimate_owners_with_their_bounds(case: Path, cli: Any) -> None:
    result, doc = cli.run_json("owners", case, "--entity", "T", "-j", "CN")
    assert result.exit_code == 0, result.stderr
    assert doc["schema"] == "exposure.owners/1"
    assert doc["entity"]["id"] == "T" and doc["entity"]["status"] == "clear"
    assert doc["entity"]["cascade_pct"] == {"low": 40.0, "high": 50.0}
    owners = {o["id"]: o for o in doc["owners"]}
    assert [o["id"] for o in doc["owners"]] == ["R", "P", "Q"]
    assert owners["R"]["lookthrough_pct"] == {"low": 50.0, "high": 60.0}
    assert owners["P"]["lookthrough_pct"] == {"low": 24.0, "high": 34.0}
    assert owners["Q"]["lookthrough_pct"] == {"low": 16.0, "high": 26.0}
    assert owners["P"]["home"] is True and owners["R"]["home"] is False
    assert owners["P"]["cascade_pct"] == {"low": 40.0, "high": 50.0} and owners["P"]["controls"] is False
    # R: 50% is not more than 50% alone, but the unallocated 10% could make it 60%.
    assert owners["R"]["over_threshold"] is False and owners["R"]["possibly_over_threshold"] is True
    assert doc["unallocated_pct"] == 10.0 and doc["ultimate_total_pct"] == 90.0
    assert {"id", "name", "countries", "lookthrough_pct", "controls", "over_threshold"} <= set(owners["P"])


def test_all_adds_the_intermediary(case: Path, cli: Any) -> None:
    _, doc = cli.run_json("owners", case, "--entity", "T", "--all")
    owners = {o["id"]: o for o in doc["owners"]}
    assert owners["H"]["role"] == "intermediate" and owners["H"]["lookthrough_pct"]["low"] == 40.0
    # Nothing watched: no status and nobody home, and the exit code is 0.
    assert doc["entity"]["status"] is None and owners["P"]["home"] is None


def test_threshold_marks_the_owners_at_or_over_it(case: Path, cli: Any) -> None:
    # At least 24% by look-through: R (50%) and P (24%) are over; Q (16-26%) only possibly.
    _, doc = cli.run_json(
        "owners", case, "--entity", "T", "--threshold", "24", "--comparison", "ge", "--method", "lookthrough"
    )
    marks = {o["id"]: (o["over_threshold"], o["possibly_over_threshold"]) for o in doc["owners"]}
    assert marks == {"R": (True, False), "P": (True, False), "Q": (False, True)}


def test_the_exit_code_is_check_s_for_the_entity(case: Path, cli: Any) -> None:
    # H is 60% held by P (CN): flagged, exit 1; T is clear (cascade 40-50%, not more than 50%): 0. At more
    # than 45%, T's cascade high bound 50% passes but its low 40% does not: possible, 1 under --fail-on possible.
    assert cli.run("owners", case, "--entity", "H", "-j", "CN", "-q").exit_code == 1
    assert cli.run("owners", case, "--entity", "T", "-j", "CN", "-q").exit_code == 0
    possible = cli.run("owners", case, "--entity", "T", "-j", "CN", "--threshold", "45", "--fail-on", "possible", "-q")
    assert possible.exit_code == 1
    assert cli.run("owners", case, "--entity", "H", "-q").exit_code == 0  # nothing watched


def test_csv_and_markdown(case: Path, cli: Any) -> None:
    result = cli.run("owners", case, "--entity", "T", "--format", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["lookthrough_low_pct"], r["lookthrough_high_pct"]) for r in rows] == [
        ("R", "50.0", "60.0"),
        ("P", "24.0", "34.0"),
        ("Q", "16.0", "26.0"),
    ]
    markdown = cli.run("owners", case, "--entity", "T", "--format", "markdown", "-q").stdout
    assert markdown.startswith("# Owners of T")
    assert "| P | ultimate | CN |" in markdown and "24% - 34%" in markdown
    assert "unallocated (no named holder): 10%" in markdown


def test_table_and_an_output_file_by_its_extension(case: Path, cli: Any, tmp_path: Path) -> None:
    table = cli.run("owners", case, "--entity", "T", "-j", "CN", "-q")
    assert "Owners of T" in table.stdout and "24% - 34%" in table.stdout and "T is clear" in table.stdout
    out = tmp_path / "owners.json"
    written = cli.run("owners", case, "--entity", "T", "-o", out)
    assert written.exit_code == 0 and json.loads(out.read_text())["schema"] == "exposure.owners/1"
    assert f"written to {out}" in " ".join(written.stderr.split())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--entity", "NOPE"], "no entity 'NOPE'"),
        (["--entity", "T", "--profile", "ofac", "--profile", "uk"], "owners takes one rule"),
        (["--entity", "T", "-o", "out.xyz"], "extension does not say the format"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(case: Path, cli: Any, args: list[str], expected: str) -> None:
    assert expected in cli.error_line(cli.run("owners", case, *args))


def test_an_output_over_the_input_is_refused(case: Path, cli: Any) -> None:
    assert "input" in cli.error_line(cli.run("owners", case, "--entity", "T", "--format", "csv", "-o", case))
    assert case.read_text().startswith("holder")


def test_the_sample_through_the_installed_command() -> None:
    # HELIO-SG (README): its ultimate owners and the unallocated 8.23% add up to 100%.
    exposure = Path(sys.executable).with_name("exposure")
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            str(exposure),
            "owners",
            "data/samples/cap_table.xlsx",
            "--entity",
            "HELIO-SG",
            "-j",
            "CN",
            "--format",
            "json",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # HELIO-SG is flagged, as check --entity HELIO-SG says
    doc = json.loads(done.stdout)
    assert round(doc["ultimate_total_pct"] + doc["unallocated_pct"], 6) == 100.0
    assert doc["unallocated_pct"] == pytest.approx(8.230453, abs=1e-6)  # 8% / 0.972, the HELIO-JP loop


@pytest.mark.parametrize("width", [80, 100])
def test_help_reads_well(width: int) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, ["owners", "--help"], env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "--entity" in result.stdout and "--all" in result.stdout and "--threshold" in result.stdout
    assert "<bool>" not in result.stdout and "…" not in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_input_format_gives_the_same_owners(tmp_path: Path, cli: Any, fmt: str) -> None:
    countries = {"P": "CN", "Q": "US", "H": "HK", "R": "US", "T": "SG"}
    path = cli.write_case(tmp_path, countries, [(h, s, p) for h, _, s, _, p in ROWS], fmt)
    _, doc = cli.run_json("owners", path, "--entity", "T", "--unrecorded-holders", "ultimate")
    assert [(o["id"], o["lookthrough_pct"]["low"]) for o in doc["owners"]] == [("R", 50.0), ("P", 24.0), ("Q", 16.0)]


def test_a_followthemoney_file(cli: Any) -> None:
    # Acme (GB) is 35% held by Pearl River (HK), itself 55% held by Shenzhen Capital (CN) and 45% by an owner
    # the file does not describe, and 20% directly by Shenzhen Capital: 0.35 x 0.55 + 0.20 = 39.25%; the
    # undescribed owner 0.35 x 0.45 = 15.75%, its owners unknown; with Acme's own 45% unallocated, 60.75% has
    # no named ultimate holder.
    _, doc = cli.run_json("owners", cli.repo / "tests/fixtures/ftm/group.ftm.json", "--entity", "acme", "-j", "CN")
    owners = {o["id"]: (o["role"], o["lookthrough_pct"]["low"]) for o in doc["owners"]}
    assert owners == {"szcap": ("ultimate", 39.25), "nominee-1": ("owners_unknown", 15.75)}
    assert doc["unallocated_pct"] == 60.75 and doc["entity"]["status"] == "flagged"
