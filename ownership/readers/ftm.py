"""FollowTheMoney (FtM) entities into the ownership model.

FtM is the entity model behind OpenSanctions and Aleph. A file holds one JSON object per line (or a JSON
array of them): ``{"id", "schema", "properties": {name: [text, ...]}}``, every property a list of strings.

What is read, and the choices made where FtM leaves room:

* Parties are the LegalEntity schemata: LegalEntity, Person, Organization, Company and PublicBody. The
  display name is ``caption`` (FtM's own pick among the names), else the first ``name``, else the id.
* Countries are lowercase codes. An organisation's country of incorporation is its first ``jurisdiction``,
  else its first ``country``, else its first ``mainCountry``; a different ``mainCountry`` is its
  headquarters. A person's countries are taken in the order ``nationality``, ``citizenship``, ``country``,
  ``mainCountry``, ``jurisdiction``: the first is the nationality, the next different one the residence (both
  count for persons). Further countries cannot be held and are named in an ``ignored_country`` warning.
  FtM's codes for places that are not one present-day country (``zz``, ``eu``, ``suhh``, ``cy-trnc``...)
  leave the country unknown, with a warning; any other unrecognised code is an error.
* Each ``Ownership`` is a holding owner -> asset. ``percentage`` is read like a percent cell (``"51"``,
  ``"51%"``, ``"25-50"``); several different values give the range between them. Without a percentage
  the stake is unknown, 0-100%: the owner holds something, but how much is not said (``sharesCount`` alone
  cannot give it, since FtM records no shares outstanding). ``startDate``/``endDate`` bound the holding; a
  year or month alone is read as its first day for a start and its last day for an end, so the holding
  counts whenever it may have been in force. ``role``, ``ownershipType`` and the share details go into
  the holding's source text with the FtM id.
* Registers re-issue the same stake as it changes, and FtM keeps the old records with the original start
  date, so one owner can have several records in force at once for the same asset (50%, 48% and 51% of
  the same company). They describe one stake, not three: summing them would count it three times. While
  records of the same owner, asset and share type overlap, they are read as one stake spanning their
  percentages (a record without a percentage adds nothing where another gives one), and split into
  periods where the set of records in force changes. An ``overlapping_records`` warning names them.
* An ownership marked ``indirect`` is read as a direct stake, with an ``indirect_holding`` warning: if
  the chain through the intermediaries is also in the file, the stake counts twice.
* Directorships, family ties, sanctions, addresses and the other schemata carry no equity: they are not
  read, and one ``ignored_record`` warning per schema says how many were set aside. Directors are not
  treated as control: running a company is not owning or controlling it.
* An owner or asset the file does not describe becomes an entity of unknown country (``unknown_reference``);
  one that is not a legal entity (a vessel, a plot of land) makes the holding unusable (``ignored_record``).
* Records with the same id are fragments of one entity and are merged, as FtM does. References to an id
  listed in another entity's ``referents`` resolve to that entity.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final, Protocol

from ownership.countries import UnknownCountryError, normalize_country
from ownership.errors import InputError, Location, short
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.readers.canonical import Problems
from ownership.readers.tables import ReadLimits
from ownership.readers.values import ValueProblem, parse_number, parse_percent

__all__ = ["looks_like_ftm", "read_ftm"]

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
_OWNERSHIP: Final = "Ownership"

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

_FTM_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:[T ][0-9:.+\-Z]*)?")
_FULL_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NOT_FTM: Final = re.compile(r'"(?:statementI[dD]|recordDetails|statementType|recordType|company_number)"\s*:')
_SCHEMA_KEY: Final = re.compile(r'"schema"\s*:\s*"[A-Z][A-Za-z]*"')
_PROPERTIES_KEY: Final = re.compile(r'"properties"\s*:\s*\{')
_MAX_NESTING: Final = 16
_OPEN_START = date.min.toordinal()
_OPEN_END = date.max.toordinal() + 1


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def looks_like_ftm(head: str) -> bool:
    """Whether ``head`` (the first ~64 KiB of a file, decoded) is FtM JSON lines or a JSON array of FtM
    entities: objects with an ``id``, a capitalised ``schema`` name and a ``properties`` object.

    BODS statements and UK PSC snapshot lines have neither ``schema`` nor ``properties`` and are refused.
    """
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        text = text[1:].lstrip()
    if not text.startswith("{"):
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        # The first object may be cut off at the end of the head: judge by its keys.
        start = text[:65536]
        return bool(_SCHEMA_KEY.search(start) and _PROPERTIES_KEY.search(start) and not _NOT_FTM.search(start))
    return _is_entity(first)


def _is_entity(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    schema = value.get("schema")
    return (
        "id" in value and isinstance(schema, str) and schema[:1].isupper() and isinstance(value.get("properties"), dict)
    )


@dataclass
class _Record:
    """One FtM entity (or the merge of its fragments): property values as lists of strings."""

    id: str
    schema: str
    props: dict[str, list[str]]
    line: int
    caption: str | None = None
    referents: list[str] = field(default_factory=list)

    def values(self, prop: str) -> list[str]:
        return self.props.get(prop, [])

    def first(self, prop: str) -> str | None:
        found = self.props.get(prop)
        return found[0] if found else None


# ===========================================================================================================
# Reading the file into records
# ===========================================================================================================


def _json_objects(path: Path, name: str, limits: ReadLimits, digest: _Digest) -> Iterator[tuple[int, object]]:
    """(line, parsed JSON value) for each entity of a JSON-lines file or a JSON array, hashing the bytes."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            f"is {size / 1e6:,.0f} MB, more than the limit of {limits.max_bytes / 1e6:,.0f} MB; raise the limit "
            "with --max-input-mb if the file is genuine",
            Location(name),
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
        handle.seek(0)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            data = handle.read()
            digest.update(data)
            yield from _array_objects(_decode(data, name, 1), name, limits)
            return
        for number, raw in enumerate(handle, start=1):
            digest.update(raw)
            if number > limits.max_rows:
                raise InputError(
                    f"has more than {limits.max_rows:,} lines; raise the limit with --max-rows if the file is genuine",
                    Location(name, row=number),
                )
            if len(raw) > limits.max_cell_chars:
                raise InputError(f"the line is longer than {limits.max_cell_chars:,} bytes", Location(name, row=number))
            text = _decode(raw, name, number)
            if number == 1:
                text = text.lstrip("\ufeff")
            if text.strip():
                yield number, _parse(text, name, number)


