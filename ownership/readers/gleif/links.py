"""GLEIF relationship records and reporting exceptions into parent -> child links (rules in ``gleif_map``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ownership.errors import short
from ownership.model import Entity, EntityType, Holding, Stake
from ownership.readers.cells.validity import Period as ValidPeriod
from ownership.readers.cells.validity import day_before
from ownership.readers.cells.values import ValueProblem
from ownership.readers.gleif.entities import newest
from ownership.readers.gleif.records import (
    BRANCH,
    DIRECT_PARENT,
    DIRECTLY,
    FUND_TYPES,
    ULTIMATE_PARENT,
    ULTIMATELY,
    ExceptionRecord,
    Notes,
    Place,
    RelRecord,
    Text,
    gleif_date,
    upper,
)

_NO_KNOWN = "NO_KNOWN_PERSON"
_PERSONS = "NATURAL_PERSONS"
_REASONS = frozenset(
    {
        "NO_KNOWN_PERSON",
        "NATURAL_PERSONS",
        "NON_CONSOLIDATING",
        "NO_LEI",
        "NON_PUBLIC",
        "BINDING_LEGAL_COMMITMENTS",
        "LEGAL_OBSTACLES",
        "DISCLOSURE_DETRIMENTAL",
        "DETRIMENT_NOT_EXCLUDED",
        "CONSENT_NOT_OBTAINED",
    }
)
_UNKNOWN_EQUITY = Stake(0.0, 1.0)
_AMOUNT = re.compile(r"\d+(?:\.\d+)?|\.\d+")


@dataclass(frozen=True, slots=True)
class Link:
    """A parent -> child edge about to become a holding; ``direct`` False for the ultimate level (a declared
    indirect interest); ``said`` names the record in messages."""

    direct: bool
    said: str
    parent: str
    child: str
    stake: Stake
    control: bool
    start: date | None
    end: date | None
    source: str
    place: Place
    parent_field: str | None
    child_field: str | None

    def holding(self) -> Holding:
        """The link as a holding: an ultimate-level link is the parent's declared indirect interest."""
        return Holding(
            holder=self.parent,
            subject=self.child,
            stake=self.stake,
            control=self.control,
            start=self.start,
            end=self.end,
            source=self.source,
            where=self.place.record(),
            indirect=not self.direct,
        )


def relationship_links(records: list[RelRecord], notes: Notes) -> list[Link]:
    """The links the relationship records give (stakes as fractions), with warnings for those not used."""
    keyed: list[tuple[str | tuple[str, str, str], RelRecord]] = []
    for record in records:
        if record.start is None or record.end is None or record.kind is None:
            missing = "StartNode" if record.start is None else "EndNode" if record.end is None else "RelationshipType"
            notes.warn("ignored_record", f"the relationship record has no {missing}: not used", record.place.record())
            continue
        keyed.append(((record.start.value, record.kind.value.upper(), record.end.value), record))
    links = []
    for record in newest(keyed, notes):
        links.extend(_link(record, notes))
    return links


