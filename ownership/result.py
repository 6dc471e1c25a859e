"""The one result object every renderer reads. Fractions 0..1 throughout; renderers turn them into percent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ownership.errors import DataWarning
from ownership.model import Entity, Holding, Policy, SourceInfo, Stake


class Status(StrEnum):
    HOME = "home"  # itself in the watched set
    FLAGGED = "flagged"  # the deciding figure's low bound passes the threshold
    POSSIBLE = "possible"  # only the high bound passes: the data cannot rule it out
    CLEAR = "clear"  # even the high bound does not pass

    @property
    def rank(self) -> int:
        """Severity for sorting: home and flagged first."""
        return _RANK[self]


_RANK = {Status.FLAGGED: 0, Status.HOME: 1, Status.POSSIBLE: 2, Status.CLEAR: 3}


class FailOn(StrEnum):
    FLAGGED = "flagged"
    POSSIBLE = "possible"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class Interval:
    """A figure as bounds (fractions 0..1): ``low`` holds whatever the unknowns are, ``high`` is the most
    the data allows."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Contribution:
    """A direct holder that passes taint to the entity in the cascade (low bound).

    Attributes:
        holder: the holder's entity id.
        name: the holder's display name.
        stake: the stake held (fractions).
        holder_is_home: the holder is itself a home entity (else it is tainted through its own holders).
    """

    holder: str
    name: str
    stake: Stake
    holder_is_home: bool


@dataclass(frozen=True)
class EntityVerdict:
    """Everything the check says about one entity.

    Attributes:
        entity: the entity as read.
        status: home, flagged, possible or clear under the policy's method.
        cascade: the cascade figure (stakes held by tainted holders, counted in full), as bounds.
        lookthrough: the look-through figure (stakes multiplied along chains), as bounds.
        home_countries: the countries that make it a home entity (empty unless status is home).
        tainted_by: direct holders passing taint to it in the cascade (low bound), largest first.
        red_flags: control without equity held by home or tainted parties, in words.
        uncertainty: what keeps the high bound above the low bound, in words ("what would settle it").
        reason: one sentence explaining the status.
        decides: whether this entity decides the exit code.
        labels: for home and flagged entities, the labels (countries, lists) the taint came from.
        most_restrictive: of those labels, the first in the policy's ``label_order`` (BIS), if any.
    """

    entity: Entity
    status: Status
    cascade: Interval
    lookthrough: Interval
    home_countries: tuple[str, ...]
    tainted_by: tuple[Contribution, ...]
    red_flags: tuple[str, ...]
    uncertainty: tuple[str, ...]
    reason: str
    decides: bool
    labels: tuple[str, ...] = ()
    most_restrictive: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: the policy used, what was read, a verdict per entity, and warnings.

    ``verdicts`` are in input order. ``targets`` are the entity ids that decide the exit code (all
    entities when the user named none). ``holdings`` are every holding as read (also those set aside for
    their dates), with their source places, for audit reports; ``holdings_used`` counts those evaluated.
    """

    policy: Policy
    source: SourceInfo
    verdicts: tuple[EntityVerdict, ...]
    warnings: tuple[DataWarning, ...]
    targets: tuple[str, ...]
    holdings_used: int
    holdings: tuple[Holding, ...] = ()

    def counts(self) -> dict[Status, int]:
        """Number of entities per status, every status present."""
        counts = dict.fromkeys(Status, 0)
        for v in self.verdicts:
            counts[v.status] += 1
        return counts

    def deciding(self) -> tuple[EntityVerdict, ...]:
        return tuple(v for v in self.verdicts if v.decides)

    def overall(self) -> Status:
        """The most severe status among the deciding entities (home counts as flagged)."""
        statuses = {v.status for v in self.deciding()}
        if Status.FLAGGED in statuses or Status.HOME in statuses:
            return Status.FLAGGED
        if Status.POSSIBLE in statuses:
            return Status.POSSIBLE
        return Status.CLEAR

    def exit_code(self, fail_on: FailOn) -> int:
        """0 when nothing deciding fails the check, 1 otherwise (see interface contract). A rule that is
        not in force on the as-of date (suspended, or not yet applicable) decides nothing."""
        overall = self.overall()
        if fail_on is FailOn.NEVER or not self.policy.in_force:
            return 0
        if overall is Status.FLAGGED:
            return 1
        if overall is Status.POSSIBLE and fail_on is FailOn.POSSIBLE:
            return 1
        return 0

    def ordered(self) -> list[EntityVerdict]:
        """Deciding entities first, then by severity (flagged, home, possible, clear), then input order."""
        return sorted(self.verdicts, key=lambda v: (not v.decides, v.status.rank))


@dataclass(frozen=True)
class CheckSet:
    """The same data checked under several rules (``--profile ofac --profile uk``), side by side.

    The first result is the primary one: its figures and statuses fill the report's main columns. Every
    result lists the same entities in the same order.
    """

    results: tuple[CheckResult, ...]

    @staticmethod
    def of(results: CheckResult | CheckSet | tuple[CheckResult, ...] | list[CheckResult]) -> CheckSet:
        if isinstance(results, CheckSet):
            return results
        if isinstance(results, CheckResult):
            return CheckSet((results,))
        return CheckSet(tuple(results))

    @property
    def primary(self) -> CheckResult:
        return self.results[0]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.policy.name for r in self.results)

    def disagreements(self) -> list[int]:
        """Indices of the entities whose status differs between the rules in force."""
        live = [r for r in self.results if r.policy.in_force] or list(self.results)
        count = len(self.primary.verdicts)
        return [i for i in range(count) if len({r.verdicts[i].status for r in live}) > 1]

    def exit_code(self, fail_on: FailOn) -> int:
        """The strictest of the rules: 1 when any rule in force fails the check."""
        return max(r.exit_code(fail_on) for r in self.results)
