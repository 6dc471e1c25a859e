"""Scenarios: changes to the data that ``whatif`` applies before it checks (``--set``, ``--drop``,
``--country``), and the two changes a cure is measured by (a sale to an outside party, new shares issued).

Stakes are fractions 0..1 here; the texts the user writes (``HOLDER:SUBJECT=PCT``) are percentages and are
read at the edge, with the same percent reader as the input's cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from ownership.errors import PolicyError
from ownership.model import Entity, EntityType, Holding, Stake

#: The party a cure's sale goes to: a natural person (an ultimate owner) of a country outside the watched
#: set, so the part sold neither counts as home nor becomes an unknown remainder.
OUTSIDE_ID = "exposure:outside-party"
OUTSIDE_NAME = "a party outside the watched set"
#: Countries the outside party may be given; the first one the rule does not watch is taken.
_OUTSIDE_COUNTRIES = ("US", "GB", "DE", "FR", "JP", "CH", "SG", "NL", "SE", "CA")


class ChangeKind(StrEnum):
    """What a scenario change does."""

    SET = "set"  # add a holding, or replace every row of one holder in one subject by one stake
    DROP = "drop"  # remove every row of one holder in one subject
    COUNTRY = "country"  # give an entity one country (its place of incorporation; no other country)
    SELL = "sell"  # cut a stake; the part given up is held by a party outside the watched set
    ISSUE = "issue"  # raise a stake by new shares: every other stake in the subject shrinks in proportion


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a scenario, on entity ids.

    Attributes:
        kind: what it does.
        holder: the holder (for ``country``, the entity whose country changes).
        subject: the subject held; "" for ``country``.
        stake: the new stake (fractions) for ``set``, ``sell`` and ``issue``; None otherwise.
        country: the new country (ISO alpha-2) for ``country``; "" otherwise.
        text: the change as the user wrote it (for messages and reports).
    """

    kind: ChangeKind
    holder: str
    subject: str = ""
    stake: Stake | None = None
    country: str = ""
    text: str = ""


@dataclass(frozen=True)
class Scenario:
    """The changes to apply, in order (later ones see earlier ones)."""

    changes: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)


class _Names:
    """Entity ids and unique names (case-insensitive), for the texts of the scenario options; the name
    index is built only when a text is not an id (a registry has a million names)."""

    def __init__(self, ids: Sequence[str], names: Sequence[str], position: Mapping[str, int] | None = None) -> None:
        self.ids, self.names = ids, names
        self.position = position if position is not None else {i: k for k, i in enumerate(ids)}
        self.folded: dict[str, str] | None = None
        self.by_name: dict[str, list[str]] = {}

    def find(self, text: str) -> str | None:
        """The id ``text`` names (an id, the id in any case, or a unique name); None when none or several."""
        text = text.strip()
        if text in self.position:
            return text
        if self.folded is None:
            self.folded = {}
            for i, name in zip(self.ids, self.names, strict=True):
                self.folded.setdefault(" ".join(i.split()).casefold(), i)
                self.by_name.setdefault(" ".join(name.split()).casefold(), []).append(i)
        key = " ".join(text.split()).casefold()
        if key in self.folded:
            return self.folded[key]
        found = self.by_name.get(key, [])
        return found[0] if len(found) == 1 else None


def _pair(option: str, whole: str, text: str, names: _Names) -> tuple[str, str]:
    """HOLDER:SUBJECT as two entity ids; ids may themselves hold ':' so every split is tried."""
    found = []
    for k, char in enumerate(text):
        if char != ":":
            continue
        holder, subject = names.find(text[:k]), names.find(text[k + 1 :])
        if holder is not None and subject is not None:
            found.append((holder, subject))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise PolicyError(f"{option} '{whole}': HOLDER:SUBJECT can be split in {len(found)} ways; use ids")
    if ":" not in text:
        raise PolicyError(f"{option} '{whole}': write HOLDER:SUBJECT (entity ids or unique names)")
    head, _, tail = text.partition(":")
    missing = head if names.find(head) is None else tail
    raise PolicyError(f"{option} '{whole}': '{missing.strip()}' is not an entity id or unique name of the input")


