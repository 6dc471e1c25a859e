"""PSC snapshot records into entities and holdings, with every record that is not used accounted for.

One record is one line of the snapshot: a PSC of one company, a statement, an exemption, or the totals line.

* Individual, corporate-entity and legal-person PSCs (and the beneficial owners of overseas entities) are
  holders of the company; their natures of control give the stake, the votes and the control flag
  (``ownership.readers.psc.natures``). A record is in force from its ``notified_on`` date (when the company
  told the registrar; the interest may have begun a little earlier, but the register does not say when)
  until the day before its ``ceased_on`` date, so the as-of date sees the register as it stood then.
* Ceased PSCs and ceased statements are kept for that period, counted in one warning; a record marked
  ``ceased: true`` without a readable ``ceased_on`` cannot be placed in time and is left out, counted too.
  Records of one holder in one company that end together are one holding (from the earliest notification).
* A super-secure PSC (particulars withheld by law) is a holder of unknown country with an unknown stake
  (0-100%); so is the unidentified PSC behind a statement that a registrable person exists but is not
  identified or not confirmed.
* A company with no current PSC record (none at all, only ceased ones, or a statement that nobody has
  significant control, which leaves each owner under 25% unnamed) has unknown owners: a holder of unknown
  country and type, ``PSC-UNKNOWN-<number>``, holds 0-100% of it (up to what remains unallocated), with a
  counted warning. An exemption says the company's shares are traded on a regulated market: a listed
  company, marked ``ultimate``, with no unknown holder added.
* The totals line is snapshot metadata and is skipped.

PSC registers list joint holders, trustees and people holding through others each with the full band, so
the bands of one company can add up to more than 100%. The low ends are then lowered until they fit (each
to 100% less the others' high ends), with a warning: the data cannot say who holds what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from ownership.errors import DataWarning, Location, short
from ownership.model import TOLERANCE, Entity, EntityType, Holding, Stake
from ownership.model.countries import UnknownCountryError, normalize_country
from ownership.readers.canonical.row import Problems
from ownership.readers.cells.validity import Period, day_before, iso_day
from ownership.readers.psc.files import TOTALS_KIND, CompanyRow
from ownership.readers.psc.messages import NOBODY, UNIDENTIFIED, tally_message
from ownership.readers.psc.natures import combine, is_nominee, read_natures
from ownership.readers.psc.parties import (
    Party,
    company_id,
    company_jurisdiction,
    corporate_party,
    describe_new,
    merge_party,
    normalize_company_number,
    person_party,
)

__all__ = ["SnapshotBuilder"]

_HOLDER_KINDS: Final = {
    "individual-person-with-significant-control": "individual",
    "individual-beneficial-owner": "individual",
    "corporate-entity-person-with-significant-control": "corporate",
    "corporate-entity-beneficial-owner": "corporate",
    "legal-person-person-with-significant-control": "legal",
    "legal-person-beneficial-owner": "legal",
}
_SUPER_SECURE: Final = frozenset({"super-secure-person-with-significant-control", "super-secure-beneficial-owner"})
_STATEMENT: Final = "persons-with-significant-control-statement"
_EXEMPTIONS: Final = "exemptions"
_UNKNOWN_STAKE: Final = Stake(0.0, 1.0)
#: Warnings about single records or parties beyond this many per code are summed up in one more warning.
_DETAILED: Final = 20
#: A file with this many unreadable records is not a snapshot: stop there rather than collect them all.
_MAX_ERRORS: Final = 1000


@dataclass
class _Interest:
    """A holding under construction: one holder's interests in one company, over one or more records."""

    stake: Stake | None
    votes: Stake | None
    control: bool
    source: str | None
    where: Location
    lines: list[int] = field(default_factory=list)
    period: Period = (None, None)


@dataclass
class _Tally:
    count: int
    where: Location


