"""Which single changes cannot move one entity's verdict, proved from the check's own figures, so that only
the others are checked.

A change to holdings into one subject ``s`` reaches the entity ``X`` only through ``s``'s figures. For the
look-through this is exact arithmetic (docs/rules.md section 1.2): ``X``'s figure is the part no walk
through ``s`` touches, plus ``s``'s figure times the weight of the walks from ``s`` to ``X`` that do not
come back to ``s``, and neither term depends on the holdings into ``s``. So a change moves ``X`` by at most
``s``'s own move times ``y(s)``, the weight of every walk from ``s`` to ``X`` (one sparse solve,
``(I - A) y = e_X``, with ``A`` the stakes into entities that are not home, since a home entity's figure is
1 whatever its holders do). ``s``'s own move is at most what the holding carried into it (a sale), what
``s`` has (new shares to someone else: no figure falls below 0), or what an unnamed stake may add (a
removal, at the high bound, where the unallocated part counts as watched).

For the cascade, only entities tainted at a bound can lose their taint when stakes fall, and a lost taint
travels only along chains of tainted entities; so ``X``'s cascade figure falls by at most the stakes in
``X`` of its tainted holders that such a chain joins to ``s`` (plus the change itself when ``s`` is ``X``).
A rise (at the high bound) can only add taints, so the cascade after it is found exactly by growing the
old taints from ``s``.

A change whose bound cannot carry the deciding figure across the threshold cannot change the status, so
the answer for it is known without a check. The bounds are used only where the check is the aggregated
computation on equity alone (no control rows, no declared indirect interests, not party by party);
otherwise nothing is screened and every change is checked. Fractions 0..1 throughout.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ownership.model import TOLERANCE, Comparison, Policy
from ownership.result import Status

if TYPE_CHECKING:
    from scipy import sparse

    from ownership.engine.edges import Edges
    from ownership.engine.evaluate import Bound
    from ownership.prepare.graph import EquityGraph
    from ownership.result import CheckResult

#: Slack added in the change's favour when a bound is compared with the distance to the threshold, far
#: above the solve's rounding and the verdict tolerance, so that rounding never screens out a change that
#: would move the verdict.
SLACK = 1e-7
#: Direct holders of the entity followed one by one for the cascade's bounds at most; past it, every
#: subject joined to any of them is bounded by the whole figure.
_HOLDERS_FOLLOWED = 256

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Side:
    """One bound's figures and the bounds on how far one change at a subject moves the entity there.

    Attributes:
        look: per entity, its look-through figure (1 for home entities at this bound).
        walks: per entity ``s``, the weight of every walk of stakes from ``s`` to the entity (``y``).
        seed: per entity, home at this bound (its figures do not move).
        cascade_fall: per subject, the most the entity's cascade figure falls when the subject's falls.
        tainted: per entity, tainted in the cascade at this bound.
        cascade: per entity, its cascade figure at this bound.
        looped: per entity, on a loop of holdings among entities tainted at this bound (not home).
        figures: the entity's (cascade, look-through) figures at this bound.
    """

    look: FloatArray
    walks: FloatArray
    seed: BoolArray
    cascade_fall: FloatArray
    tainted: BoolArray
    cascade: FloatArray
    looped: BoolArray
    figures: dict[str, float]


@dataclass(frozen=True)
class Screen:
    """Bounds on what one change to one holding can do to the entity (``screen``)."""

    x: int
    index: dict[str, int]
    policy: Policy
    low: _Side
    high: _Side
    pairs: dict[tuple[int, int], int]
    edges: Edges

    def _stake(self, holder: int, subject: int) -> float | None:
        k = self.pairs.get((holder, subject))
        return None if k is None else float(self.edges.weight[k])

    def _gap(self, side: _Side, name: str, falling: bool) -> float:
        """How far the figure must move to cross the threshold (<= 0: it is already on the far side)."""
        edge = _edge(self.policy.threshold, self.policy.comparison)
        value = side.figures[name]
        return (value - edge) if falling else (edge - value)

    def _crosses(self, side: _Side, falls: dict[str, float], falling: bool) -> bool:
        """Whether figures moving by at most ``falls`` can leave the policy's test on the other side: when
        falling, every deciding figure that passes must be able to fail; when rising, any one to pass."""
        names = self.policy.method.figures
        if falling:
            return all(self._gap(side, n, True) <= 0 or falls[n] + SLACK >= self._gap(side, n, True) for n in names)
        return any(falls[n] + SLACK >= self._gap(side, n, False) for n in names)

    def _fall(self, side: _Side, s: int, look: float, cascade: float, *, whole: bool = False) -> dict[str, float]:
        """Bounds on the entity's fall when holdings into ``s`` change and ``s``'s own figures fall by at most
        ``look`` and ``cascade`` (or by all they have, ``whole``)."""
        if side.seed[s]:
            return {"cascade": 0.0, "lookthrough": 0.0}
        own = float(side.look[s]) if whole else min(look, float(side.look[s]))
        falls = {"lookthrough": own * float(side.walks[s])}
        # Others' taint moves only if s's does: when s stays tainted, nothing downstream of it changes.
        passed_on = float(side.cascade_fall[s]) if self._may_untaint(side, s, cascade, whole) else 0.0
        if s == self.x:
            falls["cascade"] = side.figures["cascade"] if whole else cascade + passed_on
        else:
            falls["cascade"] = passed_on
        return falls

    def _pass_edge(self) -> float:
        return _edge(self.policy.pass_threshold, self.policy.pass_comparison)

    def _may_untaint(self, side: _Side, s: int, fall: float, whole: bool) -> bool:
        """Whether ``s`` may lose its taint when its cascade figure falls by at most ``fall``."""
        if not side.tainted[s] or side.seed[s] or (fall <= 0.0 and not whole):
            return False
        # On a loop of tainted entities s's figure leans on taints that lean on s's own (the cascade is a
        # least fixpoint), so its figure less the fall says nothing: it may lose its taint.
        return whole or bool(side.looped[s]) or float(side.cascade[s]) - fall <= self._pass_edge() + SLACK

    def may_clear_by_sale(self, holder: str, subject: str, most: float) -> bool:
        """Whether selling the whole holding (up to its ``most``, a fraction) to a party outside the watched
        set may make the entity clear."""
        h, s = self.index[holder], self.index[subject]
        w = self._stake(h, s)
        if w is None:
            return True
        side = self.high
        # At the high bound the sale also names who holds the part of a range above its low end, which
        # counted as possibly watched until then.
        named = max(0.0, most - w)
        look = w * float(side.look[h]) + named
        cascade = (w if side.tainted[h] else 0.0) + named
        return self._crosses(side, self._fall(side, s, look, cascade), True)

    def may_clear_by_issue(self, holder: str, subject: str) -> bool:
        """Whether new shares to the holder, up to the whole subject, may make the entity clear."""
        h, s = self.index[holder], self.index[subject]
        if self._stake(h, s) is None:
            return True
        return self._crosses(self.high, self._fall(self.high, s, 1.0, 1.0, whole=True), True)

    def may_change_by_drop(self, holder: str, subject: str, status: Status) -> bool:
        """Whether removing the holding (its stake then has no named holder) may change the status."""
        if status in (Status.HOME, Status.POSSIBLE):
            # Home is a matter of the entity's country or the watch list; a removal can neither raise the
            # low bound nor lower the high one (docs/rules.md section 3.2).
            return False
        h, s = self.index[holder], self.index[subject]
        w = self._stake(h, s)
        if w is None:
            return True
        if status is Status.FLAGGED:
            side = self.low  # only the low bound can fall below the threshold
            falls = self._fall(side, s, w * float(side.look[h]), w if side.tainted[h] else 0.0)
            return self._crosses(side, falls, True)
        side = self.high  # clear: only the high bound can rise past the threshold
        if side.seed[s]:
            return False
        rises = {"lookthrough": w * (1.0 - float(side.look[h])) * float(side.walks[s]), "cascade": 0.0}
        if not side.tainted[h]:
            rises["cascade"] = self._cascade_rise(side, s, w)
        return self._crosses(side, rises, False)

    def _cascade_rise(self, side: _Side, s: int, rise: float) -> float:
        """How much the entity's cascade figure rises when ``s``'s rises by ``rise``.

        A rise can only add taints (the cascade is monotone), and the taints before it are a fixpoint that
        the least fixpoint after it contains; so the new one is the old one grown from ``s``: an entity
        joins when its figure, with the stakes of those that joined before it, passes the pass-through
        test (less the slack, so the answer never falls short).
        """
        edges, edge = self.edges, self._pass_edge()
        added = {s: rise}
        joined: set[int] = set()
        waiting = [s]
        while waiting:
            k = waiting.pop()
            if k in joined or side.tainted[k] or float(side.cascade[k]) + added[k] < edge - SLACK:
                continue
            joined.add(k)
            for e in edges.out_of(np.array([k], dtype=np.int64)).tolist():
                j = int(edges.subject[e])
                added[j] = added.get(j, 0.0) + float(edges.weight[e])
                waiting.append(j)
        return added.get(self.x, 0.0)


def _edge(threshold: float, comparison: Comparison) -> float:
    """The figure at which the threshold test turns, with the tolerance (``ownership.model.passes``)."""
    return threshold + TOLERANCE if comparison is Comparison.GT else threshold - TOLERANCE


def screen(result: CheckResult, policy: Policy, entity: str) -> Screen | None:
    """The bounds for ``entity`` from the check ``result`` of its upstream part, or None where they do not
    apply (stakes not aggregated, control rows, declared indirect interests, closed loops) or the walks
    cannot be solved."""
    from ownership.pipeline import ExplainedVerdicts

    verdicts = result.verdicts
    if not isinstance(verdicts, ExplainedVerdicts) or not policy.aggregate:
        return None
    graph, ev = verdicts.explainer.graph, verdicts.explainer.ev
    if graph.floors is not None or graph.control.holder.size or graph.control_holdings:
        return None
    if ev.low.closed_loops or ev.high.closed_loops:
        return None
    index = verdicts.entities.position
    x = index[entity]
    eq = graph.equity
    sides = []
    for bound, seed in ((ev.low, graph.home), (ev.high, graph.home | graph.unknown_home)):
        side = _side(graph, bound, seed, x)
        if side is None:
            return None
        sides.append(side)
    pairs = {(h, s): k for k, (h, s) in enumerate(zip(eq.holder.tolist(), eq.subject.tolist(), strict=True))}
    return Screen(x, index, policy, sides[0], sides[1], pairs, eq)


def _side(graph: EquityGraph, bound: Bound, seed: BoolArray, x: int) -> _Side | None:
    walks = _walks(graph, seed, x)
    if walks is None:
        return None
    eq = graph.equity
    tainted = bound.tainted
    into_x = eq.subject == x
    return _Side(
        look=bound.lookthrough,
        walks=walks,
        seed=seed,
        cascade_fall=_joined(eq.n, eq.holder, eq.subject, eq.weight, into_x, tainted & ~seed),
        tainted=tainted,
        cascade=bound.cascade,
        looped=_looped(eq.n, eq.holder, eq.subject, eq.weight, tainted & ~seed),
        figures={"cascade": float(bound.cascade[x]), "lookthrough": float(bound.lookthrough[x])},
    )


def _walks(graph: EquityGraph, seed: BoolArray, x: int) -> FloatArray | None:
    """Per entity ``s``, the weight of every walk of stakes from ``s`` to ``x`` through entities that are not
    home (``x`` itself reached counts 1), or None when the system is singular."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    eq = graph.equity
    n = eq.n
    keep = ~seed[eq.subject]
    a = sparse.csc_matrix((eq.weight[keep], (eq.holder[keep], eq.subject[keep])), shape=(n, n))
    e = np.zeros(n)
    e[x] = 1.0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # A singular system (a loop held in full) warns and gives NaN: then there are no bounds and
        # every change is checked.
        warnings.simplefilter("ignore")
        try:
            y = np.asarray(spsolve((sparse.identity(n, format="csc") - a).tocsc(), e), dtype=np.float64)
        except (RuntimeError, ValueError, ArithmeticError):
            return None
    if not np.all(np.isfinite(y)) or (y < -1e-12).any():
        return None
    return np.maximum(y, 0.0)


