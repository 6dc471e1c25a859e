"""The domain model: entities, holdings, stakes and the policy a check applies.

All stakes and thresholds are fractions 0..1 inside the engine; percentages appear only at the edges
(input cells, CLI flags, reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from ownership.errors import DataWarning, Location

#: Two figures this close (as fractions) are equal: 33.33% + 16.67% is exactly 50%.
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


class CountryKind(StrEnum):
    """How a party is tied to a country. ``--home`` chooses which kinds make a company a home entity; for a
    natural person every kind counts."""

    INCORPORATION = "incorporation"
    HEADQUARTERS = "headquarters"
    NATIONALITY = "nationality"
    RESIDENCE = "residence"
    TAX_RESIDENCE = "tax_residence"


class EntityType(StrEnum):
    COMPANY = "company"
    PERSON = "person"
    FUND = "fund"
    TRUST = "trust"
    STATE = "state"
    PUBLIC = "public"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Entity:
    """A company, fund, trust, state body or natural person.

    Attributes:
        id: the unique key holdings refer to.
        name: display name, in any script.
        type: what kind of party this is.
        jurisdiction: ISO 3166-1 alpha-2 country of incorporation (persons: nationality), or None if unknown.
        headquarters: ISO alpha-2 country of headquarters (persons: residence/nationality), or None.
        shares_outstanding: issued share count, used to turn share counts into stakes.
        declared: False when the entity was only named in a holding (and so its country is unknown).
        where: where the entity was declared or first named.
        group: parties sharing a group act jointly (a joint arrangement): when stakes are not aggregated
            across parties, a group is assessed as one party.
        source: free-text source or note (where the entity's details come from), carried into workbooks.
        ultimate: the entity is its own ultimate owner by the data's statement (a listed company, a state body,
            an ``ultimate`` column saying yes, a registry record saying so). Natural persons and state or public
            bodies are ultimate owners by nature whatever this says.
        other_countries: countries beyond ``jurisdiction`` and ``headquarters`` (a second nationality, tax
            residences...), each with its kind; ISO alpha-2 codes.
    """

    id: str
    name: str
    type: EntityType = EntityType.UNKNOWN
    jurisdiction: str | None = None
    headquarters: str | None = None
    shares_outstanding: float | None = None
    declared: bool = True
    where: Location | None = None
    group: str | None = None
    source: str | None = None
    ultimate: bool = False
    other_countries: tuple[tuple[str, CountryKind], ...] = ()

    @property
    def country_known(self) -> bool:
        return self.jurisdiction is not None or self.headquarters is not None or bool(self.other_countries)

    @property
    def countries(self) -> frozenset[tuple[str, CountryKind]]:
        """Every country of the party with its kind: ``jurisdiction`` is the place of incorporation (a
        person's nationality), ``headquarters`` the head office (a person's residence), then the others."""
        person = self.type is EntityType.PERSON
        found: set[tuple[str, CountryKind]] = set(self.other_countries)
        if self.jurisdiction is not None:
            found.add((self.jurisdiction, CountryKind.NATIONALITY if person else CountryKind.INCORPORATION))
        if self.headquarters is not None:
            found.add((self.headquarters, CountryKind.RESIDENCE if person else CountryKind.HEADQUARTERS))
        return frozenset(found)

    @property
    def ultimate_owner(self) -> bool:
        """Whether the entity is its own top: a natural person, a state or public body, or marked ultimate."""
        return self.ultimate or self.type in (EntityType.PERSON, EntityType.STATE, EntityType.PUBLIC)


@dataclass(frozen=True, slots=True)
class Holding:
    """``holder --stake--> subject``: the holder directly owns ``stake`` of the subject's equity.

    Attributes:
        holder, subject: entity ids.
        stake: equity stake interval; None for a control-only row (``control`` without equity).
        votes: voting stake interval where given separately from equity.
        control: control without (or beyond) equity: VIE contracts, board-appointment rights.
        start, end: validity dates, both inclusive; None means open.
        shares: the share count the stake was derived from, if any.
        source: free-text source or note carried into reports.
        where: the row the holding was read from.
        indirect: a declared indirect interest: ``stake`` is the holder's share of the subject held through
            other entities (BODS ``directOrIndirect: indirect``, a GLEIF ultimate parent), which adds to any
            direct stake. Graph preparation decides how it counts (standing in for a missing chain, or as a
            floor under the chain's figure); readers never drop it.
    """

    holder: str
    subject: str
    stake: Stake | None
    votes: Stake | None = None
    control: bool = False
    start: date | None = None
    end: date | None = None
    shares: float | None = None
    source: str | None = None
    where: Location | None = None
    indirect: bool = False

    def valid_on(self, day: date) -> bool:
        """Whether the holding is in force on ``day`` (start and end dates both inclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What was read: the path as given, its SHA-256 and the detected format."""

    path: str
    sha256: str
    format: str


@dataclass(frozen=True)
class OwnershipData:
    """Everything a reader produced: the entities, the holdings as read, and warnings about them.

    ``entities`` and ``holdings`` are tuples from the object readers, or column tables
    (``ownership.table.EntityTable`` / ``HoldingTable``) from the fast CSV reader; both read as sequences.
    """

    entities: Sequence[Entity]
    holdings: Sequence[Holding]
    source: SourceInfo
    warnings: tuple[DataWarning, ...] = ()


class Comparison(StrEnum):
    GT = "gt"  # more than
    GE = "ge"  # at least

    @property
    def words(self) -> str:
        return "more than" if self is Comparison.GT else "at least"

    @property
    def symbol(self) -> str:
        return ">" if self is Comparison.GT else ">="


class Method(StrEnum):
    CASCADE = "cascade"
    LOOKTHROUGH = "lookthrough"
    EITHER = "either"


class HomeBasis(StrEnum):
    HEADQUARTERS = "headquarters"
    INCORPORATION = "incorporation"
    EITHER = "either"


class Weights(StrEnum):
    EQUITY = "equity"
    VOTES = "votes"


def passes(value: float, threshold: float, comparison: Comparison) -> bool:
    """Threshold test on fractions with the tolerance: a figure within TOLERANCE of the threshold is equal."""
    if comparison is Comparison.GT:
        return value > threshold + TOLERANCE
    return value >= threshold - TOLERANCE


class UnrecordedHolders(StrEnum):
    """What an entity with no recorded holders (and not an ultimate owner) is taken to be owned by."""

    UNKNOWN = "unknown"  # unknown owners: its whole equity is an unknown remainder (the default)
    ULTIMATE = "ultimate"  # its own ultimate owner (sheets that list only ultimate owners at the top)


class ControlMode(StrEnum):
    """What control without equity (VIE contracts, board-appointment rights) does in the cascade."""

    REPORT = "report"  # a red flag in the reasons only (OFAC, BIS)
    POSSIBLE = "possible"  # control by a tainted party makes the subject at least possible (judgment test)
    TAINTS = "taints"  # control by a tainted party taints the subject like a majority stake


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """A named party to screen for (a sanctions or export-control list entry).

    Attributes:
        id: the entity id to match exactly, if the list gives one.
        name: the name to match after normalisation, if the list gives one.
        label: the list or programme the entry comes from (e.g. "SDN", "Entity List").
        where: the row of the watch-list file.
    """

    id: str | None
    name: str | None
    label: str
    where: Location | None = None


@dataclass(frozen=True)
class Policy:
    """The rule a check applies: concrete for one as-of date. Thresholds are fractions 0..1.

    Attributes:
        jurisdictions: the watched set J of ISO alpha-2 codes.
        threshold: the figure that flags (0.5 = 50%).
        comparison: more than (gt) or at least (ge).
        pass_through_threshold: when an intermediary becomes tainted in the cascade; None = threshold.
        pass_through_comparison: the comparison for pass-through; None = comparison.
        method: which figure decides the status.
        home: which country makes an entity a home entity.
        aggregate: add the stakes of different home parties together (True), or assess each home entity (or
            each ``group`` of entities acting jointly) alone (False, as UK sanctions do).
        weights: equity or votes (votes where given, equity otherwise).
        control: what control-without-equity rows held by a tainted holder do.
        as_of: holdings valid on this date are used; dated rules are resolved for it.
        allow_overallocation: proceed (rescaling) when a subject's stakes sum above 100%.
        unrecorded_holders: what owns an entity with no recorded holders that is not an ultimate owner.
        watchlist: named parties that are home entities besides the watched countries.
        label_order: taint labels from most to least restrictive (the BIS "most restrictive" label).
        name: the profile or policy name shown in reports.
        description: what the rule is, in a sentence.
        source: the regulation or guidance the parameters follow.
        in_force: whether the rule applies on ``as_of`` (results are shown but do not decide otherwise).
        note: why it is not in force, or what changed on this date.
        origins: where each setting came from ("default", "profile ofac", "exposure.toml", "--threshold").
    """

    jurisdictions: frozenset[str] = frozenset()
    threshold: float = 0.5
    comparison: Comparison = Comparison.GT
    pass_through_threshold: float | None = None
    pass_through_comparison: Comparison | None = None
    method: Method = Method.CASCADE
    home: HomeBasis = HomeBasis.EITHER
    aggregate: bool = True
    weights: Weights = Weights.EQUITY
    control: ControlMode = ControlMode.REPORT
    as_of: date = field(default_factory=date.today)
    allow_overallocation: bool = False
    unrecorded_holders: UnrecordedHolders = UnrecordedHolders.UNKNOWN
    watchlist: tuple[WatchEntry, ...] = ()
    label_order: tuple[str, ...] = ()
    name: str = "custom"
    description: str = ""
    source: str = ""
    in_force: bool = True
    note: str = ""
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def pass_threshold(self) -> float:
        return self.threshold if self.pass_through_threshold is None else self.pass_through_threshold

    @property
    def pass_comparison(self) -> Comparison:
        return self.comparison if self.pass_through_comparison is None else self.pass_through_comparison

    def with_changes(self, **changes: object) -> Policy:
        return replace(self, **changes)  # type: ignore[arg-type]
