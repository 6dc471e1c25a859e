"""Evaluate a prepared graph under a policy: both figures at both bounds, aggregated or party by party.

Bounds come from two evaluations of the same monotone computations (docs/rules.md section 3.2):

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
remainder may belong to any one of them. The parties are solved in batches, as one graph of (party,
entity) pairs (``ownership.engine.parties``), so the cost grows with the parts of the graph the parties
reach, not with one evaluation per party.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from ownership.engine.cascade import CascadeOutcome, cascade, self_supporting
from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, stable_order
from ownership.engine.lookthrough import LookthroughOutcome, closed_loops, lookthrough
from ownership.engine.parties import Pairs, PartyTaints, batches, best_per_entity, empty_taints, regions
from ownership.engine.reach import downstream
from ownership.model import ControlMode, Method, Policy
from ownership.model.tables import BuiltOnAccess
from ownership.prepare.graph import EquityGraph
from ownership.prepare.home import SeedLabels


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
        look_party: likewise for the look-through figure (-1 when aggregated, or when nobody named does).
        declared: what declared indirect interests add to each figure above what the chains give (None when
            the data declares none that count here).
    """

    cascade: FloatArray
    tainted: BoolArray
    via_control: BoolArray
    lookthrough: FloatArray
    closed_loops: tuple[IntArray, ...]
    party: IntArray
    look_party: IntArray
    declared: Raised | None = None


@dataclass(frozen=True)
class Raised:
    """Per entity, how much the declared indirect interests raise its figures above the chains' (fractions),
    and the holder whose declaration sets the floor (-1 where nothing is raised)."""

    cascade: FloatArray
    lookthrough: FloatArray
    cascade_by: IntArray
    lookthrough_by: IntArray


@dataclass(frozen=True)
class Evaluation:
    """Both bounds, the taint labels, and what the least fixpoint leaves out.

    Attributes:
        low, high: the two bounds.
        labels: per entity, the labels (countries, lists) its low-bound taint came from.
        self_supporting: entities that only a self-controlling loop would taint.
        party_tainted: for per-party assessment, what each party taints alone (low bound), kept where it
            differs from the baseline.
        parties_low, parties_high: for per-party assessment, the members of each party (the indices that
            ``Bound.party`` and ``Bound.look_party`` refer to) in each bound.
    """

    low: Bound
    high: Bound
    labels: Labels
    self_supporting: BoolArray
    party_tainted: PartyTaints = field(default_factory=lambda: empty_taints(0))
    parties_low: tuple[IntArray, ...] = ()
    parties_high: tuple[IntArray, ...] = ()


def evaluate(graph: EquityGraph, policy: Policy) -> Evaluation:
    """Evaluate ``graph`` under ``policy``: figures at both bounds, labels, and self-supporting loops."""
    n = graph.n
    zeros = np.zeros(n)
    seeds_high = graph.home | graph.unknown_home
    control_low = graph.control if policy.control is ControlMode.TAINTS else None
    control_high = graph.control if policy.control is not ControlMode.REPORT else None

    if policy.aggregate:

        def low_side() -> tuple[Bound, Labels, BoolArray]:
            low = _aggregate(graph, policy, graph.home, zeros, control_low)
            sources = [
                (members, frozenset({label}), low.tainted)
                for label, members in sorted(graph.seed_labels.members().items())
            ]
            labels = _labels(graph, policy, sources, control_low)
            loops = self_supporting(
                graph.equity, graph.home, zeros, policy.pass_threshold, policy.pass_comparison, low.tainted
            )
            return low, labels, loops

        (low, labels, loops), high = _both(
            low_side,
            lambda: _aggregate(graph, policy, seeds_high, graph.remainder, control_high, high=True),
            graph.equity.holder.size,
        )
        return Evaluation(low, high, labels, loops)

    order = np.argsort(graph.party, kind="stable")
    counts = np.bincount(graph.party[graph.party >= 0], minlength=int(graph.party.max(initial=-1)) + 1)
    starts = np.searchsorted(graph.party[order], np.arange(counts.size))
    low_parties = [np.sort(order[a : a + c]).astype(np.int64) for a, c in zip(starts, counts, strict=True)]
    # Each party's labels, numbered by distinct label set (parties mostly share theirs, such as {"CN"}).
    names: dict[frozenset[str], int] = {}
    label_of = np.full(len(low_parties), -1, dtype=np.int64)
    for p, members in enumerate(low_parties):
        own = frozenset().union(*(graph.seed_labels[i] for i in members.tolist()))
        if own:
            label_of[p] = names.setdefault(own, len(names))
    # High bound: the same parties, every entity of unknown country alone, and nobody named at all
    # (the remainder alone: the baseline), each with the remainder available to it.
    high_parties = [*low_parties, *(np.array([i], dtype=np.int64) for i in np.flatnonzero(graph.unknown_home).tolist())]
    (low, _, taints, (source, entity)), (high, _, _, _) = _both(
        lambda: _per_party(graph, policy, low_parties, zeros, control_low, graph.home, high=False, label_of=label_of),
        lambda: _per_party(graph, policy, high_parties, graph.remainder, control_high, seeds_high, high=True),
        graph.equity.holder.size,
    )
    labels = Labels.of_pairs(graph.home, graph.seed_labels, list(names), source, entity)
    return Evaluation(low, high, labels, np.zeros(n, dtype=np.bool_), taints, tuple(low_parties), tuple(high_parties))


