"""FtM Ownership records into claims: what each record says about one owner's stake in one asset.

A claim is not yet a holding: records of the same owner and asset may overlap in time, and ``ftm_periods``
decides what they amount to together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from ownership.errors import Location, short
from ownership.model import Entity, Stake
from ownership.readers.cells.values import ValueProblem, parse_number, parse_percent
from ownership.readers.ftm.parties import OWNERSHIP, Catalogue
from ownership.readers.ftm.records import Record

_FTM_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:[T ][0-9:.+\-Z]*)?")
_FULL_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Ordinal days standing for an open start and an open end.
OPEN_START: Final = date.min.toordinal()
OPEN_END: Final = date.max.toordinal() + 1


@dataclass
class Claim:
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
    indirect: bool = False  # a declared indirect interest (ownershipType naming it indirect)

    @property
    def span(self) -> tuple[int, int]:
        """Validity as half-open ordinal days [first, after last)."""
        first = self.start.toordinal() if self.start else OPEN_START
        after = self.end.toordinal() + 1 if self.end else OPEN_END
        return first, after


class ClaimReader:
    """Reads the Ownership records of a catalogue, noting what the whole file's warnings need."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.problems = catalogue.problems
        self.fractions: list[tuple[float, Location]] = []
        self.partial_dates: list[Location] = []

    def claims(self, entities: list[Entity]) -> list[Claim]:
        """One claim per usable Ownership record; ``entities`` are the parties the file describes."""
        known = {e.id for e in entities}
        label = self.catalogue.label
        found: list[Claim] = []
        for record in self.catalogue.records.values():
            if record.schema != OWNERSHIP:
                continue
            where = self.catalogue.where(record.line)
            holder = self.catalogue.resolve(record, "owner", known, where)
            subject = self.catalogue.resolve(record, "asset", known, where)
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
                    f"Ownership {short(record.id)} ({label(holder)} -> {label(subject)}) gives no "
                    "percentage: read as anywhere from 0 to 100%",
                    where,
                )
            # Marked indirect: the owner's declared share held through others (graph preparation decides
            # how it counts beside any chain in the file).
            indirect = any("indirect" in t.casefold() for t in record.values("ownershipType"))
            shares = self._shares(record)
            found.append(
                Claim(
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
                    indirect,
                )
            )
        return found

    def _stake(self, record: Record, where: Location) -> Stake | None:
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

    def _date(self, record: Record, prop: str, where: Location, *, first: bool) -> date | None:
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

    def _shares(self, record: Record) -> float | None:
        text = record.first("sharesCount")
        try:
            return parse_number(text)
        except ValueProblem:
            return None  # kept as text in the source; the stake never comes from it

    def finish(self) -> None:
        """The warnings about the file as a whole: partial dates, percentages that look like fractions."""
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


def _details(record: Record) -> str:
    parts = [
        f"{prop}: {'; '.join(short(v, 60) for v in record.values(prop))}"
        for prop in ("role", "ownershipType", "sharesType", "sharesCount", "legalBasis", "status")
        if record.values(prop)
    ]
    return f" ({', '.join(parts)})" if parts else ""


__all__ = ["OPEN_END", "OPEN_START", "Claim", "ClaimReader"]
