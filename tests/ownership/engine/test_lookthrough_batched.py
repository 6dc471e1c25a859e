"""The look-through solver on many cross-holding groups at once: worked examples and a property test
against a straightforward dense solve of (I - A) x = b.

The solver factors every small cross-holding group (all those of one size in one batched call) and then
solves the whole system in one triangular sweep; groups too large to factor, or beyond the memory
budget, are solved one at a time inside the sweep. The property test runs every one of these paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ownership.engine.lookthrough as engine
from ownership.engine.components import Components
from ownership.engine.edges import Edges
from ownership.engine.lookthrough import closed_loops, lookthrough


def zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.float64)


# ---------------------------------------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------------------------------------


def test_two_groups_at_one_level_in_one_sweep(make_edges: Any, make_mask: Any, monkeypatch: Any) -> None:
    # Home S (0). Group {A (1), B (2)}: S 40% A, B 50% A, A 50% B:
    #   a = 0.4 + 0.5 b, b = 0.5 a  =>  0.75 a = 0.4, a = 8/15, b = 4/15.
    # Group {C (3), D (4)}, beside it at the same level: S 20% C, T (5, outside) 60% D, D 30% C, C 40% D:
    #   c = 0.2 + 0.3 d, d = 0.4 c  =>  0.88 c = 0.2, c = 5/22, d = 1/11.
    # E (6) below both, held 50% by B and 50% by D: e = 0.5 * 4/15 + 0.5 * 1/11 = 2/15 + 1/22 = 59/330.
    edges = make_edges(
        7,
        [
            *[(0, 1, 0.4), (2, 1, 0.5), (1, 2, 0.5)],  # {A, B}
            *[(0, 3, 0.2), (5, 4, 0.6), (4, 3, 0.3), (3, 4, 0.4)],  # {C, D}
            *[(2, 6, 0.5), (4, 6, 0.5)],  # E
        ],
    )
    sweeps: list[int] = []
    forward = engine._forward

    def counted(*args: Any) -> Any:
        sweeps.append(1)
        return forward(*args)

    monkeypatch.setattr(engine, "_forward", counted)
    out = lookthrough(edges, make_mask(7, [0]), zeros(7))
    expected = [1.0, 8 / 15, 4 / 15, 5 / 22, 1 / 11, 0.0, 59 / 330]
    assert out.figure.tolist() == pytest.approx(expected, abs=1e-15)
    assert out.closed_loops == ()
    assert len(sweeps) == 1  # both groups and every singleton: one triangular solve


def test_group_whose_factorisation_pivots(make_edges: Any, make_mask: Any) -> None:
    # A (0) holds 70% of itself, so its diagonal (0.3) is smaller than its 60% stake in B (1): partial
    # pivoting swaps the group's rows. S (2, home) 10% A and 30% B, B 20% A:
    #   a = 0.1 + 0.7 a + 0.2 b, b = 0.3 + 0.6 a  =>  0.3 a = 0.16 + 0.12 a, a = 8/9, b = 5/6.
    edges = make_edges(3, [(0, 0, 0.7), (2, 0, 0.1), (1, 0, 0.2), (0, 1, 0.6), (2, 1, 0.3)])
    out = lookthrough(edges, make_mask(3, [2]), zeros(3))
    assert out.figure.tolist() == pytest.approx([8 / 9, 5 / 6, 1.0], abs=1e-15)


def test_groups_stacked_over_levels_with_a_closed_loop_between(make_edges: Any, make_mask: Any) -> None:
    # S (0, home) 50% A (1); {A, B (2)} hold 50% of each other: a = 0.5 + 0.5 b, b = 0.5 a => a = 2/3, b = 1/3.
    # B 60% C (3); {C, D (4)} hold 40% of each other: c = 0.6 b + 0.4 d, d = 0.4 c => c = 0.2 / 0.84 = 5/21,
    # d = 2/21. The closed loop {E (5), F (6)} (100% each way) holds 30% of G (7), D holds 70%: g = 0.7 d.
    edges = make_edges(
        8,
        [
            *[(0, 1, 0.5), (2, 1, 0.5), (1, 2, 0.5)],  # {A, B}
            *[(2, 3, 0.6), (4, 3, 0.4), (3, 4, 0.4)],  # {C, D}
            *[(5, 6, 1.0), (6, 5, 1.0), (5, 7, 0.3), (4, 7, 0.7)],  # {E, F} and G
        ],
    )
    out = lookthrough(edges, make_mask(8, [0]), zeros(8))
    expected = [1.0, 2 / 3, 1 / 3, 5 / 21, 2 / 21, 0.0, 0.0, 0.7 * 2 / 21]
    assert out.figure.tolist() == pytest.approx(expected, abs=1e-15)
    assert [m.tolist() for m in out.closed_loops] == [[5, 6]]


def test_long_chain_of_cross_holdings(make_edges: Any, make_mask: Any) -> None:
    # 500 levels, each a pair holding 50% of each other, the pair's first member held 50% by the
    # previous pair's first member: per pair a = 0.5 p + 0.5 b, b = 0.5 a  =>  a = (2/3) p, b = a / 2.
    pairs = 500
    triples = [(0, 1, 0.5)]  # home entity 0 above the first pair
    for k in range(pairs):
        a, b = 1 + 2 * k, 2 + 2 * k
        triples += [(b, a, 0.5), (a, b, 0.5)]
        if k:
            triples.append((a - 2, a, 0.5))
    out = lookthrough(make_edges(1 + 2 * pairs, triples), make_mask(1 + 2 * pairs, [0]), zeros(1 + 2 * pairs))
    first = (2 / 3) ** np.arange(1, pairs + 1)
    np.testing.assert_allclose(out.figure[1::2], first, rtol=1e-12, atol=0)
    np.testing.assert_allclose(out.figure[2::2], first / 2, rtol=1e-12, atol=0)


def test_topological_rank_without_scipys_numbering() -> None:
    # A -> {B, C} -> D with {B, C} one component, labelled in an order that is not reverse topological:
    # the level-by-level fallback must still put holders first.
    components = Components.of(3, np.array([2, 0, 0, 1], dtype=np.int64))
    holder = np.array([0, 1, 2, 1, 2], dtype=np.int64)
    subject = np.array([1, 2, 1, 3, 3], dtype=np.int64)
    rank = components.topological_rank(holder, subject)
    assert rank.tolist() == [1, 2, 0]
    scipy_order = Components.strong(4, holder, subject)
    above, below = scipy_order.label[holder], scipy_order.label[subject]
    assert (above[above != below] > below[above != below]).all()  # what the fast path relies on


# ---------------------------------------------------------------------------------------------------------
# Property: agreement with a dense solve
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layered:
    """A random graph built level by level from groups (cross-holdings, closed loops or single entities)."""

    n: int
    holder: np.ndarray
    subject: np.ndarray
    weight: np.ndarray
    seeds: np.ndarray
    offset: np.ndarray

    def edges(self) -> Edges:
        return Edges.build(self.n, self.holder, self.subject, self.weight)


@st.composite
def layered(draw: Any) -> Layered:
    """Groups of 1-5 entities at 1-5 levels. An open group is a ring plus random holdings among its
    members (a single entity may hold part of itself), held from earlier levels; each subject's stakes sum
    to 0.3-0.95, so every open group leaks and the system is well conditioned. A closed group is a ring of
    100% stakes (a single entity holding all of itself). Some entities, also inside groups, are home."""
    levels = draw(st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=6), min_size=1, max_size=5))
    closed_share = draw(st.sampled_from([0.0, 0.15, 0.4]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    roots = draw(st.integers(1, 3))
    n = roots + sum(sum(level) for level in levels)
    holders: dict[int, list[int]] = {}
    closed: set[int] = set()
    seeds = np.zeros(n, dtype=np.bool_)
    seeds[: draw(st.integers(1, roots))] = True
    done = roots
    for level in levels:
        upstream = np.arange(done)
        for size in level:
            members = list(range(done, done + size))
            done += size
            if rng.random() < closed_share:
                for k, m in enumerate(members):
                    holders[m] = [members[k - 1]]
                closed.update(members)
                continue
            for k, m in enumerate(members):
                picks = {members[k - 1]} if size > 1 else set()
                picks |= {int(i) for i in rng.choice(members, size=int(rng.integers(0, size + 1)))}
                picks |= {int(i) for i in rng.choice(upstream, size=int(rng.integers(0, 3)))}
                if size == 1 and rng.random() > 0.3:
                    picks.discard(m)
                holders[m] = sorted(picks)
            seeds[[m for m in members if rng.random() < 0.05]] = True
    h: list[int] = []
    s: list[int] = []
    w: list[float] = []
    for subject, found in holders.items():
        raw = rng.random(len(found)) + 0.05
        stakes = [1.0] if subject in closed else (raw / raw.sum() * rng.uniform(0.3, 0.95)).tolist()
        h += found
        s += [subject] * len(found)
        w += stakes
    offset = np.where(rng.random(n) < 0.5, rng.random(n) * 0.05, 0.0)
    return Layered(
        n, np.array(h, dtype=np.int64), np.array(s, dtype=np.int64), np.array(w, dtype=np.float64), seeds, offset
    )


def dense_lookthrough(graph: Layered) -> tuple[np.ndarray, list[list[int]]]:
    """Closed loops found with networkx, then x = 1 at home, 0 in closed loops, and elsewhere the solution of
    (I - A) x = b by one dense LU solve, A[s, h] being the stake of h in s and b the offset plus the stakes
    of home holders."""
    n, seeds = graph.n, graph.seeds
    a = np.zeros((n, n))
    np.add.at(a, (graph.subject, graph.holder), graph.weight)
    among = nx.DiGraph()
    among.add_nodes_from(range(n))
    among.add_edges_from((h, s) for h, s in zip(graph.holder.tolist(), graph.subject.tolist(), strict=True))
    among.remove_nodes_from(np.flatnonzero(seeds).tolist())
    loops = []
    for group in nx.strongly_connected_components(among):
        members = sorted(group)
        cyclic = len(members) > 1 or among.has_edge(members[0], members[0])
        if cyclic and all(a[m, members].sum() >= 1 - 1e-9 for m in members):
            loops.append(members)
    active = ~seeds
    active[[m for members in loops for m in members]] = False
    x = np.where(seeds, 1.0, 0.0)
    b = graph.offset + a[:, seeds].sum(axis=1)
    x[active] = np.linalg.solve(np.eye(int(active.sum())) - a[np.ix_(active, active)], b[active])
    return x, sorted(loops)


@contextmanager
def solver_path(path: str) -> Iterator[None]:
    """Force one of the solver's paths: all groups factored (the default), none (each solved on its own,
    densely), the iterative solve for groups of more than 2, or components not numbered in scipy's order."""
    with pytest.MonkeyPatch.context() as patch:
        if path == "unfactored":
            patch.setattr(engine, "_FACTOR_FLOOR", 0)
            patch.setattr(engine, "_FACTOR_PER_ITEM", 0)
        elif path == "iterative":
            patch.setattr(engine, "_DENSE_LIMIT", 2)
        elif path == "unordered":
            strong = Components.strong

            def reversed_labels(n: int, holder: np.ndarray, subject: np.ndarray) -> Components:
                found = strong(n, holder, subject)
                return Components.of(found.count, found.count - 1 - found.label)

            patch.setattr(Components, "strong", staticmethod(reversed_labels))
        yield


@pytest.mark.parametrize("path", ["factored", "unfactored", "iterative", "unordered"])
@settings(deadline=None, max_examples=150)
@given(graph=layered())
def test_agrees_with_a_dense_solve(path: str, graph: Layered) -> None:
    expected, loops = dense_lookthrough(graph)
    with solver_path(path):
        out = lookthrough(graph.edges(), graph.seeds, graph.offset)
        found = closed_loops(graph.edges(), graph.seeds)
    assert sorted(m.tolist() for m in out.closed_loops) == loops
    assert sorted(m.tolist() for m in found) == loops
    np.testing.assert_allclose(out.figure, expected, rtol=0, atol=1e-12)
