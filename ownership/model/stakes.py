"""Stakes as intervals of fractions, the tolerance, and the threshold test every rule shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

TOLERANCE = 1e-9

#: Exclusive band ends ("more than 50%") are moved inward by this much (a fraction, i.e. 0.0001
#: percentage points), far above TOLERANCE so that they decide threshold tests the right way.
EXCLUSIVE_NUDGE = 1e-6


@dataclass(frozen=True, slots=True)
class Stake:
    """A direct stake as an interval of fractions: ``low <= true stake <= high``.

    An exact figure has ``low == high``. Exclusive ends have already been moved inward by
    ``EXCLUSIVE_NUDGE`` when the stake was built with ``Stake.between``.
    """

    low: float
    high: float

    @staticmethod
    def exact(value: float) -> Stake:
        """An exact stake (fraction 0..1)."""
        return Stake(value, value)

    @staticmethod
    def between(low: float, high: float, *, low_exclusive: bool = False, high_exclusive: bool = False) -> Stake:
        """A ranged stake (fractions); exclusive ends are nudged inward."""
        lo = low + EXCLUSIVE_NUDGE if low_exclusive else low
        hi = high - EXCLUSIVE_NUDGE if high_exclusive else high
        return Stake(min(lo, hi), max(lo, hi))

    @property
    def is_exact(self) -> bool:
        return abs(self.high - self.low) <= TOLERANCE

    def __add__(self, other: Stake) -> Stake:
        return Stake(self.low + other.low, self.high + other.high)

    @staticmethod
    def merged(stakes: Sequence[Stake]) -> Stake:
        """Several rows of one holder in one subject as one stake (fractions): summed, with the high end
        capped at 100%, since a sum of ranges never reaches above it, but never below the summed low end
        (which may pass 100% and is then refused as over-allocation)."""
        total = stakes[0]
        for other in stakes[1:]:
            total = total + other
        return Stake(total.low, max(total.low, min(total.high, 1.0)))

    def __str__(self) -> str:
        """As a percentage for messages: '40%' or '25-50%'."""
        if self.is_exact:
            return pct_text(self.low)
        return f"{self.low * 100:.4g}-{self.high * 100:.4g}%"


def pct_text(fraction: float) -> str:
    """A fraction as a short percentage for messages and reports: 0.5 -> '50%', 0.851064 -> '85.11%'."""
    return f"{fraction * 100:.4g}%"


class Comparison(StrEnum):
    GT = "gt"  # more than
    GE = "ge"  # at least

    @property
    def words(self) -> str:
        return "more than" if self is Comparison.GT else "at least"

    @property
    def symbol(self) -> str:
        return ">" if self is Comparison.GT else ">="


def passes(value: float, threshold: float, comparison: Comparison) -> bool:
    """Threshold test on fractions with the tolerance: a figure within TOLERANCE of the threshold is equal."""
    if comparison is Comparison.GT:
        return value > threshold + TOLERANCE
    return value >= threshold - TOLERANCE
