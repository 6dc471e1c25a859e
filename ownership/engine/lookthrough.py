"""Look-through ("multiply along chains", integrated ownership) as one sparse linear system.

For an entity e with holders h and stakes W[h, e], the share of e that ultimately belongs to the watched
set is

    x(e) = offset(e) + sum_h W[h, e] * (1 if h is a home entity else x(h))

Read upward this is an absorbing random walk: from e, step to holder h with probability W[h, e]; the walk
is absorbed at a home entity (value 1), at an ultimate owner outside the watched set (value 0), or leaves
the data through the unallocated remainder (worth ``offset``: 0 for the low bound, the remainder itself
for the high bound). Walks that revisit entities are counted, which is what summing over simple paths
gets wrong for cross-holdings.

A strongly connected group whose members are held only by each other (A owns 100% of B and B 100% of A)
has no ultimate owner: the walk never ends and the system is singular there. Such *closed loops* are
detected from the component structure and given the figure 0 with a warning, instead of a crash or NaN.
Every other component leaks somewhere, so the remaining system ``(I - A) x = b`` is non-singular.

References: domain notes section 2.2; Vitali, Glattfelder & Battiston (2011), "The network of global
corporate control", for integrated ownership as (I - A)^-1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve

from ownership.engine.cascade import BoolArray, Edges, FloatArray, IntArray

#: A component counts as closed when every member's stakes from inside it sum to 1 within this.
CLOSURE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class LookthroughOutcome:
    """Result of one look-through evaluation.

    Attributes:
        figure: per entity, the fraction 0..1 of its equity that ultimately belongs to the watched set
            (1.0 for home entities, 0.0 for members of closed loops).
        closed_loops: the member indices of each closed loop found.
    """

    figure: FloatArray
    closed_loops: tuple[IntArray, ...]


def closed_loops(edges: Edges, absorbing: BoolArray) -> tuple[IntArray, ...]:
    """Strongly connected groups of non-absorbing entities held only by each other, in full.

    Args:
        edges: holdings with stakes (fractions).
        absorbing: entities where the walk stops (home entities); they are never part of a closed loop.
    """
    n = edges.n
    inner = ~absorbing[edges.holder] & ~absorbing[edges.subject]
    h, s = edges.holder[inner], edges.subject[inner]
    graph = sparse.csr_matrix((np.ones(h.size), (h, s)), shape=(n, n))
    count, labels = connected_components(graph, directed=True, connection="strong")
    same = labels[h] == labels[s]
    inflow = np.bincount(s[same], weights=edges.weight[inner][same], minlength=n)
    leaky = (inflow < 1.0 - CLOSURE_TOLERANCE) | absorbing
    sizes = np.bincount(labels, minlength=count)
    open_members = np.bincount(labels, weights=leaky.astype(np.float64), minlength=count)
    closed_labels = np.flatnonzero((sizes > 1) & (open_members == 0))
    if closed_labels.size == 0:
        return ()
    order = np.argsort(labels, kind="stable")
    groups = []
    for label in closed_labels:
        members = order[np.searchsorted(labels[order], label) :][: sizes[label]]
        groups.append(np.sort(members).astype(np.int64))
    return tuple(groups)


def lookthrough(edges: Edges, seeds: BoolArray, offset: FloatArray) -> LookthroughOutcome:
    """Solve the look-through system for every entity.

    Args:
        edges: holdings with stakes (fractions 0..1; a subject's stakes sum to at most 1).
        seeds: home entities (absorbing, figure 1).
        offset: per entity, the fraction counted as belonging to the watched set without a named holder.

    Returns:
        Figures (fractions 0..1) and the closed loops that were set to 0.
    """
    n = edges.n
    loops = closed_loops(edges, seeds)
    fixed = seeds.copy()
    for members in loops:
        fixed[members] = True

    active = np.flatnonzero(~fixed)
    figure = np.zeros(n, dtype=np.float64)
    figure[seeds] = 1.0
    if active.size:
        position = np.full(n, -1, dtype=np.int64)
        position[active] = np.arange(active.size, dtype=np.int64)
        to_active = position[edges.subject] >= 0
        from_seed = to_active & seeds[edges.holder]
        from_active = to_active & (position[edges.holder] >= 0)

        b = offset[active].astype(np.float64, copy=True)
        np.add.at(b, position[edges.subject[from_seed]], edges.weight[from_seed])
        m = active.size
        a = sparse.csc_matrix(
            (
                edges.weight[from_active],
                (position[edges.subject[from_active]], position[edges.holder[from_active]]),
            ),
            shape=(m, m),
        )
        system = (sparse.identity(m, format="csc") - a).tocsc()
        solution = np.atleast_1d(spsolve(system, b))
        figure[active] = np.clip(solution, 0.0, 1.0)
    return LookthroughOutcome(figure, loops)


__all__ = ["BoolArray", "FloatArray", "IntArray", "LookthroughOutcome", "closed_loops", "lookthrough"]
