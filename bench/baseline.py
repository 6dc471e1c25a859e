"""The straightforward approach, for comparison: networkx path enumeration per entity with a depth cap.

This is what most open-source beneficial-ownership calculators do. For every entity:

* look-through: enumerate the simple paths up to ``CUTOFF`` holdings long from the entity up to the home
  entities (``nx.all_simple_paths`` on the reversed graph) and add up the products of the stakes along them;
* cascade: recursively ask of each holder whether it is tainted (home, or held more than 50% by tainted
  holders), at most ``CUTOFF`` levels up, cutting a cycle where the recursion meets an entity already on
  its path, and add up the stakes of the tainted holders.

Stakes given as a band count at their low end and entities of unknown country are not home, so the
answers are comparable to exposure's low bound. On an acyclic graph whose chains from home entities are
at most ``CUTOFF`` long the answers agree exactly; cross-holdings (walks that go round a cycle, which
simple paths miss) and deeper chains (cut off) are where they part. ``compare`` counts the
disagreements and gives each a reason.

Run ``python bench/baseline.py FOLDER OUT.csv`` (reads entities.csv + holdings.csv with pandas, writes
id, status, cascade_pct, lookthrough_pct).
"""

from __future__ import annotations

import itertools
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

CUTOFF = 6
THRESHOLD = 0.5
WATCHED = "CN"
#: Agreement tolerance on look-through figures, in percentage points (1e-6 as a fraction).
TOLERANCE_PCT = 1e-4


def load(folder: Path) -> tuple[nx.DiGraph, set[str], list[str]]:
    """The holdings graph (holder -> subject, ``weight`` = low stake as a fraction), the home entities and
    the entity ids in file order."""
    entities = pd.read_csv(folder / "entities.csv", dtype=str, keep_default_na=False)
    holdings = pd.read_csv(folder / "holdings.csv", dtype=str, keep_default_na=False)
    ids = entities["id"].tolist()
    home = set(entities["id"][(entities["jurisdiction"] == WATCHED) | (entities["headquarters"] == WATCHED)])
    low = holdings["percent"].str.split("-", n=1).str[0].astype(float) / 100.0
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_weighted_edges_from(zip(holdings["holder"], holdings["subject"], low, strict=True))
    return graph, home, ids


def lookthrough(graph: nx.DiGraph, home: set[str], cutoff: int = CUTOFF) -> dict[str, float]:
    """Per entity, the sum over simple paths (at most ``cutoff`` holdings) from a home entity of the
    product of the stakes; a path ends at the first home entity it meets."""
    upward = nx.DiGraph()
    upward.add_nodes_from(graph)
    upward.add_weighted_edges_from((s, h, w) for h, s, w in graph.edges(data="weight") if s not in home)
    figures: dict[str, float] = {}
    for entity in graph:
        if entity in home:
            figures[entity] = 1.0
            continue
        total = 0.0
        for path in nx.all_simple_paths(upward, entity, home, cutoff=cutoff):
            total += math.prod(upward[a][b]["weight"] for a, b in itertools.pairwise(path))
        figures[entity] = total
    return figures


def cascade(graph: nx.DiGraph, home: set[str], cutoff: int = CUTOFF) -> dict[str, float]:
    """Per entity, the stakes held in it by tainted holders, found by the recursion the module describes
    (memoised on entity and remaining depth); home entities get 1."""
    memo: dict[tuple[str, int], bool] = {}
    on_path: set[str] = set()

    def figure(entity: str, depth: int) -> float:
        total = 0.0
        on_path.add(entity)
        for holder in graph.predecessors(entity):
            if holder not in on_path and tainted(holder, depth - 1):
                total += graph[holder][entity]["weight"]
        on_path.discard(entity)
        return total

    def tainted(entity: str, depth: int) -> bool:
        if entity in home:
            return True
        if depth <= 0:
            return False
        key = (entity, depth)
        if key not in memo:
            memo[key] = figure(entity, depth) > THRESHOLD + 1e-9
        return memo[key]

    return {e: 1.0 if e in home else figure(e, cutoff) for e in graph}


