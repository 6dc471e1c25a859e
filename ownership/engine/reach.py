"""Which entities lie downstream of others: the one reachability search of the engine and the explanations.

Two ways of searching, chosen as the search goes. Level by level in numpy (the holdings out of the current
frontier gathered at once) costs only what the search reaches, which keeps a search from one party or one
explained entity small on a registry of millions. But each level costs a numpy round, which a
100,000-level chain turns into minutes; so once the rounds so far have cost about what one pass over the
whole graph would, the search finishes with scipy's ``breadth_first_order``, which visits every holding
once in compiled code (the several start entities become the holdings of one extra virtual entity).
"""

from __future__ import annotations

import numpy as np

from ownership.engine.edges import BoolArray, Edges, IntArray, distinct

#: What one level-by-level round costs, in entities and holdings of a compiled pass (a round is a handful
#: of numpy calls, tens of microseconds; a compiled pass costs tens of nanoseconds per entity and holding).
_ROUND_COST = 1_000


def downstream(edges: Edges | list[Edges], starts: IntArray, through: BoolArray | None = None) -> BoolArray:
    """Per entity, whether a chain of holdings leads to it from one of ``starts`` (the starts included).

    Args:
        edges: the holdings (several sets, such as equity and control rows, are searched as one).
        starts: entity indices the chains begin at.
        through: when given, chains continue only from entities marked here (the starts included); the
            last holding of a chain may still end anywhere.
    """
    sets = edges if isinstance(edges, list) else [edges]
    n = sets[0].n
    reached = np.zeros(n, dtype=np.bool_)
    reached[starts] = True
    frontier = distinct(starts).astype(np.int64)
    for _ in range(_rounds(n + sum(e.holder.size for e in sets))):
        if through is not None:
            frontier = frontier[through[frontier]]
        if not frontier.size:
            return reached
        found = [e.subject[e.out_of(frontier)] for e in sets]
        following = distinct(np.concatenate(found)) if len(found) > 1 else distinct(found[0])
        frontier = following[~reached[following]]
        reached[frontier] = True
    if through is not None:
        frontier = frontier[through[frontier]]
    if frontier.size:
        reached |= _compiled(sets, frontier, through)
    return reached


def _rounds(size: int) -> int:
    """How many levels to search round by round on a graph of ``size`` entities and holdings."""
    return size // _ROUND_COST + 1


def _compiled(sets: list[Edges], starts: IntArray, through: BoolArray | None) -> BoolArray:
    """``downstream`` in one compiled breadth-first search over every holding."""
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order

    n = sets[0].n
    reached = np.zeros(n, dtype=np.bool_)
    reached[starts] = True
    rows = [_rows(e, through) for e in sets]
    counts = sum(np.diff(start) for start, _ in rows)
    indptr = np.zeros(n + 2, dtype=np.int64)
    np.cumsum(counts, out=indptr[1 : n + 1])
    indptr[n + 1] = indptr[n] + starts.size
    if len(rows) == 1:
        indices = rows[0][1]
    else:
        # Merge the sets row by row: each holding goes after the ones its holder already has.
        holder = np.concatenate([np.repeat(np.arange(n, dtype=np.int64), np.diff(start)) for start, _ in rows])
        order = np.argsort(holder, kind="stable")
        indices = np.concatenate([subjects for _, subjects in rows])[order]
    indices = np.concatenate([indices, starts]).astype(np.int32)
    graph = sparse.csr_matrix((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(n + 1, n + 1))
    found = breadth_first_order(graph, n, directed=True, return_predecessors=False)
    reached[found[found < n]] = True
    return reached


def _rows(edges: Edges, through: BoolArray | None) -> tuple[IntArray, IntArray]:
    """The holdings as CSR rows by holder (pointer, subjects), rows emptied for holders not in ``through``."""
    subjects: IntArray = edges.subject[edges.by_holder]
    if through is None:
        return edges.holder_start, subjects
    lengths = np.diff(edges.holder_start) * through
    start = np.zeros(edges.n + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    kept: IntArray = subjects[np.repeat(through, np.diff(edges.holder_start))]
    return start, kept