def _link(record: RelRecord, notes: Notes) -> list[Link]:
    """The record's link, one per stretch of its relationship periods (see ``gleif_map``); none when the
    record is not used."""
    assert record.start is not None and record.end is not None and record.kind is not None
    child, parent, kind = record.start.value, record.end.value, record.kind.value.upper()
    here = record.place.record()
    said = f"{child} {kind} {parent}"
    if kind in FUND_TYPES:
        notes.warn(
            "ignored_relationship",
            f"{said}: a fund relationship (management or fund structure), not ownership: not used",
            here,
        )
        return []
    if kind not in (DIRECTLY, ULTIMATELY, BRANCH):
        notes.warn(
            "ignored_record", f"{said}: relationship type not known: not used", record.place.at(record.kind.field)
        )
        return []
    registration = upper(record.registration_status)
    if registration in ("ANNULLED", "DUPLICATE"):
        notes.warn("ignored_record", f"{said}: the record is {registration}: not used", here)
        return []
    periods = _periods(record, notes)
    status = upper(record.status.value) if record.status is not None else None
    # Ended, but the record does not say when: in force at most until the record was updated to say so.
    ended_by: date | None = None
    if (status == "INACTIVE" or registration == "RETIRED") and periods[-1][1] is None:
        why = "INACTIVE" if status == "INACTIVE" else "RETIRED"
        updated = _updated(record)
        if updated is None or (periods[-1][0] is not None and updated <= periods[-1][0]):
            notes.warn(
                "ignored_record",
                f"{said}: the relationship is {why} and has no end date, so when it ended is unknown: not used",
                here,
            )
            return []
        ended_by = day_before(updated)
        notes.warn(
            "ended_undated",
            f"{said}: the relationship is {why} without an end date; it ended at the latest when the record was "
            f"last updated ({updated}): read as possibly in force (from 0 to its stake) until {ended_by}",
            here,
        )
        periods[-1] = (periods[-1][0], ended_by)
    elif status != "ACTIVE" and status != "INACTIVE" and registration != "RETIRED":
        shown = record.status.value if record.status is not None else "not given"
        notes.warn("unknown_status", f"{said}: relationship status {short(shown, 20)}: taken as ACTIVE", here)
    stake, note = _UNKNOWN_EQUITY, ""
    if kind == BRANCH:
        stake, note = Stake.exact(1.0), "; a branch is part of its head office"
    elif record.quantifiers:
        found = _quantified(record, said, notes)
        if found is not None:
            stake, note = found[0], f"; {found[1]}"
    if ended_by is not None:
        stake, note = Stake(0.0, stake.high), f"{note}; ended at an unknown date by {ended_by}"
    extra = f", record {record.record_id}" if record.record_id else ""
    validation = f", {record.validation}" if record.validation else ""
    return [
        Link(
            direct=kind != ULTIMATELY,
            said=said,
            parent=parent,
            child=child,
            stake=stake,
            control=kind != BRANCH,
            start=start,
            end=end,
            source=f"GLEIF {said}{note}{validation}{extra}",
            place=record.place,
            parent_field=record.end.field,
            child_field=record.start.field,
        )
        for start, end in periods
    ]


def _date(value: Text | None, place: Place, notes: Notes) -> date | None:
    if value is None:
        return None
    try:
        return gleif_date(value.value)
    except ValueProblem as exc:
        notes.warn("bad_value", f"{exc}: the period is read as open at this end", place.at(value.field))
        return None


