"""Rule profiles through the CLI: where the regimes diverge on one graph, dated rules, weights and control rows.

Every structure gives each subject's stakes summing to 100% (outside holders in the US), so nothing is
unallocated and the low and high bounds agree: the figures and statuses asserted here are exact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


def entity(entity_id: str, country: str | None, **more: object) -> dict[str, object]:
    return {"id": entity_id, "name": more.pop("name", entity_id), "type": "company", "jurisdiction": country, **more}


def holding(holder: str, subject: str, percent: object, **more: object) -> dict[str, object]:
    return {"holder": holder, "subject": subject, "percent": percent, **more}


def figures(e: dict[str, Any]) -> tuple[str, float, float, float, float]:
    """Status, cascade low/high and look-through low/high of one entity of the JSON report."""
    c, lt = e["cascade_pct"], e["lookthrough_pct"]
    return e["status"], c["low"], c["high"], lt["low"], lt["high"]


def codes(doc: dict[str, Any]) -> list[str]:
    return [w["code"] for w in doc["warnings"]]


# ------------------------------------------------------------------------------------------ regime divergences


@pytest.fixture
def two_owners(tmp_path: Path, cli) -> Path:
    """Designated owners A (CN) 30% and B (RU) 25% of T; a US holder has the other 45%."""
    return cli.write_workbook(
        tmp_path,
        [entity("A", "CN"), entity("B", "RU"), entity("T", "GB"), entity("U", "US")],
        [holding("A", "T", 30), holding("B", "T", 25), holding("U", "T", 45)],
        name="two_owners.xlsx",
    )


@pytest.fixture
def joint_owners(tmp_path: Path, cli) -> Path:
    """The same structure, with A and B acting jointly (one value in the Entities group column)."""
    return cli.write_workbook(
        tmp_path,
        [
            entity("A", "CN", group="ARRANGEMENT-1"),
            entity("B", "RU", group="ARRANGEMENT-1"),
            entity("T", "GB"),
            entity("U", "US"),
        ],
        [holding("A", "T", 30), holding("B", "T", 25), holding("U", "T", 45)],
        name="joint_owners.xlsx",
    )


@pytest.mark.parametrize("profile", ["ofac", "eu"])
def test_aggregating_profiles_flag_two_owners_together(two_owners, cli, profile) -> None:
    result, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", profile)
    assert result.exit_code == 1
    assert doc["policy"]["name"] == profile
    assert doc["policy"]["comparison"] == "ge"
    assert doc["policy"]["aggregate"] is True
    ents = cli.by_id(doc)
    assert figures(ents["T"]) == ("flagged", approx(55), approx(55), approx(55), approx(55))
    assert ents["T"]["labels"] == ["CN", "RU"]
    assert {c["holder"] for c in ents["T"]["tainted_by"]} == {"A", "B"}
    assert ents["A"]["status"] == ents["B"]["status"] == "home"
    assert ents["A"]["labels"] == ["CN"]
    assert ents["B"]["labels"] == ["RU"]
    assert ents["U"]["status"] == "clear"


def test_uk_assesses_each_designated_owner_alone(two_owners, cli) -> None:
    result, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "uk", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["name"] == "uk"
    assert doc["policy"]["comparison"] == "gt"
    ents = cli.by_id(doc)
    # The largest single owner holds 30%: not more than 50%, whichever owner is assessed.
    assert figures(ents["T"]) == ("clear", approx(30), approx(30), approx(30), approx(30))
    assert ents["T"]["labels"] == []


def test_uk_policy_document_says_it_does_not_aggregate(two_owners, cli) -> None:
    _, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "uk")
    assert doc["policy"]["origins"]["aggregate"] == "profile uk"
    assert doc["policy"]["aggregate"] is False


def test_no_aggregate_flag_overrides_an_aggregating_profile(two_owners, cli) -> None:
    result, doc = cli.run_json(
        "check", two_owners, "-j", "CN,RU", "--profile", "ofac", "--no-aggregate", "--entity", "T"
    )
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["origins"]["aggregate"] == "--no-aggregate"
    assert doc["policy"]["aggregate"] is False
    assert figures(cli.by_id(doc)["T"]) == ("clear", approx(30), approx(30), approx(30), approx(30))


def test_uk_adds_up_owners_acting_jointly(joint_owners, cli) -> None:
    result, doc = cli.run_json("check", joint_owners, "-j", "CN,RU", "--profile", "uk", "--entity", "T")
    assert result.exit_code == 1
    t = cli.by_id(doc)["T"]
    assert figures(t) == ("flagged", approx(55), approx(55), approx(55), approx(55))
    assert t["labels"] == ["CN", "RU"]


def test_ofac_and_uk_side_by_side(two_owners, cli) -> None:
    result, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "ofac", "--profile", "uk")
    assert result.exit_code == 1
    assert [p["name"] for p in doc["profiles"]] == ["ofac", "uk"]
    assert [p["policy"]["name"] for p in doc["profiles"]] == ["ofac", "uk"]
    assert [p["summary"]["flagged"] for p in doc["profiles"]] == [1, 0]
    assert [p["summary"]["verdict"] for p in doc["profiles"]] == ["flagged", "flagged"]  # A and B are home
    # The first profile is the primary one: it fills the top-level policy and the entities' own columns.
    assert doc["policy"]["name"] == "ofac"
    assert doc["disagreements"] == ["T"]
    ents = cli.by_id(doc)
    t = ents["T"]
    assert t["status"] == "flagged"
    assert set(t["by_profile"]) == {"ofac", "uk"}
    ofac, uk = t["by_profile"]["ofac"], t["by_profile"]["uk"]
    assert figures(ofac) == ("flagged", approx(55), approx(55), approx(55), approx(55))
    assert figures(uk) == ("clear", approx(30), approx(30), approx(30), approx(30))
    assert ofac["labels"] == ["CN", "RU"]
    assert uk["labels"] == []
    for agreed in ("A", "B", "U"):
        statuses = {p["status"] for p in ents[agreed]["by_profile"].values()}
        assert len(statuses) == 1, (agreed, ents[agreed]["by_profile"])


def test_side_by_side_exit_code_follows_the_strictest(two_owners, cli) -> None:
    # Only T decides: OFAC alone flags it (1), UK alone clears it (0); together the strictest wins.
    base = ("check", two_owners, "-j", "CN,RU", "--entity", "T", "-q")
    assert cli.run(*base, "--profile", "ofac").exit_code == 1
    assert cli.run(*base, "--profile", "uk").exit_code == 0
    assert cli.run(*base, "--profile", "uk", "--profile", "ofac").exit_code == 1
    assert cli.run(*base, "--profile", "ofac", "--profile", "uk").exit_code == 1
    assert cli.run(*base, "--profile", "ofac", "--profile", "uk", "--fail-on", "never").exit_code == 0


def test_side_by_side_fail_on_never(two_owners, cli) -> None:
    result = cli.run("check", two_owners, "-j", "CN,RU", "--profile", "ofac", "--profile", "uk", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr


def test_side_by_side_table(two_owners, cli) -> None:
    result = cli.run("check", two_owners, "-j", "CN,RU", "--profile", "ofac", "--profile", "uk", "--format", "table")
    assert result.exit_code == 1
    out = result.stdout
    assert "ofac" in out
    assert "uk" in out
    assert "disagree" in out
    assert "Traceback" not in result.output


def test_repeated_profile_is_evaluated_once(two_owners, cli) -> None:
    _, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "ofac", "--profile", "ofac")
    assert [p["name"] for p in doc["profiles"]] == ["ofac"]


def test_profile_names_ignore_case(two_owners, cli) -> None:
    result, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "OFAC")
    assert result.exit_code == 1
    assert doc["policy"]["name"] == "ofac"
    assert cli.by_id(doc)["T"]["status"] == "flagged"


def test_profile_names_differing_in_case_are_one_profile(two_owners, cli) -> None:
    _, doc = cli.run_json("check", two_owners, "-j", "CN,RU", "--profile", "OFAC", "--profile", "ofac")
    assert [p["name"] for p in doc["profiles"]] == ["ofac"]


def test_unknown_profile_is_one_line_error(two_owners, cli) -> None:
    line = cli.error_line(cli.run("check", two_owners, "-j", "CN", "--profile", "ofca"))
    assert "ofca" in line
    assert "did you mean 'ofac'" in line
    for name in ("default", "ofac", "bis", "eu", "uk", "amlr"):
        assert name in line


# ------------------------------------------------------------------------------------------ AML control chain


@pytest.fixture
def control_chain(tmp_path: Path, cli) -> Path:
    """P (CN) -60-> H (the other 40% US), H -30-> T (the other 70% US)."""
    return cli.write_workbook(
        tmp_path,
        [
            entity("P", "CN", type="person"),
            entity("H", "GB"),
            entity("T", "GB"),
            entity("U1", "US"),
            entity("U2", "US"),
        ],
        [holding("P", "H", 60), holding("U1", "H", 40), holding("H", "T", 30), holding("U2", "T", 70)],
        name="chain.xlsx",
    )


def test_amlr_control_chain_makes_a_beneficial_owner(control_chain, cli) -> None:
    result, doc = cli.run_json("check", control_chain, "-j", "CN", "--profile", "amlr", "--as-of", "2027-07-10")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["name"] == "amlr"
    assert policy["in_force"] is True
    assert policy["threshold_pct"] == approx(25)
    assert policy["comparison"] == "ge"
    assert policy["pass_through_pct"] == approx(50)
    assert policy["pass_through_comparison"] == "gt"
    assert policy["method"] == "either"
    assert "rule_not_in_force" not in codes(doc)
    ents = cli.by_id(doc)
    # H is controlled (60% > 50%), so its 30% of T counts in full: 30% >= 25%; multiplied it is 18%.
    assert figures(ents["T"]) == ("flagged", approx(30), approx(30), approx(18), approx(18))
    assert ents["T"]["labels"] == ["CN"]
    assert figures(ents["H"]) == ("flagged", approx(60), approx(60), approx(60), approx(60))
    assert ents["P"]["status"] == "home"


def test_amlr_before_it_applies_is_computed_but_decides_nothing(control_chain, cli) -> None:
    result, doc = cli.run_json("check", control_chain, "-j", "CN", "--profile", "amlr", "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["in_force"] is False
    assert "2027-07-10" in doc["policy"]["note"]
    assert "rule_not_in_force" in codes(doc)
    ents = cli.by_id(doc)
    assert figures(ents["T"]) == ("flagged", approx(30), approx(30), approx(18), approx(18))
    assert ents["P"]["status"] == "home"


def test_amlr_last_day_before_it_applies(control_chain, cli) -> None:
    result, doc = cli.run_json("check", control_chain, "-j", "CN", "--profile", "amlr", "--as-of", "2027-07-09")
    assert result.exit_code == 0
    assert doc["policy"]["in_force"] is False


def test_method_flag_overrides_amlr(control_chain, cli) -> None:
    result, doc = cli.run_json(
        "check", control_chain, "-j", "CN", "--profile", "amlr", "--as-of", "2027-07-10", "--method", "lookthrough"
    )
    assert result.exit_code == 1  # P is home
    assert doc["policy"]["method"] == "lookthrough"
    assert doc["policy"]["origins"]["method"] == "--method"
    assert doc["policy"]["origins"]["threshold"] == "profile amlr"
    ents = cli.by_id(doc)
    assert figures(ents["T"]) == ("clear", approx(30), approx(30), approx(18), approx(18))
    assert figures(ents["H"]) == ("flagged", approx(60), approx(60), approx(60), approx(60))


def test_amlr_lookthrough_only_target_exit_code(control_chain, cli) -> None:
    base = ("check", control_chain, "-j", "CN", "--profile", "amlr", "--as-of", "2027-07-10", "--entity", "T", "-q")
    assert cli.run(*base).exit_code == 1
    assert cli.run(*base, "--method", "lookthrough").exit_code == 0


# ------------------------------------------------------------------------------------------ dates


@pytest.fixture
def half(tmp_path: Path, cli) -> Path:
    """X (CN) holds exactly 50% of T; a US holder has the other 50%."""
    return cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("T", "GB"), entity("U", "US")],
        [holding("X", "T", 50), holding("U", "T", 50)],
        name="half.xlsx",
    )


def test_eu_more_than_half_until_2024_07_02(half, cli) -> None:
    result, doc = cli.run_json("check", half, "-j", "CN", "--profile", "eu", "--as-of", "2024-07-02", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    policy = doc["policy"]
    assert policy["comparison"] == "gt"
    assert policy["in_force"] is True
    assert policy["as_of"] == "2024-07-02"
    assert policy["origins"]["comparison"] == "profile eu (until 2024-07-02)"
    assert policy["origins"]["threshold"] == "profile eu"
    assert policy["origins"]["as_of"] == "--as-of"
    assert figures(cli.by_id(doc)["T"]) == ("clear", approx(50), approx(50), approx(50), approx(50))


def test_eu_at_least_half_from_2024_07_03(half, cli) -> None:
    result, doc = cli.run_json("check", half, "-j", "CN", "--profile", "eu", "--as-of", "2024-07-03", "--entity", "T")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["comparison"] == "ge"
    assert policy["origins"]["comparison"] == "profile eu (from 2024-07-03)"
    t = cli.by_id(doc)["T"]
    assert figures(t) == ("flagged", approx(50), approx(50), approx(50), approx(50))
    assert t["labels"] == ["CN"]


def test_comparison_flag_overrides_eu_period(half, cli) -> None:
    result, doc = cli.run_json(
        "check", half, "-j", "CN", "--profile", "eu", "--as-of", "2024-07-03", "--comparison", "gt", "--entity", "T"
    )
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["comparison"] == "gt"
    assert doc["policy"]["origins"]["comparison"] == "--comparison"
    assert "comparison set by --comparison" in doc["policy"]["note"]
    assert cli.by_id(doc)["T"]["status"] == "clear"


def test_threshold_flag_origin_on_a_profile(half, cli) -> None:
    _, doc = cli.run_json("check", half, "-j", "CN", "--profile", "eu", "--as-of", "2024-07-03", "--threshold", "40")
    policy = doc["policy"]
    assert policy["threshold_pct"] == approx(40)
    assert policy["origins"]["threshold"] == "--threshold"
    assert policy["origins"]["comparison"] == "profile eu (from 2024-07-03)"
    assert policy["origins"]["jurisdictions"] == "-j"
    assert policy["origins"]["weights"] == "default"


@pytest.mark.parametrize("day", ["2026-01-15", "2025-11-10", "2026-11-09"])
def test_bis_suspended(half, cli, day) -> None:
    result, doc = cli.run_json("check", half, "-j", "CN", "--profile", "bis", "--as-of", day)
    assert result.exit_code == 0, result.stderr  # X is home and T flagged, but the rule is suspended
    policy = doc["policy"]
    assert policy["name"] == "bis"
    assert policy["in_force"] is False
    assert "suspended" in policy["note"]
    assert "2025-11-10" in policy["note"]
    assert "2026-11-09" in policy["note"]
    warning = next(w for w in doc["warnings"] if w["code"] == "rule_not_in_force")
    assert "suspended" in warning["message"]
    # The figures are still computed.
    assert cli.by_id(doc)["T"]["status"] == "flagged"


def test_bis_suspension_on_stderr_and_table(half, cli) -> None:
    result = cli.run("check", half, "-j", "CN", "--profile", "bis", "--as-of", "2026-01-15")
    assert result.exit_code == 0
    assert "rule_not_in_force" in result.stderr
    assert "suspended" in result.stderr


def test_bis_before_it_applies(half, cli) -> None:
    result, doc = cli.run_json("check", half, "-j", "CN", "--profile", "bis", "--as-of", "2025-09-28")
    assert result.exit_code == 0
    assert doc["policy"]["in_force"] is False
    assert "2025-09-29" in doc["policy"]["note"]
    assert "rule_not_in_force" in codes(doc)


@pytest.mark.parametrize("day", ["2025-09-29", "2025-10-01", "2025-11-09", "2026-11-10"])
def test_bis_in_force(half, cli, day) -> None:
    result, doc = cli.run_json("check", half, "-j", "CN", "--profile", "bis", "--as-of", day, "--entity", "T")
    assert result.exit_code == 1
    assert doc["policy"]["in_force"] is True
    assert doc["policy"]["note"] == ""
    assert "rule_not_in_force" not in codes(doc)
    assert figures(cli.by_id(doc)["T"]) == ("flagged", approx(50), approx(50), approx(50), approx(50))


def test_suspended_rule_beside_one_in_force(half, cli) -> None:
    base = ("check", half, "-j", "CN", "--as-of", "2026-01-15", "--entity", "T")
    result, doc = cli.run_json(*base, "--profile", "bis", "--profile", "ofac")
    assert result.exit_code == 1  # OFAC is in force and flags T
    assert [(p["name"], p["policy"]["in_force"]) for p in doc["profiles"]] == [("bis", False), ("ofac", True)]
    assert doc["disagreements"] == []
    table = cli.run(*base, "--profile", "bis", "--profile", "ofac", "--format", "table")
    assert table.exit_code == 1
    assert "NOT IN FORCE" in table.stdout


# ------------------------------------------------------------------------------------------ votes vs equity


@pytest.fixture
def dual_class(tmp_path: Path, cli) -> Path:
    """Founder F (CN) holds 20% of T's equity and 60% of its votes; a US holder has 80% equity, 40% votes."""
    return cli.write_workbook(
        tmp_path,
        [entity("F", "CN", type="person"), entity("T", "GB"), entity("U", "US")],
        [holding("F", "T", 20, votes=60), holding("U", "T", 80, votes=40)],
        name="dual_class.xlsx",
    )


