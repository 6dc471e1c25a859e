"""FtM records by id, merged from their fragments, and the parties among them as entities with countries.

The rules (which schemata are parties, which properties give countries) are described in ``ftm``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from ownership.errors import InputError, Location, short
from ownership.model import CountryKind, Entity, EntityType
from ownership.model.countries import UnknownCountryError, normalize_country
from ownership.readers.canonical.row import Problems
from ownership.readers.ftm.records import Record

#: LegalEntity and its descendants, each with its parent schema (for merging fragments).
_PARTY_PARENT: Final[dict[str, str | None]] = {
    "LegalEntity": None,
    "Person": "LegalEntity",
    "Organization": "LegalEntity",
    "Company": "Organization",
    "PublicBody": "Organization",
}
_PARTY_TYPE: Final[dict[str, EntityType]] = {
    "LegalEntity": EntityType.UNKNOWN,
    "Person": EntityType.PERSON,
    "Organization": EntityType.COMPANY,
    "Company": EntityType.COMPANY,
    "PublicBody": EntityType.STATE,
}
OWNERSHIP: Final = "Ownership"

#: FtM country codes that name no single present-day country (groupings, former states, disputed areas
#: whose code has no ISO country part).
_NOT_ONE_COUNTRY: Final[dict[str, str]] = {
    "zz": "global",
    "eu": "the European Union",
    "zr": "Zaire, a former state",
    "dd": "East Germany, a former state",
    "ddde": "East Germany, a former state",
    "suhh": "the Soviet Union, a former state",
    "yucs": "Yugoslavia, a former state",
    "csxx": "Serbia and Montenegro, a former state",
    "cshh": "Czechoslovakia, a former state",
    "x-so": "South Ossetia, a disputed area",
    "cy-trnc": "Northern Cyprus, a disputed area",
}
_PERSON_COUNTRY_PROPS: Final = ("nationality", "citizenship", "country", "mainCountry", "jurisdiction")
_ORG_COUNTRY_PROPS: Final = ("jurisdiction", "country", "mainCountry")
#: The kind of country a person's property gives (every kind counts for a person).
_PERSON_KINDS: Final = {
    "nationality": CountryKind.NATIONALITY,
    "citizenship": CountryKind.NATIONALITY,
    "jurisdiction": CountryKind.NATIONALITY,
    "country": CountryKind.RESIDENCE,
    "mainCountry": CountryKind.RESIDENCE,
}


def _lineage(schema: str) -> list[str]:
    chain: list[str] = []
    current: str | None = schema
    while current is not None:
        chain.append(current)
        current = _PARTY_PARENT.get(current)
    return chain


def _merged_schema(a: str, b: str) -> str | None:
    """The more specific of two schemata on one line of descent, else None."""
    if a == b or a in _lineage(b):
        return b
    if b in _lineage(a):
        return a
    return None


class Catalogue:
    """The parties and Ownership records of one file by id, what else it holds, and the entities made for
    references it does not describe."""

    def __init__(self, name: str, problems: Problems) -> None:
        self.name = name
        self.problems = problems
        self.records: dict[str, Record] = {}
        self.schemas: dict[str, tuple[str, int]] = {}
        self.ignored: dict[str, list[int]] = defaultdict(list)
        self.referent_of: dict[str, str] = {}
        self.created: dict[str, Entity] = {}
        self.names: dict[str, str] = {}

    def label(self, entity_id: str) -> str:
        """An entity for messages: its name rather than its id, which in FtM is opaque."""
        return short(self.names.get(entity_id, entity_id), 60)

    def where(self, line: int) -> Location:
        return Location(self.name, row=line)

    def add(self, record: Record) -> None:
        """Take one record, merging it into an earlier fragment with the same id."""
        seen = self.schemas.get(record.id)
        if seen is not None and seen[0] != record.schema:
            schema = _merged_schema(seen[0], record.schema)
            if schema is None:
                raise InputError(
                    f"id {short(record.id)} is a {short(record.schema)} here but a {seen[0]} at row {seen[1]}; "
                    "fragments of one FtM entity must share a schema",
                    self.where(record.line),
                )
            self.schemas[record.id] = (schema, seen[1])
        elif seen is None:
            self.schemas[record.id] = (record.schema, record.line)
        if record.schema not in _PARTY_PARENT and record.schema != OWNERSHIP:
            if seen is None:
                self.ignored[record.schema].append(record.line)
            return
        previous = self.records.get(record.id)
        if previous is None:
            self.records[record.id] = record
        else:
            previous.schema = self.schemas[record.id][0]
            for prop, values in record.props.items():
                merged = previous.props.setdefault(prop, [])
                merged.extend(v for v in values if v not in merged)
            previous.caption = previous.caption or record.caption
            previous.referents.extend(record.referents)
        if record.schema in _PARTY_PARENT:
            for referent in record.referents:
                self.referent_of.setdefault(referent, record.id)

    # --- entities ------------------------------------------------------------------------------------------

    def entities(self) -> list[Entity]:
        """The parties described in the file, in the order first seen."""
        found: list[Entity] = []
        for record in self.records.values():
            if record.schema not in _PARTY_PARENT:
                continue
            jurisdiction, headquarters, others = self._countries(record)
            name = record.caption or record.first("name") or record.id
            self.names[record.id] = name
            found.append(
                Entity(
                    id=record.id,
                    name=name,
                    type=_PARTY_TYPE[record.schema],
                    jurisdiction=jurisdiction,
                    headquarters=headquarters,
                    where=self.where(record.line),
                    other_countries=others,
                )
            )
        return found

    def _countries(self, record: Record) -> tuple[str | None, str | None, tuple[tuple[str, CountryKind], ...]]:
        """The party's jurisdiction, headquarters and every other country with its kind (rules in ``ftm``)."""
        person = record.schema == "Person"
        props = _PERSON_COUNTRY_PROPS if person else _ORG_COUNTRY_PROPS
        codes: list[tuple[str, str]] = []  # (code, property) in order of preference
        for prop in props:
            for value in record.values(prop):
                code = self._country(value, prop, record)
                if code is not None and code not in (c for c, _ in codes):
                    codes.append((code, prop))
        if not codes:
            return None, None, ()
        if person:
            kinds = [(c, _PERSON_KINDS[p]) for c, p in codes]
            nationalities = [c for c, k in kinds if k is CountryKind.NATIONALITY]
            residences = [c for c, k in kinds if k is CountryKind.RESIDENCE]
            jurisdiction = nationalities[0] if nationalities else None
            headquarters = residences[0] if residences else None
            others = tuple((c, k) for c, k in kinds if c not in (jurisdiction, headquarters))
            return jurisdiction, headquarters, others
        jurisdiction = codes[0][0]
        # Codes are listed once, under the first property giving them: a mainCountry equal to the
        # jurisdiction is not found here, and adds nothing.
        main = [c for c, p in codes if p == "mainCountry"]
        headquarters = main[0] if main and main[0] != jurisdiction else None
        # A further jurisdiction is a place of incorporation; a further country (where FtM says the party is
        # linked, typically its address) counts as a headquarters country.
        others = tuple(
            (c, CountryKind.INCORPORATION if p == "jurisdiction" else CountryKind.HEADQUARTERS)
            for c, p in codes
            if c not in (jurisdiction, headquarters)
        )
        return jurisdiction, headquarters, others

    def _country(self, value: str, prop: str, record: Record) -> str | None:
        try:
            return normalize_country(value)
        except UnknownCountryError as exc:
            meaning = _NOT_ONE_COUNTRY.get(value.strip().casefold())
            if meaning is None:
                self.problems.error(f"property '{prop}' of {short(record.id)}: {exc}", self.where(record.line))
                return None
            self.problems.warn(
                "unknown_country",
                f"{short(record.id)} has '{short(value)}' in '{prop}', which is {meaning}, not one country: "
                "not used as a country",
                self.where(record.line),
            )
            return None

    # --- references ----------------------------------------------------------------------------------------

    def resolve(self, record: Record, prop: str, known: set[str], where: Location) -> str | None:
        """The entity id the Ownership's ``prop`` (owner or asset) refers to, or None if unusable."""
        values = record.values(prop)
        if len(values) != 1:
            count = "no" if not values else str(len(values))
            self.problems.error(
                f"Ownership {short(record.id)} has {count} '{prop}' values; an Ownership links one owner to one asset",
                where,
            )
            return None
        ref = values[0]
        target = ref if ref in self.schemas else self.referent_of.get(ref, ref)
        if target in known:
            return target
        schema = self.schemas.get(target)
        if schema is not None:
            self.problems.warn(
                "ignored_record",
                f"Ownership {short(record.id)}: its {prop} {short(ref)} is a {schema[0]}, not a company, person or "
                "other legal entity: the holding is not used",
                where,
            )
            return None
        if target not in self.created:
            self.created[target] = Entity(id=target, name=target, declared=False, where=where)
            self.problems.warn(
                "unknown_reference",
                f"{short(target)} ({prop} of Ownership {short(record.id)}) is not described in the file: added with an "
                "unknown country (possibly a home entity for the high bound)",
                where,
            )
        return target

    def warn_ignored(self) -> None:
        """One warning per schema set aside."""
        for schema, lines in sorted(self.ignored.items(), key=lambda item: item[1][0]):
            self.problems.warn(
                "ignored_record",
                f"{len(lines)} {short(schema)} record{'s' if len(lines) > 1 else ''} (first at row {lines[0]}) not "
                "used: only Ownership records give holdings",
                self.where(lines[0]),
            )


__all__ = ["OWNERSHIP", "Catalogue"]
