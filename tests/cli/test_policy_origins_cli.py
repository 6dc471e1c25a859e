"""A policy file cannot change the gate unseen (issue 16, item 4): every setting, ``fail_on`` and the watch
lists included, has its origin in the JSON ``policy.origins``; the policy file is named on stderr and in the
reports with its absolute path, the keys it gave and its SHA-256 (watch lists too); ``--no-policy-file``
ignores the working directory's files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from cli.app import app

#: P (CN) holds 60% of T (DE): flagged, so the gate is 1 unless a policy says otherwise.
FLAGGED = "holder,holder_jurisdiction,subject,subject_jurisdiction,percent\nP,CN,T,DE,60\n"
GATE_OFF = '[tool.exposure]\nfail_on = "never"\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory whose pyproject.toml switches the gate off, with a flagged input."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(GATE_OFF, encoding="utf-8")
    (tmp_path / "h.csv").write_text(FLAGGED, encoding="utf-8")
    return tmp_path


def _check(*args: str) -> Result:
    # 200 columns: the messages name files under tmp_path, whose path is longer under pytest-xdist.
    return CliRunner().invoke(app, ["check", "h.csv", "-j", "CN", *args], env={"COLUMNS": "200"})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fail_on_from_pyproject_is_recorded_with_the_file(project: Path) -> None:
    result = _check("--format", "json")
    assert result.exit_code == 0, result.stderr  # the file's choice, now on the record
    policy = json.loads(result.stdout)["policy"]
    assert policy["origins"]["fail_on"] == "pyproject.toml [tool.exposure]"
    assert policy["origins"]["watchlists"] == "default"
    assert policy["policy_file"] == {
        "path": str(project / "pyproject.toml"),
        "absolute_path": str(project / "pyproject.toml"),
        "sha256": _sha(project / "pyproject.toml"),
        "keys": ["fail_on"],
    }
    assert f"settings from pyproject.toml [tool.exposure] ({project / 'pyproject.toml'}): fail_on = 'never'" in (
        " ".join(result.stderr.split())
    )


def test_every_setting_has_an_origin(project: Path) -> None:
    from ownership.policy.settings import FLAG_KEYS

    origins = json.loads(_check("--format", "json", "--fail-on", "possible").stdout)["policy"]["origins"]
    assert set(FLAG_KEYS) <= set(origins)
    assert origins["fail_on"] == "--fail-on"


def test_no_policy_file_ignores_the_working_directory(project: Path) -> None:
    result = _check("--format", "json", "--no-policy-file")
    assert result.exit_code == 1, result.stderr
    policy = json.loads(result.stdout)["policy"]
    assert policy["origins"]["fail_on"] == "default"
    assert policy["policy_file"] is None
    assert "settings from" not in result.stderr


def test_no_policy_file_still_reads_a_named_policy(project: Path) -> None:
    (project / "team.toml").write_text('fail_on = "never"\n', encoding="utf-8")
    result = _check("--format", "json", "--no-policy-file", "--policy", "team.toml")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["policy"]["origins"]["fail_on"] == "--policy team.toml"


def test_the_table_names_the_policy_file(project: Path) -> None:
    result = _check()
    assert result.exit_code == 0
    assert "pyproject.toml [tool.exposure]" in " ".join(result.stdout.split())


def test_the_reports_hash_the_policy_file_and_the_watch_lists(project: Path) -> None:
    watch = project / "sdn.csv"
    watch.write_text("name,label\nQ,SDN\n", encoding="utf-8")
    result = _check("--format", "json", "--watchlist", "sdn.csv")
    files = json.loads(result.stdout)["files"]
    assert [(f["role"], f["path"], f["sha256"]) for f in files] == [
        ("policy file", str(project / "pyproject.toml"), _sha(project / "pyproject.toml")),
        ("watch list", "sdn.csv", _sha(watch)),
    ]

    assert _check("--watchlist", "sdn.csv", "-o", "audit.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(project / "audit.xlsx")["Files read"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[3]) for r in rows] == [
        ("input", _sha(project / "h.csv")),
        ("policy file", _sha(project / "pyproject.toml")),
        ("watch list", _sha(watch)),
    ]
    assert rows[1][4] == "fail_on"


def test_explain_with_no_policy_file_ignores_the_working_directory(project: Path) -> None:
    # The project's file switches the gate off; explain exits like check with the entity deciding.
    gated = CliRunner().invoke(app, ["explain", "h.csv", "T", "-j", "CN", "--format", "json"])
    assert gated.exit_code == 0, gated.output
    strict = CliRunner().invoke(app, ["explain", "h.csv", "T", "-j", "CN", "--format", "json", "--no-policy-file"])
    assert strict.exit_code == 1, strict.output


def test_graph_accepts_no_policy_file(project: Path) -> None:
    result = CliRunner().invoke(app, ["graph", "h.csv", "-j", "CN", "-o", "g.graphml", "--no-policy-file"])
    assert result.exit_code in (0, 1), result.output
    assert (project / "g.graphml").is_file()


def test_the_html_report_hashes_the_policy_file_like_the_input(project: Path) -> None:
    result = _check("-o", "audit.html")
    assert result.exit_code == 0, result.output  # the project's file says fail_on = "never"
    page = (project / "audit.html").read_text(encoding="utf-8")
    assert _sha(project / "pyproject.toml") in page
    assert str(project / "pyproject.toml") in page
    assert "settings: fail_on" in page