L = TypeVar("L")
H = TypeVar("H")
G = TypeVar("G", bound=np.generic)

#: Below this many holdings the two bounds are computed one after the other: a thread costs more than it saves.
_PARALLEL_HOLDINGS = 200_000


def _both(low: Callable[[], L], high: Callable[[], H], holdings: int) -> tuple[L, H]:
    """The low and the high side, side by side on two threads for large graphs: they share only read-only
    arrays, and most of their time is spent in numpy and scipy code that releases the interpreter lock
    (sorting, sparse assembly, the triangular solve), so a registry's check takes about a third less time."""
    if holdings < _PARALLEL_HOLDINGS:
        return low(), high()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(high)
        return low(), running.result()


@dataclass(frozen=True)
class _Floors:
    """Declared indirect interests in one evaluation: holder and subject indices and the holder's whole
    stake in the subject at this bound (fractions).

    In a party's sub-problem a declarer outside the party's part keeps its baseline figures, and enters
    through the virtual seed (figure 1, tainted): ``look_scale`` is then its baseline look-through figure,
    ``in_cascade`` its baseline taint, and ``declarer`` the entity named as the declarer (default:
    ``holder``).
    """

    holder: IntArray
    subject: IntArray
    amount: FloatArray
    look_scale: FloatArray | None = None
    in_cascade: BoolArray | None = None
    declarer: IntArray | None = None


def _floors_of(graph: EquityGraph, high: bool) -> _Floors | None:
    f = graph.floors
    if f is None:
        return None
    return _Floors(f.holder, f.subject, f.high if high else f.low)


#: Rounds of the floor fixpoint before a raise is kept even where later rounds would lower it.
_FLOOR_ROUNDS = 20


