"""GLEIF Level 1 LEI records into entities (the rules are described in ``gleif_map``)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from ownership.errors import short
from ownership.model import Entity, EntityType
from ownership.model.countries import UnknownCountryError, normalize_country
from ownership.readers.cells.values import ValueProblem
from ownership.readers.gleif.records import LeiRecord, Notes, Place, RelRecord, Text, gleif_date, upper

_TYPES = {
    "GENERAL": EntityType.COMPANY,
    "BRANCH": EntityType.COMPANY,
    "FUND": EntityType.FUND,
    "SOLE_PROPRIETOR": EntityType.PERSON,
    "RESIDENT_GOVERNMENT_ENTITY": EntityType.STATE,
    "INTERNATIONAL_ORGANIZATION": EntityType.UNKNOWN,
}
_CEASED_LEI = frozenset({"RETIRED", "MERGED", "DUPLICATE"})

_Key = str | tuple[str, str, str]
_R = TypeVar("_R", LeiRecord, RelRecord)


def newest(records: list[tuple[_Key, _R]], notes: Notes) -> list[_R]:
    """One record per key: the most recently updated (the later one on a tie), in first-seen order."""
    chosen: dict[_Key, _R] = {}
    for key, record in records:
        previous = chosen.get(key)
        if previous is not None:
            keep = record if _updated(record) >= _updated(previous) else previous
            other = previous if keep is record else record
            shown = key if isinstance(key, str) else f"{key[0]} {key[1]} {key[2]}"
            notes.warn(
                "duplicate_record",
                f"{short(shown)} has another record at {other.place.record()}: the most recently updated one "
                f"(at {keep.place.record()}) is used",
                record.place.record(),
            )
            record = keep
        chosen[key] = record
    return list(chosen.values())


def _updated(record: LeiRecord | RelRecord) -> date:
    try:
        return gleif_date(record.last_update) or date.min
    except ValueProblem:
        return date.min


def _country(value: Text | None, place: Place, what: str, notes: Notes) -> str | None:
    if value is None:
        return None
    try:
        return normalize_country(value.value)
    except UnknownCountryError:
        notes.warn(
            "unknown_country",
            f"{what} '{short(value.value, 40)}' is not an ISO 3166 country code: read as unknown (possibly a "
            "home entity for the high bound)",
            place.at(value.field),
        )
        return None


def level1_entities(records: list[LeiRecord], notes: Notes) -> dict[str, Entity]:
    """One entity per LEI (the most recently updated record), by id, in input order; ANNULLED records left out."""
    keyed: list[tuple[_Key, LeiRecord]] = []
    for record in records:
        if not record.lei:
            notes.warn("ignored_record", "the LEI record has no LEI: not used", record.place.record())
        else:
            keyed.append((record.lei, record))
    entities: dict[str, Entity] = {}
    for record in newest(keyed, notes):
        status = upper(record.registration_status)
        if status == "ANNULLED":
            notes.warn(
                "lei_status",
                f"LEI {record.lei} is ANNULLED (issued in error): its record is not used",
                record.place.record(),
            )
            continue
        if status in _CEASED_LEI:
            notes.warn(
                "lei_status",
                f"LEI {record.lei} is {status}: its record is used, but relationships naming it may be out of date",
                record.place.record(),
            )
        entity = _entity(record, notes)
        entities[entity.id] = entity
    return entities


def _entity(record: LeiRecord, notes: Notes) -> Entity:
    place = record.place
    jurisdiction = _country(record.jurisdiction, place, "the legal jurisdiction", notes)
    # (gleifr files have no jurisdiction column: their reader already gave the legal address country.)
    if jurisdiction is None and record.legal_country is not None and record.legal_country != record.jurisdiction:
        jurisdiction = _country(record.legal_country, place, "the legal address country", notes)
        if jurisdiction is not None:
            notes.warn(
                "legal_address_used",
                f"LEI {record.lei} has no usable legal jurisdiction: the country of its legal (registered) "
                f"address, {jurisdiction}, is taken as its jurisdiction",
                place.at(record.legal_country.field),
            )
    category = upper(record.category)
    kind = _TYPES.get(category or "GENERAL", EntityType.UNKNOWN)
    return Entity(
        id=record.lei,
        name=record.name or record.lei,
        type=kind,
        ultimate=kind is EntityType.STATE,
        jurisdiction=jurisdiction,
        headquarters=_country(record.hq_country, place, "the headquarters country", notes),
        where=place.record(),
        source=f"GLEIF LEI record {record.lei}"
        + (f" ({status})" if (status := upper(record.registration_status)) else ""),
    )


__all__ = ["level1_entities", "newest"]
