"""Overlapping FtM Ownership records of one owner and asset into holdings, one per period.

Registers re-issue a stake as it changes and FtM keeps the old records, so several records of the same
owner, asset and share type may be in force at once. They describe one stake: summing them would count it
several times. Where they overlap they are read as one stake spanning their percentages.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from ownership.model import Holding, Stake
from ownership.readers.canonical.row import Problems
from ownership.readers.ftm.claims import OPEN_END, OPEN_START, Claim


def holdings(claims: list[Claim], problems: Problems, label: Callable[[str], str]) -> list[Holding]:
    """The holdings the claims amount to, in file order: a claim alone is one holding; claims of the same
    owner, asset and share type are read as one stake, split into periods where the set in force changes.

    ``label`` names an entity for the ``overlapping_records`` warning.
    """
    groups: dict[tuple[str, str, str, bool], list[Claim]] = defaultdict(list)
    for claim in claims:
        # A declared indirect stake and a direct one are different stakes, never periods of one.
        groups[(claim.holder, claim.subject, claim.share_type, claim.indirect)].append(claim)
    found: list[Holding] = []
    for group in groups.values():
        if len(group) == 1:
            found.append(_holding(group[0]))
        else:
            found.extend(_periods(group, problems, label))
    found.sort(key=lambda h: h.where.row if h.where and h.where.row else 0)
    return found


def _periods(group: list[Claim], problems: Problems, label: Callable[[str], str]) -> list[Holding]:
    """One holding per period in which the same set of records is in force (see ``ownership.readers.ftm.reader``)."""
    bounds = sorted({b for c in group for b in c.span})
    periods: list[tuple[int, int, Stake, list[Claim]]] = []  # first day, day after, stake, records behind it
    overlapped: list[Claim] = []
    for first, after in itertools.pairwise(bounds):
        covering = [c for c in group if c.span[0] <= first < c.span[1]]
        if not covering:
            continue
        if len(covering) > 1:
            overlapped.extend(c for c in covering if c not in overlapped)
        # Where a record gives a percentage, one that gives none says nothing more about the stake.
        behind = [c for c in covering if c.stake is not None] or covering
        given = [c.stake for c in behind if c.stake is not None]
        stake = Stake(min(s.low for s in given), max(s.high for s in given)) if given else Stake(0.0, 1.0)
        last = periods[-1] if periods else None
        if last is not None and last[1] == first and last[2] == stake:
            periods[-1] = (last[0], after, stake, [*last[3], *(c for c in behind if c not in last[3])])
        else:
            periods.append((first, after, stake, behind))
    if overlapped:
        overlapped.sort(key=lambda c: c.where.row or 0)
        rows = ", ".join(str(c.where.row) for c in overlapped)
        problems.warn(
            "overlapping_records",
            f"{label(group[0].holder)} -> {label(group[0].subject)} has {len(overlapped)} Ownership "
            f"records in force at the same time (rows {rows}): read as one stake, the range of the percentages "
            "they give (a record without a percentage adds nothing where another gives one), not as separate "
            "stakes",
            overlapped[0].where,
        )
    found: list[Holding] = []
    for first, after, stake, behind in periods:
        behind = sorted(behind, key=lambda c: c.where.row or 0)
        one = behind[0] if len(behind) == 1 else None
        ids = ", ".join(c.record_id for c in behind)
        found.append(
            Holding(
                holder=behind[0].holder,
                subject=behind[0].subject,
                stake=stake,
                start=None if first == OPEN_START else date.fromordinal(first),
                end=None if after == OPEN_END else date.fromordinal(after - 1),
                shares=one.shares if one else None,
                source=f"FtM Ownership {ids}{one.details if one else ''}",
                where=behind[0].where,
                indirect=behind[0].indirect,
            )
        )
    return found


def _holding(claim: Claim) -> Holding:
    return Holding(
        holder=claim.holder,
        subject=claim.subject,
        stake=claim.stake if claim.stake is not None else Stake(0.0, 1.0),
        start=claim.start,
        end=claim.end,
        shares=claim.shares,
        source=f"FtM Ownership {claim.record_id}{claim.details}",
        where=claim.where,
        indirect=claim.indirect,
    )


__all__ = ["holdings"]