def test_equity_weights_by_default(dual_class, cli) -> None:
    result, doc = cli.run_json("check", dual_class, "-j", "CN", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["weights"] == "equity"
    assert figures(cli.by_id(doc)["T"]) == ("clear", approx(20), approx(20), approx(20), approx(20))


def test_votes_weights(dual_class, cli) -> None:
    result, doc = cli.run_json("check", dual_class, "-j", "CN", "--entity", "T", "--weights", "votes")
    assert result.exit_code == 1
    assert doc["policy"]["weights"] == "votes"
    assert doc["policy"]["origins"]["weights"] == "--weights"
    t = cli.by_id(doc)["T"]
    assert figures(t) == ("flagged", approx(60), approx(60), approx(60), approx(60))
    assert t["labels"] == ["CN"]


# ------------------------------------------------------------------------------------------ control rows


@pytest.fixture
def vie(tmp_path: Path, cli) -> Path:
    """P (CN) controls V by contract (control = yes, no percent); a US holder owns all of V's equity."""
    return cli.write_workbook(
        tmp_path,
        [entity("P", "CN"), entity("V", "GB"), entity("U", "US")],
        [holding("P", "V", None, control="yes"), holding("U", "V", 100, control="no")],
        name="vie.xlsx",
    )


def test_control_report_by_default(vie, cli) -> None:
    result, doc = cli.run_json("check", vie, "-j", "CN", "--entity", "V")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["control"] == "report"
    v = cli.by_id(doc)["V"]
    assert figures(v) == ("clear", approx(0), approx(0), approx(0), approx(0))
    assert len(v["red_flags"]) == 1
    assert "P" in v["red_flags"][0]


def test_control_report_flag(vie, cli) -> None:
    _, doc = cli.run_json("check", vie, "-j", "CN", "--control", "report")
    v = cli.by_id(doc)["V"]
    assert v["status"] == "clear"
    assert any("P" in flag for flag in v["red_flags"])


def test_control_possible(vie, cli) -> None:
    result, doc = cli.run_json("check", vie, "-j", "CN", "--control", "possible", "--entity", "V")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["control"] == "possible"
    v = cli.by_id(doc)["V"]
    assert v["status"] == "possible"
    assert any("P" in flag for flag in v["red_flags"])
    fail_possible = cli.run("check", vie, "-j", "CN", "--control", "possible", "--entity", "V", "--fail-on", "possible")
    assert fail_possible.exit_code == 1


def test_control_taints(vie, cli) -> None:
    result, doc = cli.run_json("check", vie, "-j", "CN", "--control", "taints", "--entity", "V")
    assert result.exit_code == 1
    assert doc["policy"]["control"] == "taints"
    v = cli.by_id(doc)["V"]
    assert v["status"] == "flagged"
    assert v["labels"] == ["CN"]
    assert any("P" in flag for flag in v["red_flags"])


@pytest.mark.parametrize(
    ("profile", "control", "status", "code"),
    [("ofac", "report", "clear", 0), ("eu", "possible", "possible", 0), ("uk", "taints", "flagged", 1)],
)
def test_control_rows_by_profile(vie, cli, profile, control, status, code) -> None:
    result, doc = cli.run_json("check", vie, "-j", "CN", "--profile", profile, "--entity", "V")
    assert result.exit_code == code, result.stderr
    assert doc["policy"]["control"] == control
    assert doc["policy"]["origins"]["control"] == f"profile {profile}"
    assert cli.by_id(doc)["V"]["status"] == status


def test_control_rows_three_profiles_side_by_side(vie, cli) -> None:
    result, doc = cli.run_json(
        "check", vie, "-j", "CN", "--profile", "ofac", "--profile", "eu", "--profile", "uk", "--entity", "V"
    )
    assert result.exit_code == 1
    by_profile = cli.by_id(doc)["V"]["by_profile"]
    assert {name: entry["status"] for name, entry in by_profile.items()} == {
        "ofac": "clear",
        "eu": "possible",
        "uk": "flagged",
    }
    assert doc["disagreements"] == ["V"]


# ------------------------------------------------------------------------------------------ exposure profiles

SHIPPED = ["default", "ofac", "bis", "eu", "uk", "amlr"]


def test_profiles_table(cli) -> None:
    result = cli.run("profiles")
    assert result.exit_code == 0, result.stderr
    for name in SHIPPED:
        assert name in result.stdout


def test_profiles_json(cli) -> None:
    result = cli.run("profiles", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == SHIPPED
    for row in rows:
        assert isinstance(row["threshold"], str)
        assert row["threshold"]
        assert isinstance(row["source"], str)
        assert len(row["source"]) > 20
        assert row["description"]


def test_profiles_parameters_follow_their_sources(cli) -> None:
    rows = {row["name"]: row for row in json.loads(cli.run("profiles", "--format", "json").stdout)}
    assert rows["default"]["threshold"] == "more than 50%"
    assert rows["default"]["aggregate"] == "yes"
    assert rows["ofac"]["threshold"] == "at least 50%"
    assert rows["ofac"]["aggregate"] == "yes"
    assert rows["ofac"]["control"] == "report"
    assert "OFAC" in rows["ofac"]["source"]
    assert rows["bis"]["threshold"] == "at least 50%"
    assert rows["bis"]["control"] == "report"
    assert "2025-09-29" in rows["bis"]["in force"]
    assert "2025-11-10" in rows["bis"]["in force"]
    assert "2026-11-09" in rows["bis"]["in force"]
    assert rows["eu"]["threshold"].startswith("at least 50%")
    assert "more than 50% until 2024-07-02" in rows["eu"]["threshold"]
    assert rows["eu"]["control"] == "possible"
    assert rows["uk"]["threshold"] == "more than 50%"
    assert rows["uk"]["aggregate"] == "no"
    assert rows["uk"]["control"] == "taints"
    assert rows["amlr"]["threshold"].startswith("at least 25%")
    assert "more than 50%" in rows["amlr"]["threshold"]
    assert rows["amlr"]["method"] == "either"
    assert rows["amlr"]["aggregate"] == "no"
    assert "2027-07-10" in rows["amlr"]["in force"]
    for name in ("default", "ofac", "eu", "uk"):
        assert rows[name]["in force"] == "always"


@pytest.mark.parametrize(
    ("profile", "threshold", "comparison", "method", "control"),
    [
        ("default", 50, "gt", "cascade", "report"),
        ("ofac", 50, "ge", "cascade", "report"),
        ("eu", 50, "ge", "cascade", "possible"),
        ("uk", 50, "gt", "cascade", "taints"),
        ("bis", 50, "ge", "cascade", "report"),
        ("amlr", 25, "ge", "either", "taints"),
    ],
)
def test_profile_policy_in_the_report(half, cli, profile, threshold, comparison, method, control) -> None:
    _, doc = cli.run_json("check", half, "-j", "CN", "--profile", profile, "--as-of", "2027-07-10")
    policy = doc["policy"]
    assert policy["name"] == profile
    assert policy["threshold_pct"] == approx(threshold)
    assert policy["comparison"] == comparison
    assert policy["method"] == method
    assert policy["control"] == control
    assert policy["home"] == "either"
    assert policy["source"]
    assert policy["description"]


def test_profiles_unknown_format(cli) -> None:
    line = cli.error_line(cli.run("profiles", "--format", "xml"))
    assert "xml" in line
