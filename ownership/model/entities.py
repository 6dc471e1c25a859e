"""Entities, holdings, watch-list entries and what a reader produced: the parties and the equity graph's edges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ownership.errors import DataWarning, Location
from ownership.model.stakes import Stake


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
    (``ownership.model.tables.EntityTable`` / ``HoldingTable``) from the fast CSV reader; both read as sequences.
    """

    entities: Sequence[Entity]
    holdings: Sequence[Holding]
    source: SourceInfo
    warnings: tuple[DataWarning, ...] = ()


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