def _solve(
    edges: Edges,
    seeds: BoolArray,
    offset: FloatArray,
    policy: Policy,
    control: Edges | None,
    floors: _Floors | None,
    look_edges: Edges | None = None,
    same_block: IntArray | None = None,
) -> tuple[CascadeOutcome, LookthroughOutcome, Raised | None]:
    """Both computations on ``edges``; with declared indirect interests, the figures raised to their floors.

    A declaration says the holder owns at least ``amount`` of the subject through entities whose stakes
    the data may not give: the subject's look-through figure is at least the holder's figure times the
    amount, and its cascade figure at least the amount when the holder is tainted. A raise enters the
    computations as extra offset on the subject, so it reaches everything downstream; the raises are
    found again from each new solution (a raise upstream can make a raise downstream unnecessary), and
    after ``_FLOOR_ROUNDS`` rounds they only grow, which ends the search with every floor met.
    ``look_edges`` replaces ``edges`` for the look-through where the two differ (a party's sub-problem), and
    ``same_block`` tells the look-through which cross-holding groups are copies of one another (there, the
    entity each pair copies).
    """
    t, comp = policy.pass_threshold, policy.pass_comparison
    l_edges = edges if look_edges is None else look_edges
    c = cascade(edges, seeds, offset, t, comp, control)
    look = lookthrough(l_edges, seeds, offset, same_block)
    if floors is None or not floors.holder.size:
        return c, look, None
    raise_c = np.zeros(edges.n)
    raise_l = np.zeros(edges.n)
    for k in range(3 * _FLOOR_ROUNDS):
        passing = c.tainted[floors.holder]
        if floors.in_cascade is not None:
            passing = passing & floors.in_cascade
        amount_c = np.where(passing, floors.amount, 0.0)
        amount_l = np.minimum(look.figure[floors.holder], 1.0) * floors.amount
        if floors.look_scale is not None:
            amount_l = amount_l * floors.look_scale
        floor_c = np.zeros(edges.n)
        np.maximum.at(floor_c, floors.subject, amount_c)
        floor_l = np.zeros(edges.n)
        np.maximum.at(floor_l, floors.subject, amount_l)
        new_c = np.maximum(floor_c - (c.figure - raise_c), 0.0)
        new_l = np.maximum(floor_l - (look.figure - raise_l), 0.0)
        if k >= _FLOOR_ROUNDS:
            new_c, new_l = np.maximum(new_c, raise_c), np.maximum(new_l, raise_l)
        if np.allclose(new_c, raise_c, rtol=0.0, atol=1e-12) and np.allclose(new_l, raise_l, rtol=0.0, atol=1e-12):
            break
        raise_c, raise_l = new_c, new_l
        c = cascade(edges, seeds, offset + raise_c, t, comp, control)
        look = lookthrough(l_edges, seeds, offset + raise_l, same_block)
    raise_c[raise_c <= 1e-12] = 0.0
    raise_l[raise_l <= 1e-12] = 0.0
    return c, look, Raised(raise_c, raise_l, _by(floors, amount_c, raise_c), _by(floors, amount_l, raise_l))


def _by(floors: _Floors, amounts: FloatArray, raised: FloatArray) -> IntArray:
    """Per subject, the declaring holder with the largest floor where the figure was raised (-1 elsewhere)."""
    best = np.full(raised.size, -1, dtype=np.int64)
    order = np.argsort(amounts, kind="stable")  # the largest floor written last wins
    named = floors.holder if floors.declarer is None else floors.declarer
    best[floors.subject[order]] = named[order]
    best[raised <= 0.0] = -1
    return best


def _aggregate(
    graph: EquityGraph,
    policy: Policy,
    seeds: BoolArray,
    offset: FloatArray,
    control: Edges | None,
    high: bool = False,
) -> Bound:
    c, look, raised = _solve(graph.equity, seeds, offset, policy, control, _floors_of(graph, high))
    return Bound(
        np.minimum(c.figure, 1.0),
        c.tainted,
        c.via_control,
        np.minimum(look.figure, 1.0) if raised is not None else look.figure,
        look.closed_loops,
        _nobody(graph.n),
        _nobody(graph.n),
        raised,
    )


def _nobody(n: int) -> IntArray:
    """``Bound.party`` when stakes are aggregated: -1 for every entity, as one read-only value seen ``n``
    times, not an array of its own (two per bound, 64 MB each at 8M entities)."""
    found: IntArray = np.broadcast_to(np.int64(-1), (n,))
    return found


