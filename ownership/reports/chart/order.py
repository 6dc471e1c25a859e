"""The combinatorial half of the structure chart's layout: which row each entity goes in, and the order within rows.

The classic Sugiyama scheme, deterministic for a given input order:

1. Cycles (cross-holdings) are broken for layering only: a depth-first search from the ultimate owners, visiting
   the largest stakes first, marks the holdings that close a loop; they are laid out reversed and drawn upward.
2. Rows are the longest path from the ultimate owners; an ultimate owner then sits just above the highest
   entity it holds, so a person holding one company at the bottom is drawn next to it, not five rows up.
   Rows holding more boxes than fit a page are stacked (owners sent up, holdings sent down).
3. Holdings spanning several rows pass through narrow placeholder slots (nodes numbered from ``count`` up), so
   lines never cut across boxes.
4. Crossings are reduced by barycentre sweeps within rows and swaps of neighbours, keeping the best order found.

Nodes are indices 0..count-1; an edge is a pair (upper, lower) once oriented.

References: K. Sugiyama, S. Tagawa, M. Toda, "Methods for visual understanding of hierarchical system
structures", IEEE Trans. SMC 11(2), 1981; E. R. Gansner, E. Koutsofios, S. C. North, K.-P. Vo, "A technique for
drawing directed graphs", IEEE Trans. Software Eng. 19(3), 1993 (the transpose step).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Protocol

#: A row wider than this many boxes is stacked.
MAX_BOXES_PER_LAYER = 7
_SWEEPS = 12


class Weighted(Protocol):
    """An edge as the cycle search needs it."""

    @property
    def holder(self) -> int: ...
    @property
    def subject(self) -> int: ...
    @property
    def weight(self) -> float: ...


def cycle_edges(count: int, edges: Sequence[Weighted], live: list[int]) -> set[int]:
    """Edges that close a cycle in a depth-first search from the ultimate owners (largest stakes first)."""
    out: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for k in live:
        out[edges[k].holder].append(k)
        indegree[edges[k].subject] += 1
    for row in out:
        row.sort(key=lambda k: (-edges[k].weight, edges[k].subject))
    state = [0] * count  # 0 unseen, 1 on the stack, 2 done
    back: set[int] = set()
    roots = [v for v in range(count) if indegree[v] == 0] + list(range(count))
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            node, i = stack[-1]
            if i < len(out[node]):
                stack[-1] = (node, i + 1)
                k = out[node][i]
                child = edges[k].subject
                if state[child] == 1:
                    back.add(k)
                elif state[child] == 0:
                    state[child] = 1
                    stack.append((child, 0))
            else:
                state[node] = 2
                stack.pop()
    return back


def assign_layers(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Longest path from the sources, ultimate owners pulled down to just above what they hold, wide layers
    stacked."""
    children: list[list[int]] = [[] for _ in range(count)]
    parents: list[list[int]] = [[] for _ in range(count)]
    for u, v in pairs:
        children[u].append(v)
        parents[v].append(u)
    indegree = [len(p) for p in parents]
    ready = [v for v in range(count) if indegree[v] == 0]
    topo: list[int] = []
    while ready:
        ready.sort(reverse=True)
        v = ready.pop()
        topo.append(v)
        for c in children[v]:
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    layer = [0] * count
    for v in topo:
        for c in children[v]:
            layer[c] = max(layer[c], layer[v] + 1)
    sources = [v for v in range(count) if not parents[v] and children[v]]
    for v in sources:
        layer[v] = min(layer[c] for c in children[v]) - 1
    return _limit_width(layer, children, set(sources))


def _limit_width(layer: list[int], children: list[list[int]], sources: set[int]) -> list[int]:
    """Stack layers wider than ``MAX_BOXES_PER_LAYER`` boxes, top down: ultimate owners go up a row (opening a
    row when the one above is full), others go down a row with whatever they hold, cheapest moves first and
    entities listed last first, so the first owners (usually the largest) stay next to what they hold."""
    cap = MAX_BOXES_PER_LAYER
    layer = list(layer)
    k = 0
    for _ in range(10 * len(layer) + 10):
        row = [v for v in range(len(layer)) if layer[v] == k]
        if not row:
            break
        excess = len(row) - cap
        if excess <= 0:
            k += 1
            continue
        up = [v for v in row if v in sources]
        above = sum(1 for x in layer if x == k - 1) if k > 0 else cap
        # A new row is opened only on top (stacking the ultimate owners) or when nothing else can move.
        if up and (above < cap or k == 0 or len(up) == len(row)):
            if above >= cap:
                layer = [x + 1 if x >= k else x for x in layer]
                k, above = k + 1, 0
            n = min(len(up), excess, cap - above)
            for v in up[len(up) - n :]:
                layer[v] = k - 1
            continue
        moves = [(_push_down(v, layer, children), v) for v in row if v not in sources]
        _, chosen = min(moves, key=lambda m: (len(m[0]), -m[1]))
        for v, lay in _push_down(chosen, layer, children).items():
            layer[v] = lay
    # Pushing rows down may have left owners far above what they hold: bring them back where there is room.
    sizes: dict[int, int] = {}
    for x in layer:
        sizes[x] = sizes.get(x, 0) + 1
    for v in sorted(sources):
        target = min(layer[c] for c in children[v]) - 1
        if target > layer[v] and sizes.get(target, 0) < cap:
            sizes[layer[v]] -= 1
            sizes[target] = sizes.get(target, 0) + 1
            layer[v] = target
    # Close rows left empty, keeping the order of the others.
    rank = {x: i for i, x in enumerate(sorted(set(layer)))}
    return [rank[x] for x in layer]


