"""``exposure convert``: any input as the canonical workbook, through the real entry point.

For every format: the conversion exits 0; converting the workbook again gives the same Entities and
Holdings cells; every row says where it came from; and ``exposure check`` on the workbook gives the same
statuses and figures as on the original input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: One input per format (the fixtures the readers' tests use; their READMEs give the sources).
INPUTS = {
    "workbook": "samples:cap_table.xlsx",
    "holdings-csv": "samples:holdings.csv",
    "bods": "bods/real/joint-ownership.json",
    "bods-0.2": "bods/hand/bands_v02.jsonl",
    "gleif": "gleif/xml",
    "uk-psc": "psc/snapshot",
    "ftm": "ftm/group.ftm.json",
    "ashare": "ashare/top10_excerpt.csv",
}


def input_path(cli: Any, key: str) -> Path:
    spec = INPUTS[key]
    return cli.samples / spec.split(":", 1)[1] if spec.startswith("samples:") else FIXTURES / spec


def sheets(path: Path) -> dict[str, list[list[object]]]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}
    finally:
        book.close()


def figures(doc: dict[str, Any]) -> dict[str, tuple[object, ...]]:
    """Each entity's status and both figures (the parts of the report that must not change)."""
    return {
        e["id"]: (
            e["status"],
            e["cascade_pct"]["low"],
            e["cascade_pct"]["high"],
            e["lookthrough_pct"]["low"],
            e["lookthrough_pct"]["high"],
        )
        for e in doc["entities"]
    }


def convert(cli: Any, source: Path, out: Path, *more: object) -> Any:
    result = cli.run("convert", source, "-o", out, *more)
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result


@pytest.mark.parametrize("key", list(INPUTS))
def test_convert_twice_gives_the_same_sheets_and_check_the_same_answer(cli, tmp_path: Path, key: str) -> None:
    source = input_path(cli, key)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    result = convert(cli, source, first)
    assert f"wrote {first}:" in result.stderr
    convert(cli, first, second)
    a, b = sheets(first), sheets(second)
    assert list(a) == ["Entities", "Holdings", "About"]
    assert (a["Entities"], a["Holdings"]) == (b["Entities"], b["Holdings"])
    for row in a["Entities"][1:] + a["Holdings"][1:]:
        assert row[-1], f"a row without a source: {row}"

    original, original_doc = cli.run_json("check", source, "-j", "CN")
    converted, converted_doc = cli.run_json("check", first, "-j", "CN")
    assert original.exit_code in (0, 1), original.stderr
    assert converted.exit_code == original.exit_code
    assert figures(converted_doc) == figures(original_doc)


def test_the_sample_workbook(cli, tmp_path: Path) -> None:
    out = tmp_path / "review.xlsx"
    result = convert(cli, cli.cap_table, out)
    # The reader's warnings are printed as check prints them, then one summary line.
    assert "1 warning:" in result.stderr
    # Located as errors are (issue 15), not "Holdings!A26".
    assert "unknown_reference " + str(
        cli.cap_table
    ) + ", sheet 'Holdings', row 26, column A (Holder): 'Vantage Nominees Ltd'" in (" ".join(result.stderr.split()))
    assert f"wrote {out}: 20 entities, 28 holdings from {cli.cap_table} (workbook)" in " ".join(result.stderr.split())
    found = sheets(out)
    holdings = {(r[0], r[1]): r for r in found["Holdings"][1:]}
    assert holdings[("LANTING-HK", "ORBIT")][2] == "ownership-of-shares-25-to-50-percent"
    assert holdings[("ORCHID", "HELIO-SG")][2] == "5-10%"
    assert holdings[("HELIO-SZ", "HELIO-DATA")][2:5] == [None, None, "yes"]
    entities = {r[0]: r for r in found["Entities"][1:]}
    assert entities["Vantage Nominees Ltd"][-1] == f"{cli.cap_table}!Holdings row 26 (named in a holding only)"
    assert entities["HELIO-JP"][5] == 10000
    about = {r[0]: r[1] for r in found["About"] if r and r[0]}
    assert about["format"] == "workbook"
    assert about["entities"] == 20


def test_the_ftm_group_keeps_its_hand_computed_figures(cli, tmp_path: Path) -> None:
    # Acme: 35% held by Pearl River (HK, 55% Shenzhen Capital) and 20% by Shenzhen Capital (CN): the
    # cascade counts 55%, the look-through 0.35 x 0.55 + 0.20 = 39.25%.
    out = tmp_path / "group.xlsx"
    convert(cli, FIXTURES / "ftm" / "group.ftm.json", out)
    _, doc = cli.run_json("check", out, "-j", "CN")
    acme = cli.by_id(doc)["acme"]
    assert (acme["status"], acme["cascade_pct"]["low"]) == ("flagged", 55.0)
    assert acme["lookthrough_pct"]["low"] == pytest.approx(39.25)