def screen(folder: Path, out: Path, cutoff: int = CUTOFF) -> None:
    """Read ``folder``, compute both figures for every entity, write them as CSV to ``out``."""
    graph, home, ids = load(folder)
    look = lookthrough(graph, home, cutoff)
    casc = cascade(graph, home, cutoff)
    status = ["home" if e in home else "flagged" if casc[e] > THRESHOLD + 1e-9 else "clear" for e in ids]
    frame = pd.DataFrame(
        {
            "id": ids,
            "status": status,
            "cascade_pct": [round(casc[e] * 100, 6) for e in ids],
            "lookthrough_pct": [round(look[e] * 100, 6) for e in ids],
        }
    )
    frame.to_csv(out, index=False, lineterminator="\n")


@dataclass(frozen=True)
class Agreement:
    """How the baseline's answers compare with exposure's (low bound).

    Attributes:
        entities: entities compared.
        status_agree: same status (exposure's possible and clear both count as the baseline's clear).
        lookthrough_agree: look-through within ``TOLERANCE_PCT``.
        by_reason: entities that disagree in either, by reason: "cycle" (a cross-holding at or above the
            entity), "depth" (a chain from a home entity longer than the cutoff), "other" (neither: a bug).
    """

    entities: int
    status_agree: int
    lookthrough_agree: int
    by_reason: dict[str, int]

    @property
    def disagree(self) -> int:
        return sum(self.by_reason.values())


def _reasons(graph: nx.DiGraph, home: set[str], cutoff: int) -> dict[str, str]:
    """Why an entity's answers may differ: "cycle", "depth" or "" (the baseline should be exact)."""
    paths = nx.DiGraph()
    paths.add_nodes_from(graph)
    paths.add_edges_from((h, s) for h, s in graph.edges() if s not in home)
    condensed = nx.condensation(paths)
    members = condensed.graph["mapping"]
    cyclic: dict[int, bool] = {}
    depth: dict[int, float] = {}  # longest chain of holdings from a home entity; -inf if none
    for c in nx.topological_sort(condensed):
        size = len(condensed.nodes[c]["members"])
        preds = list(condensed.predecessors(c))
        cyclic[c] = size > 1 or any(cyclic[p] for p in preds)
        is_home = any(m in home for m in condensed.nodes[c]["members"])
        depth[c] = 0.0 if is_home else max((depth[p] + 1 for p in preds), default=-math.inf)
    return {e: "cycle" if cyclic[members[e]] else "depth" if depth[members[e]] > cutoff else "" for e in graph}


def compare(folder: Path, exposure_csv: Path, baseline_csv: Path, cutoff: int = CUTOFF) -> Agreement:
    """Compare exposure's CSV report with the baseline's output for the same input folder."""
    graph, home, _ = load(folder)
    reasons = _reasons(graph, home, cutoff)
    ours = pd.read_csv(exposure_csv, dtype={"id": str}, keep_default_na=False).set_index("id")
    theirs = pd.read_csv(baseline_csv, dtype={"id": str}, keep_default_na=False).set_index("id")
    ours = ours.loc[theirs.index]
    our_status = ours["status"].replace({"possible": "clear"})
    same_status = our_status == theirs["status"]
    same_look = (ours["lookthrough_low_pct"].astype(float) - theirs["lookthrough_pct"]).abs() <= TOLERANCE_PCT
    by_reason = {"cycle": 0, "depth": 0, "other": 0}
    for entity in theirs.index[~(same_status & same_look)]:
        by_reason[reasons.get(entity) or "other"] += 1
    return Agreement(len(theirs), int(same_status.sum()), int(same_look.sum()), by_reason)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/baseline.py FOLDER OUT.csv")
    screen(Path(sys.argv[1]), Path(sys.argv[2]))