def _push_down(v: int, layer: list[int], children: list[list[int]]) -> dict[int, int]:
    """The new layers of ``v`` and of what it holds when ``v`` moves down one row."""
    moved = {v: layer[v] + 1}
    stack = [v]
    while stack:
        u = stack.pop()
        for c in children[u]:
            if moved.get(c, layer[c]) <= moved[u]:
                moved[c] = moved[u] + 1
                stack.append(c)
    return moved


def proper_graph(
    count: int, layer: list[int], oriented: dict[int, tuple[int, int]]
) -> tuple[list[list[int]], dict[int, list[int]]]:
    """Layers as ordered node lists with a slot node (index >= count) per layer an edge crosses.

    Returns the layers and each edge's chain of nodes from its upper to its lower end.
    """
    depth = max(layer, default=-1) + 1
    order: list[list[int]] = [[] for _ in range(depth)]
    for v in range(count):
        order[layer[v]].append(v)
    chains: dict[int, list[int]] = {}
    next_slot = count
    for k, (u, v) in oriented.items():
        chain = [u]
        for lay in range(layer[u] + 1, layer[v]):
            order[lay].append(next_slot)
            chain.append(next_slot)
            next_slot += 1
        chain.append(v)
        chains[k] = chain
    return order, chains


def neighbours(
    order: list[list[int]], chains: dict[int, list[int]]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Per node (slots included), the nodes it is linked to in the row above and in the row below."""
    up: dict[int, list[int]] = {v: [] for row in order for v in row}
    down: dict[int, list[int]] = {v: [] for row in order for v in row}
    for chain in chains.values():
        for a, b in itertools.pairwise(chain):
            down[a].append(b)
            up[b].append(a)
    return up, down


def crossings(upper: list[int], lower: list[int], down: dict[int, list[int]]) -> int:
    """Crossings between two adjacent layers: inversions among the edges sorted by their upper end."""
    pos = {v: i for i, v in enumerate(lower)}
    ends = [pos[w] for v in upper for w in sorted(down[v], key=pos.__getitem__)]
    tree = [0] * (len(lower) + 1)
    found = 0
    for seen, p in enumerate(ends):
        # Count earlier ends strictly to the right of p (Fenwick tree over positions).
        i, below = p + 1, 0
        while i > 0:
            below += tree[i]
            i -= i & -i
        found += seen - below
        i = p + 1
        while i <= len(lower):
            tree[i] += 1
            i += i & -i
    return found


def total_crossings(order: list[list[int]], down: dict[int, list[int]]) -> int:
    return sum(crossings(order[k], order[k + 1], down) for k in range(len(order) - 1))


def reduce_crossings(order: list[list[int]], chains: dict[int, list[int]]) -> None:
    """Barycentre sweeps down and up, in place, keeping the order with the fewest crossings."""
    up, down = neighbours(order, chains)
    best = [list(row) for row in order]
    best_crossings = total_crossings(order, down)
    for sweep in range(_SWEEPS):
        downward = sweep % 2 == 0
        rows = range(1, len(order)) if downward else range(len(order) - 2, -1, -1)
        for k in rows:
            adjacent = order[k - 1] if downward else order[k + 1]
            towards = up if downward else down
            pos = {v: (i + 0.5) / len(adjacent) for i, v in enumerate(adjacent)}
            row = order[k]
            keys = {}
            for i, v in enumerate(row):
                near = [pos[w] for w in towards[v]]
                keys[v] = (sum(near) / len(near) if near else (i + 0.5) / len(row), i)
            row.sort(key=keys.__getitem__)
        _transpose(order, up, down)
        found = total_crossings(order, down)
        if found < best_crossings:
            best_crossings = found
            best = [list(row) for row in order]
        if best_crossings == 0:
            break
    order[:] = best


def _pair_crossings(u: int, v: int, near: dict[int, list[int]], pos: dict[int, int]) -> int:
    """Crossings between the lines of ``u`` and ``v`` to one adjacent layer when ``u`` is left of ``v``."""
    return sum(1 for a in near[u] for b in near[v] if pos[a] > pos[b])


def _transpose(order: list[list[int]], up: dict[int, list[int]], down: dict[int, list[int]]) -> None:
    """Swap neighbours within a layer while that removes crossings (Gansner et al.'s transpose step)."""
    for _ in range(8):
        improved = False
        for k, row in enumerate(order):
            above = {v: i for i, v in enumerate(order[k - 1])} if k > 0 else {}
            below = {v: i for i, v in enumerate(order[k + 1])} if k + 1 < len(order) else {}
            for i in range(len(row) - 1):
                u, v = row[i], row[i + 1]
                now = _pair_crossings(u, v, up, above) + _pair_crossings(u, v, down, below)
                swapped = _pair_crossings(v, u, up, above) + _pair_crossings(v, u, down, below)
                if swapped < now:
                    row[i], row[i + 1] = v, u
                    improved = True
        if not improved:
            break


__all__ = [
    "MAX_BOXES_PER_LAYER",
    "assign_layers",
    "crossings",
    "cycle_edges",
    "neighbours",
    "proper_graph",
    "reduce_crossings",
    "total_crossings",
]