class SnapshotBuilder:
    """Collects the records of one snapshot (in any number of files) and builds the model from them."""

    def __init__(self) -> None:
        self.problems = Problems()
        self._parties: dict[str, Party] = {}
        self._first_seen: dict[str, Location] = {}
        self._interests: dict[tuple[str, str, date | None], _Interest] = {}
        self._period: Period = (None, None)  # of the record being read
        self._subjects: dict[str, str] = {}  # entity id -> company number
        self._explained: set[str] = set()  # subjects whose missing holders a statement or exemption explains
        self._listed: set[str] = set()  # subjects exempt as listed companies: their own ultimate owners
        self._nobody: set[str] = set()  # subjects stating that nobody has significant control
        self._tallies: dict[tuple[str, str], _Tally] = {}
        self._details: dict[str, int] = defaultdict(int)
        self._detail_first: dict[str, Location | None] = {}
        self._named_by_company_data: set[str] = set()

    # --- warnings ----------------------------------------------------------------------------------------

    def _tally(self, code: str, key: str, where: Location) -> None:
        found = self._tallies.get((code, key))
        if found is None:
            self._tallies[(code, key)] = _Tally(1, where)
        else:
            found.count += 1

    def _detail(self, code: str, message: str, where: Location | None) -> None:
        self._details[code] += 1
        if self._details[code] <= _DETAILED:
            self.problems.warn(code, message, where)
        else:
            self._detail_first.setdefault(code, where)

    def _error(self, reason: str, where: Location) -> None:
        self.problems.error(reason, where)
        if len(self.problems.errors) >= _MAX_ERRORS:
            self.problems.raise_first()

    # --- records -----------------------------------------------------------------------------------------

    def add(self, value: object, where: Location) -> None:
        """Read one snapshot record (a parsed JSON line) found at ``where``."""
        if not isinstance(value, dict):
            self._error('is not a JSON object; a snapshot line is {"company_number": ..., "data": {...}}', where)
            return
        data = value.get("data")
        if not isinstance(data, dict):
            self._error('has no "data" object; a snapshot line is {"company_number": ..., "data": {...}}', where)
            return
        kind = data.get("kind")
        if kind == TOTALS_KIND:
            return
        if not isinstance(kind, str):
            self._error('has no "kind" in its data, so it is not known what the record describes', where)
            return
        raw_number = value.get("company_number")
        number = normalize_company_number(raw_number) if isinstance(raw_number, str) else None
        if number is None:
            shown = f"'{short(raw_number, 40)}'" if raw_number is not None else "missing"
            self._error(f"company_number is {shown}, not a Companies House company number", where)
            return
        subject = self._subject(number, where)
        notified, ceased = _day(data.get("notified_on")), _day(data.get("ceased_on"))
        if data.get("ceased_on") or data.get("ceased") is True:
            if ceased is None or (kind == _STATEMENT and data.get("statement") == NOBODY) or kind == _EXEMPTIONS:
                self._tally("psc_ceased", "undated" if ceased is None else "", where)
                return
            self._tally("psc_ceased", "dated", where)
        self._period = (notified, None if ceased is None else day_before(ceased))
        if kind in _HOLDER_KINDS:
            self._holder(_HOLDER_KINDS[kind], data, number, subject, where)
        elif kind in _SUPER_SECURE:
            holder = self._merge(
                Party(
                    f"PSC-SUPER-SECURE-{number}-{_psc_id(data, where)}",
                    f"super-secure PSC of {number}",
                    EntityType.PERSON,
                ),
                where,
            )
            self._tally("psc_super_secure", "", where)
            self._interest(holder, subject, _UNKNOWN_STAKE, None, False, _source(data), where)
        elif kind == _STATEMENT:
            self._statement(data, number, subject, where)
        elif kind == _EXEMPTIONS:
            self._explained.add(subject)
            self._listed.add(subject)
            self._tally("psc_exemption", "", where)
        else:
            self._tally("psc_unknown_kind", kind, where)

    def _subject(self, number: str, where: Location) -> str:
        entity_id = company_id(number)
        self._subjects.setdefault(entity_id, number)
        party = Party(entity_id, number, EntityType.COMPANY, company_jurisdiction(number), name_rank=0)
        return self._merge(party, where)

    def _holder(self, kind: str, data: dict[str, object], number: str, subject: str, where: Location) -> None:
        fallback = f"PSC-{number}-{_psc_id(data, where)}"
        party = (
            person_party(data, fallback) if kind == "individual" else corporate_party(data, kind == "legal", fallback)
        )
        holder = self._merge(party, where)
        if data.get("is_sanctioned") is True:
            self._detail(
                "psc_sanctioned",
                f"{short(party.name)} ({holder}), a beneficial owner of {number}, is marked as sanctioned in the "
                "register; exposure screens countries, so name it in a --watchlist to screen for it",
                where,
            )
        codes = data.get("natures_of_control", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            self._error("natures_of_control is not a list of codes", where)
            return
        natures = read_natures(codes)
        for code in natures.ignored:
            self._tally("psc_nature_ignored", "nominee" if is_nominee(code) else code, where)
        stake, votes = natures.stake, natures.votes
        if stake is None and votes is None and not natures.control:
            stake = _UNKNOWN_STAKE
            self._tally("psc_unknown_stake", "", where)
        if natures.several:
            self._detail(
                "psc_several_bands",
                f"{short(party.name)} has several bands in {number} (held directly and through others, or "
                f"repeated): read as {stake or ''}{' with votes ' + str(votes) if votes else ''}, what all of "
                "them allow together",
                where,
            )
        source = _source(data)
        if natures.via and source is not None:
            source += f" (through a {' and a '.join(natures.via)})"
        self._interest(holder, subject, stake, votes, natures.control, source, where)

    def _statement(self, data: dict[str, object], number: str, subject: str, where: Location) -> None:
        raw = data.get("statement")
        statement = raw.strip().casefold() if isinstance(raw, str) else ""
        base = statement.removesuffix("-partnership")
        self._tally("psc_statement", statement or "(none)", where)
        if base in UNIDENTIFIED:
            name = f"unidentified PSC of {number}"
            holder = self._merge(Party(f"PSC-UNIDENTIFIED-{number}", name, EntityType.UNKNOWN), where)
            self._interest(holder, subject, _UNKNOWN_STAKE, None, False, _source(data), where)
        elif base == NOBODY:
            self._nobody.add(subject)

    def _merge(self, party: Party, where: Location) -> str:
        """Record ``party`` (first seen at ``where``), merging it into the party with the same id."""
        known = self._parties.get(party.id)
        if known is None:
            self._parties[party.id] = party
            self._first_seen[party.id] = where
            issues = describe_new(party)
        else:
            had_country = known.jurisdiction is not None or known.headquarters is not None
            issues = merge_party(known, party)
            if not had_country:
                issues += describe_new(party)
        for code, text in issues:
            if code == "unknown_country":
                self._tally(code, text, where)
            else:
                self._detail(code, text, where)
        return party.id

    def _interest(
        self,
        holder: str,
        subject: str,
        stake: Stake | None,
        votes: Stake | None,
        control: bool,
        source: str | None,
        where: Location,
    ) -> None:
        start, end = self._period
        found = self._interests.get((holder, subject, end))
        if found is None:
            self._interests[(holder, subject, end)] = _Interest(
                stake, votes, control, source, where, [where.row or 0], (start, end)
            )
            return
        if found.period[0] is not None:
            found.period = (None if start is None else min(start, found.period[0]), end)
        # The same holder listed twice in one company (a repeated notification, or a stake held directly and
        # another through a trust): what both records allow together.
        found.stake = _either(found.stake, stake)
        found.votes = _either(found.votes, votes)
        found.control = found.control or control
        found.lines.append(where.row or 0)

    # --- company data ------------------------------------------------------------------------------------

    def apply_companies(self, rows: Iterable[CompanyRow]) -> None:
        """Names and countries of origin from BasicCompanyData rows, for the companies the records name (so
        call it after ``add`` has seen every record); other rows are counted in a warning."""
        seen = self._named_by_company_data
        for row in rows:
            number = normalize_company_number(row.number)
            entity_id = company_id(number) if number is not None else None
            party = self._parties.get(entity_id) if entity_id is not None else None
            if party is None or entity_id in seen:
                self._tally("psc_company_unused", "", row.where)
                continue
            seen.add(party.id)
            if row.name is not None:
                party.name, party.name_rank = row.name, 2
            if row.country is None:
                continue
            try:
                country = normalize_country(row.country)
            except UnknownCountryError:
                self._tally("unknown_country", f"CountryOfOrigin\0{row.country}", row.where)
                continue
            if party.jurisdiction is None:
                party.jurisdiction = country
            elif country != party.jurisdiction:
                self._detail(
                    "psc_conflict",
                    f"{short(party.name)} ({party.id}) has CountryOfOrigin {country} in the company data but "
                    f"{party.jurisdiction} from the PSC register: {party.jurisdiction} kept",
                    row.where,
                )

    # --- the model ---------------------------------------------------------------------------------------

    def finish(self) -> tuple[list[Entity], list[Holding], list[DataWarning]]:
        """The entities (in the order first named), the holdings, and every warning.

        Raises:
            InputError: a record could not be read (the first one, with a count of the others).
        """
        self.problems.raise_first()
        by_subject: dict[str, list[tuple[str, _Interest]]] = defaultdict(list)
        for (holder, subject, _), interest in self._interests.items():
            by_subject[subject].append((holder, interest))
        for subject, interests in by_subject.items():
            self._fit(subject, interests)
        holdings = [
            Holding(
                holder,
                subject,
                i.stake,
                votes=i.votes,
                control=i.control,
                start=i.period[0],
                end=i.period[1],
                source=i.source,
                where=i.where,
            )
            for (holder, subject, _), i in self._interests.items()
        ]
        for (holder, subject, _), i in self._interests.items():
            if len(i.lines) > 1:
                self._detail(
                    "psc_duplicate",
                    f"{short(self._parties[holder].name)} is listed {len(i.lines)} times as a PSC of "
                    f"{self._subjects[subject]} (lines {', '.join(map(str, i.lines[:8]))}): read as one holding of "
                    f"{i.stake if i.stake is not None else 'no stake'}",
                    i.where,
                )
        current = {
            subject for subject, interests in by_subject.items() if any(i.period[1] is None for _, i in interests)
        }
        holdings += self._unknown_owners(current)
        for party in self._parties.values():
            if party.by_name > 1:
                self._detail(
                    "psc_name_match",
                    f"{short(party.name)} is a PSC in {party.by_name} records without a registration number: "
                    f"read as one entity ({party.id}) by its name and country",
                    self._first_seen[party.id],
                )
        entities = [
            Entity(
                p.id,
                p.name,
                p.type,
                p.jurisdiction,
                p.headquarters,
                where=self._first_seen[p.id],
                ultimate=p.id in self._listed,
                other_countries=tuple(p.others),
            )
            for p in self._parties.values()
        ]
        return entities, holdings, [*self.problems.warnings, *self._summaries()]

    def _unknown_owners(self, current: set[str]) -> list[Holding]:
        """A holder of unknown country holding 0-100% of each company with no current PSC record that is not
        exempt as listed (see the module docstring), with one counted warning."""
        found: list[Holding] = []
        for subject, number in self._subjects.items():
            if subject in current or subject in self._explained:
                continue
            where = self._first_seen[subject]
            holder = self._merge(
                Party(f"PSC-UNKNOWN-{number}", f"unknown owners of {number}", EntityType.UNKNOWN), where
            )
            said = "states that nobody has significant control" if subject in self._nobody else "has no current PSC"
            # Only since its last PSC ceased: before then the ceased records say who held it.
            ended = [i.period[1] for (_, s, end), i in self._interests.items() if s == subject and end is not None]
            found.append(
                Holding(
                    holder,
                    subject,
                    _UNKNOWN_STAKE,
                    start=max(e for e in ended if e is not None) + timedelta(days=1) if ended else None,
                    source=f"PSC register of {number}: {said}, so its owners are not named",
                    where=where,
                )
            )
            self._tally("psc_no_current_psc", "", where)
        return found

    def _fit(self, subject: str, interests: list[tuple[str, _Interest]]) -> None:
        """Lower the low ends of stakes (and votes) in ``subject`` that add up past 100% (see the module
        docstring), among the records in force at the same time."""
        for attr, what in (("stake", "stakes"), ("votes", "voting bands")):
            all_bands = [(i, getattr(i, attr)) for _, i in interests if getattr(i, attr) is not None]
            lows: dict[int, float] = {}
            total = 0.0
            for together in _in_force_together([i for i, _ in all_bands]):
                members = {id(t) for t in together}
                bands = [(i, b) for i, b in all_bands if id(i) in members]
                summed = sum(b.low for _, b in bands)
                if summed <= 1.0 + TOLERANCE:
                    continue
                total = max(total, summed)
                highs = sum(b.high for _, b in bands)
                for interest, band in bands:
                    low = min(band.low, max(0.0, 1.0 - (highs - band.high)))
                    lows[id(interest)] = min(low, lows.get(id(interest), low))
            if not lows:
                continue
            bands = [(i, b) for i, b in all_bands if id(i) in lows]
            for interest, band in bands:
                setattr(interest, attr, Stake(lows[id(interest)], band.high))
            self._detail(
                "psc_overlapping_bands",
                f"the PSC {what} in {self._subjects[subject]} add up to at least {total * 100:.4g}% (joint "
                "holders, trustees and people holding through others are each listed with the full band): their "
                "low ends were lowered to fit in 100%, so the result can only say what the data allows",
                bands[0][0].where,
            )

    def _summaries(self) -> list[DataWarning]:
        found: list[DataWarning] = []
        for (code, key), tally in self._tallies.items():
            found.append(DataWarning(code, tally_message(code, key, tally.count), tally.where))
        for code, count in self._details.items():
            if count > _DETAILED:
                found.append(
                    DataWarning(
                        code,
                        f"{count - _DETAILED} more '{code}' warnings like the ones above",
                        self._detail_first[code],
                    )
                )
        return found


def _in_force_together(interests: list[_Interest]) -> list[list[_Interest]]:
    """The sets of records in force on the same days: one set per stretch between their start and end dates
    (most companies have one stretch: every record open)."""
    days = sorted({d for i in interests for d in (i.period[0], i.period[1]) if d is not None})
    if not days:
        return [interests] if len(interests) > 1 else []
    probes: list[date | None] = [None, *days, *(d + timedelta(days=1) for d in days)]
    found: list[list[_Interest]] = []
    seen: set[tuple[int, ...]] = set()
    for day in probes:
        together = [i for i in interests if _valid_on(i.period, day)]
        key = tuple(sorted(id(i) for i in together))
        if len(together) > 1 and key not in seen:
            seen.add(key)
            found.append(together)
    return found


def _valid_on(period: Period, day: date | None) -> bool:
    """Whether ``period`` includes ``day`` (None: before any date, so only periods with an open start)."""
    start, end = period
    if day is None:
        return start is None
    return (start is None or start <= day) and (end is None or day <= end)


def _day(value: object) -> date | None:
    return iso_day(value) if isinstance(value, str) else None


def _either(old: Stake | None, new: Stake | None) -> Stake | None:
    if old is None:
        return new
    if new is None:
        return old
    return combine([old, new])


def _psc_id(data: dict[str, object], where: Location) -> str:
    links = data.get("links")
    link = links.get("self") if isinstance(links, dict) else None
    if isinstance(link, str) and link.strip("/"):
        return link.rstrip("/").rsplit("/", 1)[-1]
    etag = data.get("etag")
    return etag if isinstance(etag, str) and etag else f"L{where.row}"


def _source(data: dict[str, object]) -> str | None:
    links = data.get("links")
    link = links.get("self") if isinstance(links, dict) else None
    if isinstance(link, str) and link:
        return link
    etag = data.get("etag")
    return f"etag {etag}" if isinstance(etag, str) and etag else None
