"""The graph export: GraphML and GEXF read back with networkx, DOT and Mermaid checked line by line."""
# ruff: noqa: RUF001  (Cyrillic and CJK names are what the escaping tests are about)

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.readers import read_input
from ownership.reports.graph_export import GRAPH_FORMATS, dot_quote, export_graph, mermaid_text
from ownership.result import CheckResult

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "cap_table.xlsx"
POLICY = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 10, 1))

HOSTILE_NAME = 'Alpha "Quoted" <b>&amp;</b> \\ back|slash #1 `tick` 字节跳动 ООО\nsecond line'


@pytest.fixture(scope="module")
def sample() -> CheckResult:
    return check(read_input(SAMPLE, "data/samples/cap_table.xlsx"), POLICY)


@pytest.fixture(scope="module")
def hostile() -> CheckResult:
    """CN-X (CN) holds 60% of a company whose id and name carry quotes, markup and line breaks, which holds
    70% of Q (no country given: no jurisdiction attribute) and controls R by contract."""
    weird_id = 'ID "1" \\ <x>'
    entities = (
        Entity("CN-X", "CN-X", EntityType.COMPANY, "CN"),
        Entity(weird_id, HOSTILE_NAME, EntityType.COMPANY, "US"),
        Entity("Q", "Q", EntityType.UNKNOWN, None),
        Entity("R", "R", EntityType.COMPANY, "GB"),
    )
    holdings = (
        Holding("CN-X", weird_id, Stake.exact(0.6), source="register"),
        Holding(weird_id, "Q", Stake.exact(0.7)),
        Holding(weird_id, "R", None, control=True),
    )
    return check(OwnershipData(entities, holdings, SourceInfo("t.xlsx", "0" * 64, "xlsx")), POLICY)


def _read(fmt: str, result: CheckResult) -> nx.DiGraph:
    text = export_graph(result, fmt)
    data = text.encode("utf-8") if isinstance(text, str) else text
    graph: nx.DiGraph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
    return graph


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_formats_round_trip_the_sample(fmt: str, sample: CheckResult) -> None:
    graph = _read(fmt, sample)
    assert graph.is_directed()
    assert set(graph.nodes) == {v.entity.id for v in sample.verdicts}
    for v in sample.verdicts:
        assert graph.nodes[v.entity.id]["status"] == v.status.value
    sg = graph.nodes["HELIO-SG"]
    assert (sg["name"], sg["type"], sg["jurisdiction"], sg["headquarters"]) == (
        "Helio Robotics Pte Ltd",
        "company",
        "SG",
        "SG",
    )
    assert (sg["cascade_low"], sg["cascade_high"]) == (56.0, 64.0)  # percent
    assert sg["lookthrough_low"] == pytest.approx(37.037037)
    assert sg["decides"] is True
    # Vantage Nominees has no country: the attribute is absent, not an empty string.
    assert "jurisdiction" not in graph.nodes["Vantage Nominees Ltd"]
    # 28 rows, one (REDPEAK -> NORDLICHT) ended in 2024.
    assert graph.number_of_edges() == 27
    assert not graph.has_edge("REDPEAK", "NORDLICHT")
    orbit = graph.edges["LANTING-HK", "ORBIT"]
    # The PSC band is "more than 25% and up to 50%": the exclusive end moved inward by 0.0001 points.
    assert (orbit["stake_low"], orbit["stake_high"], orbit["control"]) == (25.0001, 50.0, False)
    assert orbit["source"] == "UK PSC register"
    vie = graph.edges["HELIO-SZ", "HELIO-DATA"]
    assert vie["control"] is True and "stake_low" not in vie
    # The cross-holding is kept both ways.
    assert graph.edges["HELIO-JP", "HELIO-SG"]["stake_low"] == 4.0
    assert graph.edges["HELIO-SG", "HELIO-JP"]["stake_low"] == 70.0


def test_graphml_records_the_rule(sample: CheckResult) -> None:
    graph = _read("graphml", sample)
    assert graph.graph["jurisdictions"] == "CN"
    assert graph.graph["threshold_pct"] == 50.0
    assert graph.graph["as_of"] == "2026-10-01"
    assert graph.graph["input"] == "data/samples/cap_table.xlsx"


def test_gexf_labels_are_names(sample: CheckResult) -> None:
    assert _read("gexf", sample).nodes["LANTING-KY"]["label"] == "Lanting Group Holdings Ltd"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_formats_keep_hostile_text(fmt: str, hostile: CheckResult) -> None:
    graph = _read(fmt, hostile)
    weird = 'ID "1" \\ <x>'
    assert graph.nodes[weird]["name"] == HOSTILE_NAME
    assert graph.edges["CN-X", weird]["stake_low"] == 60.0
    assert graph.edges[weird, "R"]["control"] is True
    assert "jurisdiction" not in graph.nodes["Q"]