def _decode(data: bytes, name: str, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text; FtM files are UTF-8 JSON", Location(name, row=line)) from None


def _parse(text: str, name: str, line: int) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the line is not valid JSON ({exc.msg} at character {exc.colno}); each line must be one FtM entity",
            Location(name, row=line),
        ) from None
    except RecursionError:
        raise InputError("the line nests JSON too deeply to be an FtM entity", Location(name, row=line)) from None


def _array_objects(text: str, name: str, limits: ReadLimits) -> Iterator[tuple[int, object]]:
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line, counted, count = 1, 0, 0
    expect_value = True
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        line += text.count("\n", counted, pos)
        counted = pos
        if pos >= len(text):
            raise InputError("the JSON array is never closed with ']'", Location(name, row=line))
        if text[pos] == "]" and (count == 0 or not expect_value):
            if text[pos + 1 :].strip():
                raise InputError("has text after the end of the JSON array", Location(name, row=line))
            return
        if not expect_value:
            if text[pos] != ",":
                raise InputError(
                    "is not a valid JSON array: expected ',' or ']' between entities", Location(name, row=line)
                )
            pos += 1
            expect_value = True
            continue
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"is not a valid JSON array of FtM entities ({exc.msg})", Location(name, row=exc.lineno)
            ) from None
        except RecursionError:
            raise InputError("nests JSON too deeply to be FtM entities", Location(name, row=line)) from None
        count += 1
        if count > limits.max_rows:
            raise InputError(
                f"has more than {limits.max_rows:,} entities; raise the limit with --max-rows if the file is genuine",
                Location(name, row=line),
            )
        expect_value = False
        yield line, value


