"""Who is home: which countries of a party count under the home basis, and the home and unknown-country
marks the engine seeds from (docs/rules.md section 2.2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ownership.engine.edges import BoolArray, IntArray
from ownership.model import (
    CountryKind,
    Entity,
    EntityType,
    HomeBasis,
)
from ownership.model.tables import (
    COUNTRY_KINDS,
    NO_COUNTRY,
    PERSON_CODE,
    BuiltOnAccess,
    CodeArray,
    EntityTable,
)

if TYPE_CHECKING:
    pass


def counting_kinds(basis: HomeBasis, person: bool) -> frozenset[CountryKind]:
    """The kinds of a party's countries that can make it a home entity under ``basis``.

    For a natural person every kind counts (nationality, residence, tax residence) under every basis. For
    other parties ``incorporation`` counts the place of incorporation, ``headquarters`` the head office,
    and ``either`` both: either can only add home candidates to each basis alone.
    """
    if person:
        return frozenset(CountryKind)
    if basis is HomeBasis.INCORPORATION:
        return frozenset({CountryKind.INCORPORATION})
    if basis is HomeBasis.HEADQUARTERS:
        return frozenset({CountryKind.HEADQUARTERS})
    return frozenset({CountryKind.INCORPORATION, CountryKind.HEADQUARTERS})


def home_country(entity: Entity, basis: HomeBasis) -> tuple[str, ...]:
    """The countries that decide whether ``entity`` is a home entity under ``basis`` (empty = unknown).

    A missing headquarters is taken to be the place of incorporation, because registers record
    incorporation far more often than head offices and treating every missing headquarters as "maybe
    China" would make nearly everything ``possible``. For natural persons every country they have counts
    under every basis.
    """
    person = entity.type is EntityType.PERSON
    kinds = counting_kinds(basis, person)
    # The main columns first (incorporation, then head office), then the others in their order.
    ordered = [(entity.jurisdiction, None), (entity.headquarters, None), *entity.other_countries]
    tagged = [(c, kind) for c, kind in ordered if c is not None]
    countries = entity.countries
    found = [c for c, _ in tagged if any((c, k) in countries for k in kinds)]
    if not person and basis is HomeBasis.HEADQUARTERS and not found:
        found = [c for c, _ in tagged if (c, CountryKind.INCORPORATION) in countries]
    return tuple(dict.fromkeys(found))


def home_unknown(entity: Entity, basis: HomeBasis) -> bool:
    """Whether ``entity``'s country under ``basis`` is unknown, so that it may be a home entity.

    Under ``either`` a company whose place of incorporation is unknown stays unknown even when its head
    office is known, because ``incorporation`` alone would call it unknown and ``either`` must never be
    less strict than each basis alone.
    """
    if entity.type is EntityType.PERSON:
        return not entity.countries
    kinds = {kind for _, kind in entity.countries}
    if basis is HomeBasis.HEADQUARTERS:
        return not kinds & {CountryKind.HEADQUARTERS, CountryKind.INCORPORATION}
    return CountryKind.INCORPORATION not in kinds


def home_codes(table: EntityTable, basis: HomeBasis) -> tuple[CodeArray, CodeArray]:
    """The two main country columns as they count under ``basis`` (``NO_COUNTRY`` where none): for a
    company under ``headquarters`` the head office, else the place of incorporation; under ``either``
    both; for a person both, under every basis."""
    jur, hq = table.jurisdiction, table.headquarters
    if basis is HomeBasis.EITHER:
        return jur, hq
    person = table.types == PERSON_CODE
    first = jur if basis is HomeBasis.INCORPORATION else np.where(hq != NO_COUNTRY, hq, jur).astype(np.int16)
    first = np.where(person, jur, first).astype(np.int16)
    second = np.where(person, hq, NO_COUNTRY).astype(np.int16)
    return first, second


def home_and_unknown(
    table: EntityTable, basis: HomeBasis, codes: tuple[CodeArray, CodeArray], j: CodeArray
) -> tuple[BoolArray, BoolArray, dict[int, frozenset[str]]]:
    """Per entity: home by its countries, country unknown under ``basis``; and the watched countries that
    make an entity home from beyond the two main columns (its other countries), by entity index."""
    first, second = codes
    home = np.isin(first, j) | np.isin(second, j)
    person = table.types == PERSON_CODE
    if basis is HomeBasis.EITHER:
        # Either adds home candidates, never settles an unknown: a company with no place of incorporation
        # is unknown whatever its head office, as it is under ``incorporation`` alone.
        known = np.where(person, (first != NO_COUNTRY) | (second != NO_COUNTRY), first != NO_COUNTRY)
    else:
        known = (first != NO_COUNTRY) | (second != NO_COUNTRY)
    extra: dict[int, frozenset[str]] = {}
    others = table.other_countries
    if others is not None:
        kinds = [np.array([k in counting_kinds(basis, p) for k in COUNTRY_KINDS]) for p in (False, True)]
        counts = np.where(person[others.entity], kinds[1][others.kind], kinds[0][others.kind])
        if basis is HomeBasis.HEADQUARTERS:
            # A company's other places of incorporation stand in for a head office, as the main column does.
            counts |= ~person[others.entity] & (others.kind == COUNTRY_KINDS.index(CountryKind.INCORPORATION))
        known[others.entity[counts]] = True
        watched = counts & np.isin(others.code, j)
        for i, c in zip(others.entity[watched].tolist(), others.code[watched].tolist(), strict=True):
            extra[i] = extra.get(i, frozenset()) | {table.countries[c]}
    unknown: BoolArray = ~home & ~known
    return home, unknown, extra


class SeedLabels(BuiltOnAccess[frozenset[str]]):
    """Per entity, the labels that make it home (its watched countries and watch-list labels), built on
    access; ``members`` gives each label's entities at once."""

    def __init__(
        self,
        table: EntityTable,
        codes: tuple[CodeArray, CodeArray],
        watched: Mapping[int, frozenset[str]],
        j: frozenset[str],
    ) -> None:
        self.table, self.codes, self.watched, self.jurisdictions = table, codes, watched, j

    def __len__(self) -> int:
        return len(self.table)

    def item(self, i: int) -> frozenset[str]:
        found = {self.table.country(int(c[i])) for c in self.codes}
        return frozenset(c for c in found if c in self.jurisdictions) | self.watched.get(i, frozenset())

    def key(self, i: int) -> object:
        """What entity ``i``'s labels depend on, comparable across entities (None when a watch list names
        it)."""
        if i in self.watched:
            return None
        return ("home", int(self.codes[0][i]), int(self.codes[1][i]))

    def keys(self, at: IntArray) -> IntArray:
        """``key`` of each entity of ``at`` as a negative integer (-1 where a watch list names it)."""
        first, second = (c[at].astype(np.int64) + 1 for c in self.codes)
        found: IntArray = -2 - (first * 2**16 + second)
        if self.watched:
            listed = np.fromiter(self.watched, dtype=np.int64, count=len(self.watched))
            found[np.isin(at, listed)] = -1
        return found

    def members(self) -> dict[str, IntArray]:
        """Label -> the indices of the entities it makes home, ascending."""
        found: dict[str, IntArray] = {}
        first, second = self.codes
        for k, country in enumerate(self.table.countries):
            if country in self.jurisdictions:
                hit = np.flatnonzero((first == k) | (second == k)).astype(np.int64)
                if hit.size:
                    found[country] = hit
        listed: dict[str, list[int]] = {}
        for i, labels in self.watched.items():
            for label in labels:
                listed.setdefault(label, []).append(i)
        for label, members in listed.items():
            extra = np.array(sorted(members), dtype=np.int64)
            found[label] = np.union1d(found[label], extra) if label in found else extra
        return found
