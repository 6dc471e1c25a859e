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

How it is solved: with the entities ordered by component, holders' components first, ``I - A`` is block
lower triangular, one diagonal block per strongly connected component. Each small cross-holding block is
replaced by its LU factors (block = P L U, dense, with partial pivoting; all blocks of one size factored in
one batched call): its equations become ``L z = P^T y`` and ``U x = z``, both triangular. The whole
system is then one sparse triangular solve, however many levels or cross-holdings the graph has. Only
components too large to factor densely (rare), or past a memory budget, interrupt it: each is solved on
its own where the sweep reaches it.

References: docs/rules.md section 1.2; Vitali, Glattfelder & Battiston (2011), "The network of global
corporate control", for integrated ownership as (I - A)^-1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy import sparse
from scipy.sparse.linalg import bicgstab, spsolve, spsolve_triangular

from ownership.engine.components import CLOSURE_TOLERANCE, Components, closed_among, closed_components
from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, distinct
from ownership.engine.reach import downstream


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
    """Strongly connected groups of non-absorbing entities held only by each other, in full, each as its
    sorted member indices, the groups in the order of their first member.

    Args:
        edges: holdings with stakes (fractions).
        absorbing: entities where the walk stops (home entities); they are never part of a closed loop.
    """
    # A stake of 0 carries nothing, and as an edge it could join a closed loop to its leaking neighbours.
    inner = ~absorbing[edges.holder] & ~absorbing[edges.subject] & (edges.weight > 0)
    return closed_among(edges.n, edges.holder[inner], edges.subject[inner], edges.weight[inner])


def lookthrough(
    edges: Edges, seeds: BoolArray, offset: FloatArray, same_block: IntArray | None = None
) -> LookthroughOutcome:
    """Solve the look-through system for every entity.

    The cost is linear in the holdings plus the dense factorisation of each cross-holding group (cubic in
    its size, at most a few hundred members; larger groups are solved iteratively); no path is ever
    enumerated and there is no loop over the levels of the ownership tree. Only the entities downstream of
    a seed or of an offset can have a figure above 0, so the system is set up and solved for them alone.

    Args:
        edges: holdings with stakes (fractions 0..1; a subject's stakes sum to at most 1).
        seeds: home entities (absorbing, figure 1).
        offset: per entity, the fraction counted as belonging to the watched set without a named holder.
        same_block: when given, per entity a number such that two cross-holding groups whose members (in
            ascending index) have the same numbers have the same block (copies of one group, such as
            the per-party copies of ``ownership.engine.parties``): each such block is factored once.

    Returns:
        Figures (fractions 0..1) and the closed loops that were set to 0.
    """
    n = edges.n
    x = np.zeros(n, dtype=np.float64)
    x[seeds] = 1.0
    # Elsewhere the system is homogeneous (no seed holds in, no offset), so its solution is 0: the figures
    # there are 0 without solving, and only their closed loops remain to be found for the warning.
    inside = downstream(edges, np.flatnonzero(seeds | (offset != 0)).astype(np.int64)) & ~seeds
    outside = ~seeds & ~inside
    rest = outside[edges.holder] & outside[edges.subject] & (edges.weight > 0)
    loops = list(closed_among(n, edges.holder[rest], edges.subject[rest], edges.weight[rest]))

    # Stakes of 0 carry nothing; left in, one could join a loop held in full (a closed loop, singular) to
    # entities outside it into one strong component, which then would not be seen as closed.
    into = inside[edges.subject] & (edges.weight > 0)
    h, s, w = edges.holder[into], edges.subject[into], edges.weight[into]
    from_seed = seeds[h]
    b = np.where(inside, offset, 0.0) + np.bincount(s[from_seed], weights=w[from_seed], minlength=n)
    # Holders outside both (neither seeds nor downstream of one) have the figure 0: their stakes add nothing.
    among = inside[h]
    nodes = np.flatnonzero(inside).astype(np.int64)
    k = nodes.size
    if k:
        position = np.zeros(n, dtype=np.int64)
        position[nodes] = np.arange(k, dtype=np.int64)
        h, s, w = position[h[among]], position[s[among]], w[among]
        # Every entity downstream of one inside is inside too, so the strong components among these
        # entities are whole components of the graph, and the closed ones are closed loops of the graph.
        components = Components.strong(k, h, s)
        local_loops = closed_components(components, h, s, w, np.zeros(k, dtype=np.bool_))
        loops += [nodes[members] for members in local_loops]
        active = np.ones(k, dtype=np.bool_)
        for members in local_loops:
            active[members] = False
        inner = active[h] & active[s]
        h, s, w = h[inner], s[inner], w[inner]
        loop = h == s
        # A self-holding (not produced by the readers, but valid input here) divides the rest:
        # x = (b + Ax) / (1 - w).
        keep = (1.0 - np.bincount(s[loop], weights=w[loop], minlength=k)).astype(np.float64)
        h, s, w = h[~loop], s[~loop], w[~loop]
        if active.any():
            copies = None if same_block is None else same_block[nodes]
            rhs = np.where(active, b[nodes], 0.0)
            del b, position  # freed before the solve's peak (``_solve``)
            x[nodes[active]] = _solve(components, active, h, s, w, keep, rhs, copies)[active]
    loops.sort(key=lambda members: int(members[0]))
    return LookthroughOutcome(np.clip(x, 0.0, 1.0), tuple(loops))


