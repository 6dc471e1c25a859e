"""Compare two checks entity by entity: statuses that changed, figures that moved, entities added or
removed, and for each change its causes upstream (``ownership.analysis.diff.causes``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ownership.analysis.diff.model import Change, Diff, Side, newly_failing
from ownership.analysis.diff.snapshot import Snapshot, of_result, resolve_entities
from ownership.model import OwnershipData
from ownership.result import CheckResult, FailOn, Interval

#: Changes beyond this many get no causes (each needs its own re-checks); the diff says so.
MAX_EXPLAINED = 500

NO_DATA = (
    "causes need the data of both sides; a JSON report of exposure check holds figures only, so compare the "
    "two inputs instead to see them"
)


def compare(
    old: CheckResult | Snapshot,
    new: CheckResult | Snapshot,
    *,
    min_change: float = 1e-4,
    entities: Sequence[str] | None = None,
    old_data: OwnershipData | None = None,
    new_data: OwnershipData | None = None,
) -> Diff:
    """What changed between two checks of (usually) the same structure at two moments, and why.

    Args:
        old, new: the two checks (``ownership.check`` results), or snapshots read from JSON reports.
        min_change: the smallest move of any figure bound that counts as a change, as a fraction (1e-4 is
            0.01 percentage points); a bound must move by more than this.
        entities: the entities (ids, or unique names) that decide the exit code; None or empty: those that
            decide in the new check (all, unless it was given targets).
        old_data, new_data: the data each check read; the causes are computed from them. When absent, a
            check's own holdings and entities are used; snapshots of JSON reports have none, so the diff
            then has no causes and ``causes_note`` says why.

    Returns:
        The ``Diff``: ``changes``, ``added``, ``removed``, ``summary`` and ``failing(fail_on)``.

    Raises:
        PolicyError: an entity named in ``entities`` is on neither side.
    """
    so = old if isinstance(old, Snapshot) else of_result(old, old_data)
    sn = new if isinstance(new, Snapshot) else of_result(new, new_data)
    targets = resolve_entities([sn, so], entities) if entities else ()
    if not targets and sn.result is not None:
        targets = sn.result.targets
    chosen = set(targets)
    old_at = {i: k for k, i in enumerate(so.ids)}
    new_ids = list(sn.ids)
    matched = np.fromiter((old_at.get(i, -1) for i in new_ids), dtype=np.int64, count=len(new_ids))
    both = np.flatnonzero(matched >= 0)
    ok = matched[both]
    old_f = np.stack([so.cascade_low, so.cascade_high, so.lookthrough_low, so.lookthrough_high], axis=1)
    new_f = np.stack([sn.cascade_low, sn.cascade_high, sn.lookthrough_low, sn.lookthrough_high], axis=1)
    moved = (np.abs(new_f[both] - old_f[ok]) > min_change + 1e-12).any(axis=1)
    old_status = [so.status[k] for k in ok.tolist()]
    new_status = [sn.status[k] for k in both.tolist()]
    differ = np.fromiter((a is not b for a, b in zip(old_status, new_status, strict=True)), dtype=np.bool_)
    picked = np.flatnonzero(moved | differ) if both.size else np.zeros(0, dtype=np.int64)

    def decides(snap: Snapshot, k: int) -> bool:
        return snap.ids[k] in chosen if chosen else bool(snap.decides[k])

    def side(snap: Snapshot, f: np.ndarray, k: int) -> Side:
        row = f[k]
        return Side(snap.status[k], Interval(float(row[0]), float(row[1])), Interval(float(row[2]), float(row[3])))

    changes = [
        Change(sn.ids[n], sn.names[n], side(so, old_f, o), side(sn, new_f, n), decides(sn, n))
        for n, o in zip(both[picked].tolist(), ok[picked].tolist(), strict=True)
    ]
    new_set = set(new_ids)
    added = [
        Change(sn.ids[n], sn.names[n], None, side(sn, new_f, n), decides(sn, n))
        for n in np.flatnonzero(matched < 0).tolist()
    ]
    removed = [
        Change(so.ids[o], so.names[o], side(so, old_f, o), None, decides(so, o))
        for o, i in enumerate(so.ids)
        if i not in new_set
    ]
    changes.sort(key=_order)
    added.sort(key=_order)
    removed.sort(key=lambda c: c.id)

    differences = _policy_differences(so, sn)
    causes_note = ""
    old_input = old_data if old_data is not None else _data_of(so)
    new_input = new_data if new_data is not None else _data_of(sn)
    rule = sn.rule
    if changes and (old_input is None or new_input is None or rule is None):
        causes_note = NO_DATA
    elif changes and rule is not None and old_input is not None and new_input is not None:
        from ownership.analysis.diff.causes import CauseFinder

        finder = CauseFinder(old_input, new_input, rule)
        explained = finder.explain_all(changes[:MAX_EXPLAINED], sn.method)
        rest = [
            Change(c.id, c.name, c.old, c.new, c.decides, note=f"not explained: only the first {MAX_EXPLAINED} are")
            for c in changes[MAX_EXPLAINED:]
        ]
        changes = explained + rest
        if differences:
            causes_note = "the two checks used different rules; the causes are measured under the new one"
    return Diff(
        changes=tuple(changes),
        added=tuple(added),
        removed=tuple(removed),
        old_label=so.label,
        new_label=sn.label,
        min_change=min_change,
        targets=tuple(targets),
        in_force=sn.in_force,
        policy_differences=differences,
        causes_note=causes_note,
        method=sn.method,
        old_policy=so.policy,
        new_policy=sn.policy,
    )


def _order(c: Change) -> tuple[bool, bool, bool, int, str]:
    """Deciding first, then newly flagged, then status changes, then by the new status's severity, then id."""
    rank = c.new.status.rank if c.new is not None else 9
    return (not c.decides, not newly_failing(c, FailOn.FLAGGED), not c.status_changed, rank, c.id)


def _data_of(snap: Snapshot) -> OwnershipData | None:
    """The data a check read, from the check itself (its entities and every holding as read)."""
    if snap.data is not None:
        return snap.data
    result = snap.result
    if result is None or (not result.holdings and result.holdings_used):
        return None
    return OwnershipData(result.verdicts.entities, result.holdings, result.source)


def _policy_differences(old: Snapshot, new: Snapshot) -> tuple[str, ...]:
    a, b = old.compared_policy(), new.compared_policy()
    return tuple(f"{key}: {_shown(a[key])} -> {_shown(b[key])}" for key in a if a[key] != b[key])


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
