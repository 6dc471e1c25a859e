"""What ``whatif`` answers, as plain data: the entity's standing, the pivotal holdings, the cures, and the
whole answer. Stakes and figures are fractions 0..1; the reports turn them into percentages."""

from __future__ import annotations

from dataclasses import dataclass, field

from ownership.analysis.whatif.scenario import Scenario
from ownership.errors import DataWarning
from ownership.model import Policy, Stake
from ownership.result import FailOn, Interval, Status


@dataclass(frozen=True, slots=True)
class Standing:
    """The entity in one check: its status and both figures (bounds, fractions 0..1)."""

    status: Status
    cascade: Interval
    lookthrough: Interval


@dataclass(frozen=True, slots=True)
class Pivotal:
    """A holding whose removal alone changes the entity's status.

    Attributes:
        holder, subject: the holding (entity ids).
        stake: what the holder holds in the subject (fractions); None for a control row without equity.
        status_without: the entity's status with the holding removed (the stake then has no named holder).
    """

    holder: str
    subject: str
    stake: Stake | None
    status_without: Status


@dataclass(frozen=True, slots=True)
class Cure:
    """What one holding would have to become for the entity to be clear, everything else fixed.

    Attributes:
        holder, subject: the holding (entity ids).
        stake: what the holder holds now (fractions).
        max: the most the holder may keep, selling the rest to a party outside the watched set; None when
            no sale clears the entity.
        min: for a holder that is not home, the least stake new shares must raise it to; None when no issue
            clears the entity (or the holder is home).
        change: the smaller of the two moves, in fractions (0.1 = 10 percentage points): from the most the
            holder may hold now down to ``max``, or from the least it holds now up to ``min``; None when
            neither exists.
        kind: which move ``change`` is ("sell" or "issue"); "" when none.
        examined: False when the work limit left the holding unexamined (``max``, ``min`` and ``change``
            are then None for want of an answer, not because nothing clears).
    """

    holder: str
    subject: str
    stake: Stake
    max: float | None
    min: float | None
    change: float | None
    kind: str = ""
    examined: bool = True


@dataclass(frozen=True)
class WhatIf:
    """The answer of ``whatif`` for one entity under one rule.

    Attributes:
        entity, name: the entity asked about.
        policy: the rule (thresholds as fractions).
        source: what was read.
        scenario: the changes applied before the check (empty: none).
        baseline: the entity in the check of the (changed) data.
        before: with a scenario, the entity in the check of the data as read; None without.
        pivotal: the holdings whose removal alone changes the status.
        cure: per holding upstream with an equity stake, what would make the entity clear.
        best: the cure with the smallest change; None when no single holding clears the entity (``why``).
        why: why there is no ``best`` ("" when there is one).
        holdings_upstream: how many holdings (holder and subject pairs) lie upstream of the entity.
        warnings: what the reader and the check of the upstream part noticed.
        diff: with a scenario, the whole check of the changed data compared with the data as read
            (``ownership.analysis.diff.Diff``); None without.
        fail_on: what makes ``exit_code()`` 1.
        notes: anything the answer leaves out, in words.
        checks, copies: how many checks of the upstream part were run, and how many changed copies of it
            they held together (the work done).
    """

    entity: str
    name: str
    policy: Policy
    source_path: str
    source_sha256: str
    source_format: str
    scenario: Scenario
    baseline: Standing
    before: Standing | None
    pivotal: tuple[Pivotal, ...]
    cure: tuple[Cure, ...]
    best: Cure | None
    why: str
    holdings_upstream: int
    warnings: tuple[DataWarning, ...] = ()
    diff: object | None = None
    fail_on: FailOn = FailOn.FLAGGED
    notes: tuple[str, ...] = field(default=())
    checks: int = 0
    copies: int = 0

    def exit_code(self, fail_on: FailOn | None = None) -> int:
        """As ``check`` with the entity the only one deciding: 1 when it is home or flagged (or possible
        under ``fail_on`` possible) after the scenario; 0 otherwise, and when the rule is not in force."""
        fail_on = self.fail_on if fail_on is None else fail_on
        if fail_on is FailOn.NEVER or not self.policy.in_force:
            return 0
        failing = {Status.HOME, Status.FLAGGED} | ({Status.POSSIBLE} if fail_on is FailOn.POSSIBLE else set())
        return int(self.baseline.status in failing)


__all__ = ["Cure", "Pivotal", "Standing", "WhatIf"]
