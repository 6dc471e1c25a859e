"""Per-party assessment (aggregate = false) restricted to each party's downstream part must give exactly what
evaluating every party alone on the whole graph gives: the definition, checked on random graphs."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.engine.cascade import cascade
from ownership.engine.evaluate import evaluate
from ownership.engine.lookthrough import lookthrough
from ownership.model import ControlMode, Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.prepare.graph import build_graph

SOURCE = SourceInfo("per-party-test", "0" * 64, "test")


@st.composite
def graphs(draw: st.DrawFn) -> tuple[OwnershipData, Policy]:
    n = draw(st.integers(3, 9))
    ids = [f"E{i}" for i in range(n)]
    countries = draw(st.lists(st.sampled_from(["CN", "CN", "US", "GB", None]), min_size=n, max_size=n))
    groups = draw(st.lists(st.sampled_from([None, None, "g1"]), min_size=n, max_size=n))
    entities = tuple(
        Entity(i, i, EntityType.COMPANY, c, group=g) for i, c, g in zip(ids, countries, groups, strict=True)
    )
    holdings = []
    for subject in range(n):
        budget = 100
        for holder in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            if holder == subject or budget <= 0:
                continue
            low = draw(st.integers(0, budget))
            high = draw(st.integers(low, budget))
            budget -= low
            control = draw(st.booleans()) and draw(st.booleans())
            holdings.append(Holding(ids[holder], ids[subject], Stake(low / 100, high / 100), control=control))
    policy = Policy(
        jurisdictions=frozenset({"CN"}),
        aggregate=False,
        threshold=draw(st.sampled_from([0.25, 0.5])),
        control=draw(st.sampled_from(list(ControlMode))),
        as_of=date(2026, 1, 1),
    )
    return OwnershipData(entities, tuple(holdings), SOURCE), policy


def _naive(data: OwnershipData, policy: Policy) -> dict[str, np.ndarray]:
    """Every party alone on the whole graph, the largest figure kept (the definition)."""
    graph = build_graph(data, policy)
    n = graph.n
    figures = {}
    worlds = {
        "low": (graph.home, np.zeros(n), graph.control if policy.control is ControlMode.TAINTS else None, []),
        "high": (
            graph.home | graph.unknown_home,
            graph.remainder,
            graph.control if policy.control is not ControlMode.REPORT else None,
            [np.array([i]) for i in np.flatnonzero(graph.unknown_home)] + [np.empty(0, dtype=np.int64)],
        ),
    }
    parties = [np.flatnonzero(graph.party == p) for p in range(int(graph.party.max(initial=-1)) + 1)]
    for world, (all_seeds, offset, control, extra) in worlds.items():
        best_c, best_l = np.zeros(n), np.zeros(n)
        for members in parties + extra:
            seeds = np.zeros(n, dtype=bool)
            seeds[members] = True
            c = cascade(graph.equity, seeds, offset, policy.pass_threshold, policy.pass_comparison, control)
            look = lookthrough(graph.equity, seeds, offset)
            best_c = np.maximum(best_c, np.minimum(c.figure, 1.0))
            best_l = np.maximum(best_l, look.figure)
        best_c[all_seeds] = 1.0
        best_l[all_seeds] = 1.0
        figures[f"{world}_cascade"], figures[f"{world}_look"] = best_c, best_l
    return figures


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_restricted_per_party_equals_the_definition(case: tuple[OwnershipData, Policy]) -> None:
    data, policy = case
    expected = _naive(data, policy)
    ev = evaluate(build_graph(data, policy), policy)
    np.testing.assert_allclose(ev.low.cascade, expected["low_cascade"], atol=1e-9)
    np.testing.assert_allclose(ev.high.cascade, expected["high_cascade"], atol=1e-9)
    np.testing.assert_allclose(ev.low.lookthrough, expected["low_look"], atol=1e-9)
    np.testing.assert_allclose(ev.high.lookthrough, expected["high_look"], atol=1e-9)
