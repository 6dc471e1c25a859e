"""Which entities lie downstream of others: one breadth-first search in compiled code, however deep the graph.

A search that expands one level per numpy round costs a round per level, which a 100,000-level chain
turns into minutes. scipy's ``breadth_first_order`` visits every holding once in C; the several start
entities become the holdings of one extra virtual entity, from which the search begins.
"""

from __future__ import annotations

import numpy as np

from ownership.engine.edges import BoolArray, Edges, IntArray


def downstream(edges: Edges | list[Edges], starts: IntArray, through: BoolArray | None = None) -> BoolArray:
    """Per entity, whether a chain of holdings leads to it from one of ``starts`` (the starts included).

    Args:
        edges: the holdings (several sets are searched as one).
        starts: entity indices the chains begin at.
        through: when given, chains continue only from entities marked here (the starts included); the
            last holding of a chain may still end anywhere.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order

    sets = edges if isinstance(edges, list) else [edges]
    n = sets[0].n
    reached = np.zeros(n, dtype=np.bool_)
    reached[starts] = True
    if starts.size == 0:
        return reached
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