#: Cross-holding groups up to this size are solved densely (factored into the sweep, or alone past the
#: budget below); larger ones iteratively.
_DENSE_LIMIT = 500
#: How many dense-factor entries (the sum of the squared group sizes) may be kept at once: a floor, plus
#: this many per active entity and holding, so that memory stays linear in the input.
_FACTOR_FLOOR = 1_000_000
_FACTOR_PER_ITEM = 2
#: Largest acceptable residual of an iterative solve (fractions; far below the 1e-9 verdict tolerance).
_RESIDUAL_LIMIT = 1e-12


def _solve(
    components: Components,
    active: BoolArray,
    holder: IntArray,
    subject: IntArray,
    weight: FloatArray,
    keep: FloatArray,
    b: FloatArray,
    same_block: IntArray | None = None,
) -> FloatArray:
    """x per entity (meaningful at the active entities) from ``keep x - A x = b`` among the active entities,
    where ``holder -> subject`` with stakes ``weight`` are the holdings among them (no self-holdings).

    The unknowns are laid out component by component in topological order. A singleton, or a member of a
    component solved on its own, has one unknown and its own equation. A factored component of k members
    has 2k unknowns: first z, for ``L z = P^T y`` (y being the members' right-hand sides, holdings from
    outside the component included), then the members' x in reverse order, for ``U x = z``, so both
    halves are lower triangular. Every row is divided by its diagonal, so the sweep needs no division.
    """
    label, size, count = components.label, components.size, components.count
    live = np.zeros(count, dtype=np.bool_)
    live[label[active]] = True
    rank = components.topological_rank(holder, subject)
    factored = _choose_factored(size, live, _FACTOR_FLOOR + _FACTOR_PER_ITEM * (int(active.sum()) + holder.size))
    width = np.where(factored, 2 * size, size) * live
    order = np.argsort(rank, kind="stable")
    first = np.empty(count, dtype=np.int64)  # per component, its first unknown
    first[order] = np.cumsum(width[order]) - width[order]
    total = int(width.sum())

    local = components.local()
    on_factored = factored[label]
    column = np.where(on_factored, first[label] + 2 * size[label] - 1 - local, first[label] + local)
    row = column.copy()  # where each entity's equation sits; pivoting moves it within a factored component
    diagonal = np.ones(total, dtype=np.float64)
    inside = factored[label[subject]] & (label[holder] == label[subject])
    within = (holder[inside], subject[inside], weight[inside])
    blocks = _factor(components, factored, first, local, keep, within, same_block)
    for members, pivot, triangles in blocks:
        row[members] = first[label[members]] + pivot
        diagonal[triangles.diagonal_at] = triangles.diagonal
    plain = np.flatnonzero(active & ~on_factored)
    diagonal[column[plain]] = keep[plain]
    outside = ~inside
    matrix = _assemble(
        [
            (row[subject[outside]], column[holder[outside]], -weight[outside]),
            (column[plain], column[plain], keep[plain]),
            *((t.rows, t.cols, t.values) for _, _, t in blocks),
        ],
        diagonal,
    )
    rhs = np.zeros(total, dtype=np.float64)
    rhs[row[active]] = b[active]
    rhs /= diagonal

    alone = np.flatnonzero(live & ~factored & (size > 1))
    alone = alone[np.argsort(rank[alone], kind="stable")]
    spans = list(zip(first[alone].tolist(), (first[alone] + size[alone]).tolist(), strict=True))
    # The layout arrays are freed before the sweep, whose solver makes copies of the matrix: on a register
    # of millions of entities each is tens of megabytes, and together they set the check's peak.
    del rank, order, first, width, local, on_factored, row, diagonal, inside, within, blocks, plain, outside
    solution = _sweep(matrix, rhs, spans)
    x = np.zeros(label.size, dtype=np.float64)
    x[active] = solution[column[active]]
    return x


