"""Strongly connected components of a holdings graph: their members, a topological order, and closed loops.

A strongly connected component is a group of entities that hold each other, directly or through a chain
(a cross-holding); an entity in no such group is a component of its own. Between components the holdings
form an acyclic graph (the condensation), so the look-through can be solved component by component from
the top holders down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, distinct

#: A component counts as closed when every member's stakes from inside it sum to 1 within this.
CLOSURE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Components:
    """A partition of entities 0..n-1 into components.

    Attributes:
        count: number of components.
        label: per entity, its component (0..count-1).
        size: per component, its number of members.
        members: entity indices grouped by component (components in label order, members ascending).
        start: CSR pointer: the members of component c are ``members[start[c]:start[c+1]]``.
    """

    count: int
    label: IntArray
    size: IntArray
    members: IntArray
    start: IntArray

    @staticmethod
    def strong(n: int, holder: IntArray, subject: IntArray) -> Components:
        """The strongly connected components of the graph with holdings ``holder -> subject``."""
        graph = sparse.csr_matrix((np.ones(holder.size), (holder, subject)), shape=(n, n))
        count, labels = connected_components(graph, directed=True, connection="strong")
        return Components.of(int(count), labels.astype(np.int64))

    @staticmethod
    def of(count: int, label: IntArray) -> Components:
        """Components from a label per entity."""
        size = np.bincount(label, minlength=count).astype(np.int64)
        start = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(size, out=start[1:])
        return Components(count, label, size, np.argsort(label, kind="stable").astype(np.int64), start)

    def local(self) -> IntArray:
        """Per entity, its position 0..size-1 among its component's members (ascending entity index)."""
        position = np.empty(self.label.size, dtype=np.int64)
        position[self.members] = np.arange(self.label.size, dtype=np.int64) - self.start[self.label[self.members]]
        return position

    def block(self, labels: IntArray, size: int) -> IntArray:
        """The members of components ``labels``, all of ``size`` members, as a (len(labels), size) array."""
        found: IntArray = self.members[self.start[labels][:, None] + np.arange(size, dtype=np.int64)]
        return found

    def topological_rank(self, holder: IntArray, subject: IntArray) -> IntArray:
        """Per component, a rank such that every holding between two components goes from a lower rank to a
        higher one (holders before what they hold).

        ``holder`` and ``subject`` must be holdings of the graph the components were computed on (a subset
        is fine). Pearce's algorithm, which scipy uses, numbers components in reverse topological order;
        that is checked here, and a level-by-level sort is the fallback should it not hold.
        """
        above, below = self.label[holder], self.label[subject]
        between = above != below
        above, below = above[between], below[between]
        if bool((above > below).all()):
            rank: IntArray = self.count - 1 - np.arange(self.count, dtype=np.int64)
            return rank
        return _levelled_rank(self.count, above, below)


def _levelled_rank(count: int, above: IntArray, below: IntArray) -> IntArray:
    """Ranks from the longest-path level of each component in the condensation (Kahn's algorithm)."""
    down = Edges.build(count, above, below, np.ones(above.size))
    waiting = np.bincount(below, minlength=count)
    level = np.zeros(count, dtype=np.int64)
    frontier = np.flatnonzero(waiting == 0).astype(np.int64)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        depth += 1
        targets = down.subject[down.out_of(frontier)]
        np.subtract.at(waiting, targets, 1)
        targets = distinct(targets)
        frontier = targets[waiting[targets] == 0]
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(level, kind="stable")] = np.arange(count, dtype=np.int64)
    return rank


def closed_components(
    components: Components, holder: IntArray, subject: IntArray, weight: FloatArray, absorbing: BoolArray
) -> tuple[IntArray, ...]:
    """The components whose members are held only by each other, each as its sorted member indices.

    Args:
        components: strong components of the holdings ``holder -> subject`` (stakes ``weight``, fractions)
            among non-absorbing entities.
        absorbing: entities where the walk stops (home entities); never part of a closed loop.
    """
    labels, count, sizes = components.label, components.count, components.size
    same = labels[holder] == labels[subject]
    inflow = np.bincount(subject[same], weights=weight[same], minlength=labels.size)
    leaky = (inflow < 1.0 - CLOSURE_TOLERANCE) | absorbing
    self_held = np.bincount(labels[subject[holder == subject]], minlength=count) > 0
    open_members = np.bincount(labels, weights=leaky.astype(np.float64), minlength=count)
    closed = np.flatnonzero(((sizes > 1) | self_held) & (open_members == 0))
    starts = components.start
    return tuple(components.members[starts[c] : starts[c + 1]].copy() for c in closed.tolist())


def closed_among(n: int, holder: IntArray, subject: IntArray, weight: FloatArray) -> tuple[IntArray, ...]:
    """The closed loops of the graph with holdings ``holder -> subject`` (stakes ``weight``, fractions) on
    entities 0..n-1: whole strong components whose members are held only by each other.

    Only entities whose holders hold at least all of them can be in one, and in a registry those are few:
    the components are looked for among them alone. A group found there is a whole component of the graph
    unless something outside it holds a member; then (over-allocated input only) the whole graph decides.
    Each loop is given as its sorted member indices.
    """
    inflow = np.bincount(subject, weights=weight, minlength=n)
    candidate = inflow >= 1.0 - CLOSURE_TOLERANCE
    among = candidate[holder] & candidate[subject]
    if not among.any():
        return ()
    nodes = np.flatnonzero(candidate).astype(np.int64)
    position = np.zeros(n, dtype=np.int64)
    position[nodes] = np.arange(nodes.size, dtype=np.int64)
    h, s = position[holder[among]], position[subject[among]]
    found = [
        nodes[members]
        for members in closed_components(
            Components.strong(nodes.size, h, s), h, s, weight[among], np.zeros(nodes.size, dtype=np.bool_)
        )
    ]
    if not found:
        return ()
    loop = np.full(n, -1, dtype=np.int64)
    for k, members in enumerate(found):
        loop[members] = k
    if bool(((loop[subject] >= 0) & (loop[holder] != loop[subject])).any()):
        found = list(
            closed_components(
                Components.strong(n, holder, subject), holder, subject, weight, np.zeros(n, dtype=np.bool_)
            )
        )
    return tuple(sorted(found, key=lambda members: int(members[0])))
