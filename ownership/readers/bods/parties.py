"""BODS entity and person statements into entities, with their countries.

* An entity's jurisdiction is its ``jurisdiction`` (0.1/0.2: ``incorporatedInJurisdiction``), else the
  country of its registered address; its headquarters is the country of its business address (further
  business addresses elsewhere are further headquarters countries).
* A person's countries are all kept with their kinds: the first nationality goes into ``jurisdiction``, the
  first country of residence (residence address, ``placeOfResidence``, else the registered address) into
  ``headquarters``, and every further nationality, residence and each tax residence (``taxResidencies``)
  into ``other_countries`` with its kind.
* Ultimate owners by the file's statement: a company with a public listing (``publicListing`` with
  ``hasPublicListing``) and a state or state body are marked ``ultimate``. An unknown person
  (``personType: unknownPerson``) is a party of unknown type, not a natural person known to be the top:
  who stands behind it is unknown.
* A country that is not recognised is a warning and the party's country stays unknown (so it may be a home
  party for the high bound): registers publish whole feeds, and one odd code should not stop a read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ownership.errors import short
from ownership.model import CountryKind, Entity, EntityType
from ownership.model.countries import UnknownCountryError, normalize_country
from ownership.readers.bods.fields import JsonObject, Statement, Unspecified, items, mapping, text, type_key

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
    if kind is None:
        return EntityType.UNKNOWN, None
    key = type_key(kind)
    if key == "arrangement":
        return (EntityType.TRUST if subtype == "trust" else EntityType.UNKNOWN), kind
    return _ENTITY_TYPES.get(key, EntityType.UNKNOWN), kind


def _listed(details: JsonObject) -> bool:
    """Whether the entity has a public listing (0.4 ``publicListing.hasPublicListing``)."""
    listing = mapping(details, "publicListing")
    return listing is not None and listing.get("hasPublicListing") is True


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
    found = _address_countries(st, details, types, what)
    return found[0] if found else None


def _address_countries(st: Statement, details: JsonObject, types: Sequence[str], what: str) -> list[str]:
    """The countries of the addresses of ``types`` (in that order of types), each once."""
    found: list[str] = []
    for wanted in types:
        for address in items(details, "addresses"):
            if isinstance(address, Mapping) and text(address, "type") == wanted:
                code = country(st, address.get("country"), what)
                if code is not None and code not in found:
                    found.append(code)
    return found


def parse_entity(st: Statement, key: str, details: JsonObject) -> Entity:
    """An entity statement's details as an entity with ``id = key``; a nameless one is named by its type."""
    kind, written = _entity_type(details)
    jurisdiction_field = details.get("jurisdiction") or details.get("incorporatedInJurisdiction")
    jurisdiction = country(st, jurisdiction_field, "jurisdiction") if jurisdiction_field else None
    if jurisdiction is None:
        jurisdiction = _address_country(st, details, ("registered",), "registered address country")
    offices = _address_countries(st, details, ("business",), "business address country")
    headquarters = offices[0] if offices else None
    others = tuple((c, CountryKind.HEADQUARTERS) for c in offices[1:])
    name = text(details, "name")
    if name is None:
        reason = _unspecified_words(details, "unspecifiedEntityDetails")
        name = f"{written or 'entity'} {key}" + (f" ({reason})" if reason else "")
    ultimate = kind is EntityType.STATE or (kind is EntityType.COMPANY and _listed(details))
    return Entity(
        key,
        name,
        kind,
        jurisdiction,
        headquarters,
        where=st.where,
        source=st.citation,
        ultimate=ultimate,
        other_countries=others,
    )


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
    """A person statement's details as a person entity: first nationality in ``jurisdiction``, first country
    of residence in ``headquarters``, every other nationality, residence and tax residence in
    ``other_countries``. An unknown person is an entity of unknown type (see the module docstring)."""
    nationalities = [country(st, n, "nationality") for n in items(details, "nationalities")]
    residences = [
        *_address_countries(st, details, ("residence",), "residence country"),
        country(st, (mapping(details, "placeOfResidence") or {}).get("country"), "residence country"),
        _address_country(st, details, ("registered",), "registered address country"),
    ]
    taxed = [country(st, t, "tax residence") for t in items(details, "taxResidencies")]
    found = list(dict.fromkeys(c for c in nationalities if c is not None))
    lived = list(dict.fromkeys(c for c in residences if c is not None))
    jurisdiction = found[0] if found else None
    headquarters = lived[0] if lived else None
    others = (
        *((c, CountryKind.NATIONALITY) for c in found[1:]),
        *((c, CountryKind.RESIDENCE) for c in lived[1:]),
        *((c, CountryKind.TAX_RESIDENCE) for c in dict.fromkeys(t for t in taxed if t is not None)),
    )
    name = _person_name(details)
    person_type = text(details, "personType") or "person"
    if name is None:
        reason = _unspecified_words(details, "unspecifiedPersonDetails")
        name = f"{person_type} {key}" + (f" ({reason})" if reason else "")
    kind = EntityType.PERSON
    if type_key(person_type) == "unknownperson":
        kind = EntityType.UNKNOWN
        st.warn(
            "unspecified_party",
            f"{short(name, 80)} is an unknown person (personType unknownPerson): who stands behind it is unknown, "
            "so it is read as a party of unknown type whose own owners are unknown, not as a natural person at the "
            "top",
        )
    return Entity(
        key,
        name,
        kind,
        jurisdiction,
        headquarters,
        where=st.where,
        source=st.citation,
        other_countries=others,
    )
