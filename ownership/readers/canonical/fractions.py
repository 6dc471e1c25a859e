"""Stakes written as bare numbers: a column of fractions (0.25) or of percentages (25), decided for the
whole column, never per cell."""

from __future__ import annotations

import re
from dataclasses import replace

from ownership.errors import Location, short
from ownership.model import Holding, Stake
from ownership.readers.canonical.row import Problems
from ownership.readers.cells.tables import Cell

_PLAIN_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def bare_number(cell: Cell) -> float | None:
    """The cell's value if it is a plain number without a percent sign or format (a CSV's "0.42" too)."""
    value = cell.value
    if isinstance(value, bool) or cell.percent_format:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        return float(value.strip().replace(",", "."))
    return None


def check_mixed_forms(
    bare: list[tuple[float, Location]], texts: list[tuple[str, Location]], problems: Problems
) -> bool:
    """Percent text ('45%') beside bare numbers that are all at most 1 (0.55) is ambiguous: 0.55 may be a
    fraction (55%) or percentage points (0.55%). Each bare cell is an error; returns whether there were any."""
    if not texts or not bare or not all(v <= 1.0 for v, _ in bare) or not any(v > 0 for v, _ in bare):
        return False
    sample, sample_where = texts[0]
    for value, where in bare:
        if value <= 0:
            continue
        problems.error(
            f"{value:g} is a bare number in a column that also holds percent text ('{short(sample, 20)}' at row "
            f"{sample_where.row}): it could be {value * 100:g}% or {value:g}%; write it with a % sign "
            f"({value * 100:g}% or {value:g}%), or format the cell as a percentage",
            where,
        )
    return True


def check_fraction_scale(bare: list[tuple[float, Location]], problems: Problems) -> bool:
    """Whether a column's plain numbers are all at most 1 (said in a warning): then each may be percentage
    points (0.6 = 0.6%, as the format reads a bare number) or a fraction typed without a % format (0.6 =
    60%), and the caller widens each such stake to span both readings, so the ambiguity can make a result
    ``possible`` but never a clean ``clear``."""
    if len(bare) >= 2 and all(v <= 1.0 for v, _ in bare) and any(0 < v < 1 for v, _ in bare):
        problems.warn(
            "fraction_scale",
            "every stake in this column is a plain number of at most 1: each may be percentage points (0.6 = "
            "0.6%) or a fraction (0.6 = 60%), so each is read as the range between the two (0.6-60%); format "
            "the cells as percentages, or write 60 or 0.6%, to settle it",
            replace(bare[0][1], row=None),
        )
        return True
    return False


def widen_fractions(holdings: list[Holding], bare: list[tuple[float, Location]]) -> list[Holding]:
    """The holdings whose percent cell was a plain number at most 1, each read as the range from the
    percentage-point reading to the fraction reading (0.6 -> 0.6-60%)."""
    by_row = {where.row: value for value, where in bare}
    widened: list[Holding] = []
    for h in holdings:
        value = by_row.get(h.where.row if h.where is not None else None)
        if value is not None and h.stake is not None and h.stake.is_exact:
            h = replace(h, stake=Stake(h.stake.low, max(h.stake.low, value)))
        widened.append(h)
    return widened