# --- DOT ----------------------------------------------------------------------------------------------------------

_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_NODE = re.compile(rf"^  {_QUOTED} \[(.*)\];$")
_EDGE = re.compile(rf"^  {_QUOTED} -> {_QUOTED} \[(.*)\];$")
_ATTR = re.compile(rf"(\w+)={_QUOTED}")


def _undot(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _dot(result: CheckResult) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]], list[str]]:
    text = export_graph(result, "dot")
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[1] == "digraph ownership {" and lines[-1] == "}"
    nodes, edges = {}, {}
    for line in lines[5:-1]:
        edge = _EDGE.match(line)
        if edge:
            attrs = {k: _undot(v) for k, v in _ATTR.findall(edge.group(3))}
            edges[(_undot(edge.group(1)), _undot(edge.group(2)))] = attrs
            continue
        node = _NODE.match(line)
        assert node, line
        nodes[_undot(node.group(1))] = {k: _undot(v) for k, v in _ATTR.findall(node.group(2))}
    return nodes, edges, lines


def test_dot_structure(sample: CheckResult) -> None:
    nodes, edges, _ = _dot(sample)
    assert set(nodes) == {v.entity.id for v in sample.verdicts}
    assert len(edges) == 27
    assert nodes["HELIO-SG"]["status"] == "flagged"
    assert nodes["HELIO-SG"]["label"] == "Helio Robotics Pte Ltd\nSG · flagged"
    assert nodes["ORBIT"]["style"] == "rounded,filled,dashed"  # possible
    assert edges[("LANTING-HK", "ORBIT")]["label"] == "25\u201350%"
    assert edges[("HELIO-SZ", "HELIO-DATA")]["style"] == "dashed"
    assert edges[("HELIO-SZ", "HELIO-DATA")]["label"] == "control"
    assert "stake_low" not in edges[("HELIO-SZ", "HELIO-DATA")]


def test_dot_quotes_hostile_text(hostile: CheckResult) -> None:
    nodes, edges, lines = _dot(hostile)
    weird = 'ID "1" \\ <x>'
    assert nodes[weird]["name"] == HOSTILE_NAME
    assert ("CN-X", weird) in edges
    # A raw line break inside a quoted string would still parse, but it is written as \n, one statement a line.
    assert len(lines) == 5 + 4 + 3 + 1


def test_dot_quote() -> None:
    assert dot_quote('a "b" \\c\nd') == '"a \\"b\\" \\\\c\\nd"'
    assert dot_quote("trailing\\") == '"trailing\\\\"'


# --- Mermaid --------------------------------------------------------------------------------------------------------


def test_mermaid_structure(sample: CheckResult) -> None:
    text = export_graph(sample, "mermaid")
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    node_lines = [line for line in lines if re.fullmatch(r'  n\d+\["[^"]*"\]', line)]
    edge_lines = [line for line in lines if re.fullmatch(r'  n\d+ (-->|-\.->)\|"[^"]*"\| n\d+', line)]
    assert len(node_lines) == 20 and len(edge_lines) == 27
    assert len(lines) == 1 + 20 + 27 + 4 + 4  # a classDef per status, a class line per status present
    ids = [f"n{i}" for i in range(20)]
    helio_sg = ids[[v.entity.id for v in sample.verdicts].index("HELIO-SG")]
    assert f'  {helio_sg}["Helio Robotics Pte Ltd<br/>SG · flagged"]' in lines
    assert [line for line in edge_lines if "-.->" in line] == ['  n12 -.->|"control"| n13']
    classes = [line.split() for line in lines if line.startswith("  class ")]
    assigned = [n for parts in classes for n in parts[1].split(",")]
    assert sorted(assigned) == sorted(ids)
    assert {parts[2] for parts in classes} == {"status_home", "status_flagged", "status_possible", "status_clear"}


def test_mermaid_escapes_hostile_text(hostile: CheckResult) -> None:
    text = export_graph(hostile, "mermaid")
    assert isinstance(text, str)
    label = text.splitlines()[2]
    assert label.startswith('  n1["') and label.endswith('"]')
    inner = label[len('  n1["') : -2]
    for raw in ('"', "<b>", "|", "`", "\n"):
        assert raw not in inner.replace("<br/>", "")
    assert mermaid_text('A "B" <i>') == "A #34;B#34; #60;i#62;"
    assert "字节跳动 ООО" in inner


def test_formats_by_extension_and_unknown_format(sample: CheckResult) -> None:
    assert set(GRAPH_FORMATS.values()) == {"graphml", "gexf", "dot", "mermaid"}
    with pytest.raises(ValueError, match="unknown graph format"):
        export_graph(sample, "png")
