"""``exposure check``: exit codes, options, errors, the JSON contract and the report files (interface.md).

Most structures are written as canonical workbooks (the engine's answers do not depend on the reader); the
single-CSV form is used where the CSV reader is the point (bad cells, over-allocation, the shipped sample).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math

import pytest

STATUSES = {"home", "flagged", "possible", "clear"}

SAMPLE_IDS = {
    "ZHANG-WEI",
    "LI-NA",
    "REDPEAK",
    "BRIGHTWATER",
    "KESTREL",
    "MERIDIAN",
    "ORCHID",
    "HELIO-ESOP",
    "LANTING-KY",
    "LANTING-HK",
    "HELIO-SG",
    "HELIO-JP",
    "HELIO-SZ",
    "HELIO-DATA",
    "ORBIT",
    "HELIO-EU",
    "NORDLICHT",
    "HARBOR",
    "ARCADIA",
    "Vantage Nominees Ltd",  # named only in Holdings
}


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


def entity(entity_id: str, country: str | None, **more: object) -> dict[str, object]:
    return {"id": entity_id, "name": more.pop("name", entity_id), "jurisdiction": country, **more}


def holding(holder: str, subject: str, percent: object, **more: object) -> dict[str, object]:
    return {"holder": holder, "subject": subject, "percent": percent, **more}


@pytest.fixture
def mixed(tmp_path, cli):
    """X (CN, home) holds 60% of A (flagged) and 10% of B (clear); U (US) holds the rest."""
    return cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("A", "GB"), entity("B", "GB"), entity("U", "US")],
        [holding("X", "A", 60), holding("U", "A", 40), holding("X", "B", 10), holding("U", "B", 90)],
        name="mixed.xlsx",
    )


@pytest.fixture
def uncertain(tmp_path, cli):
    """No home entity; T (GB) is 60% held by V, whose country is unknown, so T is only 'possible'."""
    return cli.write_workbook(
        tmp_path,
        [entity("V", None), entity("T", "GB"), entity("U", "US")],
        [holding("V", "T", 60), holding("U", "T", 40)],
        name="uncertain.xlsx",
    )


# --------------------------------------------------------------------------------------------- exit codes


def test_exit_1_when_flagged_or_home(mixed, cli) -> None:
    result, doc = cli.run_json("check", mixed, "-j", "CN")
    assert result.exit_code == 1
    statuses = {e["id"]: e["status"] for e in doc["entities"]}
    assert statuses == {"X": "home", "A": "flagged", "B": "clear", "U": "clear"}


def test_a_home_entity_alone_gives_exit_1(tmp_path, cli) -> None:
    path = cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("B", "GB"), entity("U", "US")],
        [holding("X", "B", 10), holding("U", "B", 90)],
    )
    result, doc = cli.run_json("check", path, "-j", "CN")
    assert result.exit_code == 1
    assert doc["summary"]["home"] == 1
    assert doc["summary"]["flagged"] == 0
    assert cli.run("check", path, "-j", "CN", "--entity", "B").exit_code == 0
    assert cli.run("check", path, "-j", "CN", "--entity", "X").exit_code == 1


def test_exit_0_when_nothing_is_exposed(mixed, cli) -> None:
    result = cli.run("check", mixed, "-j", "RU")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("targets", "code"),
    [
        (["B"], 0),  # B is clear; A flagged and X home do not decide
        (["U"], 0),
        (["A"], 1),
        (["X"], 1),
        (["B", "A"], 1),
        (["b"], 0),  # ids match case-insensitively
    ],
)
def test_entity_restricts_what_decides(mixed, cli, targets: list[str], code: int) -> None:
    args = [a for t in targets for a in ("--entity", t)]
    result, doc = cli.run_json("check", mixed, "-j", "CN", *args)
    assert result.exit_code == code, result.stderr
    # every entity is still reported; the named ones lead and are marked as deciding
    assert len(doc["entities"]) == 4
    deciding = {e["id"] for e in doc["entities"] if e["decides"]}
    assert deciding == {t.upper() for t in targets}
    assert {e["id"] for e in doc["entities"][: len(deciding)]} == deciding


def test_entity_by_unique_name(tmp_path, cli) -> None:
    path = cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("A1", "GB", name="Alpha Ltd"), entity("U", "US")],
        [holding("X", "A1", 60), holding("U", "A1", 40)],
    )
    assert cli.run("check", path, "-j", "CN", "--entity", "Alpha Ltd").exit_code == 1
    assert cli.run("check", path, "-j", "CN", "--entity", "U").exit_code == 0


@pytest.mark.parametrize("targets", [["NOPE"], ["A", "NOPE"]])
def test_entity_unknown_is_exit_2_naming_it(mixed, cli, targets: list[str]) -> None:
    args = [a for t in targets for a in ("--entity", t)]
    line = cli.error_line(cli.run("check", mixed, "-j", "CN", *args))
    assert "NOPE" in line
    assert "--entity" in line


def test_fail_on_never_is_always_0(mixed, uncertain, cli) -> None:
    assert cli.run("check", mixed, "-j", "CN", "--fail-on", "never").exit_code == 0
    assert cli.run("check", uncertain, "-j", "CN", "--fail-on", "never").exit_code == 0


def test_fail_on_possible(uncertain, mixed, cli) -> None:
    result, doc = cli.run_json("check", uncertain, "-j", "CN")
    assert {e["id"]: e["status"] for e in doc["entities"]} == {"V": "possible", "T": "possible", "U": "clear"}
    t = cli.by_id(doc)["T"]
    assert t["cascade_pct"] == {"low": approx(0), "high": approx(60)}
    assert t["lookthrough_pct"] == {"low": approx(0), "high": approx(60)}
    assert result.exit_code == 0  # default --fail-on flagged: possible does not fail
    assert cli.run("check", uncertain, "-j", "CN", "--fail-on", "flagged").exit_code == 0
    assert cli.run("check", uncertain, "-j", "CN", "--fail-on", "possible").exit_code == 1
    assert cli.run("check", uncertain, "-j", "CN", "--fail-on", "possible", "--entity", "U").exit_code == 0
    # flagged fails under --fail-on possible too
    assert cli.run("check", mixed, "-j", "CN", "--fail-on", "possible").exit_code == 1


# ------------------------------------------------------------------------------------------ jurisdictions


@pytest.fixture
def two_countries(tmp_path, cli):
    """C (CN) holds 60% of A; H (HK) holds 60% of B; U (US) the rest."""
    return cli.write_workbook(
        tmp_path,
        [entity("C", "CN"), entity("H", "HK"), entity("A", "GB"), entity("B", "GB"), entity("U", "US")],
        [holding("C", "A", 60), holding("U", "A", 40), holding("H", "B", 60), holding("U", "B", 40)],
    )


@pytest.mark.parametrize(
    "args",
    [
        ["-j", "CN,HK"],
        ["-j", "CN", "-j", "HK"],
        ["--jurisdiction", "HK", "--jurisdiction", "CN"],
        ["-j", "CN, HK"],
        ["-j", "China,Hong Kong"],
        ["-j", "CHN", "-j", "HKG"],
    ],
)
def test_jurisdictions_repeatable_and_comma_separated(two_countries, cli, args: list[str]) -> None:
    result, doc = cli.run_json("check", two_countries, *args)
    assert result.exit_code == 1
    assert doc["policy"]["jurisdictions"] == ["CN", "HK"]
    statuses = {e["id"]: e["status"] for e in doc["entities"]}
    assert statuses == {"C": "home", "H": "home", "A": "flagged", "B": "flagged", "U": "clear"}


@pytest.mark.parametrize("value", ["CN", "cn", "CHN", "China", "PRC"])
def test_country_names_accepted(two_countries, cli, value: str) -> None:
    result, doc = cli.run_json("check", two_countries, "-j", value)
    assert result.exit_code == 1
    assert doc["policy"]["jurisdictions"] == ["CN"]
    statuses = {e["id"]: e["status"] for e in doc["entities"]}
    assert statuses == {"C": "home", "H": "clear", "A": "flagged", "B": "clear", "U": "clear"}


@pytest.mark.parametrize("args", [["-j", "Narnia"], ["-j", "CN,Narnia"], ["-j", "CN", "-j", "Narnia"]])
def test_unknown_country_is_exit_2(two_countries, cli, args: list[str]) -> None:
    line = cli.error_line(cli.run("check", two_countries, *args))
    assert "Narnia" in line


def test_no_jurisdiction_is_exit_2(two_countries, cli) -> None:
    line = cli.error_line(cli.run("check", two_countries))
    assert "-j" in line


# ------------------------------------------------------------------------------------- threshold, as-of


@pytest.mark.parametrize("value", ["0", "150", "-5", "100.5"])
def test_threshold_out_of_range_is_exit_2(mixed, cli, value: str) -> None:
    line = cli.error_line(cli.run("check", mixed, "-j", "CN", "--threshold", value))
    assert "--threshold" in line


def test_threshold_moves_the_line(mixed, cli) -> None:
    # A is 60% CN: flagged at 50 and at 59.9, clear at 60 (more than) and flagged at 60 with ge; 100 is allowed
    assert cli.run("check", mixed, "-j", "CN", "--entity", "A", "--threshold", "59.9").exit_code == 1
    assert cli.run("check", mixed, "-j", "CN", "--entity", "A", "--threshold", "60").exit_code == 0
    result, doc = cli.run_json("check", mixed, "-j", "CN", "--entity", "A", "--threshold", "60", "--comparison", "ge")
    assert result.exit_code == 1
    assert doc["policy"]["threshold_pct"] == approx(60.0)
    assert doc["policy"]["comparison"] == "ge"
    assert cli.run("check", mixed, "-j", "CN", "--entity", "A", "--threshold", "100").exit_code == 0
    assert cli.run("check", mixed, "-j", "CN", "--entity", "B", "--threshold", "10").exit_code == 0
    assert cli.run("check", mixed, "-j", "CN", "--entity", "B", "--threshold", "9.5").exit_code == 1


@pytest.mark.parametrize("value", ["2024-13-45", "yesterday", "31/12/2024", ""])
def test_bad_as_of_is_exit_2(mixed, cli, value: str) -> None:
    line = cli.error_line(cli.run("check", mixed, "-j", "CN", "--as-of", value))
    assert "--as-of" in line


@pytest.fixture
def dated(tmp_path, cli):
    """X (CN) holds 60% of A from 2025-01-01; U holds 40% throughout. Y (CN) held 30% of B until 2023-12-31."""
    return cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("Y", "CN"), entity("A", "GB"), entity("B", "GB"), entity("U", "US")],
        [
            holding("X", "A", 60, start="2025-01-01"),
            holding("U", "A", 40),
            holding("Y", "B", 30, start="2020-01-01", end="2023-12-31"),
            holding("U", "B", 70),
        ],
    )


def test_as_of_before_start_excludes_the_holding(dated, cli) -> None:
    before, doc_before = cli.run_json("check", dated, "-j", "CN", "--as-of", "2024-06-01", "--entity", "A")
    after, doc_after = cli.run_json("check", dated, "-j", "CN", "--as-of", "2025-01-01", "--entity", "A")
    assert doc_before["policy"]["as_of"] == "2024-06-01"
    assert doc_after["policy"]["as_of"] == "2025-01-01"
    a_before, a_after = cli.by_id(doc_before)["A"], cli.by_id(doc_after)["A"]
    # before the start date X's 60% is not a holding: A has 60% with no named holder
    assert a_before["cascade_pct"] == {"low": approx(0), "high": approx(60)}
    assert a_before["lookthrough_pct"] == {"low": approx(0), "high": approx(60)}
    assert a_before["status"] == "possible"
    assert before.exit_code == 0
    # from the start date (inclusive) it counts
    assert a_after["cascade_pct"] == {"low": approx(60), "high": approx(60)}
    assert a_after["lookthrough_pct"] == {"low": approx(60), "high": approx(60)}
    assert a_after["status"] == "flagged"
    assert after.exit_code == 1


def test_as_of_after_end_excludes_the_holding(dated, cli) -> None:
    _, during = cli.run_json("check", dated, "-j", "CN", "--as-of", "2023-12-31")
    _, later = cli.run_json("check", dated, "-j", "CN", "--as-of", "2024-01-01")
    assert cli.by_id(during)["B"]["cascade_pct"] == {"low": approx(30), "high": approx(30)}
    assert cli.by_id(later)["B"]["cascade_pct"] == {"low": approx(0), "high": approx(30)}


def test_sample_as_of_counts_the_sold_stake(cli) -> None:
    _, today = cli.run_json("check", cli.cap_table, "-j", "CN")
    _, past = cli.run_json("check", cli.cap_table, "-j", "CN", "--as-of", "2024-01-01")
    assert cli.by_id(today)["NORDLICHT"]["cascade_pct"] == {"low": approx(0), "high": approx(15)}
    assert cli.by_id(past)["NORDLICHT"]["cascade_pct"] == {"low": approx(15), "high": approx(40)}
    assert cli.by_id(past)["NORDLICHT"]["status"] == "clear"


# ------------------------------------------------------------------------------------------ input errors


def test_missing_input_is_exit_2_naming_it(tmp_path, cli) -> None:
    missing = tmp_path / "no_such_cap_table.xlsx"
    line = cli.error_line(cli.run("check", missing, "-j", "CN"))
    assert "no_such_cap_table.xlsx" in line


def test_bad_percent_cell_in_csv(tmp_path, cli) -> None:
    path = cli.write_holdings_csv(
        tmp_path,
        [("X", "CN", "A", "GB", "40%"), ("Y", "US", "A", "GB", "fifty"), ("Z", "US", "A", "GB", "10")],
        name="bad_cells.csv",
    )
    result = cli.run("check", path, "-j", "CN")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("exposure: error:")
    assert "bad_cells.csv" in line
    assert "row 3" in line  # the header is row 1
    assert "column E" in line
    assert "percent" in line
    assert "fifty" in line


def test_bad_percent_cell_in_workbook(tmp_path, cli) -> None:
    path = cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("A", "GB"), entity("Y", "US")],
        [holding("X", "A", 40), holding("Y", "A", "lots")],
        name="bad_cells.xlsx",
    )
    line = cli.error_line(cli.run("check", path, "-j", "CN"))
    assert "bad_cells.xlsx" in line
    assert "Holdings" in line
    assert "row 3" in line
    assert "column C" in line


@pytest.mark.parametrize(
    ("x_stake", "u_stake", "a_status", "code"),
    [(70, 50, "flagged", 1), (40, 80, "clear", 0)],
)
def test_overallocated_subject(
    tmp_path, cli, input_format: str, x_stake: int, u_stake: int, a_status: str, code: int
) -> None:
    # A's stakes sum to 120%: refused unless --allow-overallocation, which rescales them to 100%
    path = cli.write_case(
        tmp_path, {"X": "CN", "A": "GB", "U": "US"}, [("X", "A", x_stake), ("U", "A", u_stake)], input_format
    )
    line = cli.error_line(cli.run("check", path, "-j", "CN", "--entity", "A"))
    assert "--allow-overallocation" in line
    assert path.name in line

    result, doc = cli.run_json("check", path, "-j", "CN", "--entity", "A", "--allow-overallocation")
    assert result.exit_code == code, result.stderr
    a = cli.by_id(doc)["A"]
    assert a["status"] == a_status
    rescaled = 100 * x_stake / (x_stake + u_stake)
    assert a["cascade_pct"] == {"low": approx(rescaled), "high": approx(rescaled)}
    assert a["lookthrough_pct"] == {"low": approx(rescaled), "high": approx(rescaled)}
    assert any(w["code"] == "overallocated" for w in doc["warnings"])
    assert doc["policy"]["allow_overallocation"] is True


# ------------------------------------------------------------------------------------------ JSON contract


def _sample(cli, *args: str):
    result, doc = cli.run_json("check", cli.cap_table, "-j", "CN", *args)
    return result, doc


def test_json_schema(cli) -> None:
    result, doc = _sample(cli)
    assert result.exit_code == 1
    assert doc["schema"] == "exposure.check/1"
    assert doc["tool"]["name"] == "exposure"
    from importlib.metadata import version

    assert doc["tool"]["version"] == version("exposure")
    assert doc["input"]["path"] == str(cli.cap_table)
    assert doc["input"]["sha256"] == hashlib.sha256(cli.cap_table.read_bytes()).hexdigest()

    policy = doc["policy"]
    assert policy["jurisdictions"] == ["CN"]
    assert policy["threshold_pct"] == 50.0
    assert policy["comparison"] == "gt"
    assert policy["method"] == "cascade"
    assert policy["home"] == "either"
    assert policy["aggregate"] is True
    from datetime import date

    assert policy["as_of"] == date.today().isoformat()

    entities = doc["entities"]
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    assert set(ids) == SAMPLE_IDS
    summary = doc["summary"]
    assert summary["entities"] == len(entities) == 20
    assert sum(summary[s] for s in STATUSES) == summary["entities"]
    assert {s: summary[s] for s in STATUSES} == {"home": 6, "flagged": 4, "possible": 2, "clear": 8}
    for s in STATUSES:
        assert summary[s] == sum(1 for e in entities if e["status"] == s)

    for e in entities:
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
        assert e["status"] in STATUSES
        for figure in ("cascade_pct", "lookthrough_pct"):
            low, high = e[figure]["low"], e[figure]["high"]
            assert isinstance(low, float | int) and isinstance(high, float | int)
            assert 0.0 <= low <= high <= 100.0, (e["id"], figure, low, high)
        if e["status"] == "home":
            assert e["cascade_pct"] == {"low": 100.0, "high": 100.0}
            assert e["lookthrough_pct"] == {"low": 100.0, "high": 100.0}

    assert doc["warnings"], "the sample has warnings (an undeclared entity, an ended holding)"
    for w in doc["warnings"]:
        assert {"code", "message", "where"} <= set(w)
        assert isinstance(w["code"], str) and w["code"]
        assert isinstance(w["message"], str) and w["message"]
    codes = {w["code"] for w in doc["warnings"]}
    assert "unknown_reference" in codes


def test_json_policy_reflects_options(cli) -> None:
    result, doc = _sample(
        cli,
        "-j",
        "HK",
        "--threshold",
        "25",
        "--comparison",
        "ge",
        "--method",
        "either",
        "--home",
        "incorporation",
        "--as-of",
        "2026-01-31",
    )
    assert result.exit_code == 1
    assert doc["policy"]["jurisdictions"] == ["CN", "HK"]
    assert doc["policy"]["threshold_pct"] == 25.0
    assert doc["policy"]["comparison"] == "ge"
    assert doc["policy"]["method"] == "either"
    assert doc["policy"]["home"] == "incorporation"
    assert doc["policy"]["as_of"] == "2026-01-31"
    # with home by incorporation, LANTING-KY (Cayman, HQ PRC) is no longer a home entity
    assert cli.by_id(doc)["LANTING-KY"]["status"] != "home"


def test_sample_figures(cli) -> None:
    result, doc = _sample(cli)
    assert result.exit_code == 1
    entities = cli.by_id(doc)
    helio = entities["HELIO-SG"]
    assert helio["status"] == "flagged"
    assert helio["cascade_pct"] == {"low": approx(56.0), "high": approx(64.0)}
    assert helio["lookthrough_pct"]["low"] == approx(37.037037)
    assert helio["lookthrough_pct"]["low"] == pytest.approx(100 * 0.36 / 0.972, abs=1e-6)
    assert helio["lookthrough_pct"]["high"] == approx(45.267490)
    assert helio["lookthrough_pct"]["high"] == pytest.approx(100 * 0.44 / 0.972, abs=1e-6)
    lanting = entities["LANTING-KY"]
    assert lanting["status"] == "home"
    assert lanting["jurisdiction"] == "KY"
    assert lanting["headquarters"] == "CN"
    assert lanting["cascade_pct"] == {"low": 100.0, "high": 100.0}
    assert lanting["lookthrough_pct"] == {"low": 100.0, "high": 100.0}
    assert entities["LANTING-HK"]["status"] == "flagged"
    assert entities["LANTING-HK"]["cascade_pct"] == {"low": approx(60), "high": approx(60)}
    assert entities["HELIO-JP"]["status"] == "flagged"
    assert entities["HELIO-JP"]["cascade_pct"] == {"low": approx(70), "high": approx(70)}
    assert entities["HELIO-EU"]["status"] == "flagged"
    assert entities["HELIO-EU"]["cascade_pct"] == {"low": approx(55), "high": approx(85)}
    assert entities["ORBIT"]["status"] == "possible"
    assert entities["ORBIT"]["cascade_pct"]["high"] == approx(55)
    assert entities["Vantage Nominees Ltd"]["status"] == "possible"
    assert entities["Vantage Nominees Ltd"]["cascade_pct"] == {"low": approx(0), "high": approx(100)}
    assert entities["NORDLICHT"]["status"] == "clear"
    for home in ("ZHANG-WEI", "LI-NA", "REDPEAK", "HELIO-SZ", "HELIO-DATA"):
        assert entities[home]["status"] == "home", home
    for outside in ("BRIGHTWATER", "KESTREL", "MERIDIAN", "ORCHID", "HELIO-ESOP", "HARBOR", "ARCADIA"):
        assert entities[outside]["status"] == "clear", outside
        assert entities[outside]["cascade_pct"] == {"low": 0.0, "high": 0.0}


def test_sample_lookthrough_method(cli) -> None:
    # README: --method lookthrough clears HELIO-SG (37-45%) and HELIO-JP; HELIO-EU becomes possible
    result, doc = _sample(cli, "--method", "lookthrough", "--entity", "HELIO-SG")
    entities = cli.by_id(doc)
    assert entities["HELIO-SG"]["status"] == "clear"
    assert entities["HELIO-JP"]["status"] == "clear"
    assert entities["HELIO-EU"]["status"] == "possible"
    assert entities["LANTING-HK"]["status"] == "flagged"
    assert result.exit_code == 0


def test_sample_holdings_csv(cli) -> None:
    result, doc = cli.run_json("check", cli.holdings_csv, "-j", "CN")
    assert result.exit_code == 1, result.stderr
    entities = cli.by_id(doc)
    acme = entities["Acme Components Ltd"]
    assert acme["status"] == "flagged"
    assert acme["jurisdiction"] == "GB"
    assert acme["cascade_pct"] == {"low": approx(55.0), "high": approx(55.0)}
    assert acme["lookthrough_pct"] == {"low": approx(39.25), "high": approx(39.25)}
    assert entities["Shenzhen Capital Group Co Ltd"]["status"] == "home"
    assert entities["Pearl River Holdings Ltd"]["status"] == "flagged"
    assert entities["Fairway Investments LLC"]["status"] == "clear"
    assert not any(w["code"] == "unknown_country" for w in doc["warnings"])


# ------------------------------------------------------------------------------------------ output files


@pytest.mark.parametrize("name", ["report.json", "REPORT.JSON"])
def test_output_json_file(tmp_path, cli, name: str) -> None:
    out = tmp_path / name
    result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out)
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "exposure.check/1"
    assert cli.by_id(doc)["HELIO-SG"]["status"] == "flagged"
    # the same document as --format json on stdout
    _, stdout_doc = cli.run_json("check", cli.cap_table, "-j", "CN")
    assert doc == stdout_doc


def test_output_csv_file(tmp_path, cli) -> None:
    out = tmp_path / "report.csv"
    result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out)
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 20
    assert {r["id"] for r in rows} == SAMPLE_IDS


def test_output_markdown_file(tmp_path, cli) -> None:
    for name in ("report.md", "report.markdown"):
        out = tmp_path / name
        result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out)
        assert result.exit_code == 1, result.stderr
        assert result.stdout == ""
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# ")
        assert "HELIO-SG" in text
        assert "| flagged |" in text


def test_output_txt_is_the_table(tmp_path, cli) -> None:
    out = tmp_path / "report.txt"
    result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out)
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("FLAGGED")
    assert "HELIO-SG" in text
    assert "\x1b[" not in text  # no terminal colour codes in a file


def test_output_format_flag_wins_over_extension(tmp_path, cli) -> None:
    out = tmp_path / "report.txt"
    result = cli.run("check", cli.cap_table, "-j", "CN", "-o", out, "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "exposure.check/1"


@pytest.mark.parametrize("name", ["report.pdf", "report", "report.xlsx.bak"])
def test_output_unknown_extension_is_exit_2(tmp_path, cli, name: str) -> None:
    out = tmp_path / name
    line = cli.error_line(cli.run("check", cli.cap_table, "-j", "CN", "-o", out))
    assert "-o" in line
    assert not out.exists()


def test_output_never_overwrites_the_input(tmp_path, cli) -> None:
    path = cli.write_holdings_csv(tmp_path, [("X", "CN", "A", "GB", "60"), ("U", "US", "A", "GB", "40")])
    before = path.read_bytes()
    cli.error_line(cli.run("check", path, "-j", "CN", "-o", path))
    assert path.read_bytes() == before


def test_format_csv_columns(cli) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--format", "csv")
    assert result.exit_code == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = next(csv.reader(io.StringIO(result.stdout)))
    for column in (
        "id",
        "name",
        "type",
        "jurisdiction",
        "headquarters",
        "status",
        "cascade_low_pct",
        "cascade_high_pct",
        "lookthrough_low_pct",
        "lookthrough_high_pct",
    ):
        assert column in header, column
    assert len(header) == len(set(header))
    assert len(rows) == 20
    helio = next(r for r in rows if r["id"] == "HELIO-SG")
    assert helio["status"] == "flagged"
    assert float(helio["cascade_low_pct"]) == approx(56.0)
    assert float(helio["cascade_high_pct"]) == approx(64.0)
    assert float(helio["lookthrough_low_pct"]) == approx(37.037037)
    assert float(helio["lookthrough_high_pct"]) == approx(45.267490)
    for r in rows:
        assert r["status"] in STATUSES
        for column in ("cascade_low_pct", "cascade_high_pct", "lookthrough_low_pct", "lookthrough_high_pct"):
            value = float(r[column])
            assert math.isfinite(value) and 0.0 <= value <= 100.0


def test_format_markdown_on_stdout(cli) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--format", "markdown")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.startswith("# ")
    assert "HELIO-SG" in result.stdout


# ------------------------------------------------------------------------------------------ table view


def test_table_view_on_sample(cli) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN")
    assert result.exit_code == 1, result.stderr
    assert result.stdout.startswith("FLAGGED")
    assert "HELIO-SG" in result.stdout
    assert "flagged" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("target", "code"), [("HELIO-SG", 1), ("ARCADIA", 0), ("NORDLICHT", 0), ("ORBIT", 0)])
def test_table_view_entity_decides(cli, target: str, code: int) -> None:
    result = cli.run("check", cli.cap_table, "-j", "CN", "--entity", target)
    assert result.exit_code == code, result.stderr
    assert target in result.stdout


def test_sample_orbit_fails_only_under_fail_on_possible(cli) -> None:
    assert cli.run("check", cli.cap_table, "-j", "CN", "--entity", "ORBIT", "--fail-on", "possible").exit_code == 1
