"""The checked equity graph for other tools: GraphML and GEXF (Gephi, yEd, Cytoscape), DOT (Graphviz) and
Mermaid (Markdown pages, wikis).

Nodes are the entities with their verdicts, edges the holdings in force on the as-of date (duplicate rows
merged, see ``chart.data.links_in_force``). Figures are percentages 0..100, as in every report. Missing values
are left out rather than written as empty strings, so a reader can tell "unknown" from "empty".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ownership.reports.chart.data import Link, country_text, links_in_force, stake_label
from ownership.reports.common import pct, tool_version
from ownership.result import CheckResult, EntityVerdict, Status

if TYPE_CHECKING:
    import networkx as nx

#: Export formats by file extension.
GRAPH_FORMATS = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}

#: Fill and border per status, shared by the DOT and Mermaid exports (the chart's palette).
COLOURS = {
    Status.HOME: ("#7f1d1d", "#450a0a", "#ffffff"),
    Status.FLAGGED: ("#fecaca", "#b91c1c", "#450a0a"),
    Status.POSSIBLE: ("#fef3c7", "#b45309", "#451a03"),
    Status.CLEAR: ("#f0fdf4", "#4b5563", "#111827"),
}

# Characters XML 1.0 cannot carry; GraphML and GEXF writers would emit them and produce unreadable files.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _node_attributes(v: EntityVerdict) -> dict[str, Any]:
    e = v.entity
    attrs: dict[str, Any] = {
        "name": e.name,
        "type": e.type.value,
        "jurisdiction": e.jurisdiction,
        "headquarters": e.headquarters,
        "status": v.status.value,
        "cascade_low": pct(v.cascade.low),
        "cascade_high": pct(v.cascade.high),
        "lookthrough_low": pct(v.lookthrough.low),
        "lookthrough_high": pct(v.lookthrough.high),
        "decides": v.decides,
    }
    return {k: _clean(x) if isinstance(x, str) else x for k, x in attrs.items() if x is not None}


def _edge_attributes(link: Link) -> dict[str, Any]:
    attrs: dict[str, Any] = {"control": link.control}
    if link.stake is not None:
        attrs["stake_low"] = pct(link.stake.low)
        attrs["stake_high"] = pct(link.stake.high)
    if link.votes is not None:
        attrs["votes_low"] = pct(link.votes.low)
        attrs["votes_high"] = pct(link.votes.high)
    if link.sources:
        attrs["source"] = _clean("; ".join(link.sources))
    return attrs


def to_networkx(result: CheckResult) -> nx.DiGraph:
    """The result as a networkx graph: entity ids as nodes (attributes as in the module docstring), holdings
    in force as edges holder -> subject. Percentages 0..100."""
    import networkx as nx

    graph = nx.DiGraph()
    policy = result.policy
    graph.graph.update(
        {
            "tool": f"exposure {tool_version()}",
            "input": _clean(result.source.path),
            "input_sha256": result.source.sha256,
            "rule": _clean(policy.name),
            "jurisdictions": ",".join(sorted(policy.jurisdictions)),
            "threshold_pct": pct(policy.threshold),
            "comparison": policy.comparison.value,
            "method": policy.method.value,
            "as_of": policy.as_of.isoformat(),
        }
    )
    for v in result.verdicts:
        graph.add_node(_clean(v.entity.id), **_node_attributes(v))
    for link in links_in_force(result):
        graph.add_edge(_clean(link.holder), _clean(link.subject), **_edge_attributes(link))
    return graph


def export_graph(result: CheckResult, fmt: str) -> str | bytes:
    """The checked graph in ``fmt``: 'graphml', 'gexf', 'dot' or 'mermaid' (text, UTF-8 when written).

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "graphml":
        return _graphml(result)
    if fmt == "gexf":
        return _gexf(result)
    if fmt == "dot":
        return _dot(result)
    if fmt == "mermaid":
        return _mermaid(result)
    raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(sorted(set(GRAPH_FORMATS.values())))}")


