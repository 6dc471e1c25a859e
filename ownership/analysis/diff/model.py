"""What a diff of two checks holds: per entity its status and figures on each side, and the causes found.

Figures and stakes are fractions 0..1 here; the reports turn them into percentages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ownership.model import Stake
from ownership.result import FailOn, Interval, Status


class CauseKind(StrEnum):
    """What changed upstream of an entity."""

    ADDED = "added"  # a holding that only the new data has
    REMOVED = "removed"  # a holding that only the old data has
    CHANGED = "changed"  # a holding in both whose stake, votes or control differ
    COUNTRY = "country"  # an entity whose countries differ
    ENTITY = "entity"  # an entity whose type or ultimate-owner mark differs (countries the same)


@dataclass(frozen=True, slots=True)
class Side:
    """One entity in one of the two checks.

    Attributes:
        status: its status under that check's rule.
        cascade, lookthrough: its two figures as bounds (fractions 0..1).
    """

    status: Status
    cascade: Interval
    lookthrough: Interval


@dataclass(frozen=True, slots=True)
class Cause:
    """One difference between the two inputs upstream of a changed entity.

    Attributes:
        kind: what changed.
        holder: the holding's holder (for ``country`` and ``entity`` causes, the entity that changed).
        subject: the holding's subject; None for ``country`` and ``entity`` causes.
        old, new: the stake on each side (fractions), None where the holding is absent or has no equity.
        old_countries, new_countries: for ``country`` causes, the entity's countries on each side.
        explains: how much of the entity's change this cause explains, on ``bound`` (a signed fraction:
            0.1 = 10 points); None when it was not measured (see ``Change.note``).
        bound: the figure bound ``explains`` is measured on, such as "cascade low".
        indirect: the holding is a declared indirect interest.
    """

    kind: CauseKind
    holder: str
    subject: str | None
    old: Stake | None = None
    new: Stake | None = None
    old_countries: tuple[str, ...] = ()
    new_countries: tuple[str, ...] = ()
    explains: float | None = None
    bound: str = ""
    indirect: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """An entity whose status changed, whose figures moved, or which is only on one side.

    Attributes:
        id, name: the entity.
        old, new: its status and figures in each check; None on the side it is missing from.
        decides: whether it decides the exit code (all entities, or those named).
        causes: the differences upstream that produce the change, the one explaining most first.
        note: why the causes are missing or partial, in words ("" when they are complete).
    """

    id: str
    name: str
    old: Side | None
    new: Side | None
    decides: bool
    causes: tuple[Cause, ...] = ()
    note: str = ""

    @property
    def status_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.status is not self.new.status

    @property
    def figures_moved(self) -> bool:
        """The status is the same and only the figures moved."""
        return self.old is not None and self.new is not None and self.old.status is self.new.status


def failing_statuses(fail_on: FailOn) -> frozenset[Status]:
    """The statuses that make the exit code 1 under ``fail_on`` (home counts as flagged)."""
    if fail_on is FailOn.NEVER:
        return frozenset()
    found = {Status.HOME, Status.FLAGGED}
    if fail_on is FailOn.POSSIBLE:
        found.add(Status.POSSIBLE)
    return frozenset(found)


def newly_failing(change: Change, fail_on: FailOn) -> bool:
    """Whether the entity fails under ``fail_on`` now and did not before (an added entity did not before)."""
    bad = failing_statuses(fail_on)
    return change.new is not None and change.new.status in bad and (change.old is None or change.old.status not in bad)


@dataclass(frozen=True)
class DiffSummary:
    """The diff in counts: the JSON report's ``summary``.

    Attributes:
        newly_flagged: entities now ``flagged`` or ``home`` that were neither before (added ones included).
        cleared: entities now ``clear`` that were not before.
        status_changed: entities in both checks whose status changed.
        figures_moved: entities in both checks with the same status whose figures moved by more than the
            minimum change.
        added, removed: entities only in the new, or only in the old, check.
    """

    newly_flagged: int
    cleared: int
    status_changed: int
    figures_moved: int
    added: int
    removed: int

    def to_dict(self) -> dict[str, int]:
        return {
            "newly_flagged": self.newly_flagged,
            "cleared": self.cleared,
            "status_changed": self.status_changed,
            "figures_moved": self.figures_moved,
            "added": self.added,
            "removed": self.removed,
        }


@dataclass(frozen=True)
class Diff:
    """What changed between an old and a new check, and why.

    Attributes:
        changes: the entities in both checks whose status changed or whose figures moved by more than
            ``min_change``, deciding ones first, then newly flagged, then by id.
        added: the entities only in the new check (their ``old`` is None).
        removed: the entities only in the old check (their ``new`` is None).
        old_label, new_label: what each side was read from (paths as given).
        min_change: the smallest move of a figure bound that counts (a fraction: 1e-4 is 0.01 points).
        targets: the entity ids named to decide the exit code; empty when every entity decides.
        in_force: whether the new check's rule applies on its as-of date (when it does not, nothing fails).
        policy_differences: the settings the two checks' rules differ in, in words ("threshold_pct: 50 ->
            25"); empty when both used the same rule.
        causes_note: why no causes are given at all ("" when they were looked for).
        method: the deciding method of the new check's rule (cascade, lookthrough or either).
        notes: what else the reader of the diff must know, in words (a side read from a JSON report...).
        old_policy, new_policy: each check's rule as the JSON report of ``exposure check`` writes it.
    """

    changes: tuple[Change, ...]
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    old_label: str = ""
    new_label: str = ""
    min_change: float = 1e-4
    targets: tuple[str, ...] = ()
    in_force: bool = True
    policy_differences: tuple[str, ...] = ()
    causes_note: str = ""
    method: str = "cascade"
    notes: tuple[str, ...] = ()
    old_policy: Mapping[str, Any] = field(default_factory=dict)
    new_policy: Mapping[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> DiffSummary:
        both = self.changes
        return DiffSummary(
            newly_flagged=sum(newly_failing(c, FailOn.FLAGGED) for c in (*both, *self.added)),
            cleared=sum(
                c.new is not None and c.new.status is Status.CLEAR and c.old is not None and c.status_changed
                for c in both
            ),
            status_changed=sum(c.status_changed for c in both),
            figures_moved=sum(c.figures_moved for c in both),
            added=len(self.added),
            removed=len(self.removed),
        )

    @property
    def empty(self) -> bool:
        """Nothing changed (beyond ``min_change``), nothing added or removed."""
        return not (self.changes or self.added or self.removed)

    def all_changes(self) -> Sequence[Change]:
        """Changes, then added, then removed entities."""
        return (*self.changes, *self.added, *self.removed)

    def failing(self, fail_on: FailOn = FailOn.FLAGGED) -> tuple[str, ...]:
        """The ids of the deciding entities that newly fail under ``fail_on`` (newly ``flagged`` or ``home``,
        or also ``possible`` under ``FailOn.POSSIBLE``); none when the new check's rule is not in force."""
        if not self.in_force:
            return ()
        return tuple(c.id for c in (*self.changes, *self.added) if c.decides and newly_failing(c, fail_on))

    def exit_code(self, fail_on: FailOn = FailOn.FLAGGED) -> int:
        """1 when some deciding entity newly fails (``failing``), else 0: the gate that fails only on new
        findings."""
        return 1 if self.failing(fail_on) else 0