def _joined(
    n: int, holder: IntArray, subject: IntArray, weight: FloatArray, into_x: BoolArray, chain: BoolArray
) -> FloatArray:
    """Per entity ``s``, the sum of the stakes in ``x`` of its holders ``k`` with ``chain[k]`` that ``s`` reaches
    through entities with ``chain`` alone (``s`` and ``k`` included): the holders whose taint a change of
    ``s``'s taint can move. Entities without ``chain`` get 0."""
    from scipy import sparse

    bound = np.zeros(n)
    ks, ws = holder[into_x], weight[into_x]
    on = chain[ks]
    ks, ws = ks[on], ws[on]
    if not ks.size:
        return bound
    # Reversed holdings among chain entities: from a holder of x back to whoever a change can reach it from.
    inner = chain[holder] & chain[subject]
    reverse = sparse.csr_matrix((np.ones(int(inner.sum())), (subject[inner], holder[inner])), shape=(n, n))
    order = np.argsort(-ws, kind="stable")
    ks, ws = ks[order], ws[order]
    if ks.size > _HOLDERS_FOLLOWED:
        reached = _reach(reverse, ks, n)
        bound[reached] = float(ws.sum())
        return bound
    for k, w in zip(ks.tolist(), ws.tolist(), strict=True):
        bound[_reach(reverse, np.array([k], dtype=np.int64), n)] += w
    return bound


def _looped(n: int, holder: IntArray, subject: IntArray, weight: FloatArray, among: BoolArray) -> BoolArray:
    """Per entity, on a loop of holdings (stakes above 0) among the entities with ``among``."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    inner = among[holder] & among[subject] & (weight > 0)
    found = np.zeros(n, dtype=np.bool_)
    h, s = holder[inner], subject[inner]
    if not h.size:
        return found
    found[h[h == s]] = True
    graph = sparse.csr_matrix((np.ones(h.size), (h, s)), shape=(n, n))
    _, label = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(label, minlength=n)
    found |= among & (sizes[label] > 1)
    return found


def _reach(reverse: sparse.csr_matrix, starts: IntArray, n: int) -> BoolArray:
    from scipy.sparse.csgraph import breadth_first_order

    found = np.zeros(n, dtype=np.bool_)
    for start in starts.tolist():
        if found[start]:
            continue
        found[breadth_first_order(reverse, start, directed=True, return_predecessors=False)] = True
    return found


__all__ = ["Screen", "screen"]