def _assemble(entries: list[tuple[IntArray, IntArray, FloatArray]], diagonal: FloatArray) -> sparse.csr_matrix:
    """The system from (rows, columns, values) entries, each row divided by its diagonal."""
    at = np.concatenate([e[0] for e in entries])
    value = np.concatenate([e[2] for e in entries]) / diagonal[at]
    return sparse.csr_matrix((value, (at, np.concatenate([e[1] for e in entries]))), shape=(diagonal.size,) * 2)


def _choose_factored(size: IntArray, live: BoolArray, budget: int) -> BoolArray:
    """The cross-holding components to factor densely: the smallest first, while their squared sizes fit
    in ``budget``."""
    candidate = np.flatnonzero(live & (size > 1) & (size <= _DENSE_LIMIT))
    candidate = candidate[np.argsort(size[candidate], kind="stable")]
    fits = np.cumsum(size[candidate] ** 2) <= budget
    factored = np.zeros(size.size, dtype=np.bool_)
    factored[candidate[fits]] = True
    return factored


@dataclass(frozen=True)
class _Triangles:
    """The triangular rows that replace factored components: entries (row, column, value, in the system's
    numbering), and the diagonal of the rows that do not have 1 there (``diagonal_at``)."""

    rows: IntArray
    cols: IntArray
    values: FloatArray
    diagonal_at: IntArray
    diagonal: FloatArray


def _factor(
    components: Components,
    factored: BoolArray,
    first: IntArray,
    local: IntArray,
    keep: FloatArray,
    within: tuple[IntArray, IntArray, FloatArray],
    same_block: IntArray | None = None,
) -> list[tuple[IntArray, IntArray, _Triangles]]:
    """LU-factor the ``factored`` components, all those of one size in one batched call.

    Args:
        first: per component, its first unknown; local: per entity, its position in its component.
        within: the holdings inside factored components (holder, subject, stake).
        same_block: see ``lookthrough``: components of one size whose members have the same numbers here
            are factored once, and each copy takes that block's factors.

    Returns:
        Per size: the members (components by row), the row of each member's equation relative to its
        component's first unknown, and the triangular rows.
    """
    holder, subject, weight = within
    label, size = components.label, components.size
    chosen = np.flatnonzero(factored)
    chosen = chosen[np.argsort(size[chosen], kind="stable")]
    slot = np.zeros(size.size, dtype=np.int64)  # position of a component among those of its size
    by_size = np.argsort(size[label[subject]], kind="stable")
    holder, subject, weight = holder[by_size], subject[by_size], weight[by_size]
    edge_size = size[label[subject]]
    found = []
    for k in distinct(size[chosen]).tolist():
        group = chosen[np.searchsorted(size[chosen], k) : np.searchsorted(size[chosen], k, side="right")]
        g = group.size
        slot[group] = np.arange(g, dtype=np.int64)
        members = components.block(group, k)
        if same_block is None:
            one, copy_of = np.arange(g, dtype=np.int64), np.arange(g, dtype=np.int64)
        else:
            _, one, copy_of = np.unique(same_block[members], axis=0, return_index=True, return_inverse=True)
            one, copy_of = one.astype(np.int64), copy_of.reshape(-1).astype(np.int64)
        u = one.size
        # Position of each factored block among the distinct ones (-1 for a copy of an earlier one).
        distinct_at = np.full(g, -1, dtype=np.int64)
        distinct_at[one] = np.arange(u, dtype=np.int64)
        lo, hi = np.searchsorted(edge_size, k), np.searchsorted(edge_size, k, side="right")
        h, s, wk = holder[lo:hi], subject[lo:hi], weight[lo:hi]
        at_block = distinct_at[slot[label[s]]]
        mine = at_block >= 0
        h, s, wk, at_block = h[mine], s[mine], wk[mine], at_block[mine]
        span = np.arange(k, dtype=np.int64)
        stack = np.zeros((u, k, k), dtype=np.float64)
        stack[:, span, span] = keep[members[one]]
        flat = (at_block * k + local[s]) * k + local[h]
        stack.reshape(-1)[:] -= np.bincount(flat, weights=wk, minlength=u * k * k)
        # stack[c] = lower[c][perm[c]] @ upper[c]: member r's equation is row perm[r] of L z = P^T y.
        perm_one, lower, upper = scipy.linalg.lu(stack, p_indices=True)
        perm = perm_one[copy_of]
        head = first[group]
        # The row of x_i sits at 2k - 1 - i: sum_(j >= i) U_ij x_j - z_i = 0.
        x_at = head[:, None] + 2 * k - 1 - span
        c, q, j, lower_values = _copied_entries(np.tril(lower), copy_of)
        d, i, m, upper_values = _copied_entries(np.triu(upper), copy_of)
        triangles = _Triangles(
            np.concatenate([head[c] + q, head[d] + 2 * k - 1 - i, x_at.ravel()]),
            np.concatenate([head[c] + j, head[d] + 2 * k - 1 - m, (head[:, None] + span).ravel()]),
            np.concatenate([lower_values, upper_values, np.full(g * k, -1.0)]),
            x_at.ravel(),
            upper[:, span, span][copy_of].ravel(),
        )
        found.append((members, perm.astype(np.int64), triangles))
    return found