def _records(value: object, name: str, line: int, depth: int = 0) -> list[_Record]:
    """The entity in ``value`` and the entities nested in its properties (as the OpenSanctions API nests
    them), each nested entity replaced by its id."""
    where = Location(name, row=line)
    if not isinstance(value, dict):
        raise InputError(f"holds a JSON {type(value).__name__}, not an FtM entity (an object)", where)
    entity_id, schema = value.get("id"), value.get("schema")
    if not isinstance(schema, str) or not schema:
        raise InputError("the object has no 'schema'; it is not an FtM entity", where)
    if not isinstance(entity_id, str | int) or isinstance(entity_id, bool) or not str(entity_id).strip():
        raise InputError(f"the {short(schema)} has no 'id'; every FtM entity needs one", where)
    props = value.get("properties", {})
    if not isinstance(props, dict):
        raise InputError(f"'properties' of {short(str(entity_id))} is not an object", where)
    found: list[_Record] = []
    clean: dict[str, list[str]] = {}
    for prop, raw in props.items():
        items = raw if isinstance(raw, list) else [raw]
        texts: list[str] = []
        for item in items:
            if isinstance(item, dict):
                if depth >= _MAX_NESTING:
                    raise InputError("nests entities too deeply", where)
                if "schema" in item:
                    nested = _records(item, name, line, depth + 1)
                    found.extend(nested)
                    texts.append(nested[0].id)
                elif "id" in item:
                    texts.append(str(item["id"]))
                else:
                    raise InputError(
                        f"property '{short(str(prop))}' of {short(str(entity_id))} holds an object that is neither an "
                        "entity nor a reference to one",
                        where,
                    )
            elif isinstance(item, str | int | float) and not isinstance(item, bool):
                text = str(item).strip()
                if text:
                    texts.append(text)
            elif item is not None:
                raise InputError(f"property '{short(str(prop))}' of {short(str(entity_id))} holds a nested list", where)
        if texts:
            clean[str(prop)] = texts
    caption = value.get("caption")
    referents = value.get("referents")
    record = _Record(
        str(entity_id).strip(),
        schema,
        clean,
        line,
        (caption.strip() or None) if isinstance(caption, str) else None,
        [str(r) for r in referents] if isinstance(referents, list) else [],
    )
    return [record, *found]


# ===========================================================================================================
# Records into entities and holdings
# ===========================================================================================================


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