def _stake(option: str, whole: str, text: str) -> Stake:
    from ownership.readers.cells.values import ValueProblem, parse_percent

    try:
        stake = parse_percent(text.strip())
    except ValueProblem as exc:
        raise PolicyError(f"{option} '{whole}': {exc}") from None
    if stake is None:
        raise PolicyError(f"{option} '{whole}': give a percentage after '=' (50, 12.5%, 25-50)")
    return stake


def parse_scenario(
    ids: Sequence[str],
    names: Sequence[str],
    *,
    sets: Iterable[str] = (),
    drops: Iterable[str] = (),
    countries: Iterable[str] | Mapping[str, str] = (),
    position: Mapping[str, int] | None = None,
) -> Scenario:
    """The scenario the options describe, checked against the input's entities.

    Args:
        ids, names: the input's entity ids and display names (in the same order).
        position: id -> index, when the caller has it already.
        sets: ``HOLDER:SUBJECT=PCT`` texts (``--set``): PCT in percent, a range ``25-50`` allowed.
        drops: ``HOLDER:SUBJECT`` texts (``--drop``); each must name a holding of the input (checked when the
            scenario is applied, against the holdings).
        countries: ``ENTITY=CC`` texts (``--country``), or a mapping entity -> country; CC is a code or a
            country name.

    Raises:
        PolicyError: naming the option and the value: an entity that is not in the input, a bad percentage,
            a country that is not recognised, a text of the wrong shape.
    """
    from ownership.model.countries import UnknownCountryError, normalize_country

    table = _Names(ids, names, position)
    changes: list[Change] = []
    for whole in sets:
        pair, sep, value = whole.rpartition("=")
        if not sep:
            raise PolicyError(f"--set '{whole}': write HOLDER:SUBJECT=PCT (for example A:B=30 or A:B=25-50)")
        holder, subject = _pair("--set", whole, pair, table)
        if holder == subject:
            raise PolicyError(f"--set '{whole}': an entity cannot hold itself")
        changes.append(Change(ChangeKind.SET, holder, subject, _stake("--set", whole, value), text=whole))
    for whole in drops:
        holder, subject = _pair("--drop", whole, whole, table)
        changes.append(Change(ChangeKind.DROP, holder, subject, text=whole))
    items = countries.items() if isinstance(countries, Mapping) else (_split_country(c) for c in countries)
    for name, code in items:
        whole = f"{name}={code}"
        entity = table.find(name)
        if entity is None:
            raise PolicyError(f"--country '{whole}': '{name.strip()}' is not an entity id or unique name of the input")
        try:
            country = normalize_country(code)
        except UnknownCountryError as exc:
            raise PolicyError(f"--country '{whole}': {exc}") from None
        if country is None:
            raise PolicyError(f"--country '{whole}': give a country code or name after '='")
        changes.append(Change(ChangeKind.COUNTRY, entity, country=country, text=whole))
    return Scenario(tuple(changes))


def _split_country(text: str) -> tuple[str, str]:
    name, sep, code = text.rpartition("=")
    if not sep or not name.strip():
        raise PolicyError(f"--country '{text}': write ENTITY=CC (for example HELIO=US)")
    return name, code


def outside_country(watched: frozenset[str]) -> str:
    """A country the rule does not watch, for the outside party a cure's sale goes to."""
    return next(c for c in _OUTSIDE_COUNTRIES if c not in watched)


