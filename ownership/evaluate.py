"""Evaluate a prepared graph under a policy: both figures at both bounds, aggregated or party by party.

Bounds come from two evaluations of the same monotone computations (domain notes section 4):

* low: stakes at their low ends, only entities known to be home are seeds, nothing unnamed counts, and
  control rows count only when the policy says they taint;
* high: entities of unknown country may be home, each subject's unallocated remainder (1 - sum of low
  stakes) may belong to the watched set, and control rows count when the policy makes them matter at all.
  Holders outside the watched set keep their low stakes, because any part of a ranged stake above its
  low end is indistinguishable from the remainder; this is what caps the bound when a known outside
  holder owns the rest (P 25-50% plus a US holder at exactly 50% gives at most 50%, not 75%).

When the policy does not aggregate (UK sanctions, AML beneficial ownership), each home party (an entity,
or a ``group`` acting jointly) is assessed alone and an entity's figure is the largest any single party
reaches. In the high bound every entity of unknown country is a party of its own, and the unallocated
remainder may belong to any one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ownership.engine.cascade import BoolArray, CascadeOutcome, Edges, FloatArray, IntArray, cascade, self_supporting
from ownership.engine.lookthrough import lookthrough
from ownership.graph import EquityGraph
from ownership.model import ControlMode, Method, Policy


@dataclass(frozen=True)
class Bound:
    """One bound of both computations, per entity (fractions 0..1).

    Attributes:
        cascade: stakes held by tainted holders (plus the remainder in the high bound), 1 for seeds.
        tainted: tainted in the cascade (seeds included).
        via_control: tainted only through control rows.
        lookthrough: share of equity that ultimately belongs to the watched set.
        closed_loops: member indices of groups held only by each other.
        party: when assessed party by party, the party that reaches the cascade figure (-1 otherwise).
    """

    cascade: FloatArray
    tainted: BoolArray
    via_control: BoolArray
    lookthrough: FloatArray
    closed_loops: tuple[IntArray, ...]
    party: IntArray


@dataclass(frozen=True)
class Evaluation:
    """Both bounds, the taint labels, and what the least fixpoint leaves out.

    Attributes:
        low, high: the two bounds.
        labels: per entity, the labels (countries, lists) its low-bound taint came from.
        self_supporting: entities that only a self-controlling loop would taint.
        party_tainted: for per-party assessment, the entities each deciding party taints alone (low bound).
    """

    low: Bound
    high: Bound
    labels: tuple[frozenset[str], ...]
    self_supporting: BoolArray
    party_tainted: dict[int, BoolArray] = field(default_factory=dict)


def evaluate(graph: EquityGraph, policy: Policy) -> Evaluation:
    """Evaluate ``graph`` under ``policy``: figures at both bounds, labels, and self-supporting loops."""
    n = graph.n
    zeros = np.zeros(n)
    seeds_high = graph.home | graph.unknown_home
    control_low = graph.control if policy.control is ControlMode.TAINTS else None
    control_high = graph.control if policy.control is not ControlMode.REPORT else None

    if policy.aggregate:
        low = _aggregate(graph, policy, graph.home, zeros, control_low)
        high = _aggregate(graph, policy, seeds_high, graph.remainder, control_high)
        by_label: dict[str, list[int]] = {}
        for i, found in enumerate(graph.seed_labels):
            for label in found:
                by_label.setdefault(label, []).append(i)
        sources = [
            (np.array(members, dtype=np.int64), frozenset({label}), low.tainted)
            for label, members in sorted(by_label.items())
        ]
        labels = _labels(graph, policy, sources, control_low)
        loops = self_supporting(
            graph.equity, graph.home, zeros, policy.pass_threshold, policy.pass_comparison, low.tainted
        )
        return Evaluation(low, high, labels, loops)

    low_parties = [np.flatnonzero(graph.party == p) for p in range(int(graph.party.max(initial=-1)) + 1)]
    low, party_tainted = _per_party(graph, policy, low_parties, zeros, control_low, graph.home)
    # High bound: the same parties, every entity of unknown country alone, and nobody named at all
    # (the remainder alone), each with the remainder available to it.
    high_parties = [*low_parties, *(np.array([i]) for i in np.flatnonzero(graph.unknown_home).tolist())]
    high_parties.append(np.empty(0, dtype=np.int64))
    high, _ = _per_party(graph, policy, high_parties, graph.remainder, control_high, seeds_high)
    sources = [
        (members, frozenset().union(*(graph.seed_labels[i] for i in members.tolist())), party_tainted[p])
        for p, members in enumerate(low_parties)
    ]
    labels = _labels(graph, policy, sources, control_low)
    return Evaluation(low, high, labels, np.zeros(n, dtype=np.bool_), party_tainted)


def _aggregate(
    graph: EquityGraph, policy: Policy, seeds: BoolArray, offset: FloatArray, control: Edges | None
) -> Bound:
    c = cascade(graph.equity, seeds, offset, policy.pass_threshold, policy.pass_comparison, control)
    look = lookthrough(graph.equity, seeds, offset)
    return Bound(
        np.minimum(c.figure, 1.0),
        c.tainted,
        c.via_control,
        look.figure,
        look.closed_loops,
        np.full(graph.n, -1, dtype=np.int64),
    )


def _per_party(
    graph: EquityGraph,
    policy: Policy,
    parties: list[IntArray],
    offset: FloatArray,
    control: Edges | None,
    all_seeds: BoolArray,
) -> tuple[Bound, dict[int, BoolArray]]:
    n = graph.n
    best_cascade = np.zeros(n)
    best_look = np.zeros(n)
    tainted = np.zeros(n, dtype=np.bool_)
    by_equity = np.zeros(n, dtype=np.bool_)
    deciding = np.full(n, -1, dtype=np.int64)
    party_tainted: dict[int, BoolArray] = {}
    loops: tuple[IntArray, ...] = ()
    for p, members in enumerate(parties):
        seeds = np.zeros(n, dtype=np.bool_)
        seeds[members] = True
        c: CascadeOutcome = cascade(graph.equity, seeds, offset, policy.pass_threshold, policy.pass_comparison, control)
        look = lookthrough(graph.equity, seeds, offset)
        figure = np.minimum(c.figure, 1.0)
        better = figure > best_cascade
        best_cascade = np.where(better, figure, best_cascade)
        deciding = np.where(better, p, deciding)
        best_look = np.maximum(best_look, look.figure)
        tainted |= c.tainted
        by_equity |= c.tainted & ~c.via_control
        party_tainted[p] = c.tainted
        if not members.size:
            loops = look.closed_loops
    # Every home entity is home whichever party is being assessed.
    best_cascade[all_seeds] = 1.0
    best_look[all_seeds] = 1.0
    tainted |= all_seeds
    via_control = tainted & ~by_equity & ~all_seeds
    return Bound(best_cascade, tainted, via_control, best_look, loops, deciding), party_tainted


def _reach(edges: Edges, starts: IntArray, through: BoolArray | None) -> BoolArray:
    """Entities reached from ``starts`` along holdings, expanding only from entities in ``through``
    (all entities when None); the last hop may end anywhere."""
    reached = np.zeros(edges.n, dtype=np.bool_)
    reached[starts] = True
    frontier = starts
    while frontier.size:
        if through is not None:
            frontier = frontier[through[frontier]]
        nxt = np.unique(edges.subject[edges.out_of(frontier)])
        frontier = nxt[~reached[nxt]]
        reached[frontier] = True
    return reached


def _label_edges(graph: EquityGraph, control: Edges | None) -> Edges:
    if control is None:
        return graph.equity
    h = np.concatenate([graph.equity.holder, control.holder])
    s = np.concatenate([graph.equity.subject, control.subject])
    return Edges.build(graph.n, h, s, np.ones(h.size))


def _labels(
    graph: EquityGraph,
    policy: Policy,
    sources: list[tuple[IntArray, frozenset[str], BoolArray]],
    control: Edges | None,
) -> tuple[frozenset[str], ...]:
    """Per entity, the labels its exposure comes from.

    Each source (a group of seeds, their labels, and what they taint) passes its labels down: for the
    cascade through the entities it taints (the last hop may reach an entity that the final threshold
    flags without tainting it, as under a lower AML threshold); for the look-through along any chain.
    Home entities keep their own labels only.
    """
    n = graph.n
    cascade_edges = _label_edges(graph, control)
    result: list[set[str]] = [set() for _ in range(n)]
    for starts, labels, tainted in sources:
        if not labels:
            continue
        reached = _reach(cascade_edges, starts, tainted)
        if policy.method is not Method.CASCADE:
            reached |= _reach(graph.equity, starts, None)
        for i in np.flatnonzero(reached & ~graph.home).tolist():
            result[i].update(labels)
    for i in np.flatnonzero(graph.home).tolist():
        result[i] = set(graph.seed_labels[i])
    return tuple(frozenset(r) for r in result)
