"""Unit tests of ownership.engine.lookthrough: the linear system and the detection of closed loops."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.engine.components import Components, closed_among, closed_components
from ownership.engine.lookthrough import closed_loops, lookthrough
from ownership.engine.reference import lookthrough_reference


def zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.float64)


def loops_of(found: tuple[np.ndarray, ...]) -> list[list[int]]:
    return sorted(group.tolist() for group in found)


# ---------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------


def test_chain_multiplies(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 1.3: P (0) -60-> H (1) -60-> T (2): look-through T 36%.
    out = lookthrough(make_edges(3, [(0, 1, 0.6), (1, 2, 0.6)]), make_mask(3, [0]), zeros(3))
    assert out.figure.tolist() == pytest.approx([1.0, 0.6, 0.36], abs=1e-12)
    assert out.closed_loops == ()


def test_ofac_examples(make_edges: Any, make_mask: Any) -> None:
    # OFAC FAQ 401 ex. 2: X (0) 50% A (1), 50% B (2); A and B 25% each of C (3): C 25%.
    out = lookthrough(
        make_edges(4, [(0, 1, 0.5), (0, 2, 0.5), (1, 3, 0.25), (2, 3, 0.25)]), make_mask(4, [0]), zeros(4)
    )
    assert out.figure.tolist() == pytest.approx([1.0, 0.5, 0.5, 0.25], abs=1e-12)
    # OFAC FAQ 401 ex. 3: X (0) 50% A (1), X 10% B (2), A 40% B: B 10 + 40 * 50 = 30%.
    out = lookthrough(make_edges(3, [(0, 1, 0.5), (0, 2, 0.1), (1, 2, 0.4)]), make_mask(3, [0]), zeros(3))
    assert out.figure.tolist() == pytest.approx([1.0, 0.5, 0.3], abs=1e-12)


def test_cross_holding_counts_circulating_equity(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 4: X (0) 80% A (2), Y (1) 70% B (3), A 30% B, B 20% A.
    # a = 0.8 + 0.2 b, b = 0.3 a  =>  a = 0.8 / 0.94 (85.1064%), b = 0.24 / 0.94 (25.5319%).
    edges = make_edges(4, [(0, 2, 0.8), (1, 3, 0.7), (2, 3, 0.3), (3, 2, 0.2)])
    out = lookthrough(edges, make_mask(4, [0]), zeros(4))
    assert out.figure.tolist() == pytest.approx([1.0, 0.0, 0.8 / 0.94, 0.24 / 0.94], abs=1e-12)
    assert round(out.figure[2] * 100, 4) == 85.1064
    assert round(out.figure[3] * 100, 4) == 25.5319
    # Summing simple paths only (0.8 + 0.8 * 0.3 * 0.2 = 0.848 for A) would be wrong.
    assert out.figure[2] != pytest.approx(0.848, abs=1e-6)
    # Y's share is the rest: the ultimate owners' shares of a fully allocated entity sum to 100%.
    other = lookthrough(edges, make_mask(4, [1]), zeros(4))
    assert other.figure[2] == pytest.approx(0.14 / 0.94, abs=1e-12)
    assert out.figure[2:] + other.figure[2:] == pytest.approx([1.0, 1.0], abs=1e-12)


def test_three_cycle_with_a_leak(make_edges: Any, make_mask: Any) -> None:
    # S (3) 50% A (0); A 50% B (1), B 50% C (2), C 50% A: a = 0.5 + 0.5 c, b = 0.5 a, c = 0.5 b
    # => a = 4/7, b = 2/7, c = 1/7.
    edges = make_edges(4, [(3, 0, 0.5), (0, 1, 0.5), (1, 2, 0.5), (2, 0, 0.5)])
    out = lookthrough(edges, make_mask(4, [3]), zeros(4))
    assert out.figure.tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7, 1.0], abs=1e-12)
    assert out.closed_loops == ()


def test_seed_figure_is_one_even_with_holders(make_edges: Any, make_mask: Any) -> None:
    # U (0, outside) holds 100% of P (1, home): P is still 100% home; P's 50% of T (2) passes in full.
    out = lookthrough(make_edges(3, [(0, 1, 1.0), (1, 2, 0.5)]), make_mask(3, [1]), zeros(3))
    assert out.figure.tolist() == pytest.approx([0.0, 1.0, 0.5], abs=1e-12)


def test_offset_is_added_and_propagates(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 4, unknown remainder: X (0) 45% T (2), Y (1) 45% T: 45% low, 55% with the 10%
    # remainder as offset. T's holding of 100% of Z (3) carries the same figures.
    edges = make_edges(4, [(0, 2, 0.45), (1, 2, 0.45), (2, 3, 1.0)])
    low = lookthrough(edges, make_mask(4, [0]), zeros(4))
    high = lookthrough(edges, make_mask(4, [0]), np.array([0.0, 0.0, 0.1, 0.0]))
    assert low.figure.tolist() == pytest.approx([1.0, 0.0, 0.45, 0.45], abs=1e-12)
    assert high.figure.tolist() == pytest.approx([1.0, 0.0, 0.55, 0.55], abs=1e-12)


def test_no_holdings_at_all(make_edges: Any, make_mask: Any) -> None:
    out = lookthrough(make_edges(3, []), make_mask(3, [1]), np.array([0.0, 0.0, 0.25]))
    assert out.figure.tolist() == [0.0, 1.0, 0.25]


def test_everything_seed(make_edges: Any, make_mask: Any) -> None:
    out = lookthrough(make_edges(2, [(0, 1, 1.0)]), make_mask(2, [0, 1]), zeros(2))
    assert out.figure.tolist() == [1.0, 1.0]


def test_single_unknown(make_edges: Any, make_mask: Any) -> None:
    # One active entity: the solver's scalar answer is handled.
    out = lookthrough(make_edges(2, [(0, 1, 0.3)]), make_mask(2, [0]), zeros(2))
    assert out.figure.tolist() == pytest.approx([1.0, 0.3], abs=1e-12)


def test_does_not_mutate_inputs(make_edges: Any, make_mask: Any) -> None:
    seeds = make_mask(2, [0])
    offset = np.array([0.0, 0.2])
    lookthrough(make_edges(2, [(0, 1, 0.3)]), seeds, offset)
    assert seeds.tolist() == [True, False]
    assert offset.tolist() == [0.0, 0.2]


def test_agrees_with_reference_on_cross_holding() -> None:
    f = Fraction
    stakes = [("X", "A", f(4, 5)), ("Y", "B", f(7, 10)), ("A", "B", f(3, 10)), ("B", "A", f(1, 5))]
    figure, loops = lookthrough_reference("XYAB", stakes, {"X"})
    assert figure == {"X": 1, "Y": 0, "A": f(40, 47), "B": f(12, 47)}
    assert loops == []


# ---------------------------------------------------------------------------------------------------------
# Closed loops
# ---------------------------------------------------------------------------------------------------------


def test_closed_two_loop(make_edges: Any, make_mask: Any) -> None:
    # docs/rules.md section 4: A (0) -100-> B (1), B -100-> A: no ultimate owner; figure 0, no NaN.
    edges = make_edges(2, [(0, 1, 1.0), (1, 0, 1.0)])
    assert loops_of(closed_loops(edges, make_mask(2, []))) == [[0, 1]]
    out = lookthrough(edges, make_mask(2, []), zeros(2))
    assert out.figure.tolist() == [0.0, 0.0]
    assert loops_of(out.closed_loops) == [[0, 1]]


def test_closed_three_cycle(make_edges: Any, make_mask: Any) -> None:
    # A 3-cycle of 100% stakes (nodes 1, 2, 3) beside a home entity 0 that holds nothing in it.
    edges = make_edges(4, [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 1.0)])
    assert loops_of(closed_loops(edges, make_mask(4, [0]))) == [[1, 2, 3]]
    out = lookthrough(edges, make_mask(4, [0]), zeros(4))
    assert out.figure.tolist() == [1.0, 0.0, 0.0, 0.0]


def test_a_stake_of_zero_does_not_hide_a_closed_loop(make_edges: Any, make_mask: Any) -> None:
    # A (0) and B (1) hold each other in full; A also holds 10% of C (2), which holds 0% of A. The 0% stake
    # made {A, B, C} one strong component that leaks at C, so the loop was not seen as closed and its
    # singular system was divided by zero. C (held 10% by A, 90% unallocated) is downstream of the loop.
    edges = make_edges(3, [(0, 1, 1.0), (1, 0, 1.0), (0, 2, 0.1), (2, 0, 0.0)])
    assert loops_of(closed_loops(edges, make_mask(3, []))) == [[0, 1]]
    offset = np.array([0.0, 0.0, 0.9])
    out = lookthrough(edges, make_mask(3, []), offset)
    assert out.figure.tolist() == pytest.approx([0.0, 0.0, 0.9], abs=1e-12)
    assert loops_of(out.closed_loops) == [[0, 1]]


def test_closed_loop_with_split_stakes(make_edges: Any, make_mask: Any) -> None:
    # A (0) and B (1) each held 50/50 by the other two members of the group {A, B, C (2)}: closed.
    edges = make_edges(3, [(1, 0, 0.5), (2, 0, 0.5), (0, 1, 0.5), (2, 1, 0.5), (0, 2, 0.5), (1, 2, 0.5)])
    assert loops_of(closed_loops(edges, make_mask(3, []))) == [[0, 1, 2]]


def test_two_separate_closed_loops(make_edges: Any, make_mask: Any) -> None:
    # {1, 3} and {0, 4} each hold each other in full; 2 stands apart. Members are listed sorted.
    edges = make_edges(5, [(3, 1, 1.0), (1, 3, 1.0), (0, 4, 1.0), (4, 0, 1.0)])
    assert loops_of(closed_loops(edges, make_mask(5, []))) == [[0, 4], [1, 3]]


def test_a_zero_stake_into_a_loop_does_not_make_its_holder_a_member(make_edges: Any, make_mask: Any) -> None:
    # A (0) and B (1) hold each other in full; C (2) holds 0% of A and is held 100% by A. A stake of 0
    # carries nothing, so the loop is {A, B}; C lies downstream of it (its figure is A's, 0). This test
    # once said {A, B, C}, and that with C held only 50% by A there was no closed loop at all: the 0%
    # stake then hid a singular system (test_a_stake_of_zero_does_not_hide_a_closed_loop).
    edges = make_edges(3, [(0, 1, 1.0), (1, 0, 1.0), (2, 0, 0.0), (0, 2, 1.0)])
    assert loops_of(closed_loops(edges, make_mask(3, []))) == [[0, 1]]
    edges = make_edges(3, [(0, 1, 1.0), (1, 0, 1.0), (2, 0, 0.0), (0, 2, 0.5)])
    assert loops_of(closed_loops(edges, make_mask(3, []))) == [[0, 1]]
    assert lookthrough(edges, make_mask(3, []), zeros(3)).figure.tolist() == [0.0, 0.0, 0.0]


def test_over_allocated_loop_below_a_home_entity_is_closed(make_edges: Any, make_mask: Any) -> None:
    # H (0, home) holds 30% of A (1) while B (2) holds all of A and A all of B: the loop's own stakes
    # allocate both in full, so it is closed (figure 0, warned) even though a home entity also holds in it.
    edges = make_edges(4, [(0, 1, 0.3), (2, 1, 1.0), (1, 2, 1.0), (1, 3, 0.5)])
    out = lookthrough(edges, make_mask(4, [0]), zeros(4))
    assert loops_of(out.closed_loops) == [[1, 2]]
    assert out.figure.tolist() == [1.0, 0.0, 0.0, 0.0]


def test_loop_with_an_outside_leak_is_not_closed(make_edges: Any, make_mask: Any) -> None:
    # A (0) -100-> B (1), B -90-> A, O (2, outside) -10-> A: the walk can leave through O.
    edges = make_edges(3, [(0, 1, 1.0), (1, 0, 0.9), (2, 0, 0.1)])
    assert closed_loops(edges, make_mask(3, [])) == ()
    out = lookthrough(edges, make_mask(3, []), zeros(3))
    assert out.figure.tolist() == [0.0, 0.0, 0.0]
    assert np.isfinite(out.figure).all()


def test_loop_with_unallocated_remainder_is_not_closed(make_edges: Any, make_mask: Any) -> None:
    # A (0) -100-> B (1), B -90-> A and 10% of A unallocated: with that 10% as the high-bound offset the
    # loop is entirely "possibly home": a = 0.1 + 0.9 b, b = a  =>  a = b = 1.
    edges = make_edges(2, [(0, 1, 1.0), (1, 0, 0.9)])
    assert closed_loops(edges, make_mask(2, [])) == ()
    out = lookthrough(edges, make_mask(2, []), np.array([0.1, 0.0]))
    assert out.figure.tolist() == pytest.approx([1.0, 1.0], abs=1e-9)


def test_loop_fed_by_a_seed_is_not_closed(make_edges: Any, make_mask: Any) -> None:
    # S (2, home) -10-> A (0), B (1) -90-> A, A -100-> B: a = 0.1 + 0.9 b, b = a  =>  a = b = 1.
    edges = make_edges(3, [(2, 0, 0.1), (1, 0, 0.9), (0, 1, 1.0)])
    assert closed_loops(edges, make_mask(3, [2])) == ()
    out = lookthrough(edges, make_mask(3, [2]), zeros(3))
    assert out.figure.tolist() == pytest.approx([1.0, 1.0, 1.0], abs=1e-9)


def test_loop_through_a_seed_is_not_closed(make_edges: Any, make_mask: Any) -> None:
    # S (0, home) -100-> A (1), A -100-> S: the walk is absorbed at S.
    edges = make_edges(2, [(0, 1, 1.0), (1, 0, 1.0)])
    assert closed_loops(edges, make_mask(2, [0])) == ()
    assert lookthrough(edges, make_mask(2, [0]), zeros(2)).figure.tolist() == [1.0, 1.0]


def test_closed_loop_downstream_figures(make_edges: Any, make_mask: Any) -> None:
    # The closed loop A (0) <-> B (1) holds 50% of C (2); home P (3) holds the other 50%: C is 50%.
    # D (4) is held 100% by the loop: 0, like the loop itself.
    edges = make_edges(5, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 0.5), (3, 2, 0.5), (0, 4, 1.0)])
    out = lookthrough(edges, make_mask(5, [3]), zeros(5))
    assert out.figure.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 0.0], abs=1e-12)
    assert loops_of(out.closed_loops) == [[0, 1]]


def test_closed_loop_agrees_with_reference() -> None:
    one = Fraction(1)
    stakes = [("A", "B", one), ("B", "C", one), ("C", "A", one), ("C", "D", Fraction(1, 2)), ("P", "D", Fraction(1, 2))]
    figure, loops = lookthrough_reference("ABCDP", stakes, {"P"})
    assert loops == [{"A", "B", "C"}]
    assert figure == {"A": 0, "B": 0, "C": 0, "D": Fraction(1, 2), "P": 1}


# ---------------------------------------------------------------------------------------------------------
# Scale: long chains and cycles
# ---------------------------------------------------------------------------------------------------------


def test_long_chain(make_edges: Any, make_mask: Any) -> None:
    n = 2000
    edges = make_edges(n, [(i, i + 1, 0.9) for i in range(n - 1)])
    out = lookthrough(edges, make_mask(n, [0]), zeros(n))
    expected = 0.9 ** np.arange(n)
    assert np.allclose(out.figure, expected, rtol=1e-9, atol=0.0)
    assert out.closed_loops == ()


def test_300_cycle_with_a_seed(make_edges: Any, make_mask: Any) -> None:
    # Seed S (300) holds 40% of node 0; node i holds 60% of node i+1 around a 300-cycle:
    # x0 = 0.4 + 0.6 x299 and x_i = 0.6 x_(i-1)  =>  x_i = 0.4 * 0.6^i / (1 - 0.6^300).
    n = 301
    edges = make_edges(n, [(i, (i + 1) % 300, 0.6) for i in range(300)] + [(300, 0, 0.4)])
    out = lookthrough(edges, make_mask(n, [300]), zeros(n))
    expected = 0.4 * 0.6 ** np.arange(300) / (1 - 0.6**300)
    assert np.allclose(out.figure[:300], expected, rtol=1e-9, atol=1e-300)
    assert out.figure[300] == 1.0


def test_300_cycle_closed(make_edges: Any, make_mask: Any) -> None:
    n = 300
    edges = make_edges(n, [(i, (i + 1) % n, 1.0) for i in range(n)])
    out = lookthrough(edges, make_mask(n, []), zeros(n))
    assert loops_of(out.closed_loops) == [list(range(n))]
    assert out.figure.tolist() == [0.0] * n


def test_large_cross_holding_group_matches_a_direct_solve(make_edges: Any, make_mask: Any) -> None:
    # A group of 1,500 entities holding each other (above the dense-solve limit, so the iterative
    # path runs) must give the same figures as solving (I - A) x = b directly.
    rng = np.random.default_rng(7)
    n = 1501  # entity 0 is the only home entity
    edges: list[tuple[int, int, float]] = []
    for subject in range(1, n):
        ring = subject % (n - 1) + 1  # the next member, closing one big cycle
        other = int(rng.integers(1, n))
        edges.append((ring, subject, 0.45))
        if other not in (subject, ring):
            edges.append((other, subject, 0.3))
        if subject % 50 == 0:
            edges.append((0, subject, 0.2))
    out = lookthrough(make_edges(n, edges), make_mask(n, [0]), zeros(n))

    a = np.zeros((n, n))
    b = np.zeros(n)
    for holder, subject, stake in edges:
        if holder == 0:
            b[subject] += stake
        else:
            a[subject, holder] += stake
    direct = np.linalg.solve(np.eye(n - 1) - a[1:, 1:], b[1:])
    assert out.closed_loops == ()
    assert out.figure[0] == 1.0
    np.testing.assert_allclose(out.figure[1:], direct, rtol=0, atol=1e-11)
    assert direct.max() > 0.05  # the seed's equity reaches the whole group


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                max_size=14,
            ),
        )
    )
)
def test_closed_loops_found_among_candidates_are_those_of_the_whole_graph(graph: tuple[int, list[Any]]) -> None:
    # Stakes of 0, 25, 50 and 100% (over-allocated too): the shortcut through fully held entities must find
    # exactly the closed components of the whole graph.
    n, edges = graph
    h = np.array([e[0] for e in edges], dtype=np.int64)
    s = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array([e[2] for e in edges], dtype=np.float64)
    whole = closed_components(Components.strong(n, h, s), h, s, w, np.zeros(n, dtype=np.bool_))
    assert loops_of(closed_among(n, h, s, w)) == loops_of(whole)