def apply(
    entities: Sequence[Entity],
    holdings: Sequence[Holding],
    scenario: Scenario,
    watched: frozenset[str] = frozenset(),
    *,
    part: bool = False,
) -> tuple[list[Entity], list[Holding]]:
    """The entities and holdings with the scenario's changes made, in order.

    ``set`` replaces every row of the holder in the subject (dated or not) by one undated row; ``sell``
    cuts the holder's stake to the given one and has the outside party (``OUTSIDE_ID``, of a country
    ``watched`` does not hold) hold the part given up; ``issue`` raises the holder's stake to the given one
    and scales every other row in the subject by the same factor, so the unallocated part shrinks too.

    ``part`` says the entities and holdings are a part of the data (what lies upstream of one entity):
    changes outside it are skipped instead of refused.

    Raises:
        PolicyError: a ``drop``, ``sell`` or ``issue`` of a holding the data does not have (named as the
            option was written).
    """
    people = list(entities)
    rows = list(holdings)
    present = {e.id for e in people}
    for change in scenario.changes:
        if part and (change.holder not in present or (change.subject and change.subject not in present)):
            continue
        if change.kind is ChangeKind.COUNTRY:
            people = [
                replace(e, jurisdiction=change.country, headquarters=None, other_countries=())
                if e.id == change.holder
                else e
                for e in people
            ]
            continue
        mine = [h.holder == change.holder and h.subject == change.subject for h in rows]
        if change.kind is ChangeKind.SET:
            assert change.stake is not None
            rows = [h for h, m in zip(rows, mine, strict=True) if not m]
            rows.append(Holding(change.holder, change.subject, change.stake, source="whatif --set"))
            continue
        if not any(mine):
            if part:
                continue
            option = "--drop" if change.kind is ChangeKind.DROP else change.kind.value
            raise PolicyError(
                f"{option} '{change.text or change.holder + ':' + change.subject}': "
                f"{change.holder} holds nothing in {change.subject} in the input"
            )
        if change.kind is ChangeKind.DROP:
            rows = [h for h, m in zip(rows, mine, strict=True) if not m]
            continue
        assert change.stake is not None
        if change.kind is ChangeKind.SELL:
            rows, people = _sell(rows, mine, people, change, watched)
        else:
            rows = _issue(rows, mine, change)
    return people, rows


def held(rows: Sequence[Holding], mine: Sequence[bool]) -> Stake:
    """What the marked rows hold together (fractions; rows without equity count nothing)."""
    low = sum(h.stake.low for h, m in zip(rows, mine, strict=True) if m and h.stake is not None)
    high = sum(h.stake.high for h, m in zip(rows, mine, strict=True) if m and h.stake is not None)
    return Stake(low, max(low, min(high, 1.0)))


def others_low(rows: Sequence[Holding], subject: str, mine: Sequence[bool]) -> float:
    """What every other row in ``subject`` holds at least (fractions)."""
    return sum(
        h.stake.low for h, m in zip(rows, mine, strict=True) if not m and h.subject == subject and h.stake is not None
    )


def most_held(rows: Sequence[Holding], mine: Sequence[bool], subject: str) -> float:
    """The most the marked rows may hold: their high end, but no more than the others leave."""
    return max(0.0, min(held(rows, mine).high, 1.0 - others_low(rows, subject, mine)))


def _sell(
    rows: list[Holding], mine: list[bool], people: list[Entity], change: Change, watched: frozenset[str]
) -> tuple[list[Holding], list[Entity]]:
    assert change.stake is not None
    most = most_held(rows, mine, change.subject)
    target = change.stake.low
    kept = [h for h, m in zip(rows, mine, strict=True) if not m]
    kept.append(Holding(change.holder, change.subject, Stake.exact(target), source="whatif sale"))
    sold = most - target
    if sold > 0.0:
        if not any(e.id == OUTSIDE_ID for e in people):
            people = [
                *people,
                Entity(OUTSIDE_ID, OUTSIDE_NAME, EntityType.PERSON, jurisdiction=outside_country(watched)),
            ]
        kept.append(Holding(OUTSIDE_ID, change.subject, Stake.exact(sold), source="whatif sale"))
    return kept, people


def _issue(rows: list[Holding], mine: list[bool], change: Change) -> list[Holding]:
    assert change.stake is not None
    current = held(rows, mine).low
    target = change.stake.low
    # New shares to the holder: everyone else keeps the same number of shares, so each other stake (and the
    # unallocated part) is multiplied by what is left after the holder's new stake.
    factor = (1.0 - target) / (1.0 - current) if current < 1.0 else 0.0
    out: list[Holding] = []
    for h, m in zip(rows, mine, strict=True):
        if m:
            continue
        if h.subject == change.subject and h.stake is not None:
            h = replace(h, stake=Stake(h.stake.low * factor, h.stake.high * factor))
        out.append(h)
    out.append(Holding(change.holder, change.subject, Stake.exact(target), source="whatif new shares"))
    return out


__all__ = [
    "OUTSIDE_ID",
    "OUTSIDE_NAME",
    "Change",
    "ChangeKind",
    "Scenario",
    "apply",
    "held",
    "most_held",
    "outside_country",
    "parse_scenario",
]
