"""Holdings as arrays: the one shape every engine step, the reach search and the explanations take.

Kept apart from the algorithms that use it so that they import it and never one another in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def distinct(values: IntArray) -> IntArray:
    """The distinct values of an integer array, ascending: what ``np.unique`` gives, by a sort.

    numpy 2.3 and later answer a plain ``np.unique`` on integers with a hash table, which on this project's
    arrays is 10 to 40 times slower than sorting and dropping repeats (2M entity indices: 2.4 s against 0.06 s
    with numpy 2.4), and far worse on keys such as ``party * n + entity`` that collide in it; the engine's
    frontiers and pair keys use this instead.
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered.astype(np.int64, copy=False)
    keep = np.empty(ordered.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    found: IntArray = ordered[keep].astype(np.int64, copy=False)
    return found


@dataclass(frozen=True)
class Edges:
    """Holdings as parallel arrays, grouped by holder for fast "what does this holder own" slices.

    Attributes:
        n: number of entities (indices 0..n-1).
        holder, subject: entity index per holding.
        weight: stake per holding (fraction 0..1).
        by_holder: holding indices sorted by holder.
        holder_start: CSR pointer: the holdings of holder h are ``by_holder[holder_start[h]:holder_start[h+1]]``.
    """

    n: int
    holder: IntArray
    subject: IntArray
    weight: FloatArray
    by_holder: IntArray
    holder_start: IntArray

    @staticmethod
    def build(n: int, holder: IntArray, subject: IntArray, weight: FloatArray) -> Edges:
        order = stable_order(holder, n)
        counts = np.bincount(holder, minlength=n)
        start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        return Edges(n, holder, subject, weight, order, start)

    def reversed(self) -> Edges:
        """The same holdings grouped by subject: on the result, ``out_of([s])`` gives the holdings *in* s and
        ``subject`` holds their holders."""
        return Edges.build(self.n, self.subject, self.holder, self.weight)

    def out_of(self, holders: IntArray) -> IntArray:
        """Indices of the holdings whose holder is in ``holders`` (vectorised CSR gather)."""
        if holders.size == 0:
            return np.empty(0, dtype=np.int64)
        starts = self.holder_start[holders]
        lengths = self.holder_start[holders + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        # Position k within the concatenated ranges maps to starts[i] + (k - offset_i).
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.arange(total, dtype=np.int64) - offsets + np.repeat(starts, lengths)
        found: IntArray = self.by_holder[positions]
        return found


def stable_order(keys: IntArray, upper: int) -> IntArray:
    """The indices that sort ``keys`` (integers in 0..upper-1), equal keys in index order.

    Made unique by the index (``key * size + index``), the keys sort with numpy's vectorised quicksort,
    several times faster than its stable merge sort on millions of holdings; the same order either way.
    """
    size = int(keys.size)
    if upper * max(size, 1) < 2**62:
        order: IntArray = np.argsort(keys * size + np.arange(size, dtype=np.int64), kind="quicksort").astype(np.int64)
        return order
    fallback: IntArray = np.argsort(keys, kind="stable").astype(np.int64)
    return fallback
