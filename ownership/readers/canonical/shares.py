"""Stakes from share counts: against shares outstanding, or against the counts recorded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ownership.errors import Location, short
from ownership.model import TOLERANCE, Entity, Holding, Stake
from ownership.readers.canonical.row import Problems


def apply_share_counts(entities: list[Entity], holdings: list[Holding], problems: Problems) -> list[Holding]:
    """Turn share counts into stakes: against the subject's shares outstanding when given, otherwise
    against the sum of the share counts recorded for that subject (with a warning: nothing is then
    unallocated)."""
    by_id = {e.id: e for e in entities}
    counted: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        if h.stake is None and h.shares is not None:
            counted[h.subject].append(h)
    if not counted:
        return holdings
    stakes: dict[int, Stake] = {}
    for subject, rows in counted.items():
        outstanding = by_id[subject].shares_outstanding
        total = sum(h.shares or 0.0 for h in rows)
        if outstanding:
            denominator = outstanding
        else:
            if any(h.stake is not None for h in holdings if h.subject == subject):
                problems.error(
                    f"{short(subject)} has holdings given as percentages and as share counts but no shares "
                    "outstanding; add its 'shares outstanding' in Entities",
                    rows[0].where or Location("?"),
                )
                continue
            denominator = total
            problems.warn(
                "shares_summed",
                f"{short(subject)} has no shares outstanding: stakes computed from the {len(rows)} share counts "
                f"recorded ({total:,.0f} shares), so none of it is unallocated",
                rows[0].where,
            )
        if denominator <= 0:
            problems.error(
                f"the share counts recorded for {short(subject)} add up to 0, so they give no stake; give shares "
                "outstanding or a percent",
                rows[0].where or Location("?"),
            )
            continue
        for h in rows:
            share = (h.shares or 0.0) / denominator
            if share > 1.0 + TOLERANCE:
                problems.error(
                    f"{h.shares:,.0f} shares is more than {short(subject)}'s {denominator:,.0f} shares outstanding",
                    h.where or Location("?"),
                )
                continue
            stakes[id(h)] = Stake.exact(min(share, 1.0))
    return [replace(h, stake=stakes[id(h)]) if id(h) in stakes else h for h in holdings]
