"""What a PSC's ``natures_of_control`` codes say about its stake, its votes and its control.

The codes are Companies House's (``psc_descriptions.yml`` in companieshouse/api-enumerations). Their
bands are read by ``ownership.readers.cells.values.parse_percent``, with the ends the statute gives: 25-to-50 is
more than 25% and at most 50%, 50-to-75 more than 50% and less than 75%, 75-to-100 at least 75%, and an
overseas entity's "more-than-25" more than 25% (Stakes are fractions 0..1, exclusive ends nudged inward).

* ``ownership-of-shares-*`` and the surplus-asset rights of LLPs and Scottish partnerships
  (``right-to-share-surplus-assets-*``, ``part-right-to-share-surplus-assets-*``) are the economic stake.
* ``voting-rights-*`` are the votes.
* ``right-to-appoint-and-remove-{directors,members,person}*`` and ``significant-influence-or-control*`` are
  control without a percentage.
* ``-as-trust``, ``-as-firm`` and ``-as-control-over-{trust,firm}`` mean the PSC holds the interest through
  a trust or a firm it controls: the band is still the PSC's, and the route is kept for the source note.
* ``registered-owner-as-nominee-*`` (overseas entities holding UK land as nominee) says nothing about the
  entity's shares and is set aside.

Several bands of one kind (a stake held directly and another through a trust) are combined into what is
certain whether they are the same shares or different ones: at least the largest low end, at most the sum
of the high ends (and 100%).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from ownership.model import Stake
from ownership.readers.cells.values import ValueProblem, parse_percent

__all__ = ["Natures", "combine", "is_nominee", "read_natures"]

_EQUITY_PREFIXES: Final = (
    "ownership-of-shares-",
    "right-to-share-surplus-assets-",
    "part-right-to-share-surplus-assets-",
)
_VOTES_PREFIX: Final = "voting-rights-"
_ROUTE: Final = r"(?:-as-(?:trust|firm|control-over-trust|control-over-firm))?"
_REGISTER: Final = r"(?:-limited-liability-partnership|-registered-overseas-entity)?"
_CONTROL: Final = re.compile(
    r"(?:right-to-appoint-and-remove-(?:directors|members|person)|significant-influence-or-control)"
    + _ROUTE
    + _REGISTER
)
_NOMINEE: Final = "registered-owner-as-nominee-"
_VIA: Final = re.compile(r"-as-(?:control-over-)?(trust|firm)\b")


@dataclass(frozen=True, slots=True)
class Natures:
    """What one PSC's natures of control give.

    Attributes:
        stake: the economic stake (fractions), or None when no share or surplus-asset band is given.
        votes: the voting stake (fractions), or None when no voting band is given.
        control: a right to appoint or remove the board, or significant influence or control.
        via: "trust" and/or "firm" when some interest is held through one.
        several: different bands of one kind were combined (see the module docstring).
        ignored: codes that say nothing about the company's shares or control (nominee registrations) or
            that are not known.
    """

    stake: Stake | None
    votes: Stake | None
    control: bool
    via: tuple[str, ...]
    several: bool
    ignored: tuple[str, ...]


def combine(stakes: Sequence[Stake]) -> Stake:
    """One stake for several bands that may or may not count the same shares: at least the largest low end,
    at most the sum of the high ends, capped at 100% (fractions)."""
    low = max(s.low for s in stakes)
    high = min(1.0, sum(s.high for s in stakes))
    return Stake(low, max(low, high))


def _band(code: str) -> Stake | None:
    try:
        return parse_percent(code)
    except ValueProblem:
        return None


def read_natures(codes: Sequence[str]) -> Natures:
    """Read a PSC's ``natures_of_control`` codes (as filed; case and surrounding spaces do not matter)."""
    return _read_natures(tuple(codes))


# Cached: a snapshot holds a few hundred distinct lists of codes.
@lru_cache(maxsize=1 << 12)
def _read_natures(codes: tuple[str, ...]) -> Natures:
    equity: list[Stake] = []
    votes: list[Stake] = []
    control = False
    via: list[str] = []
    ignored: list[str] = []
    for raw in codes:
        code = raw.strip().casefold()
        band = _band(code) if code.startswith((*_EQUITY_PREFIXES, _VOTES_PREFIX)) else None
        if band is not None:
            (votes if code.startswith(_VOTES_PREFIX) else equity).append(band)
        elif _CONTROL.fullmatch(code):
            control = True
        else:
            ignored.append(raw)
            continue
        if (match := _VIA.search(code)) and match[1] not in via:
            via.append(match[1])
    return Natures(
        stake=combine(equity) if equity else None,
        votes=combine(votes) if votes else None,
        control=control,
        via=tuple(via),
        several=len(set(equity)) > 1 or len(set(votes)) > 1,
        ignored=tuple(ignored),
    )


def is_nominee(code: str) -> bool:
    """Whether ``code`` is an overseas entity's nominee registration for UK land (not about its shares)."""
    return code.strip().casefold().startswith(_NOMINEE)