def _graphml(result: CheckResult) -> str:
    import networkx as nx

    body = "\n".join(nx.generate_graphml(to_networkx(result), encoding="utf-8", prettyprint=True))
    return _XML_DECLARATION + body + "\n"


def _gexf(result: CheckResult) -> str:
    import networkx as nx

    graph = to_networkx(result)
    # Gephi shows a node's label, which the writer takes from a ``label`` attribute. (GEXF has no place for
    # the graph-level keys; the writer leaves them out, so the rule is recorded in GraphML and DOT only.)
    for _, data in graph.nodes(data=True):
        data["label"] = data.get("name", "")
    return _XML_DECLARATION + "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True)) + "\n"


def dot_quote(text: str) -> str:
    """``text`` as a DOT double-quoted string: backslashes and quotes escaped, line breaks as ``\\n``."""
    text = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"{key}={dot_quote(text)}")
    return ", ".join(parts)


def _dot(result: CheckResult) -> str:
    policy = result.policy
    title = (
        f"{result.source.path}: {policy.name}, {policy.comparison.words} {pct(policy.threshold):g}% "
        f"({policy.method.value}) owned by {', '.join(sorted(policy.jurisdictions)) or 'listed parties'}, "
        f"as of {policy.as_of.isoformat()}"
    )
    lines = [
        "// exposure: the checked equity graph (holder -> subject, percentages 0..100)",
        "digraph ownership {",
        f"  graph [rankdir=TB, labelloc=t, label={dot_quote(title)}];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for v in result.verdicts:
        fill, border, ink = COLOURS[v.status]
        attrs = _node_attributes(v)
        attrs.update(
            label=f"{v.entity.name}\n{country_text(v)} · {v.status.value}",
            fillcolor=fill,
            color=border,
            fontcolor=ink,
        )
        if v.status is Status.POSSIBLE:
            attrs["style"] = "rounded,filled,dashed"
        lines.append(f"  {dot_quote(v.entity.id)} [{_dot_attrs(attrs)}];")
    for link in links_in_force(result):
        attrs = _edge_attributes(link)
        attrs["label"] = stake_label(link)
        if link.stake is None:
            attrs["style"] = "dashed"
        lines.append(f"  {dot_quote(link.holder)} -> {dot_quote(link.subject)} [{_dot_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid_text(text: str) -> str:
    """``text`` for a quoted Mermaid label: characters Mermaid or HTML would read as markup become entity codes."""
    out = []
    for ch in _clean(text):
        if ch in '"#&<>|`\\' or ord(ch) < 32:
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def _mermaid(result: CheckResult) -> str:
    ids = {v.entity.id: f"n{i}" for i, v in enumerate(result.verdicts)}
    lines = ["flowchart TD"]
    for v in result.verdicts:
        label = f"{mermaid_text(v.entity.name)}<br/>{mermaid_text(country_text(v))} · {v.status.value}"
        lines.append(f'  {ids[v.entity.id]}["{label}"]')
    for link in links_in_force(result):
        arrow = "-.->" if link.stake is None else "-->"
        lines.append(f'  {ids[link.holder]} {arrow}|"{mermaid_text(stake_label(link))}"| {ids[link.subject]}')
    for status in Status:
        fill, border, ink = COLOURS[status]
        dash = ",stroke-dasharray:5 3" if status is Status.POSSIBLE else ""
        lines.append(f"  classDef status_{status.value} fill:{fill},stroke:{border},color:{ink}{dash}")
    for status in Status:
        members = [ids[v.entity.id] for v in result.verdicts if v.status is status]
        if members:
            lines.append(f"  class {','.join(members)} status_{status.value}")
    return "\n".join(lines) + "\n"


__all__ = ["COLOURS", "GRAPH_FORMATS", "dot_quote", "export_graph", "mermaid_text", "to_networkx"]
