"""Policy files through the CLI: ``--policy FILE``, ``exposure.toml`` and ``[tool.exposure]`` in the working
directory, their layering under the flags, the origins the report records, and one-line errors naming the key.

The structure: X (CN) holds 45% of T and 10% of S; a US holder has the rest of each (nothing unallocated).
T is caught at a 40% threshold but not at the default 50%; S is caught by neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


def entity(entity_id: str, country: str | None) -> dict[str, object]:
    return {"id": entity_id, "name": entity_id, "type": "company", "jurisdiction": country}


def holding(holder: str, subject: str, percent: object) -> dict[str, object]:
    return {"holder": holder, "subject": subject, "percent": percent}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


TEAM = 'profile = "ofac"\njurisdictions = ["CN"]\nthreshold = 40\n'


@pytest.fixture
def book(tmp_path: Path, cli) -> Path:
    return cli.write_workbook(
        tmp_path,
        [entity("X", "CN"), entity("T", "GB"), entity("S", "GB"), entity("U", "US"), entity("R", "RU")],
        [holding("X", "T", 45), holding("U", "T", 55), holding("X", "S", 10), holding("U", "S", 90)],
        name="vendor.xlsx",
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory for the run: a fresh folder with nothing in it."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def statuses(cli, doc: dict[str, Any]) -> dict[str, str]:
    return {i: e["status"] for i, e in cli.by_id(doc).items()}


# ------------------------------------------------------------------------------------------ --policy FILE


def test_policy_file_applies(book, project, cli) -> None:
    write(project / "team.toml", TEAM)
    result, doc = cli.run_json("check", book, "--policy", "team.toml", "--entity", "T")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["name"] == "ofac"
    assert policy["jurisdictions"] == ["CN"]
    assert policy["threshold_pct"] == approx(40)
    assert policy["comparison"] == "ge"
    origins = policy["origins"]
    assert origins["threshold"] == "--policy team.toml"
    assert origins["jurisdictions"] == "--policy team.toml"
    assert origins["comparison"] == "profile ofac"
    assert origins["method"] == "profile ofac"
    assert origins["weights"] == "default"
    t = cli.by_id(doc)["T"]
    assert (t["status"], t["cascade_pct"]["low"], t["cascade_pct"]["high"]) == ("flagged", approx(45), approx(45))
    assert statuses(cli, doc)["S"] == "clear"


def test_policy_file_in_another_folder(book, tmp_path, cli) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    path = write(folder / "team.toml", TEAM)
    result, doc = cli.run_json("check", book, "--policy", path)
    assert result.exit_code == 1
    assert doc["policy"]["threshold_pct"] == approx(40)
    assert doc["policy"]["origins"]["threshold"] == f"--policy {path}"


def test_flags_override_the_policy_file(book, project, cli) -> None:
    write(project / "team.toml", TEAM)
    result, doc = cli.run_json("check", book, "--policy", "team.toml", "--threshold", "50", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    policy = doc["policy"]
    assert policy["threshold_pct"] == approx(50)
    assert policy["origins"]["threshold"] == "--threshold"
    assert policy["origins"]["jurisdictions"] == "--policy team.toml"
    assert statuses(cli, doc)["T"] == "clear"


def test_jurisdiction_flag_overrides_the_file(book, project, cli) -> None:
    write(project / "team.toml", TEAM)
    result, doc = cli.run_json("check", book, "--policy", "team.toml", "-j", "RU", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["jurisdictions"] == ["RU"]
    assert doc["policy"]["origins"]["jurisdictions"] == "-j"
    st = statuses(cli, doc)
    assert st["R"] == "home"
    assert st["X"] == "clear"
    assert st["T"] == "clear"


def test_profile_flag_overrides_the_file_profile(book, project, cli) -> None:
    write(project / "team.toml", TEAM)
    _, doc = cli.run_json("check", book, "--policy", "team.toml", "--profile", "uk")
    policy = doc["policy"]
    assert policy["name"] == "uk"
    assert policy["comparison"] == "gt"
    assert policy["origins"]["comparison"] == "profile uk"
    # The file's own settings still apply on top of the named profile.
    assert policy["threshold_pct"] == approx(40)
    assert policy["origins"]["threshold"] == "--policy team.toml"


def test_policy_file_settings_beyond_the_rule(book, project, cli) -> None:
    write(
        project / "team.toml",
        'name = "team rule"\njurisdictions = ["China"]\nthreshold = "40%"\ncomparison = "at least"\n'
        'fail_on = "never"\nas_of = 2025-01-31\n',
    )
    result, doc = cli.run_json("check", book, "--policy", "team.toml")
    assert result.exit_code == 0, result.stderr  # fail_on = "never"
    policy = doc["policy"]
    assert policy["name"] == "team rule"
    assert policy["jurisdictions"] == ["CN"]
    assert policy["threshold_pct"] == approx(40)
    assert policy["comparison"] == "ge"
    assert policy["as_of"] == "2025-01-31"
    assert policy["origins"]["as_of"] == "--policy team.toml"
    assert statuses(cli, doc)["T"] == "flagged"
    # A flag wins over the file's fail_on too.
    assert cli.run("check", book, "--policy", "team.toml", "--fail-on", "flagged", "-q").exit_code == 1


def test_policy_flag_ignores_the_project_file(book, project, cli) -> None:
    write(project / "exposure.toml", "this is not toml = = =\n")
    write(project / "team.toml", TEAM)
    result, doc = cli.run_json("check", book, "--policy", "team.toml")
    assert result.exit_code == 1
    assert doc["policy"]["origins"]["threshold"] == "--policy team.toml"


def test_policy_flag_reads_a_pyproject(book, project, cli) -> None:
    write(
        project / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.exposure]\njurisdictions = ["CN"]\nthreshold = 40\n',
    )
    result, doc = cli.run_json("check", book, "--policy", "pyproject.toml", "--entity", "T")
    assert result.exit_code == 1
    assert doc["policy"]["threshold_pct"] == approx(40)
    assert doc["policy"]["origins"]["threshold"] == "--policy pyproject.toml"


# ------------------------------------------------------------------------------------------ project files


def test_bare_check_uses_exposure_toml(book, project, cli) -> None:
    write(project / "exposure.toml", TEAM)
    result, doc = cli.run_json("check", book, "--entity", "T")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["name"] == "ofac"
    assert policy["jurisdictions"] == ["CN"]
    assert policy["threshold_pct"] == approx(40)
    assert policy["origins"]["threshold"] == "exposure.toml"
    assert policy["origins"]["jurisdictions"] == "exposure.toml"
    assert statuses(cli, doc)["T"] == "flagged"


def test_bare_check_exit_code_with_exposure_toml(book, project, cli) -> None:
    write(project / "exposure.toml", TEAM)
    result = cli.run("check", book, "--entity", "S")
    assert result.exit_code == 0, result.stderr
    assert cli.run("check", book, "--entity", "T").exit_code == 1


def test_bare_check_uses_tool_exposure_in_pyproject(book, project, cli) -> None:
    write(
        project / "pyproject.toml",
        '[project]\nname = "vendor-gate"\n\n[tool.exposure]\n' + TEAM,
    )
    result, doc = cli.run_json("check", book, "--entity", "T")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["name"] == "ofac"
    assert policy["threshold_pct"] == approx(40)
    assert policy["origins"]["threshold"] == "pyproject.toml [tool.exposure]"
    assert statuses(cli, doc)["T"] == "flagged"


def test_exposure_toml_wins_over_pyproject(book, project, cli) -> None:
    write(project / "exposure.toml", 'jurisdictions = ["CN"]\nthreshold = 40\n')
    write(project / "pyproject.toml", '[tool.exposure]\njurisdictions = ["RU"]\n')
    _, doc = cli.run_json("check", book)
    assert doc["policy"]["jurisdictions"] == ["CN"]
    assert doc["policy"]["origins"]["jurisdictions"] == "exposure.toml"


def test_pyproject_without_tool_exposure_is_not_a_policy(book, project, cli) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    line = cli.error_line(cli.run("check", book))
    assert "nothing to watch" in line
    result, doc = cli.run_json("check", book, "-j", "CN")
    assert result.exit_code == 1
    assert doc["policy"]["threshold_pct"] == approx(50)
    assert doc["policy"]["origins"]["threshold"] == "profile default"


def test_flags_override_the_project_file(book, project, cli) -> None:
    write(project / "exposure.toml", TEAM)
    result, doc = cli.run_json("check", book, "--threshold", "60", "--comparison", "gt", "--entity", "T")
    assert result.exit_code == 0, result.stderr
    policy = doc["policy"]
    assert policy["threshold_pct"] == approx(60)
    assert policy["comparison"] == "gt"
    assert policy["origins"]["threshold"] == "--threshold"
    assert policy["origins"]["comparison"] == "--comparison"
    assert policy["origins"]["jurisdictions"] == "exposure.toml"


def test_project_file_watchlist_resolves_against_its_folder(book, tmp_path, project, cli) -> None:
    lists = project / "lists"
    lists.mkdir()
    write(lists / "sdn.csv", "id,label\nX,SDN\n")
    write(project / "exposure.toml", 'profile = "ofac"\nwatchlists = ["lists/sdn.csv"]\n')
    result, doc = cli.run_json("check", book, "--entity", "X")
    assert result.exit_code == 1
    assert doc["policy"]["watchlist"] == ["SDN"]
    x = cli.by_id(doc)["X"]
    assert x["status"] == "home"
    assert x["labels"] == ["SDN"]


def test_policy_file_watchlist_resolves_against_its_folder(book, tmp_path, project, cli) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    write(folder / "sdn.csv", "id,label\nX,SDN\n")
    write(folder / "team.toml", 'profile = "ofac"\nwatchlists = ["sdn.csv"]\n')
    result, doc = cli.run_json("check", book, "--policy", folder / "team.toml", "--entity", "T")
    assert result.exit_code == 0, result.stderr  # X holds 45% of T: not 50% or more
    assert doc["policy"]["watchlist"] == ["SDN"]
    assert statuses(cli, doc)["X"] == "home"


# ------------------------------------------------------------------------------------------ errors


def test_unknown_key(book, project, cli) -> None:
    write(project / "team.toml", 'jurisdictions = ["CN"]\nthresold = 40\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "'thresold'" in line
    assert "did you mean 'threshold'" in line


def test_unknown_key_in_exposure_toml(book, project, cli) -> None:
    write(project / "exposure.toml", 'jurisdictions = ["CN"]\nmethdo = "cascade"\n')
    line = cli.error_line(cli.run("check", book))
    assert "exposure.toml" in line
    assert "'methdo'" in line
    assert "did you mean 'method'" in line


def test_unknown_key_in_pyproject(book, project, cli) -> None:
    write(project / "pyproject.toml", '[tool.exposure]\njurisdiction = ["CN"]\n')
    line = cli.error_line(cli.run("check", book))
    assert "pyproject.toml" in line
    assert "[tool.exposure]" in line
    assert "'jurisdiction'" in line
    assert "did you mean 'jurisdictions'" in line


@pytest.mark.parametrize("value", ["140", "0", "-5", '"fifty"', "true"])
def test_bad_threshold(book, project, cli, value) -> None:
    write(project / "team.toml", f'jurisdictions = ["CN"]\nthreshold = {value}\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "'threshold'" in line


def test_bad_country(book, project, cli) -> None:
    write(project / "team.toml", 'jurisdictions = ["CN", "Narnia"]\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "'jurisdictions'" in line
    assert "Narnia" in line


def test_bad_comparison(book, project, cli) -> None:
    write(project / "team.toml", 'jurisdictions = ["CN"]\ncomparison = "roughly"\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "'comparison'" in line
    assert "roughly" in line


def test_unknown_profile_in_file(book, project, cli) -> None:
    write(project / "team.toml", 'profile = "ofacc"\njurisdictions = ["CN"]\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "'profile'" in line
    assert "did you mean 'ofac'" in line


def test_toml_syntax_error_names_the_line(book, project, cli) -> None:
    write(project / "team.toml", 'profile = "ofac"\nthreshold = = 40\njurisdictions = ["CN"]\n')
    line = cli.error_line(cli.run("check", book, "--policy", "team.toml"))
    assert "team.toml" in line
    assert "line 2" in line
    assert "TOML" in line


def test_toml_syntax_error_in_exposure_toml(book, project, cli) -> None:
    write(project / "exposure.toml", 'jurisdictions = ["CN"\nthreshold = 40\n')
    line = cli.error_line(cli.run("check", book))
    assert "exposure.toml" in line
    assert "line 2" in line or "line 3" in line


def test_missing_policy_file(book, project, cli) -> None:
    line = cli.error_line(cli.run("check", book, "--policy", "nowhere.toml"))
    assert "nowhere.toml" in line


def test_errors_are_reported_before_anything_is_computed(book, project, cli) -> None:
    write(project / "team.toml", 'jurisdictions = ["CN"]\nthresold = 40\n')
    result = cli.run("check", book, "--policy", "team.toml", "--format", "json")
    cli.error_line(result)
    assert result.stdout == ""