def _periods(record: RelRecord, notes: Notes) -> list[ValidPeriod]:
    """The RELATIONSHIP_PERIODs as (start, end) stretches, inclusive, None for an open end, in order; periods
    that overlap or follow each other without a gap are one stretch. One open stretch when none is given."""
    found: list[ValidPeriod] = []
    for p in record.periods:
        if upper(p.kind) != "RELATIONSHIP_PERIOD":
            continue
        start, end = _date(p.start, record.place, notes), _date(p.end, record.place, notes)
        if start is not None and end is not None and start > end:
            notes.warn(
                "bad_value",
                f"the relationship period starts {start}, after it ends {end}: both dates are ignored",
                record.place.record(),
            )
            start = end = None
        found.append((start, end))
    if not found:
        return [(None, None)]
    found.sort(key=lambda p: date.min if p[0] is None else p[0])
    stretches = [found[0]]
    for start, end in found[1:]:
        last_start, last_end = stretches[-1]
        if last_end is None or start is None or start <= last_end + timedelta(days=1):
            stretches[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            stretches.append((start, end))
    return stretches


def _updated(record: RelRecord) -> date | None:
    try:
        return gleif_date(record.last_update)
    except ValueProblem:
        return None


def _quantified(record: RelRecord, said: str, notes: Notes) -> tuple[Stake, str] | None:
    """The stake a percentage quantifier gives, with a note for the source; None when there is none usable."""
    for quantifier in record.quantifiers:
        units = upper(quantifier.units) or "PERCENTAGE"
        amount = quantifier.amount
        assert amount is not None
        where = record.place.at(amount.field)
        if units != "PERCENTAGE":
            notes.warn("bad_value", f"{said}: a quantifier in {short(units, 30)}, not PERCENTAGE: not used", where)
            continue
        text = amount.value
        if not _AMOUNT.fullmatch(text) or float(text) > 100.0:
            notes.warn(
                "bad_value", f"{said}: quantifier amount '{short(text, 30)}' is not a percentage: not used", where
            )
            continue
        value = float(text)
        if value == 0.0:
            notes.warn(
                "bad_value",
                f"{said}: quantifier amount {text} (0%) cannot be a consolidation stake: read as unknown (0-100%)",
                where,
            )
            continue
        if value <= 1.0:
            notes.warn(
                "fraction_scale",
                f"{said}: quantifier amount {text} is read as a fraction ({value * 100:g}%): GLEIF files write full "
                "consolidation both as 100.00 and as 1.00, and a consolidation stake of 1% or less is implausible",
                where,
            )
            return Stake.exact(value), f"quantifier {text} {units} read as {value * 100:g}%"
        return Stake.exact(value / 100.0), f"quantifier {text} {units}"
    return None


def exception_links(
    records: list[ExceptionRecord],
    links: list[Link],
    entities: dict[str, Entity],
    synthetic: dict[str, Entity],
    notes: Notes,
) -> list[Link]:
    """The links reporting exceptions give: an unknown parent per exception that names one; ``synthetic``
    gains those parents. ``links`` are the relationship links, which win over an exception of their level
    while they are in force (without an end date)."""
    # An exception says what holds now; a relationship that has ended does not answer it.
    reported = {(link.child, link.direct) for link in links if link.end is None}
    seen: set[tuple[str, bool, tuple[str, ...]]] = set()
    found: list[Link] = []
    for record in records:
        here = record.place.record()
        if record.lei is None:
            notes.warn("ignored_record", "the reporting exception has no LEI: not used", here)
            continue
        lei = record.lei.value
        category = upper(record.category.value) if record.category is not None else None
        if category not in (DIRECT_PARENT, ULTIMATE_PARENT):
            notes.warn(
                "ignored_record", f"{lei}: exception category {short(category, 40)} is not known: not used", here
            )
            continue
        reasons = tuple(dict.fromkeys(r.value.upper() for r in record.reasons))
        if not reasons:
            notes.warn("ignored_record", f"{lei}: the reporting exception gives no reason: not used", here)
            continue
        for reason in record.reasons:
            if reason.value.upper() not in _REASONS:
                notes.warn(
                    "bad_value",
                    f"{lei}: exception reason {short(reason.value, 40)} is not known: read as an undisclosed parent",
                    record.place.at(reason.field),
                )
        direct = category == DIRECT_PARENT
        key = (lei, direct, reasons)
        if key in seen:
            notes.warn("duplicate_record", f"{lei}: the same reporting exception is given twice: used once", here)
            continue
        seen.add(key)
        if (lei, direct) in reported:
            notes.warn(
                "ignored_record",
                f"{lei}: a reporting exception ({category}, {', '.join(reasons)}) although the input has a "
                "relationship record of that level for it: the relationship record is used",
                here,
            )
            continue
        # NO_KNOWN_PERSON says no controller is known, not that the owners are: they are unknown owners,
        # like every other reason's undisclosed parent (see ``gleif_map``).
        named = reasons
        what = "unknown owners" if set(named) == {_NO_KNOWN} else "unknown parent"
        parent = f"{what} of {lei} ({', '.join(named)})"
        if parent not in synthetic:
            child_name = entities[lei].name if lei in entities else lei
            synthetic[parent] = Entity(
                id=parent,
                name=f"{what} of {child_name} ({', '.join(named)})",
                type=EntityType.PERSON if set(named) == {_PERSONS} else EntityType.UNKNOWN,
                declared=False,
                where=here,
                source=f"GLEIF reporting exception of {lei}",
            )
            who = (
                "natural persons the data does not name"
                if set(named) == {_PERSONS}
                else "no known person, so its owners are unknown"
                if set(named) == {_NO_KNOWN}
                else "a parent the data does not name"
            )
            notes.warn(
                "unknown_parent",
                f"{lei} reports no {'direct' if direct else 'ultimate'} accounting-consolidation parent "
                f"({', '.join(named)}): it is controlled by {who}; added as '{parent}' of unknown country (possibly "
                "a home entity for the high bound), holding an unknown stake of 0-100% (up to what the recorded "
                "holders leave unallocated)",
                here,
            )
        reference = f"; reference {'; '.join(record.references)}" if record.references else ""
        found.append(
            Link(
                direct=direct,
                said=f"{lei}'s {'direct' if direct else 'ultimate'}-parent reporting exception ({', '.join(named)})",
                parent=parent,
                child=lei,
                stake=_UNKNOWN_EQUITY,
                control=True,
                start=None,
                end=None,
                source=f"GLEIF reporting exception {lei} {category} {', '.join(reasons)}{reference}",
                place=record.place,
                parent_field=None,
                child_field=record.lei.field,
            )
        )
    return found


__all__ = ["Link", "exception_links", "relationship_links"]
