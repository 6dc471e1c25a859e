"""BODS relationship statements: who holds which interests in whom, with shares as fractions.

* Interest types are compared without case, ``-`` and ``_``. ``shareholding`` is equity, ``votingRights``
  votes, ``unknownInterest`` / ``unpublishedInterest`` / no type at all an interest of unknown kind (its
  share, if given, read as equity). Interests in the assets or benefits of the subject (a trust's settlor,
  trustee or beneficiary, a nominee and its nominator, rights to profit, income or surplus assets, use of
  the assets) are ownership of unknown size: a stake of their share, or of 0-100% without one, besides
  control. Every other listed type (board appointment, senior managing official, a protector, rights by
  contract or articles...) is control without equity.
* Exclusive range ends: BODS 0.4 gives them as numbers (``exclusiveMinimum: 25``), 0.1-0.3 as booleans
  that qualify ``minimum``/``maximum``; both become ``Stake.between`` with the exclusive flags.
* A share missing but a UK PSC nature code in ``details`` (``ownership-of-shares-25-to-50-percent``) gives
  the code's band.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from ownership.errors import Location, short
from ownership.model import Stake
from ownership.readers.bods.fields import JsonObject, Statement, Unspecified, cite, items, mapping, text, type_key
from ownership.readers.cells.values import ValueProblem, parse_date, parse_percent


class Kind(Enum):
    EQUITY = "equity"
    VOTES = "votes"
    CONTROL = "control"
    OWNERSHIP = "ownership"  # an interest in the assets or benefits, of a size the type does not give
    UNKNOWN = "unknown"


_KINDS: dict[str, Kind] = {
    "shareholding": Kind.EQUITY,
    "votingrights": Kind.VOTES,
    "unknowninterest": Kind.UNKNOWN,
    "unpublishedinterest": Kind.UNKNOWN,
    **{
        type_key(t): Kind.CONTROL
        for t in (
            # BODS 0.3/0.4 interestType codelist
            "appointmentOfBoard",
            "otherInfluenceOrControl",
            "seniorManagingOfficial",
            "protector",
            "rightsGrantedByContract",
            "conditionalRightsGrantedByContract",
            "controlViaCompanyRulesOrArticles",
            "controlByLegalFramework",
            "boardMember",
            "boardChair",
            # BODS 0.1/0.2 names that differ
            "protector-of-trust",
            "other-influence-or-control-of-trust",
        )
    },
    # Who settles, holds or benefits from the assets (a trust's parties, a nominee and the person it
    # stands for, rights to the profit or what is left on dissolution) owns them in some share.
    **{
        type_key(t): Kind.OWNERSHIP
        for t in (
            "settlor",
            "trustee",
            "beneficiaryOfLegalArrangement",
            "rightsToSurplusAssetsOnDissolution",
            "rightsToProfitOrIncome",
            "enjoymentAndUseOfAssets",
            "rightToProfitOrIncomeFromAssets",
            "nominee",
            "nominator",
            "settlor-of-trust",
            "trustee-of-trust",
            "beneficiary-of-trust",
        )
    },
}


@dataclass(frozen=True, slots=True)
class Interest:
    """One interest of a relationship.

    Attributes:
        kind: equity, votes, control, ownership of unknown size or unknown (from the interest type).
        type_name: the type as written ('' when absent).
        share: the share as fractions, or None when the statement gives none.
        indirect: held through intermediaries (``directOrIndirect`` / ``interestLevel`` = indirect).
        start, end: inclusive dates of the interest, None when open.
        details: the publisher's free-text details (a PSC nature code, a GLEIF relationship type).
    """

    kind: Kind
    type_name: str
    share: Stake | None
    indirect: bool
    start: date | None
    end: date | None
    details: str | None


@dataclass(frozen=True, slots=True)
class Relationship:
    """An ownership-or-control relationship: ``party`` holds ``interests`` in ``subject``.

    ``subject`` and ``party`` are the keys (record ids, or statement ids before 0.4) they reference, or
    ``Unspecified``. ``components`` are the records or statements of the chain an indirect relationship sums up.
    """

    key: str
    statement_id: str
    subject: str | Unspecified
    party: str | Unspecified
    interests: tuple[Interest, ...]
    components: tuple[str, ...]
    is_component: bool
    where: Location

    def source(self) -> str:
        """How an audit report cites the statement."""
        return cite(self.key, self.statement_id)


def _reference(st: Statement, details: JsonObject, role: str, modern: bool) -> str | Unspecified | None:
    value = details.get(role)
    if modern and isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Mapping):
        for key in ("describedByEntityStatement", "describedByPersonStatement"):
            ref = text(value, key)
            if ref:
                return ref
        unspecified = mapping(value, "unspecified") if "unspecified" in value else value
        if unspecified is not None and ("reason" in unspecified or "description" in unspecified or not modern):
            return Unspecified(text(unspecified, "reason"), text(unspecified, "description"))
    st.error(f"the relationship has no {role} (a record id, or an object giving the reason it is unspecified)")
    return None


def parse_relationship(
    st: Statement, key: str, statement_id: str, details: JsonObject, modern: bool
) -> Relationship | None:
    """A relationship statement's details (``modern``: a 0.4 record, whose references are record ids), or
    None with an error recorded when it has no subject or interested party or malformed interests."""
    subject = _reference(st, details, "subject", modern)
    party = _reference(st, details, "interestedParty", modern)
    components = tuple(
        str(v)
        for v in items(details, "componentRecords") + items(details, "componentStatementIDs")
        if isinstance(v, str)
    )
    raw_interests = details.get("interests")
    if raw_interests is not None and not isinstance(raw_interests, list):
        st.error("interests is not a list")
        return None
    interests = []
    for position, raw in enumerate(raw_interests or []):
        interest = _interest(st, raw, position, bool(components))
        if interest is not None:
            interests.append(interest)
    if subject is None or party is None:
        return None
    return Relationship(
        key=key,
        statement_id=statement_id,
        subject=subject,
        party=party,
        interests=tuple(interests),
        components=components,
        is_component=details.get("isComponent") is True,
        where=st.where,
    )


def _interest(st: Statement, raw: object, position: int, summarises: bool) -> Interest | None:
    where = f"interests[{position}]"
    if not isinstance(raw, Mapping):
        st.error(f"{where} is not an object")
        return None
    type_name = text(raw, "type") or ""
    kind = _KINDS.get(type_key(type_name), Kind.UNKNOWN) if type_name else Kind.UNKNOWN
    if type_name and type_key(type_name) not in _KINDS:
        st.warn("unknown_interest_type", f"{where}.type '{short(type_name, 40)}' is not a BODS interest type")
    level = text(raw, "directOrIndirect") or text(raw, "interestLevel")
    # A relationship that lists its components sums up a chain: its interests are indirect unless they say
    # they are direct.
    indirect = level == "indirect" or (summarises and level != "direct")
    details = text(raw, "details")
    share = _share(st, raw.get("share"), f"{where}.share")
    if share is None and details is not None and "percent" in details:
        try:
            share = parse_percent(details)
        except ValueProblem:
            share = None
    start = _date(st, raw.get("startDate"), f"{where}.startDate", end=False)
    end = _date(st, raw.get("endDate"), f"{where}.endDate", end=True)
    if start is not None and end is not None and start > end:
        st.error(f"{where}: the start date {start} is after the end date {end}")
        return None
    return Interest(kind, type_name, share, indirect, start, end, details)


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def _date(st: Statement, value: object, what: str, *, end: bool) -> date | None:
    """A BODS date; a year or year-month (allowed for some BODS dates) is its first day, or its last day when
    it ends an interest, so the interest is never cut short."""
    if isinstance(value, str) and (match := _PARTIAL_DATE.match(value.strip())):
        year, month = int(match[1]), int(match[2] or 0)
        try:
            if not month:
                return date(year, 12, 31) if end else date(year, 1, 1)
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        except ValueError:
            st.error(f"{what} '{short(value, 40)}' is not a real date")
            return None
    try:
        return parse_date(value)
    except ValueProblem as exc:
        st.error(f"{what}: {exc}")
        return None


def _share_bound(st: Statement, value: object, what: str) -> float | None:
    """A share figure (percentage points 0..100) as a fraction; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        st.error(f"{what} is {short(value, 40)!r}, not a number of percentage points")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        st.error(f"{what} is {value}, not a number")
        return None
    try:
        stake = parse_percent(value)
    except ValueProblem as exc:
        st.error(f"{what}: {exc}")
        return None
    if stake is None or not stake.is_exact:
        st.error(f"{what} is {short(value, 40)!r}, not a single number of percentage points")
        return None
    return stake.low


