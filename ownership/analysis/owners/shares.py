"""Who owns one entity, and how much: every owner's look-through share of it, from one linear solve.

Read upward, an entity's equity is an absorbing random walk (docs/rules.md section 1.2): from an entity,
step to holder h with probability equal to h's stake; the walk ends at an owner with no holders of its own,
leaves the data through shares no named holder holds (the unallocated remainder, and the whole equity of an
entity whose owners nobody recorded), or circles for ever in a group held only by itself (a closed loop).

With ``N(e)`` the expected number of times the walk from X visits e (X counted once at the start),

    N(h) = [h is X] + sum over subjects e of W[h, e] N(e)        for every entity the walk passes through,

one sparse system over X's upstream part. From that single solve:

* an owner o with no holders gets ``sum_e W[o, e] N(e)``: the share of X whose chain ends at o, which is
  X's look-through figure if o alone were watched. These shares and the unallocated part add up to 100%
  (less what a closed loop holds), however the companies in between hold each other;
* an intermediary i gets ``N(i) / R(i)``, the chance the walk passes through i at least once, where
  ``R(i)`` is the expected number of visits of a walk started at i (1 outside cross-holdings; the diagonal of
  the inverse of its cross-holding group's system otherwise). This too is X's look-through figure were i
  alone watched: the walk stops at the first visit;
* the unallocated part is ``sum_e remainder(e) N(e)``.

The high bound lets every unnamed share belong to the owner: for an owner with no holders that is exactly
its share plus the unallocated part; for an intermediary the same, less what leaves through its own
remainder after passing through it (an upper bound, since the walks that pass through it and then leave
through another remainder are counted twice).

References: docs/rules.md sections 1.2, 3.2 and 7; Vitali, Glattfelder & Battiston (2011), "The network of
global corporate control", PLoS ONE 6(10), for integrated ownership as a column of (I - A)^-1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ownership.engine.components import Components, closed_among
from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
from ownership.engine.reach import downstream

#: Cross-holding groups up to this size get the diagonal of their inverse densely; larger ones from one
#: sparse factorisation, one solve per member.
_DENSE_LIMIT = 1_000


@dataclass(frozen=True)
class Shares:
    """The look-through shares of one entity X, as fractions 0..1, over the graph's entities.

    Attributes:
        upstream: per entity, whether a chain of holdings leads from it to X (X included).
        top: per entity, upstream with no holders of its own (the walk ends there).
        low: per entity, the share of X held through it (its look-through figure in X were it alone watched,
            low stakes, nothing unnamed counted); 0 outside ``upstream`` and for X, unless X is an ultimate
            owner (then X owns itself: 1).
        high: the same when every unnamed share may belong to it (capped at 1).
        unallocated: the share of X whose chain ends in shares no named holder holds.
        closed: the share of X whose chain ends in a group held only by its own members (no ultimate owner).
    """

    upstream: BoolArray
    top: BoolArray
    low: FloatArray
    high: FloatArray
    unallocated: float
    closed: float


def shares(equity: Edges, remainder: FloatArray, x: int) -> Shares:
    """Every upstream entity's look-through share of entity ``x``.

    Args:
        equity: holdings with their low stakes (fractions; a subject's stakes sum to at most 1).
        remainder: per entity, the fraction of its equity no named holder holds (1 for an entity whose owners
            nobody recorded, 0 for an owner with no holders).
        x: the entity owned.

    Returns:
        The shares; ``sum(low[top]) + unallocated + closed == 1`` to rounding.
    """
    n = equity.n
    incoming = equity.reversed()
    upstream = downstream(incoming, np.array([x], dtype=np.int64))
    has_holders = np.bincount(equity.subject, minlength=n) > 0
    # A stake of 0 carries nothing; as an edge it could join a loop held in full to entities outside it,
    # hiding the loop and leaving its system singular.
    on = upstream[equity.holder] & upstream[equity.subject] & (equity.weight > 0)
    h_all, s_all, w_all = equity.holder[on], equity.subject[on], equity.weight[on]
    top = upstream & ~has_holders
    stuck = np.zeros(n, dtype=np.bool_)
    for members in closed_among(n, h_all, s_all, w_all):
        stuck[members] = True
    walk = upstream & ~stuck & ~(top & (remainder <= 0.0))  # where the walk passes (and may leave)
    low = np.zeros(n, dtype=np.float64)
    if stuck[x]:
        return Shares(upstream, top, low, low.copy(), 0.0, 1.0)
    if not walk[x]:
        # An ultimate owner owns itself, whole.
        low[x] = 1.0
        return Shares(upstream, top, low, low.copy(), 0.0, 0.0)

    nodes = np.flatnonzero(walk).astype(np.int64)
    k = nodes.size
    position = np.full(n, -1, dtype=np.int64)
    position[nodes] = np.arange(k, dtype=np.int64)
    inner = walk[h_all] & walk[s_all]
    h, s, w = position[h_all[inner]], position[s_all[inner]], w_all[inner]
    system = sparse.csc_matrix(
        (np.concatenate([np.ones(k), -w]), (np.concatenate([np.arange(k), h]), np.concatenate([np.arange(k), s]))),
        shape=(k, k),
    )
    unit = np.zeros(k, dtype=np.float64)
    unit[position[x]] = 1.0
    visits = _solve(system, unit)
    n_visits = np.zeros(n, dtype=np.float64)
    n_visits[nodes] = visits

    # Out of the walk: owners with no holders and closed loops take what their stakes in walked entities carry.
    leaving = walk[s_all] & ~walk[h_all]
    absorbed = np.bincount(h_all[leaving], weights=w_all[leaving] * n_visits[s_all[leaving]], minlength=n)
    unallocated = float(np.dot(remainder[nodes], visits))
    closed = float(absorbed[stuck].sum())

    returns = np.ones(n, dtype=np.float64)
    _returns(returns, nodes, h, s, w)
    low[nodes] = n_visits[nodes] / returns[nodes]
    low[~walk] = absorbed[~walk]
    low[x] = 0.0
    low[stuck] = 0.0
    np.clip(low, 0.0, 1.0, out=low)
    own_exit = remainder * n_visits
    high = np.where(upstream, np.minimum(low + max(unallocated, 0.0) - np.where(walk, own_exit, 0.0), 1.0), 0.0)
    high = np.maximum(high, low)
    high[x] = 0.0
    high[stuck] = 0.0
    return Shares(upstream, top, low, high, min(max(unallocated, 0.0), 1.0), min(max(closed, 0.0), 1.0))


def _solve(system: sparse.csc_matrix, rhs: FloatArray) -> FloatArray:
    """One sparse LU solve; the walk leaks from every group that is not closed, so the system is regular."""
    from scipy.sparse.linalg import spsolve

    if system.shape[0] == 1:
        single: FloatArray = rhs / float(system.toarray()[0, 0])
        return single
    solution: FloatArray = np.atleast_1d(spsolve(system, rhs))
    return solution


def _returns(returns: FloatArray, nodes: IntArray, h: IntArray, s: IntArray, w: FloatArray) -> None:
    """Set, for each walked entity in a cross-holding group, the expected visits of a walk started there
    (the diagonal of the group's inverse system); 1 stays elsewhere."""
    k = nodes.size
    if not h.size:
        return
    components = Components.strong(k, h, s)
    label = components.label
    same = label[h] == label[s]
    self_held = (h == s) & same
    groups = np.flatnonzero((components.size > 1) | (np.bincount(label[h[self_held]], minlength=components.count) > 0))
    for c in groups.tolist():
        members = components.members[components.start[c] : components.start[c + 1]]
        size = members.size
        local = np.full(k, -1, dtype=np.int64)
        local[members] = np.arange(size, dtype=np.int64)
        inside = same & (label[s] == c)
        hi, si, wi = local[h[inside]], local[s[inside]], w[inside]
        if size <= _DENSE_LIMIT:
            block = np.eye(size)
            np.add.at(block, (hi, si), -wi)
            diagonal = np.diag(np.linalg.inv(block))
        else:
            from scipy.sparse.linalg import splu

            block_sparse = sparse.csc_matrix(
                (np.concatenate([np.ones(size), -wi]), (np.r_[np.arange(size), hi], np.r_[np.arange(size), si])),
                shape=(size, size),
            )
            lu = splu(block_sparse)
            diagonal = np.empty(size)
            for j in range(size):
                e = np.zeros(size)
                e[j] = 1.0
                diagonal[j] = lu.solve(e)[j]
        returns[nodes[members]] = np.maximum(diagonal, 1.0)


__all__ = ["Shares", "shares"]
