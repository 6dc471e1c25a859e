"""Reachability: ``engine.reach.downstream`` is the one search, and every engine step that needs one uses it."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ownership.engine.evaluate as evaluate_module
import ownership.engine.reach as reach_module
from ownership.engine.edges import Edges
from ownership.engine.evaluate import evaluate
from ownership.engine.reach import downstream
from ownership.model import ControlMode, Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.prepare.graph import build_graph


def _edges(n: int, pairs: list[tuple[int, int]]) -> Edges:
    holder = np.array([h for h, _ in pairs], dtype=np.int64)
    subject = np.array([s for _, s in pairs], dtype=np.int64)
    return Edges.build(n, holder, subject, np.ones(len(pairs)))


def _expected(n: int, pairs: list[tuple[int, int]], starts: list[int], through: list[bool] | None) -> list[bool]:
    """The definition, with networkx: a start, or the end of a holding whose holder is reached and may pass on."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((h, s) for h, s in pairs if through is None or through[h])
    found = set(starts)
    for start in starts:
        if through is None or through[start]:
            found |= nx.descendants(graph, start)
    # An entity not passing on is still reached as the end of a holding; the search stops there.
    return [i in found for i in range(n)]


def test_a_chain_reaches_downstream_only_and_stops_where_through_says() -> None:
    # 0 -> 1 -> 2 -> 3, and 4 -> 0: from 1, entities 1, 2, 3; with 2 not passing on, 1 and 2 only.
    edges = _edges(5, [(0, 1), (1, 2), (2, 3), (4, 0)])
    assert downstream(edges, np.array([1], dtype=np.int64)).tolist() == [False, True, True, True, False]
    through = np.array([True, True, False, True, True])
    assert downstream(edges, np.array([1], dtype=np.int64), through).tolist() == [False, True, True, False, False]


def test_a_start_that_does_not_pass_on_is_reached_alone() -> None:
    edges = _edges(3, [(0, 1), (1, 2)])
    through = np.array([False, True, True])
    assert downstream(edges, np.array([0], dtype=np.int64), through).tolist() == [True, False, False]


def test_several_sets_are_searched_as_one() -> None:
    # Equity 0 -> 1, control 1 -> 2: 2 is reached only through both.
    equity, control = _edges(3, [(0, 1)]), _edges(3, [(1, 2)])
    assert downstream([equity, control], np.array([0], dtype=np.int64)).tolist() == [True, True, True]
    assert downstream(equity, np.array([0], dtype=np.int64)).tolist() == [True, True, False]


@pytest.mark.parametrize("rounds", [0, 1, 2, 32, 1000])
def test_a_deep_chain_gives_the_same_answer_round_by_round_or_compiled(rounds: int, monkeypatch: Any) -> None:
    # A 200-level chain, with a side branch at every tenth level that does not pass on.
    n = 400
    pairs = [(i, i + 1) for i in range(199)] + [(i, 200 + i) for i in range(0, 199, 10)] + [(200, 300)]
    through = [i != 200 for i in range(n)]
    monkeypatch.setattr(reach_module, "_rounds", lambda size: rounds)
    got = downstream(_edges(n, pairs), np.array([0], dtype=np.int64), np.array(through)).tolist()
    assert got == _expected(n, pairs, [0], through)
    assert sum(got) == 200 + 20  # the chain, and the 20 side branches; 300 lies behind one that stops


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30),
            st.lists(st.integers(0, n - 1), max_size=4),
            st.none() | st.lists(st.booleans(), min_size=n, max_size=n),
            st.integers(0, 3),
        )
    )
)
def test_downstream_matches_the_definition(case: tuple[int, list[tuple[int, int]], list[int], Any, int]) -> None:
    n, pairs, starts, through, rounds = case
    original = reach_module._rounds
    reach_module._rounds = lambda size: rounds  # hypothesis does not mix with function-scoped fixtures
    try:
        mask = None if through is None else np.array(through, dtype=np.bool_)
        got = downstream(_edges(n, pairs), np.array(starts, dtype=np.int64), mask)
    finally:
        reach_module._rounds = original
    assert got.tolist() == _expected(n, pairs, starts, through)


def test_evaluate_searches_the_parties_labels_together(monkeypatch: Any) -> None:
    # Two CN parties assessed alone (UK-style): A (CN) 40% of S, B (CN) 30% of S; S 100% of T.
    entities = tuple(Entity(i, i, EntityType.COMPANY, c, ultimate=True) for i, c in [("A", "CN"), ("B", "CN")])
    entities += tuple(Entity(i, i, EntityType.COMPANY, "US", ultimate=True) for i in ("S", "T"))
    holdings = (
        Holding("A", "S", Stake.exact(0.4)),
        Holding("B", "S", Stake.exact(0.3)),
        Holding("S", "T", Stake.exact(1.0)),
    )
    data = OwnershipData(entities, holdings, SourceInfo("reach-test", "0" * 64, "test"))
    policy = Policy(
        jurisdictions=frozenset({"CN"}), aggregate=False, control=ControlMode.REPORT, as_of=date(2026, 1, 1)
    )
    calls: list[list[int]] = []

    def counting(edges: Any, starts: Any, through: Any = None) -> Any:
        calls.append(sorted(np.asarray(starts).tolist()))
        return downstream(edges, starts, through)

    monkeypatch.setattr(evaluate_module, "downstream", counting)
    graph = build_graph(data, policy)
    result = evaluate(graph, policy)
    a, b = graph.index["A"], graph.index["B"]
    # The parties are searched together, as one graph of (party, entity) pairs: the labels' search starts
    # from both parties' members at once, never from one party alone.
    assert calls and all(len(starts) == 2 for starts in calls)
    assert [a] not in calls and [b] not in calls
    # A alone holds 40% of S, B 30%: neither passes 50% alone, so S and T are not tainted.
    s, t = graph.index["S"], graph.index["T"]
    assert result.low.cascade[s] == pytest.approx(0.4)
    assert not result.low.tainted[s] and not result.low.tainted[t]