def _share(st: Statement, raw: object, what: str) -> Stake | None:
    """The share as fractions: exact, or a range whose exclusive ends are nudged inward; None when the share
    is absent or gives no figure."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        st.error(f"{what} is not an object")
        return None
    exact = _share_bound(st, raw.get("exact"), f"{what}.exact")
    if exact is not None:
        return Stake.exact(exact)
    low, low_exclusive = _share_bound(st, raw.get("minimum"), f"{what}.minimum"), False
    high, high_exclusive = _share_bound(st, raw.get("maximum"), f"{what}.maximum"), False
    ex_min, ex_max = raw.get("exclusiveMinimum"), raw.get("exclusiveMaximum")
    if isinstance(ex_min, bool):
        low_exclusive = ex_min and low is not None
    elif ex_min is not None:
        bound = _share_bound(st, ex_min, f"{what}.exclusiveMinimum")
        if bound is not None and (low is None or bound >= low):
            low, low_exclusive = bound, True
    if isinstance(ex_max, bool):
        high_exclusive = ex_max and high is not None
    elif ex_max is not None:
        bound = _share_bound(st, ex_max, f"{what}.exclusiveMaximum")
        if bound is not None and (high is None or bound <= high):
            high, high_exclusive = bound, True
    if low is None and high is None:
        return None
    lo = 0.0 if low is None else low
    hi = 1.0 if high is None else high
    if lo > hi or (lo == hi and (low_exclusive or high_exclusive)):
        st.error(f"{what} is an empty range (from {lo * 100:g}% to {hi * 100:g}%)")
        return None
    return Stake.between(lo, hi, low_exclusive=low_exclusive, high_exclusive=high_exclusive)
