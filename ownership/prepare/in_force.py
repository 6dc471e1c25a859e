"""Which holdings are in force on a day: decided here once, for the engine, the reports and ``convert``.

A holding carries ``start`` and ``end`` dates, both inclusive, a missing date meaning open on that side; either
date alone limits it (an end date without a start still ends the holding). A holding outside the day is left
out of the check, and every place that shows or exports holdings "in force" reads this decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from ownership.engine.edges import BoolArray
from ownership.errors import DataWarning, short
from ownership.model import Holding, OwnershipData
from ownership.model.tables import DayArray, HoldingTable


def in_force(start: DayArray | None, end: DayArray | None, day: date, count: int) -> BoolArray:
    """Per holding, whether it is in force on ``day``.

    Args:
        start, end: the holdings' first and last days (``datetime64[D]``, NaT open); None when no holding
            has such a date.
        day: the as-of date.
        count: the number of holdings (the length of the answer when neither column is given).
    """
    found = np.ones(count, dtype=np.bool_)
    at = np.datetime64(day, "D")
    if start is not None:
        found &= np.isnat(start) | (start <= at)
    if end is not None:
        found &= np.isnat(end) | (at <= end)
    return found


def holdings_in_force(holdings: Sequence[Holding], day: date) -> BoolArray:
    """Per holding of ``holdings`` (as read, in order), whether it is in force on ``day``."""
    if isinstance(holdings, HoldingTable):
        return in_force(holdings.start, holdings.end, day, len(holdings))
    if not any(h.start is not None or h.end is not None for h in holdings):
        return np.ones(len(holdings), dtype=np.bool_)
    start = np.array([h.start or "NaT" for h in holdings], dtype="datetime64[D]")
    end = np.array([h.end or "NaT" for h in holdings], dtype="datetime64[D]")
    return in_force(start, end, day, len(holdings))


def valid_on(holding: Holding, day: date) -> bool:
    """Whether one holding is in force on ``day`` (the same decision as ``holdings_in_force``)."""
    return bool(holdings_in_force([holding], day)[0])


def out_of_date(holding: Holding, day: date) -> str:
    """Why a holding is not in force on ``day``, in the words of the ``out_of_date`` warning: "ended D" or
    "starts D"."""
    if holding.end is not None and holding.end < day:
        return f"ended {holding.end}"
    return f"starts {holding.start}"


def data_in_force(data: OwnershipData, day: date) -> tuple[OwnershipData, int]:
    """The data with only the holdings in force on ``day`` (start and end dates inclusive), each one left out
    named in an ``out_of_date`` warning; and how many were left out. What ``exposure convert --as-of``
    writes, by the same decision the check makes."""
    kept = []
    warnings = list(data.warnings)
    for h, used in zip(data.holdings, holdings_in_force(data.holdings, day).tolist(), strict=True):
        if used:
            kept.append(h)
            continue
        warnings.append(
            DataWarning(
                "out_of_date",
                f"holding {short(h.holder)} -> {short(h.subject)} {out_of_date(h, day)}, outside the as-of date "
                f"{day}: left out",
                h.where,
            )
        )
    return replace(data, holdings=tuple(kept), warnings=tuple(warnings)), len(data.holdings) - len(kept)
