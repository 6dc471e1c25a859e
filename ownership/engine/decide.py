"""The status rule: which bound of the deciding figure passes the threshold, and the status that gives.

Written over columns of any kind that compare with numbers and combine with ``|`` (numpy arrays in the
in-memory pipeline, Spark columns in ``ownership.spark``), so that both engines decide statuses with this one
rule and nothing is decided twice (docs/rules.md section 4).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any, TypeVar

from ownership.model import TOLERANCE, Comparison, ControlMode, Policy

C = TypeVar("C")

#: Status codes, in severity order: the ``status`` column of ``Figures`` holds these.
HOME, FLAGGED, POSSIBLE, CLEAR = 0, 1, 2, 3
STATUS_NAMES = ("home", "flagged", "possible", "clear")


def passes(values: C, threshold: float, comparison: Comparison) -> C:
    """Whether each figure (a fraction 0..1) passes the threshold, with the tolerance of
    ``ownership.model.passes``: figures within 1e-9 of it count as equal."""
    found: Any = values
    if comparison is Comparison.GT:
        return found > threshold + TOLERANCE  # type: ignore[no-any-return]
    return found >= threshold - TOLERANCE  # type: ignore[no-any-return]


def decide(
    policy: Policy,
    cascade: tuple[C, C],
    lookthrough: tuple[C, C],
    via_control: tuple[C, C],
) -> tuple[C, C]:
    """Which entities pass at the low bound, and which at the high bound, under the policy's method.

    Args:
        policy: the rule (threshold and comparison as fractions, method, control mode).
        cascade, lookthrough: each figure's (low, high) bounds per entity (fractions 0..1).
        via_control: per entity, (low, high) tainted only through control rows.

    Returns:
        (passes at the low bound, passes at the high bound); whatever passes low passes high too.
    """
    t, c = policy.threshold, policy.comparison
    cascade_low, cascade_high = passes(cascade[0], t, c), passes(cascade[1], t, c)
    either: Callable[[Any, Any], Any] = operator.or_
    if policy.control is ControlMode.TAINTS:
        cascade_low = either(cascade_low, via_control[0])
    if policy.control is not ControlMode.REPORT:
        cascade_high = either(cascade_high, via_control[1])
    look_low, look_high = passes(lookthrough[0], t, c), passes(lookthrough[1], t, c)
    # The method names the figures that decide; on pass flags, any of them passing decides.
    low_flags = {"cascade": cascade_low, "lookthrough": look_low}
    high_flags = {"cascade": cascade_high, "lookthrough": look_high}
    names = policy.method.figures
    low: C = reduce(either, (low_flags[n] for n in names))
    high: C = either(reduce(either, (high_flags[n] for n in names)), low)
    return low, high


def status_codes(home: C, passes_low: C, passes_high: C, choose: Callable[[C, int, Any], Any]) -> Any:
    """Per entity, its status code (``HOME`` .. ``CLEAR``): home if itself watched, else flagged when the low
    bound passes, possible when only the high bound does, clear otherwise. ``choose(condition, then, else)``
    is the column kind's conditional (``numpy.where``, or Spark's ``when(...).otherwise(...)``)."""
    return choose(home, HOME, choose(passes_low, FLAGGED, choose(passes_high, POSSIBLE, CLEAR)))


__all__ = ["CLEAR", "FLAGGED", "HOME", "POSSIBLE", "STATUS_NAMES", "decide", "passes", "status_codes"]
