"""``exposure graph INPUT -o FILE``: formats from the extension, the policy options check takes, errors as one
line with exit code 2, and atomic writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

# The ``cli`` fixture (tests/cli/conftest.py) runs the app through typer's CliRunner and writes inputs.
Cli = Any


def _statuses(path: Path) -> dict[str, str]:
    graph = nx.read_graphml(path)
    return {node: data["status"] for node, data in graph.nodes(data=True)}


def test_graphml_of_the_sample(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "sample.graphml"
    result = cli.run("graph", cli.cap_table, "-j", "CN", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    statuses = _statuses(out)
    assert len(statuses) == 20
    assert statuses["HELIO-SG"] == "flagged" and statuses["LANTING-KY"] == "home" and statuses["ORBIT"] == "possible"
    assert "wrote graphml: 20 entities, 27 holdings in force" in result.stderr
    # Written atomically: nothing but the output is left in the folder.
    assert [p.name for p in tmp_path.iterdir()] == ["sample.graphml"]


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        ("g.gexf", '<?xml version="1.0" encoding="utf-8"?>'),
        ("g.dot", "// exposure: the checked equity graph (holder -> subject, percentages 0..100)"),
        ("g.gv", "// exposure: the checked equity graph (holder -> subject, percentages 0..100)"),
        ("g.mmd", "flowchart TD"),
        ("g.mermaid", "flowchart TD"),
        ("G.GRAPHML", '<?xml version="1.0" encoding="utf-8"?>'),
    ],
)
def test_format_from_the_extension(cli: Cli, tmp_path: Path, name: str, first_line: str) -> None:
    out = tmp_path / name
    result = cli.run("graph", cli.cap_table, "-j", "CN", "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert out.read_text(encoding="utf-8").splitlines()[0] == first_line


def test_format_option_wins_over_the_extension(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "graph.txt"
    result = cli.run("graph", cli.cap_table, "-j", "CN", "-o", out, "--format", "mermaid", "-q")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("flowchart TD\n")


def test_policy_options_change_the_statuses(cli: Cli, tmp_path: Path) -> None:
    # P (CN) holds 40% of T: clear at the default more-than-50%, flagged at 30%; at least 40% also flags it.
    book = cli.write_case(tmp_path, {"P": "CN", "T": "GB", "U": "US"}, [("P", "T", 40), ("U", "T", 60)], "xlsx")
    out = tmp_path / "t.graphml"
    assert cli.run("graph", book, "-j", "CN", "-o", out, "-q").exit_code == 0
    assert _statuses(out)["T"] == "clear"
    assert cli.run("graph", book, "-j", "CN", "-o", out, "-q", "--threshold", "30").exit_code == 0
    assert _statuses(out)["T"] == "flagged"
    assert cli.run("graph", book, "-j", "CN", "-o", out, "-q", "--threshold", "40", "--comparison", "ge").exit_code == 0
    assert _statuses(out)["T"] == "flagged"
    assert cli.run("graph", book, "-j", "US", "-o", out, "-q", "--method", "lookthrough").exit_code == 0
    assert _statuses(out) == {"P": "clear", "T": "flagged", "U": "home"}
    assert cli.run("graph", book, "-j", "CN", "-o", out, "-q", "--profile", "amlr").exit_code == 0
    assert _statuses(out)["T"] == "flagged"  # AMLR: at least 25%


def test_as_of_selects_the_holdings_in_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "s.graphml"
    assert cli.run("graph", cli.cap_table, "-j", "CN", "-o", out, "-q", "--as-of", "2023-01-01").exit_code == 0
    graph = nx.read_graphml(out)
    assert graph.has_edge("REDPEAK", "NORDLICHT")  # sold in June 2024
    assert not graph.has_edge("HARBOR", "NORDLICHT")  # bought in July 2024
    assert graph.graph["as_of"] == "2023-01-01"


def test_entity_sets_what_decides(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "s.graphml"
    assert cli.run("graph", cli.cap_table, "-j", "CN", "-o", out, "-q", "--entity", "HELIO-EU").exit_code == 0
    decides = {n for n, d in nx.read_graphml(out).nodes(data=True) if d["decides"]}
    assert decides == {"HELIO-EU"}


def test_policy_file(cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "rule.toml"
    policy.write_text('jurisdictions = ["CN"]\nthreshold = 30\n', encoding="utf-8")
    book = cli.write_case(tmp_path, {"P": "CN", "T": "GB", "U": "US"}, [("P", "T", 40), ("U", "T", 60)], "xlsx")
    out = tmp_path / "t.gexf"
    assert cli.run("graph", book, "--policy", policy, "-o", out, "-q").exit_code == 0
    assert nx.read_gexf(out).nodes["T"]["status"] == "flagged"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-o", "{tmp}/g.png"], "cannot tell the graph format from '.png'"),
        (["-o", "{tmp}/missing/g.graphml"], "cannot write it"),
        (["-o", "{tmp}/g.graphml", "--profile", "nope"], "nope"),
        (["-o", "{tmp}/g.graphml", "--threshold", "150"], "threshold"),
        (["-o", "{tmp}/g.graphml", "--as-of", "yesterday"], "as-of"),
        (["-o", "{tmp}/g.graphml", "--entity", "NOBODY"], "NOBODY"),
        (["-o", "{tmp}/g.graphml", "--format", "svg"], "--format"),
        (["-o", "{tmp}/g.graphml", "--profile", "ofac", "--profile", "uk"], "one rule"),
    ],
)
def test_errors_are_one_line_with_exit_2(cli: Cli, tmp_path: Path, args: list[str], words: str) -> None:
    result = cli.run("graph", cli.cap_table, "-j", "CN", *(a.format(tmp=tmp_path) for a in args))
    line = cli.error_line(result)
    assert words.casefold() in line.casefold()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_input_errors(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    assert "nothing to watch" in cli.error_line(cli.run("graph", cli.cap_table, "-o", out))
    assert "missing.xlsx" in cli.error_line(cli.run("graph", tmp_path / "missing.xlsx", "-j", "CN", "-o", out))
    assert "-o" in cli.error_line(cli.run("graph", cli.cap_table, "-j", "CN"))
    assert not out.exists()


def test_never_writes_over_the_input(cli: Cli, tmp_path: Path) -> None:
    book = cli.write_case(tmp_path, {"P": "CN", "T": "GB"}, [("P", "T", 40)], "xlsx")
    before = book.read_bytes()
    line = cli.error_line(cli.run("graph", book, "-j", "CN", "-o", book, "--format", "dot"))
    assert "input file" in line
    assert book.read_bytes() == before


def test_help_lists_the_command(cli: Cli) -> None:
    result = cli.run("--help")
    assert result.exit_code == 0
    assert "graph" in result.stdout
    help_text = cli.run("graph", "--help").stdout
    for option in ("--output", "--format", "--jurisdiction", "--profile", "--policy", "--threshold", "--as-of"):
        assert option in help_text
