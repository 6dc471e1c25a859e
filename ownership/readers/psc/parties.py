"""Who a PSC record names: the company (subject) and the person with significant control (holder), with a
stable id and their countries.

Ids (they appear in reports, and the same party gets the same id in every file of a snapshot):

* A company on the Companies House register: ``GB-COH-<number>``, the number padded to 8 characters as the
  register writes it ("6436883" is ``GB-COH-06436883``). A corporate PSC registered in the UK whose
  registration number has that form gets the same id, so it is the subject of its own PSC records and
  chains form across companies.
* Another corporate or legal-person PSC with a registration number: ``<country>-REG-<number>`` (e.g.
  ``US-REG-41-0406690``), or ``PSC-REG-<register>-<number>`` when only the register's name is known.
* A corporate or legal-person PSC without a registration number: ``PSC-NAME-<country or XX>-<name>``, so the
  same government or company named in several companies' registers is one party (a warning says so).
* An individual: ``PSC-PERSON-<forename middle surname>-<yyyy-mm of birth>``: the register gives no person
  id across companies, and name plus month of birth is how Companies House itself matches officers. Without a
  date of birth the record's own id is used (``PSC-<company>-<psc id>``).

Countries: a company number of an overseas company or entity (FC, SF, NF, OE) has no UK jurisdiction; every
other Companies House number is a UK company. A corporate PSC's jurisdiction is the first of
``country_registered``, ``place_registered``, ``legal_authority`` and ``legal_form`` that names a country
(``ownership.readers.psc.countries``); its headquarters is the country of its address (for a corporate PSC
the register holds its registered or principal office). An individual's first nationality fills
``jurisdiction`` and the country of residence ``headquarters``; further nationalities (``British,Irish``, or
another filing's) go into ``other_countries`` as nationalities, a different residence in another filing as a
residence: every country counts for persons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from ownership.errors import short
from ownership.model import CountryKind, EntityType
from ownership.readers.psc.countries import nationality_countries, register_country, residence_country

__all__ = [
    "Party",
    "company_id",
    "company_jurisdiction",
    "corporate_party",
    "describe_new",
    "merge_party",
    "normalize_company_number",
    "person_party",
]

_DIGITS: Final = re.compile(r"\d{1,8}")
_PREFIXED: Final = re.compile(r"([A-Z]{2})(\d{1,6})")
_EIGHT: Final = re.compile(r"[A-Z0-9]{8}")
_OVERSEAS_PREFIXES: Final = frozenset({"FC", "SF", "NF", "OE"})
_TITLES: Final = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof", "rev"})
_STATE_WORDS: Final = re.compile(
    r"\b(?:government|state|ministry|department|crown|sovereign|municipal|council|authority|republic|kingdom)\b",
    re.IGNORECASE,
)
_REGISTER_FIELDS: Final = ("country_registered", "place_registered", "legal_authority", "legal_form")


def normalize_company_number(text: str) -> str | None:
    """A Companies House number as the register writes it (8 characters, upper case), or None if ``text``
    cannot be one: "6436883" -> "06436883", "sc12345" -> "SC012345"."""
    number = "".join(text.split()).upper()
    if _DIGITS.fullmatch(number):
        return number.zfill(8)
    if match := _PREFIXED.fullmatch(number):
        return match[1] + match[2].zfill(6)
    return number if _EIGHT.fullmatch(number) else None


def company_id(number: str) -> str:
    """The entity id of a company on the Companies House register (``number`` already normalised)."""
    return f"GB-COH-{number}"


def company_jurisdiction(number: str) -> str | None:
    """GB for a UK company; None for an overseas company or entity registered at Companies House."""
    return None if number[:2] in _OVERSEAS_PREFIXES else "GB"


def _slug(text: str) -> str:
    words = re.findall(r"\w+", text.casefold())
    return "-".join(words)[:80]


@dataclass
class Party:
    """An entity as the records describe it so far (merged across records by ``id``).

    Attributes:
        name_rank: how good ``name`` is: 0 a company number, 1 a PSC record, 2 the company data.
        by_name: how many records were matched to this party by name only (no registration number).
        unknown: country texts that were given but name no country, as (field, text).
        others: countries beyond ``jurisdiction`` and ``headquarters`` with their kinds (a second
            nationality), in the order found.
    """

    id: str
    name: str
    type: EntityType
    jurisdiction: str | None = None
    headquarters: str | None = None
    name_rank: int = 1
    by_name: int = 0
    unknown: list[tuple[str, str]] = field(default_factory=list)
    others: list[tuple[str, CountryKind]] = field(default_factory=list)


def _text(mapping: dict[str, object], key: str) -> str | None:
    value = mapping.get(key)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def person_party(data: dict[str, object], fallback_id: str) -> Party:
    """The individual a PSC record names (``fallback_id`` when it has no date of birth)."""
    elements = _mapping(data.get("name_elements"))
    name = _text(data, "name")
    parts = [_text(elements, k) for k in ("forename", "middle_name", "surname")]
    if name is None:
        name = " ".join(p for p in parts if p) or "unnamed person"
    key = _slug(" ".join(p for p in parts if p)) if parts[2] else _slug(" ".join(_without_title(name)))
    born = _mapping(data.get("date_of_birth"))
    year, month = born.get("year"), born.get("month")
    dated = all(isinstance(v, int) and not isinstance(v, bool) for v in (year, month))
    entity_id = f"PSC-PERSON-{key}-{year:04}-{month:02}" if dated and key else fallback_id
    party = Party(entity_id, name, EntityType.PERSON)
    nationality = _text(data, "nationality")
    if nationality is not None:
        found, unknown = nationality_countries(nationality)
        nationalities = list(dict.fromkeys(found))
        party.unknown += [("nationality", u) for u in unknown]
        if nationalities:
            party.jurisdiction = nationalities[0]
            party.others = [(c, CountryKind.NATIONALITY) for c in nationalities[1:]]
    residence = _text(data, "country_of_residence")
    if residence is not None:
        code = residence_country(residence)
        if code is None:
            party.unknown.append(("country_of_residence", residence))
        else:
            party.headquarters = code
    return party


def _without_title(name: str) -> list[str]:
    words = name.split()
    while words and words[0].casefold().rstrip(".") in _TITLES:
        words = words[1:]
    return words


def corporate_party(data: dict[str, object], legal_person: bool, fallback_id: str) -> Party:
    """The corporate entity or legal person a PSC record names (``fallback_id`` when it has neither a
    registration number nor a name)."""
    ident = _mapping(data.get("identification"))
    name = _text(data, "name")
    texts = {f: _text(ident, f) for f in _REGISTER_FIELDS}
    jurisdiction = None
    for f, text in texts.items():
        if text is not None and (jurisdiction := register_country(text, f)) is not None:
            break
    address = _mapping(data.get("principal_office_address")) or _mapping(data.get("address"))
    address_country = _text(address, "country")
    headquarters = residence_country(address_country) if address_country is not None else None

    number = _text(ident, "registration_number")
    number = "".join(number.split()).upper() if number is not None else None
    uk_number = normalize_company_number(number) if number is not None and jurisdiction == "GB" else None
    place = texts["place_registered"] or texts["country_registered"] or texts["legal_authority"]
    by_name = False
    if uk_number is not None:
        entity_id = company_id(uk_number)
    elif number and jurisdiction is not None:
        entity_id = f"{jurisdiction}-REG-{number}"
    elif number and place is not None:
        entity_id = f"PSC-REG-{_slug(place)}-{number}"
    elif name is not None and _slug(name):
        entity_id = f"PSC-NAME-{jurisdiction or 'XX'}-{_slug(name)}"
        by_name = True
    else:
        entity_id = fallback_id
    kind = EntityType.COMPANY
    if legal_person and _STATE_WORDS.search(f"{texts['legal_form'] or ''} {name or ''}"):
        kind = EntityType.STATE
    party = Party(entity_id, name or entity_id, kind, jurisdiction, headquarters, by_name=int(by_name))
    if jurisdiction is None:
        party.unknown += [(f, t) for f, t in texts.items() if t is not None and f != "legal_form"]
        if not party.unknown:
            party.unknown.append(("identification", ""))
    if address_country is not None and headquarters is None:
        party.unknown.append(("address.country", address_country))
    return party


def describe_new(party: Party) -> list[tuple[str, str]]:
    """Warnings about a party's countries as first read: ("unknown_country", "field\\0text") for each text
    that names no country."""
    return [("unknown_country", f"{fieldname}\0{text}") for fieldname, text in party.unknown]


def merge_party(known: Party, party: Party) -> list[tuple[str, str]]:
    """Merge what another record says about ``known`` (``party``, same id) into it; return warnings as
    (code, message).

    The better name wins (company data over a PSC record over a bare number). A person's filings may name
    different nationalities (one acquired later): all of them count. A company keeps the countries it was
    first read with; a different one is a ``psc_conflict``.
    """
    issues: list[tuple[str, str]] = []
    if party.name_rank > known.name_rank:
        known.name, known.name_rank = party.name, party.name_rank
    if known.type is EntityType.UNKNOWN or (known.type is EntityType.COMPANY and party.type is EntityType.STATE):
        known.type = party.type
    known.by_name += party.by_name
    if known.type is EntityType.PERSON:
        # Every country of every filing counts for a person: the first of each kind keeps its place, the
        # others are kept beside it with their kind.
        found = [
            *(() if party.jurisdiction is None else ((party.jurisdiction, CountryKind.NATIONALITY),)),
            *(() if party.headquarters is None else ((party.headquarters, CountryKind.RESIDENCE),)),
            *party.others,
        ]
        slots = {CountryKind.NATIONALITY: "jurisdiction", CountryKind.RESIDENCE: "headquarters"}
        for code, kind in found:
            slot = slots.get(kind)
            main = getattr(known, slot) if slot is not None else None
            if slot is not None and main is None:
                setattr(known, slot, code)
            elif main != code and (code, kind) not in known.others:
                known.others.append((code, kind))
        return issues
    for attr in ("jurisdiction", "headquarters"):
        old, new = getattr(known, attr), getattr(party, attr)
        if old is None and new is not None:
            setattr(known, attr, new)
        elif old is not None and new is not None and old != new:
            message = (
                f"{short(known.name)} ({known.id}) has {attr} {new} here but {old} in an earlier record: {old} kept"
            )
            issues.append(("psc_conflict", message))
    return issues