def _copied_entries(blocks: FloatArray, copy_of: IntArray) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """The nonzero entries of ``blocks[copy_of]`` as (copy, row, column, value), copy by copy and row by row
    within one (as ``np.nonzero`` lists them), without making the copies."""
    block, row, col = np.nonzero(blocks)
    counts = np.bincount(block, minlength=blocks.shape[0])
    starts = np.cumsum(counts) - counts
    per_copy = counts[copy_of]
    total = int(per_copy.sum())
    copy = np.repeat(np.arange(copy_of.size, dtype=np.int64), per_copy)
    at = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per_copy) - per_copy, per_copy)
    at += np.repeat(starts[copy_of], per_copy)
    return copy, row[at].astype(np.int64), col[at].astype(np.int64), blocks[block[at], row[at], col[at]]


def _sweep(matrix: sparse.csr_matrix, rhs: FloatArray, alone: Iterable[tuple[int, int]]) -> FloatArray:
    """Solve the block lower triangular ``matrix``: one forward substitution from block to block, each
    component solved on its own (rows ``lo:hi`` of ``alone``, in order) where the sweep reaches it."""
    total = matrix.shape[0]
    solution = np.zeros(total, dtype=np.float64)
    start = 0
    for lo, hi in (*alone, (total, total)):
        if lo > start:
            solution[start:lo] = _forward(matrix, rhs, solution, start, lo)
        if hi > lo:
            solution[lo:hi] = _solve_block(matrix, rhs, solution, lo, hi)
        start = hi
    return solution


def _forward(matrix: sparse.csr_matrix, rhs: FloatArray, solution: FloatArray, lo: int, hi: int) -> FloatArray:
    """Forward substitution over rows ``lo:hi``, whose unknowns before ``lo`` are solved already (and the
    rest of ``solution`` still 0)."""
    if lo == 0 and hi == matrix.shape[0]:
        result: FloatArray = spsolve_triangular(matrix, rhs, lower=True, unit_diagonal=True)
        return result
    band = matrix[lo:hi]
    known = rhs[lo:hi] - band @ solution if lo else rhs[lo:hi]
    square = band[:, lo:hi]
    result = spsolve_triangular(square, known, lower=True, unit_diagonal=True)
    return result


def _solve_block(matrix: sparse.csr_matrix, rhs: FloatArray, solution: FloatArray, lo: int, hi: int) -> FloatArray:
    """Solve one unfactored cross-holding group (rows ``lo:hi``), its holders outside it being solved."""
    band = matrix[lo:hi]
    known = rhs[lo:hi] - band @ solution
    system = band[:, lo:hi]
    if hi - lo <= _DENSE_LIMIT:
        # Dense LU with partial pivoting: exact to rounding.
        dense: FloatArray = np.linalg.solve(system.toarray(), known)
        return dense
    # Large groups: sparse LU suffers heavy fill-in on registry-like cross-holdings (seconds for 20,000
    # members), while BiCGSTAB converges in a few dozen matrix products because I - A is diagonally
    # dominant by rows. The residual is checked, with sparse LU as the fallback.
    iterated, info = bicgstab(system, known, rtol=1e-14, atol=1e-15, maxiter=20 * (hi - lo))
    if info != 0 or np.abs(system @ iterated - known).max() > _RESIDUAL_LIMIT:
        exact: FloatArray = spsolve(system.tocsc(), known)
        return exact
    result: FloatArray = iterated
    return result


__all__ = [
    "CLOSURE_TOLERANCE",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "LookthroughOutcome",
    "closed_loops",
    "lookthrough",
]
