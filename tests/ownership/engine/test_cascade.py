"""Unit tests of the array functions in ownership.engine.cascade: Edges, cascade, self_supporting."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from ownership.engine.cascade import cascade, passes_array, self_supporting
from ownership.engine.edges import Edges
from ownership.engine.reference import cascade_reference
from ownership.model import TOLERANCE, Comparison

GE, GT = Comparison.GE, Comparison.GT


def zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.float64)


# ---------------------------------------------------------------------------------------------------------
# Edges
# ---------------------------------------------------------------------------------------------------------


def test_edges_build_groups_by_holder() -> None:
    holder = np.array([2, 0, 2, 1], dtype=np.int64)
    subject = np.array([0, 1, 3, 3], dtype=np.int64)
    weight = np.array([0.1, 0.2, 0.3, 0.4])
    edges = Edges.build(5, holder, subject, weight)
    assert edges.n == 5
    # Stable sort by holder: holder 0 -> edge 1, holder 1 -> edge 3, holder 2 -> edges 0 then 2.
    assert edges.by_holder.tolist() == [1, 3, 0, 2]
    assert edges.holder_start.tolist() == [0, 1, 2, 4, 4, 4]
    assert edges.by_holder.dtype == np.int64
    assert edges.holder_start.dtype == np.int64
    # The parallel arrays are kept as given.
    assert edges.holder.tolist() == [2, 0, 2, 1]
    assert edges.subject.tolist() == [0, 1, 3, 3]
    assert edges.weight.tolist() == [0.1, 0.2, 0.3, 0.4]


def test_edges_out_of(make_edges: Any) -> None:
    edges = make_edges(5, [(2, 0, 0.1), (0, 1, 0.2), (2, 3, 0.3), (1, 3, 0.4)])
    assert edges.out_of(np.array([2], dtype=np.int64)).tolist() == [0, 2]
    assert edges.out_of(np.array([0, 2], dtype=np.int64)).tolist() == [1, 0, 2]
    assert edges.out_of(np.array([2, 0], dtype=np.int64)).tolist() == [0, 2, 1]
    assert sorted(edges.out_of(np.array([0, 1, 2, 3, 4], dtype=np.int64)).tolist()) == [0, 1, 2, 3]
    # Holders without holdings, and no holders at all.
    assert edges.out_of(np.array([3, 4], dtype=np.int64)).tolist() == []
    empty = edges.out_of(np.empty(0, dtype=np.int64))
    assert empty.tolist() == []
    assert empty.dtype == np.int64


def test_edges_with_no_holdings(make_edges: Any) -> None:
    edges = make_edges(3, [])
    assert edges.holder_start.tolist() == [0, 0, 0, 0]
    assert edges.out_of(np.array([0, 1, 2], dtype=np.int64)).tolist() == []


def test_passes_array_uses_the_tolerance() -> None:
    values = np.array([0.5 - 2e-9, 0.5 - TOLERANCE / 2, 0.5, 0.5 + TOLERANCE / 2, 0.5 + 2e-9])
    assert passes_array(values, 0.5, GE).tolist() == [False, True, True, True, True]
    assert passes_array(values, 0.5, GT).tolist() == [False, False, False, False, True]


# ---------------------------------------------------------------------------------------------------------
# cascade
# ---------------------------------------------------------------------------------------------------------


def test_cascade_chain_figures_and_rounds(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 1.3: P (0) -60-> H (1) -60-> T (2): a tainted intermediary passes on its whole stake.
    edges = make_edges(3, [(0, 1, 0.6), (1, 2, 0.6)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT)
    assert out.figure.tolist() == pytest.approx([1.0, 0.6, 0.6], abs=1e-12)
    assert out.tainted.tolist() == [True, True, True]
    assert out.round.tolist() == [0, 1, 2]
    assert out.via_control.tolist() == [False, False, False]


def test_cascade_untainted_intermediary_passes_nothing(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 1.3: P -40-> H -100-> T: H is not tainted, T gets nothing.
    edges = make_edges(3, [(0, 1, 0.4), (1, 2, 1.0)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT)
    assert out.figure.tolist() == pytest.approx([1.0, 0.4, 0.0], abs=1e-12)
    assert out.tainted.tolist() == [True, False, False]
    assert out.round.tolist() == [0, -1, -1]


@pytest.mark.parametrize(
    ("comparison", "tainted", "figure_b"),
    [(GE, [True, True, True], 0.5), (GT, [True, False, False], 0.0)],
)
def test_cascade_comparison_at_the_threshold(
    comparison: Comparison, tainted: list[bool], figure_b: float, make_edges: Any, make_mask: Any
) -> None:
    # OFAC FAQ 401 ex. 1: X (0) -50-> A (1) -50-> B (2).
    edges = make_edges(3, [(0, 1, 0.5), (1, 2, 0.5)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, comparison)
    assert out.tainted.tolist() == tainted
    assert out.figure[1] == pytest.approx(0.5, abs=1e-12)
    assert out.figure[2] == pytest.approx(figure_b, abs=1e-12)


def test_cascade_aggregates_several_tainted_holders(make_edges: Any, make_mask: Any) -> None:
    # OFAC FAQ 401 ex. 2: X (0) -50-> A (1), X -50-> B (2), A -25-> C (3), B -25-> C.
    edges = make_edges(4, [(0, 1, 0.5), (0, 2, 0.5), (1, 3, 0.25), (2, 3, 0.25)])
    out = cascade(edges, make_mask(4, [0]), zeros(4), 0.5, GE)
    assert out.figure.tolist() == pytest.approx([1.0, 0.5, 0.5, 0.5], abs=1e-12)
    assert out.round.tolist() == [0, 1, 1, 2]


def test_cascade_rounds_follow_the_propagation_order(make_edges: Any, make_mask: Any) -> None:
    # P (0) -60-> A (1) -60-> B (2) -30-> C (3), P -30-> C: C gets 30% in round 1 but passes only in
    # round 3, when B's stake arrives.
    edges = make_edges(4, [(0, 1, 0.6), (1, 2, 0.6), (2, 3, 0.3), (0, 3, 0.3)])
    out = cascade(edges, make_mask(4, [0]), zeros(4), 0.5, GT)
    assert out.round.tolist() == [0, 1, 2, 3]
    assert out.figure.tolist() == pytest.approx([1.0, 0.6, 0.6, 0.6], abs=1e-12)


def test_cascade_seed_figure_is_one_even_with_holders(make_edges: Any, make_mask: Any) -> None:
    # A home entity held 10% by another home entity is still 100% home.
    edges = make_edges(2, [(0, 1, 0.1)])
    out = cascade(edges, make_mask(2, [0, 1]), zeros(2), 0.5, GT)
    assert out.figure.tolist() == [1.0, 1.0]
    assert out.round.tolist() == [0, 0]


def test_cascade_offset_alone_taints_in_round_one(make_edges: Any, make_mask: Any) -> None:
    # No seeds: entity 1 has an offset (unallocated remainder) of 60%, which passes by itself; it then
    # passes on its 60% stake in entity 2.
    edges = make_edges(3, [(1, 2, 0.6)])
    offset = np.array([0.0, 0.6, 0.0])
    out = cascade(edges, make_mask(3, []), offset, 0.5, GT)
    assert out.tainted.tolist() == [False, True, True]
    assert out.round.tolist() == [-1, 1, 2]
    assert out.figure.tolist() == pytest.approx([0.0, 0.6, 0.6], abs=1e-12)


def test_cascade_offset_adds_to_tainted_stakes(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 4, unknown remainder: X (0) -45-> T (2), Y (1) -45-> T: T's 10% remainder as
    # the high-bound offset gives 55%; Y's stake never counts.
    edges = make_edges(3, [(0, 2, 0.45), (1, 2, 0.45)])
    low = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT)
    high = cascade(edges, make_mask(3, [0]), np.array([0.0, 0.0, 0.1]), 0.5, GT)
    assert low.figure[2] == pytest.approx(0.45, abs=1e-12)
    assert not low.tainted[2]
    assert high.figure[2] == pytest.approx(0.55, abs=1e-12)
    assert high.tainted[2]
    assert high.round[2] == 1


def test_cascade_does_not_mutate_inputs(make_edges: Any, make_mask: Any) -> None:
    edges = make_edges(2, [(0, 1, 0.6)])
    seeds = make_mask(2, [0])
    offset = np.array([0.0, 0.1])
    cascade(edges, seeds, offset, 0.5, GT)
    assert seeds.tolist() == [True, False]
    assert offset.tolist() == [0.0, 0.1]


def test_cascade_is_the_least_fixpoint(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 1.1: X (0) 40% A (1), A 60% B (2), B 20% A: neither A nor B is tainted.
    edges = make_edges(3, [(0, 1, 0.4), (1, 2, 0.6), (2, 1, 0.2)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT)
    assert out.tainted.tolist() == [True, False, False]
    assert out.figure.tolist() == pytest.approx([1.0, 0.4, 0.0], abs=1e-12)


def test_cascade_loop_fed_by_a_seed_is_tainted_around(make_edges: Any, make_mask: Any) -> None:
    # X (0) 60% A (1), A 60% B (2), B 40% A: A taints in round 1, B in round 2; A's figure then counts
    # B's 40% too.
    edges = make_edges(3, [(0, 1, 0.6), (1, 2, 0.6), (2, 1, 0.4)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT)
    assert out.tainted.tolist() == [True, True, True]
    assert out.round.tolist() == [0, 1, 2]
    assert out.figure.tolist() == pytest.approx([1.0, 1.0, 0.6], abs=1e-12)


def test_cascade_control_edges_taint_via_control(make_edges: Any, make_mask: Any) -> None:
    # P (0) controls S (1) by contract (VIE) without equity; S holds 60% of T (2); U (3) holds 100% of S.
    edges = make_edges(4, [(3, 1, 1.0), (1, 2, 0.6)])
    control = make_edges(4, [(0, 1, 1.0)])
    out = cascade(edges, make_mask(4, [0]), zeros(4), 0.5, GT, control)
    assert out.tainted.tolist() == [True, True, True, False]
    assert out.via_control.tolist() == [False, True, False, False]
    assert out.round.tolist() == [0, 1, 2, -1]
    # S is tainted by contract: its equity figure stays 0; T is tainted by S's 60% stake.
    assert out.figure.tolist() == pytest.approx([1.0, 0.0, 0.6, 0.0], abs=1e-12)

    report_only = cascade(edges, make_mask(4, [0]), zeros(4), 0.5, GT, None)
    assert report_only.tainted.tolist() == [True, False, False, False]
    assert not report_only.via_control.any()


def test_cascade_control_is_not_via_control_when_equity_passes(make_edges: Any, make_mask: Any) -> None:
    # P (0) holds 60% of S (1) and also controls it: S passes by equity, so via_control stays False.
    edges = make_edges(2, [(0, 1, 0.6)])
    control = make_edges(2, [(0, 1, 1.0)])
    out = cascade(edges, make_mask(2, [0]), zeros(2), 0.5, GT, control)
    assert out.tainted.tolist() == [True, True]
    assert out.via_control.tolist() == [False, False]


def test_cascade_control_from_an_untainted_holder_does_nothing(make_edges: Any, make_mask: Any) -> None:
    # P (0) 40% H (1); H controls S (2) by contract; H is not tainted so S is not either.
    edges = make_edges(3, [(0, 1, 0.4)])
    control = make_edges(3, [(1, 2, 1.0)])
    out = cascade(edges, make_mask(3, [0]), zeros(3), 0.5, GT, control)
    assert out.tainted.tolist() == [True, False, False]
    assert out.via_control.tolist() == [False, False, False]


def test_cascade_control_of_a_seed_is_ignored(make_edges: Any, make_mask: Any) -> None:
    edges = make_edges(2, [])
    control = make_edges(2, [(0, 1, 1.0)])
    out = cascade(edges, make_mask(2, [0, 1]), zeros(2), 0.5, GT, control)
    assert out.via_control.tolist() == [False, False]
    assert out.round.tolist() == [0, 0]


def test_cascade_tolerance_at_threshold(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 2.1: 3 + 29 + 18 from three home holders is exactly 50% despite floating point.
    edges = make_edges(4, [(0, 3, 0.03), (1, 3, 0.29), (2, 3, 0.18)])
    seeds = make_mask(4, [0, 1, 2])
    assert cascade(edges, seeds, zeros(4), 0.5, GE).tainted[3]
    assert not cascade(edges, seeds, zeros(4), 0.5, GT).tainted[3]


def test_cascade_agrees_with_reference_on_ofac_3() -> None:
    # OFAC FAQ 401 ex. 3 with exact fractions: X 50% A, X 10% B, A 40% B.
    half, tenth, forty = Fraction(1, 2), Fraction(1, 10), Fraction(2, 5)
    stakes = [("X", "A", half), ("X", "B", tenth), ("A", "B", forty)]
    figure, tainted = cascade_reference("XAB", stakes, {"X"}, half, GE)
    assert figure == {"X": 1, "A": half, "B": half}
    assert tainted == {"X", "A", "B"}
    figure, tainted = cascade_reference("XAB", stakes, {"X"}, half, GT)
    assert figure == {"X": 1, "A": half, "B": tenth}
    assert tainted == {"X"}


# ---------------------------------------------------------------------------------------------------------
# self_supporting
# ---------------------------------------------------------------------------------------------------------


def _self_supporting(edges: Edges, seeds: np.ndarray, threshold: float, comparison: Comparison) -> list[int]:
    n = edges.n
    least = cascade(edges, seeds, zeros(n), threshold, comparison)
    found = self_supporting(edges, seeds, zeros(n), threshold, comparison, least.tainted)
    return np.flatnonzero(found).tolist()


def test_self_supporting_finds_the_loop(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 1.1: X (0) 40% A (1), A 60% B (2), B 20% A.
    edges = make_edges(3, [(0, 1, 0.4), (1, 2, 0.6), (2, 1, 0.2)])
    assert _self_supporting(edges, make_mask(3, [0]), 0.5, GT) == [1, 2]
    assert _self_supporting(edges, make_mask(3, [0]), 0.5, GE) == [1, 2]
    # At a 40% threshold the least fixpoint already taints both: nothing is only self-supporting.
    assert _self_supporting(edges, make_mask(3, [0]), 0.4, GE) == []


def test_self_supporting_removal_cascades(make_edges: Any, make_mask: Any) -> None:
    # X 40% A, A 60% B, B 5% A: even assuming the loop, A has 45% and drops out, and then B (only A's 60%)
    # drops out too.
    edges = make_edges(3, [(0, 1, 0.4), (1, 2, 0.6), (2, 1, 0.05)])
    assert _self_supporting(edges, make_mask(3, [0]), 0.5, GT) == []


def test_self_supporting_keeps_what_the_loop_feeds(make_edges: Any, make_mask: Any) -> None:
    # The self-supporting loop of docs/rules.md section 1.1, plus B (2) 70% of C (3): C would be tainted too
    # if the loop were.
    edges = make_edges(4, [(0, 1, 0.4), (1, 2, 0.6), (2, 1, 0.2), (2, 3, 0.7)])
    assert _self_supporting(edges, make_mask(4, [0]), 0.5, GT) == [1, 2, 3]


def test_self_supporting_ignores_loops_no_seed_reaches(make_edges: Any, make_mask: Any) -> None:
    # C (1) and D (2) hold 60% of each other but no home entity is upstream; seed 0 holds nothing.
    edges = make_edges(3, [(1, 2, 0.6), (2, 1, 0.6)])
    assert _self_supporting(edges, make_mask(3, [0]), 0.5, GT) == []


def test_self_supporting_excludes_the_least_fixpoint(make_edges: Any, make_mask: Any) -> None:
    # P (0) 60% H (1) 60% T (2): all tainted by the least fixpoint, so none is "only self-supporting".
    edges = make_edges(3, [(0, 1, 0.6), (1, 2, 0.6)])
    assert _self_supporting(edges, make_mask(3, [0]), 0.5, GT) == []


# ---------------------------------------------------------------------------------------------------------
# Scale: long chains and cycles run without recursion
# ---------------------------------------------------------------------------------------------------------


def test_cascade_long_chain(make_edges: Any, make_mask: Any) -> None:
    n = 2000
    edges = make_edges(n, [(i, i + 1, 0.9) for i in range(n - 1)])
    out = cascade(edges, make_mask(n, [0]), zeros(n), 0.5, GT)
    assert out.tainted.all()
    assert out.round.tolist() == list(range(n))
    assert out.figure[0] == 1.0
    assert np.allclose(out.figure[1:], 0.9, atol=1e-12)
    # A 40% link in the middle stops the chain there.
    weak = make_edges(n, [(i, i + 1, 0.4 if i == 999 else 0.9) for i in range(n - 1)])
    out = cascade(weak, make_mask(n, [0]), zeros(n), 0.5, GT)
    assert int(out.tainted.sum()) == 1000
    assert out.figure[1000] == pytest.approx(0.4, abs=1e-12)
    assert out.figure[1001] == 0.0


def test_cascade_and_self_supporting_on_a_300_cycle(make_edges: Any, make_mask: Any) -> None:
    # Seed S (300) holds 40% of node 0; node i holds 60% of node i+1 around a 300-cycle.
    n = 301
    triples = [(i, (i + 1) % 300, 0.6) for i in range(300)] + [(300, 0, 0.4)]
    edges = make_edges(n, triples)
    seeds = make_mask(n, [300])
    least = cascade(edges, seeds, zeros(n), 0.5, GT)
    assert least.tainted.tolist() == [False] * 300 + [True]
    # Assuming the loop controls itself, all 300 would be tainted (node 0: 40 + 60%, the rest 60%).
    assert _self_supporting(edges, seeds, 0.5, GT) == list(range(300))
    # At "at least 40%", node 0 taints first and the taint goes all the way round, one node per round.
    around = cascade(edges, seeds, zeros(n), 0.4, GE)
    assert around.tainted.all()
    assert around.round.tolist() == [*range(1, 301), 0]
    assert around.figure[0] == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(around.figure[1:300], 0.6, atol=1e-12)
