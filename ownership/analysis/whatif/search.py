"""Where along one stake an entity's verdict turns ``clear``: a bracketed search on the engine's own verdict.

The verdict is the check's (``ownership.pipeline``), so no rule is decided twice. The search keeps a
bracket, a stake at which the entity is clear and one at which it is not, and narrows it until the two are
at most ``EPS`` apart (1e-9 percentage points). Each round first tries where the figures say the edge is,
then a bisection if that did not halve the bracket:

* the look-through figure of the entity is a linear-fractional function of any one stake (the system
  ``x = W^T (h + (1 - h) x)`` changes by one entry, a rank-one update, with cycles too), so interpolating
  it between the bracket's ends lands on the edge in a round or two;
* the cascade figure is affine in the stake between threshold crossings: the entity's own figure when the
  stake is held in it, the subject's figure against the pass-through test when it is held further up, so
  interpolating both finds the crossing, and the bisection takes over across the jumps.

Each guess is checked together with its neighbours ``EPS`` either side, which closes the bracket at once
when the guess is on the edge. Fractions 0..1 throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The bracket's final width, as a fraction: 1e-9 percentage points.
EPS = 1e-11
#: How far (a fraction) a reported stake may be moved into the clear side to be written with fewer
#: decimals: a few times the threshold tolerance (a figure within the tolerance counts as equal, and a stake
#: moves the figure by the tolerance over a stretch as long as the tolerance over the slope), so a figure
#: at the threshold reads 50, not 50.0000000999.
SNAP = 5e-9
#: Rounds before the search stops (bisection alone needs about 40 for the whole 0..1 range).
MAX_ROUNDS = 120


@dataclass(frozen=True, slots=True)
class Point:
    """The verdict at one stake.

    Attributes:
        p: the stake (fraction).
        clear: the entity is clear there.
        figures: the figures the search interpolates, in the order of its targets (fractions).
    """

    p: float
    clear: bool
    figures: tuple[float, ...]


Probe = Callable[[Sequence[float]], list[Point]]


def _between(value: float, a: float, b: float) -> bool:
    return min(a, b) < value < max(a, b)


def _guesses(a: Point, b: Point, targets: Sequence[float]) -> list[float]:
    found = []
    for k, target in enumerate(targets):
        fa, fb = a.figures[k], b.figures[k]
        if fa == fb:
            continue
        g = a.p + (target - fa) * (b.p - a.p) / (fb - fa)
        if _between(g, a.p, b.p):
            found.append(g)
    return found


def _narrowed(a: Point, b: Point, points: Sequence[Point]) -> tuple[Point, Point]:
    """The bracket after ``points`` were checked: the first point that is not clear on the way from ``a``
    to ``b`` becomes ``b``, the last clear one before it ``a``."""
    span = b.p - a.p
    ordered = sorted((q for q in points if _between(q.p, a.p, b.p)), key=lambda q: (q.p - a.p) / span)
    for q in ordered:
        if not q.clear:
            return a, q
        a = q
    return a, b


def edge(probe: Probe, inside: Point, outside: Point, targets: Sequence[float]) -> tuple[Point, Point]:
    """The bracket narrowed to ``EPS``: a clear point and a point that is not clear, next to each other.

    Each round checks, in one batch, where the figures put the edge, the points ``EPS`` either side of
    each such guess, and the middle of the bracket, so the bracket at least halves every round.

    Args:
        probe: the verdicts at several stakes.
        inside: a point where the entity is clear; ``outside``: one where it is not.
        targets: per figure of ``Point.figures``, the value at which it decides the verdict.
    """
    a, b = inside, outside
    for _ in range(MAX_ROUNDS):
        if abs(b.p - a.p) <= EPS:
            break
        asked: list[float] = []
        for g in _guesses(a, b, targets):
            asked += [q for q in (g, g - EPS, g + EPS) if _between(q, a.p, b.p)]
        asked.append((a.p + b.p) / 2)
        a, b = _narrowed(a, b, probe(sorted(set(asked))))
    return a, b


def snapped(probe: Probe, a: Point, b: Point, low: float, high: float) -> Point:
    """The clear point to report: ``a``, or the shortest decimal (in percent) near it that is clear too,
    within ``SNAP`` on the clear side or inside the bracket, and within ``low``..``high``."""
    away = 1.0 if a.p >= b.p else -1.0
    asked: list[float] = []
    for decimals in range(12):
        r = round(a.p * 100.0, decimals) / 100.0
        if r == a.p:
            break
        if not low <= r <= high or r in asked:
            continue
        if (away * (r - a.p) > 0 and abs(r - a.p) <= SNAP) or _between(r, a.p, b.p):
            asked.append(r)
    if not asked:
        return a
    return next((q for q in probe(asked) if q.clear), a)


__all__ = ["EPS", "SNAP", "Point", "Probe", "edge", "snapped"]
