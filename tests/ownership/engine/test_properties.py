"""Invariants of the engine on random ownership graphs (hypothesis).

Graphs have 2-9 entities; each subject gets up to three distinct holders whose stakes are whole percentage
points summing to at most 100 (so sums are exact), cycles included, and sometimes a closed loop of 100%
stakes. Countries are CN (home: the watched set is {CN}), US (outside) or unknown; some stakes are ranges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.engine.cascade import cascade
from ownership.engine.lookthrough import lookthrough
from ownership.engine.reference import cascade_reference, lookthrough_reference
from ownership.model import Comparison, Method, Stake
from ownership.pipeline import check
from ownership.prepare.graph import build_graph
from ownership.result import CheckResult, Status

TOL = 1e-9
SETTINGS = settings(deadline=None, max_examples=200)
SEVERITY = {Status.CLEAR: 0, Status.POSSIBLE: 1, Status.FLAGGED: 2, Status.HOME: 3}


@dataclass(frozen=True)
class Graph:
    """A random graph: ids in order, country per id (None = unknown), edges as whole percentage points."""

    ids: tuple[str, ...]
    countries: dict[str, str | None]
    edges: tuple[tuple[str, str, int, int], ...]  # holder, subject, low %, high %

    def data_edges(self) -> list[tuple[str, str, Stake]]:
        return [(h, s, Stake(lo / 100, hi / 100)) for h, s, lo, hi in self.edges]

    def allocated(self, subject: str) -> int:
        return sum(lo for _, s, lo, _ in self.edges if s == subject)

    @property
    def home(self) -> set[str]:
        return {i for i, c in self.countries.items() if c == "CN"}


@st.composite
def graphs(draw: Any, *, full: bool | None = None, exact: bool = False, min_home: int = 0) -> Graph:
    """Random graphs.

    Args:
        full: every subject with holders is allocated exactly 100% (None: either, drawn per graph).
        exact: no ranged stakes and no unknown countries.
        min_home: at least this many CN entities.
    """
    n = draw(st.integers(2, 9))
    ids = tuple(f"E{i}" for i in range(n))
    full_allocation = draw(st.booleans()) if full is None else full

    # Sometimes a loop whose members hold each other in full (closed unless a member is a home entity).
    looped: dict[int, int] = {}
    if draw(st.integers(0, 3)) == 0:
        members = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=2, max_size=min(n, 4)))
        for k, member in enumerate(members):
            looped[member] = members[k - 1]

    edges: list[tuple[str, str, int, int]] = []
    for s in range(n):
        if s in looped:
            edges.append((ids[looped[s]], ids[s], 100, 100))
            continue
        others = [i for i in range(n) if i != s]
        holders = draw(st.lists(st.sampled_from(others), unique=True, max_size=min(3, n - 1)))
        if not holders:
            continue
        k = len(holders)
        if full_allocation:
            cuts = sorted(draw(st.lists(st.integers(1, 99), unique=True, min_size=k - 1, max_size=k - 1)))
            cuts.append(100)
        else:
            cuts = sorted(draw(st.lists(st.integers(1, 100), unique=True, min_size=k, max_size=k)))
        lows = [b - a for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]
        spare = 100 - cuts[-1]
        for h, low in zip(holders, lows, strict=True):
            high = low
            if not exact and draw(st.integers(0, 2)) == 0:
                high = low + draw(st.integers(0, max(spare, 1)))
            edges.append((ids[h], ids[s], low, min(high, 100)))

    choices = ["CN", "US"] if exact else ["CN", "US", "US", None]
    countries: dict[str, str | None] = {i: draw(st.sampled_from(choices)) for i in ids}
    for i in ids[:min_home]:
        countries[i] = "CN"
    return Graph(ids, countries, tuple(edges))


policies = st.fixed_dictionaries(
    {
        "threshold": st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.6, 0.75]),
        "comparison": st.sampled_from(list(Comparison)),
        "method": st.sampled_from(list(Method)),
    }
)


def run_graph(graph: Graph, make_data: Any, make_policy: Any, **policy: Any) -> CheckResult:
    return check(make_data(graph.data_edges(), graph.countries), make_policy(**policy))


def figures(result: CheckResult) -> dict[str, tuple[float, float, float, float]]:
    return {
        v.entity.id: (v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high) for v in result.verdicts
    }


# ---------------------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------------------


@SETTINGS
@given(graph=graphs(), policy=policies)
def test_bounds_are_ordered_finite_and_in_range(
    graph: Graph, policy: dict[str, Any], make_data: Any, make_policy: Any
) -> None:
    result = run_graph(graph, make_data, make_policy, **policy)
    assert [v.entity.id for v in result.verdicts] == list(graph.ids)
    for v in result.verdicts:
        values = (v.cascade.low, v.cascade.high, v.lookthrough.low, v.lookthrough.high)
        assert all(math.isfinite(x) for x in values), v
        assert all(-TOL <= x <= 1 + TOL for x in values), v
        assert v.cascade.low <= v.cascade.high + TOL, v
        assert v.lookthrough.low <= v.lookthrough.high + TOL, v
        assert (v.status is Status.HOME) == (graph.countries[v.entity.id] == "CN")
        if v.status is Status.HOME:
            assert values == (1.0, 1.0, 1.0, 1.0)
        if graph.countries[v.entity.id] is None:
            # An entity of unknown country may itself be home: its high bounds are 100%.
            assert (v.cascade.high, v.lookthrough.high) == (1.0, 1.0), v
            assert v.status in {Status.POSSIBLE, Status.FLAGGED}, v


@SETTINGS
@given(graph=graphs(full=True, exact=True), policy=policies)
def test_exact_inputs_give_equal_bounds(graph: Graph, policy: dict[str, Any], make_data: Any, make_policy: Any) -> None:
    result = run_graph(graph, make_data, make_policy, **policy)
    for v in result.verdicts:
        assert v.cascade.high == pytest.approx(v.cascade.low, abs=TOL), v
        assert v.lookthrough.high == pytest.approx(v.lookthrough.low, abs=TOL), v
        assert v.status is not Status.POSSIBLE, v
        assert not v.uncertainty, v


# ---------------------------------------------------------------------------------------------------------
# Monotonicity and order independence
# ---------------------------------------------------------------------------------------------------------


@SETTINGS
@given(graph=graphs(full=False, min_home=1), policy=policies, data=st.data())
def test_raising_a_home_stake_never_lowers_a_figure(
    graph: Graph, policy: dict[str, Any], data: Any, make_data: Any, make_policy: Any
) -> None:
    candidates = [(h, s) for h in sorted(graph.home) for s in graph.ids if s != h and graph.allocated(s) < 100]
    if not candidates:  # every other entity is fully allocated: nothing to raise
        return
    holder, subject = data.draw(st.sampled_from(candidates))
    delta = data.draw(st.integers(1, 100 - graph.allocated(subject)))
    edges = list(graph.edges)
    for k, (h, s, lo, hi) in enumerate(edges):
        if (h, s) == (holder, subject):
            edges[k] = (h, s, lo + delta, min(hi + delta, 100))
            break
    else:
        edges.append((holder, subject, delta, delta))
    raised = Graph(graph.ids, graph.countries, tuple(edges))

    before = run_graph(graph, make_data, make_policy, **policy)
    after = run_graph(raised, make_data, make_policy, **policy)
    after_figures = figures(after)
    for entity_id, old in figures(before).items():
        new = after_figures[entity_id]
        for name, a, b in zip(("cascade low", "cascade high", "look low", "look high"), old, new, strict=True):
            assert b >= a - TOL, (entity_id, name, a, b)
    after_status = {v.entity.id: v.status for v in after.verdicts}
    for v in before.verdicts:
        assert SEVERITY[after_status[v.entity.id]] >= SEVERITY[v.status], v.entity.id


@SETTINGS
@given(graph=graphs(), policy=policies, data=st.data())
def test_order_of_entities_and_holdings_does_not_matter(
    graph: Graph, policy: dict[str, Any], data: Any, make_data: Any, make_policy: Any
) -> None:
    ids = data.draw(st.permutations(graph.ids))
    edges = data.draw(st.permutations(graph.edges))
    shuffled = Graph(tuple(ids), {i: graph.countries[i] for i in ids}, tuple(edges))
    first = run_graph(graph, make_data, make_policy, **policy)
    second = run_graph(shuffled, make_data, make_policy, **policy)
    assert [v.entity.id for v in second.verdicts] == list(ids)
    second_figures = figures(second)
    for entity_id, values in figures(first).items():
        assert second_figures[entity_id] == pytest.approx(values, abs=TOL), entity_id
    assert {v.entity.id: v.status for v in first.verdicts} == {v.entity.id: v.status for v in second.verdicts}
    assert sorted(w.code for w in first.warnings) == sorted(w.code for w in second.warnings)


# ---------------------------------------------------------------------------------------------------------
# Agreement with the exact reference implementations
# ---------------------------------------------------------------------------------------------------------


@SETTINGS
@given(graph=graphs(), policy=policies)
def test_low_evaluation_agrees_with_reference(
    graph: Graph, policy: dict[str, Any], make_data: Any, make_policy: Any
) -> None:
    pol = make_policy(**policy)
    data = make_data(graph.data_edges(), graph.countries)
    g = build_graph(data, pol)
    zeros = np.zeros(g.n)
    fast_c = cascade(g.equity, g.home, zeros, pol.pass_threshold, pol.pass_comparison)
    fast_l = lookthrough(g.equity, g.home, zeros)

    stakes = [(h, s, Fraction(lo, 100)) for h, s, lo, _ in graph.edges]
    threshold = Fraction(round(pol.pass_threshold * 100), 100)
    ref_c, ref_tainted = cascade_reference(graph.ids, stakes, graph.home, threshold, pol.pass_comparison)
    ref_l, ref_loops = lookthrough_reference(graph.ids, stakes, graph.home)

    index = g.index
    for entity_id in graph.ids:
        i = index[entity_id]
        assert fast_c.figure[i] == pytest.approx(float(ref_c[entity_id]), abs=TOL), entity_id
        assert fast_l.figure[i] == pytest.approx(float(ref_l[entity_id]), abs=TOL), entity_id
    assert {graph.ids[i] for i in np.flatnonzero(fast_c.tainted)} == ref_tainted
    fast_loops = sorted(sorted(graph.ids[i] for i in members) for members in fast_l.closed_loops)
    assert fast_loops == sorted(sorted(loop) for loop in ref_loops)

    # And check() reports the same low bounds.
    result = check(data, pol)
    for v in result.verdicts:
        assert v.cascade.low == pytest.approx(min(float(ref_c[v.entity.id]), 1.0), abs=TOL), v.entity.id
        assert v.lookthrough.low == pytest.approx(float(ref_l[v.entity.id]), abs=TOL), v.entity.id
    warned = sorted(w.message.partition(" hold each other")[0] for w in result.warnings if w.code == "closed_loop")
    assert warned == sorted(", ".join(loop) for loop in fast_loops)


@SETTINGS
@given(graph=graphs())
def test_ultimate_owners_shares_sum_to_at_most_one(graph: Graph, make_data: Any, make_policy: Any) -> None:
    # docs/rules.md section 1.2: for every entity, the look-through shares of all ultimate owners sum to at most 100%;
    # exactly 100% for an entity fully allocated all the way up (not in or below a closed loop).
    g = build_graph(make_data(graph.data_edges(), graph.countries), make_policy())
    held: dict[str, int] = defaultdict(int)
    for _, s, lo, _ in graph.edges:
        held[s] += lo
    owners = [i for i in graph.ids if held[i] == 0]
    total = np.zeros(g.n)
    for owner in owners:
        seeds = np.zeros(g.n, dtype=np.bool_)
        seeds[g.index[owner]] = True
        total += lookthrough(g.equity, seeds, np.zeros(g.n)).figure
    assert np.all(np.isfinite(total))
    assert np.all(total <= 1 + TOL), total
    # With the remainder as offset (everything unnamed) and no closed loops, the shares sum to exactly 100%.
    ultimate = np.zeros(g.n, dtype=np.bool_)
    ultimate[[g.index[o] for o in owners]] = True
    everything = lookthrough(g.equity, ultimate, g.remainder)
    if not everything.closed_loops:
        assert np.allclose(everything.figure, 1.0, atol=TOL), everything.figure