@dataclass
class _Claim:
    """One Ownership record, parsed: what it says about one owner's stake in one asset."""

    holder: str
    subject: str
    stake: Stake | None  # None: no percentage given
    start: date | None
    end: date | None
    shares: float | None
    share_type: str
    record_id: str
    details: str
    where: Location

    @property
    def span(self) -> tuple[int, int]:
        """Validity as half-open ordinal days [first, after last)."""
        first = self.start.toordinal() if self.start else _OPEN_START
        after = self.end.toordinal() + 1 if self.end else _OPEN_END
        return first, after


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems = Problems()
        self.records: dict[str, _Record] = {}
        self.schemas: dict[str, tuple[str, int]] = {}
        self.ignored: dict[str, list[int]] = defaultdict(list)
        self.referent_of: dict[str, str] = {}
        self.created: dict[str, Entity] = {}
        self.fractions: list[tuple[float, Location]] = []
        self.partial_dates: list[Location] = []
        self.names: dict[str, str] = {}

    def label(self, entity_id: str) -> str:
        """An entity for messages: its name rather than its id, which in FtM is opaque."""
        return short(self.names.get(entity_id, entity_id), 60)

    def where(self, line: int) -> Location:
        return Location(self.name, row=line)

    def add(self, record: _Record) -> None:
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
        if record.schema not in _PARTY_PARENT and record.schema != _OWNERSHIP:
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
        found: list[Entity] = []
        for record in self.records.values():
            if record.schema not in _PARTY_PARENT:
                continue
            jurisdiction, headquarters = self._countries(record)
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
                )
            )
        return found

    def _countries(self, record: _Record) -> tuple[str | None, str | None]:
        person = record.schema == "Person"
        props = _PERSON_COUNTRY_PROPS if person else _ORG_COUNTRY_PROPS
        codes: list[tuple[str, str]] = []  # (code, property) in order of preference
        for prop in props:
            for value in record.values(prop):
                code = self._country(value, prop, record)
                if code is not None and code not in (c for c, _ in codes):
                    codes.append((code, prop))
        if not codes:
            return None, None
        jurisdiction = codes[0][0]
        if person:
            headquarters = codes[1][0] if len(codes) > 1 else None
        else:
            # Codes are listed once, under the first property giving them: a mainCountry equal to the
            # jurisdiction is not found here, and adds nothing.
            main = [c for c, p in codes if p == "mainCountry"]
            headquarters = main[0] if main and main[0] != jurisdiction else None
        used = {jurisdiction, headquarters}
        extra = [(c, p) for c, p in codes if c not in used]
        if extra:
            listed = ", ".join(f"{c} (from '{p}')" for c, p in extra)
            kept = jurisdiction + (f" and {headquarters}" if headquarters else "")
            self.problems.warn(
                "ignored_country",
                f"{short(record.id)} is also linked to {listed}: not used; its countries are read as {kept}",
                self.where(record.line),
            )
        return jurisdiction, headquarters

    def _country(self, value: str, prop: str, record: _Record) -> str | None:
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

    # --- holdings ------------------------------------------------------------------------------------------

    def claims(self, entities: list[Entity]) -> list[_Claim]:
        known = {e.id for e in entities}
        found: list[_Claim] = []
        for record in self.records.values():
            if record.schema != _OWNERSHIP:
                continue
            where = self.where(record.line)
            holder = self._party(record, "owner", known, where)
            subject = self._party(record, "asset", known, where)
            stake = self._stake(record, where)
            start = self._date(record, "startDate", where, first=True)
            end = self._date(record, "endDate", where, first=False)
            if start is not None and end is not None and start > end:
                self.problems.error(f"Ownership {short(record.id)} starts on {start}, after it ends on {end}", where)
                continue
            if holder is None or subject is None:
                continue
            if stake is None:
                self.problems.warn(
                    "unknown_stake",
                    f"Ownership {short(record.id)} ({self.label(holder)} -> {self.label(subject)}) gives no "
                    "percentage: read as anywhere from 0 to 100%",
                    where,
                )
            if any("indirect" in t.casefold() for t in record.values("ownershipType")):
                self.problems.warn(
                    "indirect_holding",
                    f"Ownership {short(record.id)} is marked indirect: read as a direct stake of "
                    f"{self.label(holder)} in {self.label(subject)}; if the chain through the intermediaries is also "
                    "in the file, it counts twice",
                    where,
                )
            shares = self._shares(record)
            found.append(
                _Claim(
                    holder,
                    subject,
                    stake,
                    start,
                    end,
                    shares,
                    " ".join(record.values("sharesType")).casefold(),
                    record.id,
                    _details(record),
                    where,
                )
            )
        return found

    def _party(self, record: _Record, prop: str, known: set[str], where: Location) -> str | None:
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

    def _stake(self, record: _Record, where: Location) -> Stake | None:
        stakes: list[Stake] = []
        for text in record.values("percentage"):
            try:
                stake = parse_percent(text)
            except ValueProblem as exc:
                self.problems.error(f"property 'percentage' of Ownership {short(record.id)}: {exc}", where)
                continue
            if stake is None:
                continue
            stakes.append(stake)
            if stake.is_exact and re.fullmatch(r"\s*[0-9.]+\s*", text):
                self.fractions.append((float(text), where))
        if not stakes:
            return None
        low, high = min(s.low for s in stakes), max(s.high for s in stakes)
        if len({(s.low, s.high) for s in stakes}) > 1:
            self.problems.warn(
                "conflicting_values",
                f"Ownership {short(record.id)} gives {len(stakes)} percentages "
                f"({', '.join(short(t, 20) for t in record.values('percentage'))}): read as the range between them",
                where,
            )
        return Stake(low, high)

    def _date(self, record: _Record, prop: str, where: Location, *, first: bool) -> date | None:
        days: list[date] = []
        for text in record.values(prop):
            day = _ftm_date(text, first=first)
            if day is None:
                self.problems.error(
                    f"property '{prop}' of Ownership {short(record.id)}: '{short(text, 40)}' is not a date; "
                    "FtM dates are YYYY-MM-DD, YYYY-MM or YYYY",
                    where,
                )
                continue
            days.append(day)
            if not _FULL_DATE.match(text.strip()):
                self.partial_dates.append(where)
        if not days:
            return None
        if len(set(days)) > 1:
            self.problems.warn(
                "conflicting_values",
                f"Ownership {short(record.id)} gives {len(set(days))} values for '{prop}': the "
                f"{'earliest' if first else 'latest'} is used, so the holding counts whenever one of them allows",
                where,
            )
        return min(days) if first else max(days)

    def _shares(self, record: _Record) -> float | None:
        text = record.first("sharesCount")
        try:
            return parse_number(text)
        except ValueProblem:
            return None  # kept as text in the source; the stake never comes from it

    def holdings(self, claims: list[_Claim]) -> list[Holding]:
        groups: dict[tuple[str, str, str], list[_Claim]] = defaultdict(list)
        for claim in claims:
            groups[(claim.holder, claim.subject, claim.share_type)].append(claim)
        holdings: list[Holding] = []
        for group in groups.values():
            if len(group) == 1:
                holdings.append(_holding(group[0]))
            else:
                holdings.extend(self._periods(group))
        holdings.sort(key=lambda h: h.where.row if h.where and h.where.row else 0)
        return holdings

    def _periods(self, group: list[_Claim]) -> list[Holding]:
        """One holding per period in which the same set of records is in force (see the module docstring)."""
        bounds = sorted({b for c in group for b in c.span})
        periods: list[tuple[int, int, Stake, list[_Claim]]] = []  # first day, day after, stake, records behind it
        overlapped: list[_Claim] = []
        for first, after in itertools.pairwise(bounds):
            covering = [c for c in group if c.span[0] <= first < c.span[1]]
            if not covering:
                continue
            if len(covering) > 1:
                overlapped.extend(c for c in covering if c not in overlapped)
            # Where a record gives a percentage, one that gives none says nothing more about the stake.
            behind = [c for c in covering if c.stake is not None] or covering
            given = [c.stake for c in behind if c.stake is not None]
            stake = Stake(min(s.low for s in given), max(s.high for s in given)) if given else Stake(0.0, 1.0)
            last = periods[-1] if periods else None
            if last is not None and last[1] == first and last[2] == stake:
                periods[-1] = (last[0], after, stake, [*last[3], *(c for c in behind if c not in last[3])])
            else:
                periods.append((first, after, stake, behind))
        if overlapped:
            overlapped.sort(key=lambda c: c.where.row or 0)
            rows = ", ".join(str(c.where.row) for c in overlapped)
            self.problems.warn(
                "overlapping_records",
                f"{self.label(group[0].holder)} -> {self.label(group[0].subject)} has {len(overlapped)} Ownership "
                f"records in force at the same time (rows {rows}): read as one stake, the range of the percentages "
                "they give (a record without a percentage adds nothing where another gives one), not as separate "
                "stakes",
                overlapped[0].where,
            )
        found: list[Holding] = []
        for first, after, stake, behind in periods:
            behind = sorted(behind, key=lambda c: c.where.row or 0)
            one = behind[0] if len(behind) == 1 else None
            ids = ", ".join(c.record_id for c in behind)
            found.append(
                Holding(
                    holder=behind[0].holder,
                    subject=behind[0].subject,
                    stake=stake,
                    start=None if first == _OPEN_START else date.fromordinal(first),
                    end=None if after == _OPEN_END else date.fromordinal(after - 1),
                    shares=one.shares if one else None,
                    source=f"FtM Ownership {ids}{one.details if one else ''}",
                    where=behind[0].where,
                )
            )
        return found

    def finish(self) -> None:
        for schema, lines in sorted(self.ignored.items(), key=lambda item: item[1][0]):
            self.problems.warn(
                "ignored_record",
                f"{len(lines)} {short(schema)} record{'s' if len(lines) > 1 else ''} (first at row {lines[0]}) not "
                "used: only Ownership records give holdings",
                self.where(lines[0]),
            )
        if self.partial_dates:
            self.problems.warn(
                "partial_date",
                f"{len(self.partial_dates)} ownership date{'s' if len(self.partial_dates) > 1 else ''} give only a "
                "year or a month: a start is read as its first day and an end as its last, so the holding counts "
                "whenever it may have been in force",
                self.partial_dates[0],
            )
        bare = self.fractions
        if len(bare) >= 2 and all(v <= 1.0 for v, _ in bare) and any(0 < v < 1 for v, _ in bare):
            self.problems.warn(
                "fraction_scale",
                "every percentage in the file is a plain number of at most 1, read as percentage points (0.6 = 0.6%); "
                "if they are fractions (0.6 = 60%), the file is wrong by a factor of 100",
                bare[0][1],
            )


