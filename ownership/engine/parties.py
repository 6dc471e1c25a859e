"""Each party alone, many parties at once: the per-party sub-problems solved together as one disjoint graph.

A party can change only what lies downstream of it, so its assessment is a sub-problem on its downstream
part, where the holders outside that part act as in the evaluation with nobody named (the baseline) and
enter through one virtual seed. Parts of different parties overlap, but a copy of each entity per party
that reaches it (a (party, entity) *pair*) makes them disjoint: the copies of one party hold only in
copies of the same party, so one cascade and one look-through over all the pairs of a batch of parties
give each party exactly what it gets alone. Nothing costs a Python step per party, and nothing keeps an
array the size of the graph per party: what must be remembered per party (its taint where it differs
from the baseline, the entities its labels reach) is kept as pairs.

Batches are cut so that a batch holds about as many pairs as the graph has entities, which keeps the
memory of one batch near that of an aggregated evaluation whatever the number of parties.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, distinct
from ownership.engine.reach import downstream

#: Level-by-level rounds of the pair search before the parties still searching are searched one by one
#: with the compiled search (deep chains): each round costs a few numpy calls over the whole batch.
_PAIR_ROUNDS = 200

#: The first batch's number of parties; later batches are sized from the pairs per party seen so far.
_FIRST_BATCH = 64


@dataclass(frozen=True)
class Pairs:
    """(party, entity) pairs sorted by ``party * n + entity``: ``key`` is that number."""

    n: int
    party: IntArray
    entity: IntArray

    @property
    def key(self) -> IntArray:
        found: IntArray = self.party * self.n + self.entity
        return found

    def find(self, party: IntArray, entity: IntArray) -> IntArray:
        """The index of each (party, entity) pair, -1 where there is none."""
        return lookup(self.key, party * self.n + entity)


def lookup(keys: IntArray, wanted: IntArray) -> IntArray:
    """The position of each of ``wanted`` in the sorted ``keys``, -1 where absent."""
    if not keys.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    at = np.searchsorted(keys, wanted).astype(np.int64)
    at[at >= keys.size] = 0
    found: IntArray = np.where(keys[at] == wanted, at, -1)
    return found


def regions(sets: list[Edges], members: Sequence[IntArray], first: int) -> Pairs:
    """The downstream part of each of the parties ``members`` (numbered from ``first``) as pairs.

    Searched for all the parties at once, level by level; parties still searching after
    ``_PAIR_ROUNDS`` levels (a very deep chain) finish with one compiled search each.
    """
    n = sets[0].n
    sizes = np.array([m.size for m in members], dtype=np.int64)
    party = np.repeat(np.arange(first, first + len(members), dtype=np.int64), sizes)
    start = np.concatenate(members).astype(np.int64) if members else np.empty(0, dtype=np.int64)
    # The pairs seen so far, as sorted runs of shrinking sizes: a level's new pairs are a new run, merged
    # with the last runs while those are not much larger, so that a deep search does not copy every pair
    # seen at every level (each pair is merged about log(levels) times).
    runs = [distinct(party * n + start)]
    frontier = runs[0]
    for _ in range(_PAIR_ROUNDS):
        if not frontier.size:
            break
        p, e = frontier // n, frontier % n
        found = []
        for edges in sets:
            counts = edges.holder_start[e + 1] - edges.holder_start[e]
            found.append(np.repeat(p, counts) * n + edges.subject[edges.out_of(e)])
        following = distinct(np.concatenate(found))
        for run in runs:
            following = following[lookup(run, following) < 0]
        frontier = following
        runs.append(following)
        while len(runs) > 1 and runs[-2].size <= 2 * runs[-1].size:
            # Two sorted runs: the stable sort merges them in linear time.
            last = runs.pop()
            runs[-1] = np.sort(np.concatenate([runs[-1], last]), kind="stable")
    seen = runs[0] if len(runs) == 1 else np.sort(np.concatenate(runs))
    if frontier.size:
        deep = distinct(frontier // n)
        rest = [seen[~np.isin(seen // n, deep)]]
        for p in deep.tolist():
            reached = np.flatnonzero(downstream(sets, members[p - first])).astype(np.int64)
            rest.append(p * n + reached)
        seen = np.sort(np.concatenate(rest))
    return Pairs(n, seen // n, seen % n)


@dataclass(frozen=True)
class PartyTaints:
    """What each party alone taints (low bound), where it differs from the baseline's tainted set.

    ``key`` (sorted ``party * n + entity``) and ``tainted`` list the pairs that differ; every other entity
    is tainted for a party exactly when the baseline taints it.
    """

    base: BoolArray
    key: IntArray
    tainted: BoolArray
    parties: frozenset[int]

    def at(self, party: IntArray, entity: IntArray) -> BoolArray:
        """Whether each ``entity`` is tainted when its ``party`` is assessed alone."""
        found: BoolArray = self.base[entity].copy()
        where = lookup(self.key, party * self.base.size + entity)
        hit = where >= 0
        found[hit] = self.tainted[where[hit]]
        return found

    def get(self, party: int, default: BoolArray) -> BoolArray:
        """Every entity the party taints alone, one flag per entity (made on each call: for one entity's
        explanation, never in bulk); ``default`` for a party not assessed."""
        if party not in self.parties:
            return default
        n = self.base.size
        lo, hi = np.searchsorted(self.key, [party * n, (party + 1) * n])
        mask = self.base.copy()
        mask[self.key[lo:hi] - party * n] = self.tainted[lo:hi]
        return mask

    def __contains__(self, party: object) -> bool:
        return party in self.parties

    def __len__(self) -> int:
        return len(self.parties)


def empty_taints(n: int) -> PartyTaints:
    """No party assessed (aggregated evaluation)."""
    return PartyTaints(np.zeros(n, dtype=np.bool_), np.empty(0, dtype=np.int64), np.empty(0, np.bool_), frozenset())


def batches(count: int, solve: Callable[[int, int], int], budget: int) -> None:
    """Call ``solve(first, stop)`` on consecutive ranges of ``count`` parties, sized so that each holds
    about ``budget`` pairs (``solve`` returns how many its range held)."""
    first, size, pairs, done = 0, _FIRST_BATCH, 0, 0
    while first < count:
        stop = min(count, first + size)
        pairs += solve(first, stop)
        done += stop - first
        first = stop
        per_party = max(pairs / done, 1.0)
        size = int(min(max(budget / per_party, 1), 4 * size + 1))


def best_per_entity(
    entity: IntArray, figure: FloatArray, party: IntArray, by_entity: IntArray | None = None
) -> IntArray:
    """Per entity among the pairs, the pair with the largest figure, the lowest party number among equal
    ones (the party a one-by-one assessment in party order keeps): one pair index per entity, by entity.

    ``by_entity``, when given, orders the pairs by entity and, within an entity, by party (a stable sort by
    entity of pairs listed in party order); one such order serves every figure of the same pairs.
    """
    if by_entity is None:
        by_entity = np.lexsort((party, entity)).astype(np.int64)
    if not by_entity.size:
        return by_entity
    ordered = entity[by_entity]
    first = np.ones(ordered.size, dtype=np.bool_)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    values = figure[by_entity]
    largest = np.maximum.reduceat(values, starts)
    # The first pair of each entity that reaches its largest figure: its lowest party among the equal ones.
    reaching = np.flatnonzero(values == np.repeat(largest, np.diff(np.append(starts, values.size))))
    segment = np.cumsum(first)[reaching] - 1
    head = np.ones(reaching.size, dtype=np.bool_)
    np.not_equal(segment[1:], segment[:-1], out=head[1:])
    chosen: IntArray = by_entity[reaching[head]]
    return chosen
