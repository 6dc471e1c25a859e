"""BODS entity and person statements into entities, with their countries.

* An entity's jurisdiction is its ``jurisdiction`` (0.1/0.2: ``incorporatedInJurisdiction``), else the
  country of its registered address; its headquarters is the country of its business address.
* A person's nationality goes into ``jurisdiction`` and the country of residence (residence address, else
  the registered address, else the first tax residence) into ``headquarters``, so the policy's home basis
  can weigh them; further countries do not fit the model and are reported.
* A country that is not recognised is a warning and the party's country stays unknown (so it may be a home
  party for the high bound): registers publish whole feeds, and one odd code should not stop a read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ownership.countries import UnknownCountryError, normalize_country
from ownership.errors import short
from ownership.model import Entity, EntityType
from ownership.readers.bods_fields import JsonObject, Statement, Unspecified, items, mapping, text, type_key

_ENTITY_TYPES = {
    "registeredentity": EntityType.COMPANY,
    "legalentity": EntityType.COMPANY,
    "state": EntityType.STATE,
    "statebody": EntityType.STATE,
    "anonymousentity": EntityType.UNKNOWN,
    "unknownentity": EntityType.UNKNOWN,
}


def _entity_type(details: JsonObject) -> tuple[EntityType, str | None]:
    """The model's type and the BODS type as written."""
    raw = details.get("entityType")
    kind = text(details, "entityType") if not isinstance(raw, Mapping) else text(raw, "type")
    subtype = text(raw, "subtype") if isinstance(raw, Mapping) else None
    listing = mapping(details, "publicListing")
    if kind is None:
        return EntityType.UNKNOWN, None
    key = type_key(kind)
    if key == "arrangement":
        return (EntityType.TRUST if subtype == "trust" else EntityType.UNKNOWN), kind
    found = _ENTITY_TYPES.get(key, EntityType.UNKNOWN)
    if found is EntityType.COMPANY and listing is not None and listing.get("hasPublicListing") is True:
        return EntityType.PUBLIC, kind
    return found, kind


def _unspecified_words(details: JsonObject, key: str) -> str | None:
    found = mapping(details, key)
    if found is None:
        return None
    return Unspecified(text(found, "reason"), text(found, "description")).words()


def country(st: Statement, value: object, what: str) -> str | None:
    """An ISO alpha-2 code from a BODS Country / Jurisdiction object ({name, code}) or a code string; None
    (with a warning when something was written) if it is not recognised."""
    candidates = [value.get("code"), value.get("name")] if isinstance(value, Mapping) else [value]
    written = [c for c in candidates if isinstance(c, str) and c.strip()]
    for candidate in written:
        try:
            code = normalize_country(candidate)
        except UnknownCountryError:
            continue
        if code is not None:
            return code
    if written:
        st.warn(
            "unknown_country",
            f"{what} '{short(written[0], 60)}' is not a recognised country: read as unknown (possibly a home "
            "country for the high bound)",
        )
    return None


def _address_country(st: Statement, details: JsonObject, types: Sequence[str], what: str) -> str | None:
    for wanted in types:
        for address in items(details, "addresses"):
            if isinstance(address, Mapping) and text(address, "type") == wanted:
                found = country(st, address.get("country"), what)
                if found is not None:
                    return found
    return None


def parse_entity(st: Statement, key: str, details: JsonObject) -> Entity:
    """An entity statement's details as an entity with ``id = key``; a nameless one is named by its type."""
    kind, written = _entity_type(details)
    jurisdiction_field = details.get("jurisdiction") or details.get("incorporatedInJurisdiction")
    jurisdiction = country(st, jurisdiction_field, "jurisdiction") if jurisdiction_field else None
    if jurisdiction is None:
        jurisdiction = _address_country(st, details, ("registered",), "registered address country")
    headquarters = _address_country(st, details, ("business",), "business address country")
    name = text(details, "name")
    if name is None:
        reason = _unspecified_words(details, "unspecifiedEntityDetails")
        name = f"{written or 'entity'} {key}" + (f" ({reason})" if reason else "")
    return Entity(key, name, kind, jurisdiction, headquarters, where=st.where, source=st.citation)


def _person_name(details: JsonObject) -> str | None:
    names = [n for n in items(details, "names") if isinstance(n, Mapping)]
    names.sort(key=lambda n: 0 if text(n, "type") in ("legal", "individual") else 1)
    for n in names:
        full = text(n, "fullName")
        if full:
            return full
        parts = [p for p in (text(n, "givenName"), text(n, "familyName")) if p]
        if parts:
            return " ".join(parts)
    return None


def parse_person(st: Statement, key: str, details: JsonObject) -> Entity:
    """A person statement's details as a person entity: nationality in ``jurisdiction``, residence in
    ``headquarters`` (a second nationality when no residence is given)."""
    nationalities = [country(st, n, "nationality") for n in items(details, "nationalities")]
    residences = [
        _address_country(st, details, ("residence",), "residence country"),
        country(st, (mapping(details, "placeOfResidence") or {}).get("country"), "residence country"),
        _address_country(st, details, ("registered",), "registered address country"),
        *(country(st, t, "tax residence") for t in items(details, "taxResidencies")),
    ]
    found = list(dict.fromkeys(c for c in nationalities if c is not None))
    lived = list(dict.fromkeys(c for c in residences if c is not None))
    jurisdiction = found[0] if found else None
    headquarters = lived[0] if lived else (found[1] if len(found) > 1 else None)
    extra = [c for c in dict.fromkeys(found + lived) if c not in (jurisdiction, headquarters)]
    if extra:
        st.warn(
            "extra_countries",
            f"the person also has {', '.join(extra)} as nationality or residence; the model keeps two countries "
            f"per party ({jurisdiction}, {headquarters}), so the others are not used",
        )
    name = _person_name(details)
    if name is None:
        person_type = text(details, "personType") or "person"
        reason = _unspecified_words(details, "unspecifiedPersonDetails")
        name = f"{person_type} {key}" + (f" ({reason})" if reason else "")
    return Entity(key, name, EntityType.PERSON, jurisdiction, headquarters, where=st.where, source=st.citation)