def _per_party(
    graph: EquityGraph,
    policy: Policy,
    parties: list[IntArray],
    offset: FloatArray,
    control: Edges | None,
    all_seeds: BoolArray,
    high: bool,
    label_of: IntArray | None = None,
) -> tuple[Bound, Bound, PartyTaints, tuple[IntArray, IntArray]]:
    """Each party alone; an entity's figure is the largest any single party (or nobody) reaches.

    A party can only change what lies downstream of it. Everything else keeps the figures of the
    evaluation with nobody named (the baseline), and enters the party's sub-problem through one virtual
    seed that holds, in each downstream entity, what the outside holders contribute there. This is exact,
    and it costs each party only its own downstream part of the graph; the parts of a batch of parties are
    solved together as one graph of (party, entity) pairs (``ownership.engine.parties``).

    Declared indirect interests count in a party's sub-problem wherever their subject lies in its part: a
    declarer inside the part with its figures there, one outside with its baseline figures, which are its
    figures when the party is assessed alone (nothing upstream of it changes). The bound's raises are, per
    entity, those of the party that decides its figure (none when no declaration floors anything in that
    party's part), the baseline's where no party does, and none at home entities; so a party gets the same
    figures and raises whatever its batch.

    Returns the bound, the baseline, what each party taints where that differs from the baseline (low
    bound), and, when ``label_of`` gives each party's label set (-1 for none), the entities each label set
    reaches as (label set, entity) pairs.
    """
    n = graph.n
    eq = graph.equity
    base = _aggregate(graph, policy, np.zeros(n, dtype=np.bool_), offset, control, high)
    floors = _floors_of(graph, high)
    sets = [eq] if control is None else [eq, control]
    if floors is not None and floors.holder.size:
        # A declared interest reaches its subject whether or not the data holds a chain that counts here
        # (a chain through control rows that only report, say): the subject is in the declarer's part.
        sets.append(Edges.build(n, floors.holder, floors.subject, floors.amount))
    incoming = _incoming_that_count(eq, sets, parties, base)
    incoming_control = control.reversed() if control is not None else None
    # Declarations grouped by their subject, in their order within a subject.
    floors_in = None if floors is None else Edges.build(n, floors.subject, floors.holder, floors.amount)

    in_batch = np.zeros(n, dtype=np.bool_)
    best_cascade = base.cascade.copy()
    best_look = base.lookthrough.copy()
    tainted = base.tainted.copy()
    by_equity = base.tainted & ~base.via_control
    deciding = np.full(n, -1, dtype=np.int64)
    look_deciding = np.full(n, -1, dtype=np.int64)
    declared = None if base.declared is None else _copied(base.declared)
    differ_key: list[IntArray] = []
    differ: list[BoolArray] = []
    reach_label: list[IntArray] = []
    reach_entity: list[IntArray] = []

    def solve(first: int, stop: int) -> int:
        found = regions(sets, parties[first:stop], first)
        # Parts differ widely in size, so a batch whose parts turned out larger than the budget is cut
        # (between parties) into pieces that keep to it.
        ends = np.searchsorted(found.party, np.arange(first, stop + 1, dtype=np.int64))
        cut = first
        while cut < stop:
            end = int(np.searchsorted(ends, ends[cut - first] + budget, side="right")) + first - 1
            end = min(max(end, cut + 1), stop)
            at = slice(int(ends[cut - first]), int(ends[end - first]))
            solve_pairs(cut, end, Pairs(n, found.party[at], found.entity[at]))
            cut = end
        return int(found.party.size)

    def solve_pairs(first: int, stop: int, pairs: Pairs) -> None:
        nonlocal declared
        chosen = parties[first:stop]
        k = pairs.party.size
        if not k:
            return
        node, party = pairs.entity, pairs.party
        virtual = k
        at = _repeat_each(incoming, node)
        into = incoming.out_of(node)
        h, w = incoming.subject[into], incoming.weight[into]
        # Only a holder some part of this batch holds can be a pair of it: the others need no search.
        in_batch[node] = True
        maybe = np.flatnonzero(in_batch[h])
        in_batch[node] = False
        held_at = np.full(h.size, -1, dtype=np.int64)
        held_at[maybe] = pairs.find(party[at[maybe]], h[maybe])
        own = held_at >= 0
        sh, ss, sw = held_at[own], at[own], w[own]
        # Outside holders act as in the baseline: their taint passes whole stakes (cascade), their figure
        # multiplies (look-through).
        out_h, out_s, out_w = h[~own], at[~own], w[~own]
        passing = base.tainted[out_h]
        c_edges = Edges.build(
            k + 1,
            np.concatenate([sh, np.full(int(passing.sum()), virtual)]),
            np.concatenate([ss, out_s[passing]]),
            np.concatenate([sw, out_w[passing]]),
        )
        valued = base.lookthrough[out_h] > 0
        l_edges = c_edges
        if valued.any() or passing.any():
            l_edges = Edges.build(
                k + 1,
                np.concatenate([sh, np.full(int(valued.sum()), virtual)]),
                np.concatenate([ss, out_s[valued]]),
                np.concatenate([sw, out_w[valued] * base.lookthrough[out_h][valued]]),
            )
        sub_control = None
        if control is not None and incoming_control is not None:
            c_at = _repeat_each(incoming_control, node)
            ch = control.holder[incoming_control.out_of(node)]
            c_held = pairs.find(party[c_at], ch)
            keep = (c_held >= 0) | base.tainted[ch]
            mapped = np.where(c_held[keep] >= 0, c_held[keep], virtual)
            sub_control = Edges.build(k + 1, mapped, c_at[keep], np.ones(mapped.size))
        sizes = np.array([m.size for m in chosen], dtype=np.int64)
        member_at = pairs.find(np.repeat(np.arange(first, stop, dtype=np.int64), sizes), np.concatenate(chosen))
        seeds = np.zeros(k + 1, dtype=np.bool_)
        seeds[member_at] = True
        seeds[virtual] = True
        sub_offset = np.append(offset[node], 0.0)
        sub_floors = None
        if floors is not None and floors_in is not None:
            f_at = _repeat_each(floors_in, node)
            f_into = floors_in.out_of(node)
            declarer = floors.holder[f_into]
            f_held = pairs.find(party[f_at], declarer)
            local = f_held >= 0
            if f_at.size:
                # A declarer outside the party's part has its baseline figures in the party's assessment;
                # it floors the subject through the virtual seed, scaled by them. The raises name
                # declarers as entities (not pairs).
                sub_floors = _Floors(
                    np.where(local, f_held, virtual),
                    f_at,
                    floors.amount[f_into],
                    np.where(local, 1.0, np.minimum(base.lookthrough[declarer], 1.0)),
                    local | base.tainted[declarer],
                    declarer,
                )
        # Copies of one cross-holding group (the same entities, for several parties) have the same block:
        # a party's member inside a group is absorbing and leaves a smaller group, with other entities.
        copies = np.append(node, -1)
        c, look, raised = _solve(c_edges, seeds, sub_offset, policy, sub_control, sub_floors, l_edges, copies)

        figure = np.minimum(c.figure[:k], 1.0)
        by_entity = stable_order(node, n)
        best = best_per_entity(node, figure, party, by_entity)
        better = best[figure[best] > best_cascade[node[best]]]
        best_cascade[node[better]] = figure[better]
        deciding[node[better]] = party[better]
        look_figure = np.minimum(look.figure[:k], 1.0)
        best = best_per_entity(node, look_figure, party, by_entity)
        look_better = best[look_figure[best] > best_look[node[best]]]
        best_look[node[look_better]] = look_figure[look_better]
        look_deciding[node[look_better]] = party[look_better]
        if declared is not None:
            # Where a party's figure is the largest, the raise shown is that party's own (none when its part
            # holds no declaration): keeping an earlier party's or the baseline's raise there would make
            # the result depend on which parties share a batch, and name a declaration the figure did
            # not come from.
            party_raises = raised or _no_raise(k)
            declared = _with_party_raises(declared, n, node, party_raises, better, look_better)
        sub_tainted = c.tainted[:k]
        tainted[node[sub_tainted]] = True
        by_equity[node[sub_tainted & ~c.via_control[:k]]] = True
        if label_of is not None:
            changed = sub_tainted != base.tainted[node]
            differ_key.append(pairs.key[changed])
            differ.append(sub_tainted[changed])
            reached = downstream(c_edges if sub_control is None else [c_edges, sub_control], member_at, c.tainted)
            if policy.method is not Method.CASCADE:
                reached |= downstream(c_edges, member_at)
            found = np.flatnonzero(reached[:k])
            found = found[~graph.home[node[found]] & (label_of[party[found]] >= 0)]
            reach_label.append(label_of[party[found]])
            reach_entity.append(node[found])

    # When the two bounds run side by side, each keeps to half the pairs, so that both together hold what
    # one did alone.
    sharing = 2 if eq.holder.size >= _PARALLEL_HOLDINGS else 1
    budget = max(n // 2 // sharing, _BATCH_PAIRS)
    batches(len(parties), solve, budget)
    # Every home entity is home whichever party is being assessed.
    best_cascade[all_seeds] = 1.0
    best_look[all_seeds] = 1.0
    tainted |= all_seeds
    if declared is not None:
        # A home entity's figure is 1 by being home, as in the aggregated evaluation: nothing raised.
        _clear(declared, all_seeds)
    via_control = tainted & ~by_equity & ~all_seeds
    loops = closed_loops(eq, all_seeds)
    bound = Bound(best_cascade, tainted, via_control, best_look, loops, deciding, look_deciding, declared)
    taints = PartyTaints(
        base.tainted,
        _joined(differ_key, np.int64),
        _joined(differ, np.bool_),
        frozenset(p for p, members in enumerate(parties) if members.size),
    )
    return bound, base, taints, (_joined(reach_label, np.int64), _joined(reach_entity, np.int64))


#: The pairs a batch of parties holds: half the graph's entities, and at least this many (a pair costs
#: about 1 KB while its batch is solved, so a batch costs about what the aggregated evaluation does).
_BATCH_PAIRS = 100_000


def _incoming_that_count(eq: Edges, sets: list[Edges], parties: list[IntArray], base: Bound) -> Edges:
    """The equity holdings grouped by subject (as ``Edges.reversed``), only those whose holder can matter in
    some party's sub-problem: a holder inside a party's part (downstream of a party), or one outside every
    part that the baseline taints or gives a figure above 0. Any other holder adds nothing to any party's
    figures, and in a registry such holders (people holding small stakes) are most of the holdings into the
    parts; the holdings kept stay in their order, so every sum is made in the same order."""
    starts = np.concatenate(parties).astype(np.int64) if parties else np.empty(0, dtype=np.int64)
    counts = downstream(sets, starts) | base.tainted | (base.lookthrough > 0)
    kept = np.flatnonzero(counts[eq.holder])
    return Edges.build(eq.n, eq.subject[kept], eq.holder[kept], eq.weight[kept])


def _repeat_each(edges: Edges, at: IntArray) -> IntArray:
    """For ``edges.out_of(at)``, the position in ``at`` each holding comes from."""
    counts = edges.holder_start[at + 1] - edges.holder_start[at]
    found: IntArray = np.repeat(np.arange(at.size, dtype=np.int64), counts)
    return found


def _joined(parts: list[npt.NDArray[G]], dtype: type[G]) -> npt.NDArray[G]:
    found: npt.NDArray[G] = np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
    return found


def _copied(raised: Raised) -> Raised:
    return Raised(
        raised.cascade.copy(), raised.lookthrough.copy(), raised.cascade_by.copy(), raised.lookthrough_by.copy()
    )


def _no_raise(k: int) -> Raised:
    """A sub-problem of ``k`` pairs that raised nothing."""
    return Raised(np.zeros(k), np.zeros(k), np.full(k, -1, np.int64), np.full(k, -1, np.int64))


def _clear(raised: Raised, at: BoolArray) -> None:
    raised.cascade[at] = 0.0
    raised.lookthrough[at] = 0.0
    raised.cascade_by[at] = -1
    raised.lookthrough_by[at] = -1


def _with_party_raises(
    declared: Raised | None, n: int, nodes: IntArray, local: Raised, better: IntArray, look_better: IntArray
) -> Raised:
    """The raises of a batch's sub-problem at the pairs ``better`` and ``look_better`` (where a party's
    figures are the largest), mapped back to entities (the sub-problem names its declarers as entities)."""
    found = declared or Raised(np.zeros(n), np.zeros(n), np.full(n, -1, np.int64), np.full(n, -1, np.int64))
    found.cascade[nodes[better]] = local.cascade[better]
    found.cascade_by[nodes[better]] = local.cascade_by[better]
    found.lookthrough[nodes[look_better]] = local.lookthrough[look_better]
    found.lookthrough_by[nodes[look_better]] = local.lookthrough_by[look_better]
    return found


def _labels(
    graph: EquityGraph,
    policy: Policy,
    sources: Iterable[tuple[IntArray, frozenset[str], BoolArray]],
    control: Edges | None,
) -> Labels:
    """Per entity, the labels its exposure comes from.

    Each source (a group of seeds, their labels, and what they taint) passes its labels down: for the
    cascade through the entities it taints (the last hop may reach an entity that the final threshold
    flags without tainting it, as under a lower AML threshold); for the look-through along any chain.
    Home entities keep their own labels only.
    """
    cascade_edges = graph.equity if control is None else [graph.equity, control]
    reached_by: list[tuple[frozenset[str], BoolArray]] = []
    for starts, labels, tainted in sources:
        if not labels:
            continue
        reached = downstream(cascade_edges, starts, tainted)
        if policy.method is not Method.CASCADE:
            reached |= downstream(graph.equity, starts)
        reached_by.append((labels, reached & ~graph.home))
    return Labels(graph.home, graph.seed_labels, reached_by)


class Labels(BuiltOnAccess[frozenset[str]]):
    """Per entity, the labels its exposure comes from, built on access from what each source reached.

    Up to 63 sources (one per label when stakes are aggregated; one per distinct label set of the parties
    when each party is assessed alone) are kept as one bit mask per entity; more as a set per reached entity.
    """

    def __init__(
        self, home: BoolArray, seed_labels: Sequence[frozenset[str]], reached_by: list[tuple[frozenset[str], BoolArray]]
    ) -> None:
        self.home, self.seed_labels = home, seed_labels
        self.names = [labels for labels, _ in reached_by]
        self.bits: npt.NDArray[np.uint64] | None = None
        self.sets: dict[int, set[str]] = {}
        if len(reached_by) < 64:
            self.bits = np.zeros(home.size, dtype=np.uint64)
            for k, (_, reached) in enumerate(reached_by):
                self.bits[reached] |= np.uint64(1 << k)
        else:
            for labels, reached in reached_by:
                for i in np.flatnonzero(reached).tolist():
                    self.sets.setdefault(i, set()).update(labels)

    @classmethod
    def of_pairs(
        cls,
        home: BoolArray,
        seed_labels: Sequence[frozenset[str]],
        names: list[frozenset[str]],
        source: IntArray,
        entity: IntArray,
    ) -> Labels:
        """Labels from (source, entity) pairs: source ``source[k]`` (labelled ``names[source[k]]``) reaches
        entity ``entity[k]``; nothing here is as large as the graph per source."""
        found = cls(home, seed_labels, [])
        found.names = names
        if len(names) < 64:
            bits = np.zeros(home.size, dtype=np.uint64)
            np.bitwise_or.at(bits, entity, np.left_shift(np.uint64(1), source.astype(np.uint64)))
            found.bits = bits
        else:
            found.bits = None
            order = np.lexsort((source, entity))
            for e, k in zip(entity[order].tolist(), source[order].tolist(), strict=True):
                found.sets.setdefault(e, set()).update(names[k])
        return found

    def __len__(self) -> int:
        return int(self.home.size)

    def item(self, i: int) -> frozenset[str]:
        if self.home[i]:
            return frozenset(self.seed_labels[i])
        if self.bits is None:
            return frozenset(self.sets.get(i, ()))
        bits = int(self.bits[i])
        return frozenset().union(*(names for k, names in enumerate(self.names) if bits >> k & 1))

    def key(self, i: int) -> object:
        """What entity ``i``'s labels depend on, comparable across entities: its country codes for a home
        entity that no watch list names, the set of sources reaching it otherwise; None when not shared."""
        if self.home[i]:
            return self.seed_labels.key(i) if isinstance(self.seed_labels, SeedLabels) else None
        if self.bits is None:
            return None
        return ("reached", int(self.bits[i]))

    def keys(self, at: IntArray) -> npt.NDArray[np.int64]:
        """``key`` for each entity of ``at`` as one integer: equal integers mean equal labels, and -1 means
        not shared. Reached entities get their source bits (0 .. 2**63 - 1), home entities a negative code
        of their two countries."""
        found = np.full(at.size, -1, dtype=np.int64)
        home = self.home[at]
        if self.bits is not None:
            found[~home] = self.bits[at[~home]].astype(np.int64)
        if isinstance(self.seed_labels, SeedLabels):
            found[home] = self.seed_labels.keys(at[home])
        return found

    def any(self) -> BoolArray:
        """Per entity, whether it has a label."""
        if self.bits is not None:
            result: BoolArray = (self.bits != 0) | self.home
            return result
        found = self.home.copy()
        found[np.fromiter(self.sets, dtype=np.int64, count=len(self.sets))] = True
        return found
