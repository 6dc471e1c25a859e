"""Cascade ("count in full", control chain): the least fixpoint of taint propagation.

An entity becomes tainted when the stakes held in it by tainted holders (plus its ``offset``, the part
that may belong to the watched set without a named holder) pass the pass-through test. A tainted
intermediary passes on its whole stake; an untainted one passes on nothing. Starting from the home
entities and adding only entities that pass, the propagation reaches the *least* fixpoint, so a loop can
never taint itself.

The propagation is frontier-based: each round adds the stakes of the entities tainted in the previous
round, so every holding is touched once and the work is O(entities + holdings) plus a small cost per round.

References: OFAC FAQ 401 (aggregation and the 50% rule); docs/rules.md section 1.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, distinct
from ownership.engine.reach import downstream
from ownership.model import TOLERANCE, Comparison


def passes_array(values: FloatArray, threshold: float, comparison: Comparison) -> BoolArray:
    """Vectorised threshold test on fractions, with the tolerance (see ``ownership.model.passes``)."""
    if comparison is Comparison.GT:
        return values > threshold + TOLERANCE
    return values >= threshold - TOLERANCE


@dataclass(frozen=True)
class CascadeOutcome:
    """Result of one cascade evaluation.

    Attributes:
        figure: per entity, offset plus the stakes held by tainted holders (fraction, may exceed 1 only
            when the input over-allocates); 1.0 for seeds.
        tainted: per entity, whether it is tainted (seeds included).
        via_control: per entity, tainted only because a tainted holder controls it by contract.
        round: per entity, the propagation round in which it became tainted (0 = seed), -1 if never.
    """

    figure: FloatArray
    tainted: BoolArray
    via_control: BoolArray
    round: IntArray


def cascade(
    edges: Edges,
    seeds: BoolArray,
    offset: FloatArray,
    threshold: float,
    comparison: Comparison,
    control: Edges | None = None,
) -> CascadeOutcome:
    """Least-fixpoint cascade.

    Args:
        edges: equity holdings with their stakes (fractions).
        seeds: home entities, tainted from the start.
        offset: per entity, the share that counts as tainted without a named holder (the unallocated
            remainder in the high-bound evaluation; zeros for the low bound).
        threshold, comparison: the pass-through test an intermediary must pass to become tainted.
        control: control-without-equity rows that taint their subject when the holder is tainted, or None
            when the policy only reports them.

    Returns:
        The figures, the tainted set, and the round each entity was tainted in.
    """
    n = edges.n
    tainted = seeds.copy()
    agg = offset.astype(np.float64, copy=True)
    via_control = np.zeros(n, dtype=np.bool_)
    rounds = np.full(n, -1, dtype=np.int64)
    rounds[seeds] = 0

    # Entities whose own offset already passes are tainted before any holder is (round 1 at the latest).
    frontier = np.flatnonzero(seeds).astype(np.int64)
    first = np.flatnonzero(~tainted & passes_array(agg, threshold, comparison)).astype(np.int64)
    step = 0
    pending = first
    while frontier.size or pending.size:
        step += 1
        touched: list[IntArray] = [pending]
        out = edges.out_of(frontier)
        if out.size:
            np.add.at(agg, edges.subject[out], edges.weight[out])
            touched.append(edges.subject[out])
        candidates = distinct(np.concatenate(touched))
        candidates = candidates[~tainted[candidates]]
        newly = candidates[passes_array(agg[candidates], threshold, comparison)]
        if control is not None:
            ctrl = control.out_of(frontier)
            if ctrl.size:
                controlled = distinct(control.subject[ctrl])
                controlled = controlled[~tainted[controlled]]
                extra = np.setdiff1d(controlled, newly, assume_unique=True)
                via_control[extra] = True
                newly = np.union1d(newly, extra)
        tainted[newly] = True
        rounds[newly] = step
        frontier = newly
        pending = np.empty(0, dtype=np.int64)

    figure = agg
    figure[seeds] = 1.0
    return CascadeOutcome(figure, tainted, via_control, rounds)


def self_supporting(
    edges: Edges,
    seeds: BoolArray,
    offset: FloatArray,
    threshold: float,
    comparison: Comparison,
    tainted: BoolArray,
) -> BoolArray:
    """Entities that would be tainted only by assuming a loop's own control.

    Computes the greatest fixpoint of the cascade restricted to entities downstream of a home entity and
    returns those in it but not in the least fixpoint ``tainted``. Example: X (home) holds 40% of A,
    A holds 60% of B, B holds 20% of A: if A were tainted, B would be (60%), and then A would be (40 + 20%);
    the least fixpoint taints neither. Some regulators would look at such loops, so they are reported.
    """
    member = downstream(edges, np.flatnonzero(seeds).astype(np.int64))
    agg = offset.astype(np.float64, copy=True)
    inside = member[edges.holder]
    np.add.at(agg, edges.subject[inside], edges.weight[inside])
    removed = np.flatnonzero(member & ~seeds & ~passes_array(agg, threshold, comparison)).astype(np.int64)
    while removed.size:
        member[removed] = False
        out = edges.out_of(removed)
        if not out.size:
            break
        np.subtract.at(agg, edges.subject[out], edges.weight[out])
        candidates = distinct(edges.subject[out])
        candidates = candidates[member[candidates] & ~seeds[candidates]]
        removed = candidates[~passes_array(agg[candidates], threshold, comparison)]
    result: BoolArray = member & ~tainted
    return result
