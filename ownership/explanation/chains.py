"""The largest look-through chains behind a figure, found without enumerating the paths of the graph.

A look-through figure is a sum over walks from where watched ownership starts (a home entity, an entity of
unknown country, an unallocated remainder) down to the entity, each walk worth the product of its stakes.
The chains listed are the largest simple walks; whatever the rest add up to (smaller chains, and walks
that go round a cross-holding more than once) is reported as one remainder, so the parts always sum to the
figure.

The search is best-first from the entity upward, with each partial chain ranked by its product times the
figure of the holder it has reached. That figure is the total of every way to complete the chain, so it
bounds any single completion: complete chains therefore come off the queue largest first, and the search
only opens holders that can still beat the chains found. Its work is bounded by ``max_steps``.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
from ownership.model import TOLERANCE
from ownership.result import Chain, ChainBreakdown, ChainKind

#: Chains listed per figure.
MAX_CHAINS = 10
#: Partial chains the search may open per figure before it stops and reports the rest as one line.
MAX_STEPS = 5_000
#: Longest chain listed (hops); longer ones are part of the rest.
MAX_HOPS = 60


@dataclass(frozen=True)
class Sources:
    """Where watched ownership starts in one evaluation.

    Attributes:
        home: entities counted in full (the seeds of the evaluation).
        unknown: among ``home``, those that are seeds only because their country is unknown.
        unallocated: per entity, the part of its shares with no named holder that counts (fraction).
        declared: per entity, what declared indirect interests add above its chains (fraction), and
            ``declared_by`` the declaring holder (-1 where none); None when nothing is declared.
    """

    home: BoolArray
    unknown: BoolArray
    unallocated: FloatArray
    declared: FloatArray | None = None
    declared_by: IntArray | None = None


def find_chains(
    incoming: Edges,
    sources: Sources,
    figures: FloatArray,
    target: int,
    figure: float,
    ids: Sequence[str],
    max_chains: int = MAX_CHAINS,
    max_steps: int = MAX_STEPS,
    max_hops: int = MAX_HOPS,
) -> ChainBreakdown:
    """The largest chains behind ``figure``, the look-through figure of ``target``.

    Args:
        incoming: holdings grouped by subject (``Edges.reversed``), stakes as the figure's bound uses them.
        sources: the evaluation's seeds and unallocated parts.
        figures: every entity's look-through figure in the same evaluation (fractions); used to rank
            partial chains, so it must be the solution for these sources on at least the target's owners.
        target: the entity explained (index).
        figure: its figure as reported (fraction).
        ids: entity ids by index.

    Returns:
        The chains, largest first, and the rest, so that the shares plus the rest equal ``figure``.
    """
    if sources.home[target]:
        itself = ChainKind.UNKNOWN if sources.unknown[target] else ChainKind.HOME
        return ChainBreakdown(figure, (Chain(itself, (ids[target],), (), 1.0, figure),), 0.0, True)
    found: list[Chain] = []
    counter = itertools.count()
    # A partial chain is a linked list upward from the target, so extending it costs O(1):
    # (entity, stake of the hop below it, the rest of the chain below, number of hops).
    start: _Link = (target, 0.0, None, 0)
    # Entries: (-bound, tiebreak, kind (None while partial), chain, unallocated part, product of stakes).
    queue: list[tuple[float, int, ChainKind | None, _Link, float, float]] = [
        (-figure, next(counter), None, start, 1.0, 1.0)
    ]
    steps = 0
    exhausted = True
    while queue:
        bound, _, kind, link, part, product = heapq.heappop(queue)
        if -bound <= TOLERANCE:
            break
        if kind is not None:
            path, stakes = _unwind(link)
            found.append(Chain(kind, tuple(ids[i] for i in path), stakes, part, -bound))
            if len(found) >= max_chains:
                exhausted = not queue or -queue[0][0] <= TOLERANCE
                break
            continue
        steps += 1
        if steps > max_steps:
            exhausted = False
            break
        head, _, _, hops = link
        unallocated = float(sources.unallocated[head])
        if unallocated > TOLERANCE:
            share = product * unallocated
            heapq.heappush(queue, (-share, next(counter), ChainKind.UNALLOCATED, link, unallocated, product))
        if sources.declared is not None and sources.declared_by is not None and sources.declared[head] > TOLERANCE:
            # A declared indirect interest: one hop from the declaring holder, worth what it adds.
            raised = float(sources.declared[head])
            declarer: _Link = (int(sources.declared_by[head]), raised, link, hops + 1)
            heapq.heappush(queue, (-product * raised, next(counter), ChainKind.DECLARED, declarer, 1.0, product))
        if hops >= max_hops:
            exhausted = False
            continue
        into: IntArray = incoming.out_of(np.array([head], dtype=np.int64))
        for k in into.tolist():
            holder = int(incoming.subject[k])
            weight = float(incoming.weight[k])
            if weight <= 0 or _on(link, holder):
                continue
            reached = product * weight
            longer: _Link = (holder, weight, link, hops + 1)
            if sources.home[holder]:
                origin = ChainKind.UNKNOWN if sources.unknown[holder] else ChainKind.HOME
                heapq.heappush(queue, (-reached, next(counter), origin, longer, 1.0, reached))
            elif figures[holder] > TOLERANCE:
                bound_here = reached * float(figures[holder])
                heapq.heappush(queue, (-bound_here, next(counter), None, longer, 1.0, reached))
    listed = sum(c.share for c in found)
    rest = figure - listed
    if abs(rest) <= TOLERANCE:
        rest = 0.0
    return ChainBreakdown(figure, tuple(found), rest, exhausted)


_Link = tuple[int, float, "_Link | None", int]


def _on(link: _Link | None, entity: int) -> bool:
    while link is not None:
        if link[0] == entity:
            return True
        link = link[2]
    return False


def _unwind(link: _Link) -> tuple[list[int], tuple[float, ...]]:
    """Entities from the top of the chain down to the target, and the stake of each hop."""
    path: list[int] = []
    stakes: list[float] = []
    current: _Link | None = link
    while current is not None:
        path.append(current[0])
        if current[2] is not None:
            stakes.append(current[1])
        current = current[2]
    return path, tuple(stakes)


__all__ = ["MAX_CHAINS", "MAX_HOPS", "MAX_STEPS", "Sources", "find_chains"]