def _ftm_date(text: str, *, first: bool) -> date | None:
    """An FtM date; a year or a month alone gives its first day (``first``) or its last day."""
    match = _FTM_DATE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if month is None:
            return date(year, 1, 1) if first else date(year, 12, 31)
        if day is None:
            return date(year, int(month), 1) if first else _month_end(year, int(month))
        return date(year, int(month), int(day))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _details(record: _Record) -> str:
    parts = [
        f"{prop}: {'; '.join(short(v, 60) for v in record.values(prop))}"
        for prop in ("role", "ownershipType", "sharesType", "sharesCount", "legalBasis", "status")
        if record.values(prop)
    ]
    return f" ({', '.join(parts)})" if parts else ""


def _holding(claim: _Claim) -> Holding:
    return Holding(
        holder=claim.holder,
        subject=claim.subject,
        stake=claim.stake if claim.stake is not None else Stake(0.0, 1.0),
        start=claim.start,
        end=claim.end,
        shares=claim.shares,
        source=f"FtM Ownership {claim.record_id}{claim.details}",
        where=claim.where,
    )


def read_ftm(path: Path, name: str, limits: ReadLimits) -> OwnershipData:
    """Read FtM entities (JSON lines, or a JSON array) into entities and holdings.

    Stakes come out as fractions 0..1 (``"51"`` in ``percentage`` is 0.51). Every entity and holding
    carries the file row (line) it was read from; holdings name their FtM Ownership id in ``source``.

    Args:
        path: the file to read.
        name: the file name to use in messages.
        limits: caps on the file's size, lines and line length.

    Raises:
        InputError: the file is not FtM JSON, or an entity cannot be used (a bad percentage, date or country,
            an Ownership without one owner and one asset); the message names the file and row.
    """
    if not path.is_file():
        raise InputError("no such file", Location(name))
    digest = hashlib.sha256()
    reader = _Reader(name)
    for line, value in _json_objects(path, name, limits, digest):
        for record in _records(value, name, line):
            reader.add(record)
    entities = reader.entities()
    holdings = reader.holdings(reader.claims(entities))
    entities.extend(reader.created.values())
    reader.finish()
    reader.problems.raise_first()
    if not entities and not holdings:
        raise InputError(
            "has no FtM legal entities (Person, Company, Organization, LegalEntity, PublicBody) and no Ownership",
            Location(name),
        )
    source = SourceInfo(name, digest.hexdigest(), "ftm")
    return OwnershipData(tuple(entities), tuple(holdings), source, tuple(reader.problems.warnings))