def test_as_of_leaves_out_the_holdings_not_in_force(cli, tmp_path: Path) -> None:
    every, today = tmp_path / "all.xlsx", tmp_path / "2025.xlsx"
    convert(cli, cli.cap_table, every)
    result = convert(cli, cli.cap_table, today, "--as-of", "2025-01-01")
    assert "out_of_date" in result.stderr
    kept = {(r[0], r[1]) for r in sheets(today)["Holdings"][1:]}
    assert ("REDPEAK", "NORDLICHT") in {(r[0], r[1]) for r in sheets(every)["Holdings"][1:]}
    assert ("REDPEAK", "NORDLICHT") not in kept
    assert len(kept) == len(sheets(every)["Holdings"]) - 2
    about = {r[0]: r[1] for r in sheets(today)["About"] if r and r[0]}
    assert about["as of"] == "2025-01-01: 1 holdings not in force on that date left out"


def test_input_format_forces_a_reader(cli, tmp_path: Path) -> None:
    text = tmp_path / "holdings.json"
    text.write_text("holder,subject,percent\nA,B,60\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    convert(cli, text, out, "--input-format", "csv")
    assert sheets(out)["Holdings"][1][:3] == ["A", "B", "60%"]
    line = cli.error_line(cli.run("convert", cli.cap_table, "-o", out, "--input-format", "bods"))
    assert str(cli.cap_table) in line


def test_the_cli_offers_every_input_format_the_readers_know() -> None:
    from cli.convert import InputFormatOpt
    from ownership.readers import INPUT_FORMATS

    assert [f.value for f in InputFormatOpt] == list(INPUT_FORMATS)


def test_check_takes_input_format_too(cli, tmp_path: Path) -> None:
    text = tmp_path / "holdings.json"  # CSV by its content, whatever its name says
    text.write_text("holder,holder_jurisdiction,subject,percent\nA,CN,B,60\n", encoding="utf-8")
    for chosen in ("auto", "csv"):
        result, doc = cli.run_json("check", text, "-j", "CN", "--input-format", chosen)
        assert result.exit_code == 1
        assert cli.by_id(doc)["B"]["status"] == "flagged"
    line = cli.error_line(cli.run("check", text, "-j", "CN", "--input-format", "bods"))
    assert line.startswith(f"exposure: error: {text}")
    line = cli.error_line(cli.run("check", text, "-j", "CN", "--input-format", "xml"))
    assert "--input-format" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json", "-o", "out.xlsx"], "missing.json: no such file or folder"),
        (["cap.xlsx", "-o", "out.csv"], "-o out.csv: the canonical workbook is an .xlsx file"),
        (["cap.xlsx", "-o", "cap.xlsx"], "-o cap.xlsx: that is the input file"),
        (["cap.xlsx", "-o", "out.xlsx", "--as-of", "31/12/2024"], "--as-of 31/12/2024: use a date written YYYY-MM-DD"),
        (
            ["odd.json", "-o", "out.xlsx"],
            "odd.json: is a JSON object with the keys 'rows', not a format exposure reads",
        ),
        (["cap.xlsx", "-o", "nowhere/out.xlsx"], "-o nowhere/out.xlsx: cannot write it"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    (tmp_path / "cap.xlsx").write_bytes(cli.cap_table.read_bytes())
    (tmp_path / "odd.json").write_text('{"rows": []}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line = cli.error_line(cli.run("convert", *args))
    assert message in line
    assert not (tmp_path / "out.xlsx").exists()


VOTES_ONLY = """[
 {"statementId": "s-entity-a-000000000000000000000001", "statementDate": "2024-01-01", "recordId": "a",
  "recordType": "entity", "recordDetails": {"isComponent": false, "entityType": {"type": "registeredEntity"},
  "name": "A", "jurisdiction": {"name": "China", "code": "CN"}}},
 {"statementId": "s-entity-b-000000000000000000000002", "statementDate": "2024-01-01", "recordId": "b",
  "recordType": "entity", "recordDetails": {"isComponent": false, "entityType": {"type": "registeredEntity"},
  "name": "B", "jurisdiction": {"name": "United Kingdom", "code": "GB"}}},
 {"statementId": "s-rel-ab-0000000000000000000000003", "statementDate": "2024-01-01", "recordId": "ab",
  "recordType": "relationship", "recordDetails": {"isComponent": false, "subject": "b", "interestedParty": "a",
  "interests": [{"type": "votingRights", "share": {"exact": 60}}]}}
]"""


def test_votes_only_rows_read_back(cli, tmp_path: Path) -> None:
    source = tmp_path / "votes.json"
    source.write_text(VOTES_ONLY, encoding="utf-8")
    out = tmp_path / "votes.xlsx"
    convert(cli, source, out)
    assert sheets(out)["Holdings"][1][:5] == ["a", "b", None, "60%", None]
    original, original_doc = cli.run_json("check", source, "-j", "CN", "--weights", "votes")
    converted, converted_doc = cli.run_json("check", out, "-j", "CN", "--weights", "votes")
    assert converted.exit_code == original.exit_code == 1
    assert figures(converted_doc) == figures(original_doc)
