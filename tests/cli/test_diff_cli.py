"""`exposure diff OLD NEW` through the real entry point: exit codes of the new-findings gate, every format,
JSON reports as sides, and errors as one line with exit code 2.

The structure (CN watched, more than 50%): P (CN) holds 40% of H (HK), H holds 70% of S (SG), the rest held
by US parties. In NEW, P holds 60% of H: H is tainted (60 > 50) and passes on its whole 70% of S, so both are
newly flagged, and P's stake in H is the one cause of both changes (S's cascade 0% -> 70%).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

COUNTRIES = {"P": "CN", "X": "US", "Y": "US", "H": "HK", "S": "SG"}
OLD = [("P", "H", 40), ("X", "H", 60), ("H", "S", 70), ("Y", "S", 30)]
NEW = [("P", "H", 60), ("X", "H", 40), ("H", "S", 70), ("Y", "S", 30)]


@pytest.fixture()
def pair(tmp_path: Path, cli: Any) -> tuple[Path, Path]:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    return (
        cli.write_case(tmp_path / "old", COUNTRIES, OLD, "csv"),
        cli.write_case(tmp_path / "new", COUNTRIES, NEW, "xlsx"),
    )


def test_newly_flagged_entities_fail_the_gate_with_their_cause(cli: Any, pair: tuple[Path, Path]) -> None:
    result, doc = cli.run_json("diff", *pair, "-j", "CN")
    assert result.exit_code == 1, result.stderr
    assert doc["schema"] == "exposure.diff/1"
    assert doc["summary"] == {
        "newly_flagged": 2,
        "cleared": 0,
        "status_changed": 2,
        "figures_moved": 0,
        "added": 0,
        "removed": 0,
    }
    s = next(c for c in doc["changes"] if c["id"] == "S")
    assert s["old"] == {
        "status": "clear",
        "cascade_pct": {"low": 0.0, "high": 0.0},
        "lookthrough_pct": {"low": 28.0, "high": 28.0},
    }
    assert s["new"]["status"] == "flagged" and s["new"]["cascade_pct"] == {"low": 70.0, "high": 70.0}
    cause = s["causes"][0]
    assert {k: cause[k] for k in ("holder", "subject", "old_pct", "new_pct", "kind")} == {
        "holder": "P",
        "subject": "H",
        "old_pct": {"low": 40.0, "high": 40.0},
        "new_pct": {"low": 60.0, "high": 60.0},
        "kind": "changed",
    }
    assert cause["explains_pts"] == 70.0 and cause["bound"] == "cascade low"
    assert doc["newly_failing"] == ["H", "S"] and doc["exit_code"] == 1


def test_the_reverse_is_clearances_only_and_passes(cli: Any, pair: tuple[Path, Path]) -> None:
    old, new = pair
    result, doc = cli.run_json("diff", new, old, "-j", "CN")
    assert result.exit_code == 0, result.stderr
    assert doc["summary"]["cleared"] == 2 and doc["summary"]["newly_flagged"] == 0


def test_an_input_compared_with_itself_changes_nothing(cli: Any, pair: tuple[Path, Path]) -> None:
    result = cli.run("diff", pair[0], pair[0], "-j", "CN")
    assert result.exit_code == 0
    assert "Nothing changed." in result.stdout


def test_only_the_named_entities_decide(cli: Any, pair: tuple[Path, Path]) -> None:
    # Y did not change: naming it alone passes the gate; naming S fails it.
    assert cli.run("diff", *pair, "-j", "CN", "--entity", "Y").exit_code == 0
    assert cli.run("diff", *pair, "-j", "CN", "--entity", "S").exit_code == 1
    bad = cli.run("diff", *pair, "-j", "CN", "--entity", "NOPE")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "NOPE" in bad.stderr


def test_fail_on_never_passes_and_min_change_hides_small_moves(cli: Any, pair: tuple[Path, Path]) -> None:
    assert cli.run("diff", *pair, "-j", "CN", "--fail-on", "never").exit_code == 0
    # Under the look-through rule H goes 40% -> 60% (newly flagged) and S 28% -> 42% (clear both times,
    # figures moved: its look-through by 14 points, its cascade by 70). A --min-change of 70 points hides
    # S's moves (not more than 70); H's status change always counts.
    result, doc = cli.run_json("diff", *pair, "-j", "CN", "--method", "lookthrough")
    assert result.exit_code == 1 and doc["summary"]["figures_moved"] == 1 and doc["newly_failing"] == ["H"]
    _, fewer = cli.run_json("diff", *pair, "-j", "CN", "--method", "lookthrough", "--min-change", "70")
    assert [c["id"] for c in fewer["changes"]] == ["H"]


def test_two_json_reports_compare_without_causes_and_name_rule_differences(
    cli: Any, pair: tuple[Path, Path], tmp_path: Path
) -> None:
    old_report, new_report = tmp_path / "old.json", tmp_path / "new.json"
    # P is a home entity on both sides, so each check exits 1; the diff gates on what is new.
    assert cli.run("check", pair[0], "-j", "CN", "-o", old_report, "-q").exit_code == 1
    assert cli.run("check", pair[1], "-j", "CN", "--threshold", "55", "-o", new_report, "-q").exit_code == 1
    result, doc = cli.run_json("diff", old_report, new_report)
    assert result.exit_code == 1
    s = next(c for c in doc["changes"] if c["id"] == "S")
    assert s["causes"] == [] and "JSON report" in doc["causes_note"]
    assert any(d.startswith("threshold_pct: 50.0 -> 55.0") for d in doc["policy_differences"])
    assert any("own rule" in n for n in doc["notes"])


def test_csv_markdown_and_table(cli: Any, pair: tuple[Path, Path], tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(cli.run("diff", *pair, "-j", "CN", "--format", "csv").stdout)))
    s = next(r for r in rows if r["id"] == "S")
    assert (s["change"], s["old_status"], s["new_status"]) == ("status", "clear", "flagged")
    assert (s["cause_kind"], s["cause_holder"], s["cause_subject"], s["cause_explains_pts"]) == (
        "changed",
        "P",
        "H",
        "70.0",
    )
    md = cli.run("diff", *pair, "-j", "CN", "--format", "markdown").stdout
    assert "**Newly failing (exit 1):** H, S" in md and "changed: P in H: 40% -> 60%" in md
    assert cli.run("diff", *pair, "-j", "CN", "-o", tmp_path / "diff.txt").exit_code == 1
    table = (tmp_path / "diff.txt").read_text(encoding="utf-8")
    assert "status (NEW FINDING)" in table and "changed: P in H: 40% -> 60%" in table


def test_html_highlights_the_changed_holding_in_the_upstream_chart(
    cli: Any, pair: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "diff.html"
    result = cli.run("diff", *pair, "-j", "CN", "-o", out)
    assert result.exit_code == 1, result.stderr
    page = out.read_text(encoding="utf-8")
    assert 'path.holding[data-holder="P"][data-subject="H"]{stroke:#ea580c' in page
    assert page.count("<svg") == 2  # one chart per changed entity (H and S)
    assert not re.search(r"(src|href)=\"?[a-z]+:|url\((?!#)", page)  # nothing loaded from elsewhere


def test_xlsx_is_the_new_audit_workbook_with_a_changes_sheet(cli: Any, pair: tuple[Path, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "diff.xlsx"
    assert cli.run("diff", *pair, "-j", "CN", "-o", out).exit_code == 1
    book = load_workbook(out)
    assert book.sheetnames[0] == "Summary" and book.sheetnames[-1] == "Changes"
    assert "Entities" in book.sheetnames
    sheet = book["Changes"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    s = next(r for r in rows if r["id"] == "S")
    assert s["cause_holder"] == "P" and s["cause_explains_pts"] == 70
    assert zipfile.ZipFile(out).testzip() is None
    # A JSON report as NEW has no audit workbook to add the sheet to: refused, not half written.
    report = tmp_path / "new.json"
    cli.run("check", pair[1], "-j", "CN", "-o", report, "-q")
    refused = cli.run("diff", pair[0], report, "-j", "CN", "-o", tmp_path / "x.xlsx")
    assert refused.exit_code == 2 and not (tmp_path / "x.xlsx").exists()


def test_bad_inputs_and_options_are_one_line_exit_2(cli: Any, pair: tuple[Path, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("holder,subject,percent\nA,B,lots\n", encoding="utf-8")
    for args in (
        (pair[0], broken, "-j", "CN"),
        (pair[0], tmp_path / "missing.csv", "-j", "CN"),
        (*pair, "-j", "CN", "--min-change", "-1"),
        (*pair, "-j", "CN", "--profile", "ofac", "--profile", "uk"),
        (*pair, "-j", "CN", "-o", pair[0]),
    ):
        result = cli.run("diff", *args)
        assert result.exit_code == 2, (args, result.stdout)
        assert result.stderr.startswith("exposure: error:") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert pair[0].read_text(encoding="utf-8").startswith("holder")  # never written over
    bad_report = tmp_path / "bad.json"
    bad_report.write_text(json.dumps({"schema": "exposure.check/1", "policy": {}, "entities": [{"id": "S"}]}))
    result = cli.run("diff", bad_report, bad_report)
    assert result.exit_code == 2 and "status" in result.stderr


def test_the_installed_command(pair: tuple[Path, Path], cli: Any) -> None:
    done = subprocess.run(
        [
            str(cli.repo / ".venv" / "bin" / "exposure"),
            "diff",
            str(pair[0]),
            str(pair[1]),
            "-j",
            "CN",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["newly_flagged"] == 2
    assert "NEW FINDINGS: H, S" in done.stderr
