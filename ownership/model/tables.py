"""Entities and holdings as columns: the form the graph preparation and the engine read.

A million-entity registry cannot afford a Python object per row on the way from the file to the figures,
so readers that can (the fast CSV path) hand over columns, and everything up to the verdicts works on
them. A table is at the same time a read-only sequence of the model's objects (``Entity``, ``Holding``),
each built when asked for, so reports, explanations and small inputs read it like the tuple it replaces.
Tables built from objects (``EntityTable.of``) keep those objects and hand them back unchanged.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from ownership.errors import Location
from ownership.model import CountryKind, Entity, EntityType, Holding, Stake

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int16]
DayArray = npt.NDArray[np.datetime64]

#: Entity types by code: ``EntityTable.types`` holds indices into this tuple.
ENTITY_TYPES: tuple[EntityType, ...] = tuple(EntityType)
_TYPE_CODE = {t: k for k, t in enumerate(ENTITY_TYPES)}
PERSON_CODE = _TYPE_CODE[EntityType.PERSON]
#: Types that are ultimate owners by nature (natural persons, state and public bodies).
ULTIMATE_TYPE_CODES = (PERSON_CODE, _TYPE_CODE[EntityType.STATE], _TYPE_CODE[EntityType.PUBLIC])

#: Country kinds by code: ``OtherCountries.kinds`` holds indices into this tuple.
COUNTRY_KINDS: tuple[CountryKind, ...] = tuple(CountryKind)
_KIND_CODE = {k: c for c, k in enumerate(COUNTRY_KINDS)}

#: The code of "no country" in ``EntityTable.jurisdiction`` and ``headquarters``.
NO_COUNTRY = -1


class BuiltOnAccess(Sequence[T]):
    """A read-only sequence whose items are built when asked for, by ``item`` (an index 0..len-1; negative
    indices are turned round first, a slice gives a list)."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def item(self, i: int) -> T:
        """The ``i``-th item (0 <= i < len)."""

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self.item(k) for k in range(*i.indices(len(self)))]
        size = len(self)
        if not -size <= i < size:
            raise IndexError(i)
        return self.item(int(i) + size if i < 0 else int(i))


class Places(Sequence[Location | None]):
    """Where each row was read, for rows of one file or sheet: computed when asked for, from row numbers."""

    def __init__(self, file: str, sheet: str | None, rows: npt.NDArray[np.int64]) -> None:
        self.file, self.sheet, self.rows = file, sheet, rows

    def __len__(self) -> int:
        return int(self.rows.size)

    @overload
    def __getitem__(self, k: int) -> Location | None: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[Location | None]: ...
    def __getitem__(self, k: int | slice) -> Location | Sequence[Location | None] | None:
        if isinstance(k, slice):
            return Places(self.file, self.sheet, self.rows[k])
        return Location(self.file, self.sheet, int(self.rows[k]))


class ArrowTexts(Sequence[str]):
    """Texts kept in an Arrow string array, a Python string made only for those asked for.

    A registry's million ids and names are read one by one only for the few entities a warning or a
    sentence names; converting them all would cost a tenth of a second and 150 MB of fresh memory.
    Iterating converts them all at once.
    """

    def __init__(self, array: Any) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return list(self)[i]
        found: str = self.array[int(i)].as_py()
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.array.to_pylist())

    def take(self, at: IntArray) -> list[str]:
        """The texts at the indices ``at``, in one gather."""
        import pyarrow as pa

        found: list[str] = self.array.take(pa.array(at, type=pa.int64())).to_pylist()
        return found


def texts_at(texts: Sequence[str], at: IntArray) -> list[str]:
    """``[texts[k] for k in at]``, in one gather when the texts are kept in Arrow."""
    if isinstance(texts, ArrowTexts):
        return texts.take(at)
    return [texts[k] for k in at.tolist()]


@dataclass(frozen=True, eq=False)
class OtherCountries:
    """Countries beyond the two main columns (second nationalities, tax residences...), one row per
    (entity, country, kind), sorted by entity: few parties have them, so they are kept apart."""

    entity: IntArray
    code: CodeArray
    kind: npt.NDArray[np.int8]

    def of_entity(self, i: int) -> tuple[tuple[int, CountryKind], ...]:
        lo, hi = np.searchsorted(self.entity, [i, i + 1])
        return tuple((int(self.code[k]), COUNTRY_KINDS[int(self.kind[k])]) for k in range(int(lo), int(hi)))


@dataclass(frozen=True, eq=False)
class EntityTable(BuiltOnAccess[Entity]):
    """Entities as columns; index ``i`` in every column is the i-th entity.

    Attributes:
        ids: entity ids, unique.
        names: display names (the id when the input gave none).
        types: codes into ``ENTITY_TYPES``.
        countries: the country codes (ISO alpha-2) that ``jurisdiction`` and ``headquarters`` index.
        jurisdiction, headquarters: codes into ``countries``, ``NO_COUNTRY`` (-1) when unknown.
        declared: False for parties only named in a holding.
        where: the row each entity was read from.
        shares_outstanding: NaN where not given; None when no entity gives one.
        groups: the joint-arrangement group per entity (None where not given); None when no entity has one.
        sources: the source note per entity; None when no entity has one.
        ultimate: per entity, marked its own ultimate owner by the data; None when no entity is.
        other_countries: countries beyond the two main columns; None when no entity has any.
        arrow_ids, arrow_names: the same ``ids`` and ``names`` as Arrow string arrays, when the reader had
            them (bulk reports then write them without converting the lists back); None otherwise.
    """

    ids: Sequence[str]
    names: Sequence[str]
    types: npt.NDArray[np.int8]
    countries: tuple[str, ...]
    jurisdiction: CodeArray
    headquarters: CodeArray
    declared: BoolArray
    where: Sequence[Location | None]
    shares_outstanding: FloatArray | None = None
    groups: Sequence[str | None] | None = None
    sources: Sequence[str | None] | None = None
    ultimate: BoolArray | None = None
    other_countries: OtherCountries | None = None
    objects: Sequence[Entity] | None = field(default=None, repr=False)
    arrow_ids: Any = field(default=None, repr=False)
    arrow_names: Any = field(default=None, repr=False)

    @staticmethod
    def of(entities: Sequence[Entity]) -> EntityTable:
        """The table of ``entities`` (itself when it already is one); the objects are kept and handed back."""
        if isinstance(entities, EntityTable):
            return entities
        others = [(i, c, kind) for i, e in enumerate(entities) for c, kind in sorted(e.other_countries)]
        countries = sorted(
            {c for e in entities for c in (e.jurisdiction, e.headquarters) if c is not None} | {c for _, c, _ in others}
        )
        code = {c: k for k, c in enumerate(countries)}
        n = len(entities)
        ultimate = [e.ultimate for e in entities]

        def codes(values: Iterator[str | None]) -> CodeArray:
            return np.fromiter((NO_COUNTRY if c is None else code[c] for c in values), dtype=np.int16, count=n)

        shares = [e.shares_outstanding for e in entities]
        groups = [e.group for e in entities]
        sources = [e.source for e in entities]
        return EntityTable(
            ids=[e.id for e in entities],
            names=[e.name for e in entities],
            types=np.fromiter((_TYPE_CODE[e.type] for e in entities), dtype=np.int8, count=n),
            countries=tuple(countries),
            jurisdiction=codes(e.jurisdiction for e in entities),
            headquarters=codes(e.headquarters for e in entities),
            declared=np.fromiter((e.declared for e in entities), dtype=np.bool_, count=n),
            where=[e.where for e in entities],
            shares_outstanding=(
                np.array([np.nan if s is None else s for s in shares], dtype=np.float64)
                if any(s is not None for s in shares)
                else None
            ),
            groups=groups if any(g is not None for g in groups) else None,
            sources=sources if any(s is not None for s in sources) else None,
            ultimate=np.array(ultimate, dtype=np.bool_) if any(ultimate) else None,
            other_countries=(
                OtherCountries(
                    np.array([i for i, _, _ in others], dtype=np.int64),
                    np.array([code[c] for _, c, _ in others], dtype=np.int16),
                    np.array([_KIND_CODE[k] for _, _, k in others], dtype=np.int8),
                )
                if others
                else None
            ),
            objects=tuple(entities),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def item(self, i: int) -> Entity:
        if self.objects is not None:
            return self.objects[i]
        shares = None if self.shares_outstanding is None else float(self.shares_outstanding[i])
        return Entity(
            id=self.ids[i],
            name=self.names[i],
            type=ENTITY_TYPES[int(self.types[i])],
            jurisdiction=self.country(int(self.jurisdiction[i])),
            headquarters=self.country(int(self.headquarters[i])),
            shares_outstanding=None if shares is None or np.isnan(shares) else shares,
            declared=bool(self.declared[i]),
            where=self.where[i],
            group=None if self.groups is None else self.groups[i],
            source=None if self.sources is None else self.sources[i],
            ultimate=False if self.ultimate is None else bool(self.ultimate[i]),
            other_countries=(
                ()
                if self.other_countries is None
                else tuple((self.countries[c], kind) for c, kind in self.other_countries.of_entity(i))
            ),
        )

    def __iter__(self) -> Iterator[Entity]:
        if self.objects is not None:
            return iter(self.objects)
        return (self[i] for i in range(len(self)))

    def country(self, code: int) -> str | None:
        """The country for a code of ``jurisdiction`` / ``headquarters`` (None for ``NO_COUNTRY``)."""
        return None if code == NO_COUNTRY else self.countries[code]

    def country_codes(self, countries: frozenset[str]) -> CodeArray:
        """The codes of those of ``countries`` that occur in the table."""
        return np.array([k for k, c in enumerate(self.countries) if c in countries], dtype=np.int16)

    @cached_property
    def position(self) -> dict[str, int]:
        """Entity id -> index."""
        return {entity_id: i for i, entity_id in enumerate(self.ids)}


@dataclass(frozen=True, eq=False)
class HoldingTable(BuiltOnAccess[Holding]):
    """Holdings as columns; index ``k`` in every column is the k-th holding row.

    Stakes are fractions 0..1; NaN marks a missing interval (no stake, no votes). Optional columns are None
    when no row gives them.

    Attributes:
        ids: the entity ids that ``holder`` and ``subject`` index (the entity table's ``ids``).
        holder, subject: entity indices.
        stake_low, stake_high: the equity stake interval, NaN for control- or votes-only rows.
        where: the row each holding was read from.
        votes_low, votes_high: the voting stake where given separately.
        control: control without (or beyond) equity.
        start, end: validity dates (``datetime64[D]``, NaT = open).
        shares: the share count a stake came from.
        sources: free-text source per row.
        indirect: declared indirect interests (``Holding.indirect``); None when no row is one.
    """

    ids: Sequence[str]
    holder: IntArray
    subject: IntArray
    stake_low: FloatArray
    stake_high: FloatArray
    where: Sequence[Location | None]
    votes_low: FloatArray | None = None
    votes_high: FloatArray | None = None
    control: BoolArray | None = None
    start: DayArray | None = None
    end: DayArray | None = None
    shares: FloatArray | None = None
    sources: Sequence[str | None] | None = None
    indirect: BoolArray | None = None
    objects: Sequence[Holding] | None = field(default=None, repr=False)

    @staticmethod
    def of(holdings: Sequence[Holding], entities: EntityTable) -> HoldingTable:
        """The table of ``holdings`` over ``entities`` (itself when it already is one); the objects are kept.

        Raises:
            KeyError: a holding names a party that is not in ``entities`` (readers always declare them).
        """
        if isinstance(holdings, HoldingTable):
            return holdings
        index = entities.position
        n = len(holdings)

        def interval(stakes: list[Stake | None]) -> tuple[FloatArray, FloatArray]:
            low = np.fromiter((np.nan if s is None else s.low for s in stakes), dtype=np.float64, count=n)
            high = np.fromiter((np.nan if s is None else s.high for s in stakes), dtype=np.float64, count=n)
            return low, high

        stake_low, stake_high = interval([h.stake for h in holdings])
        votes = [h.votes for h in holdings]
        votes_low, votes_high = interval(votes) if any(v is not None for v in votes) else (None, None)
        dated = any(h.start is not None or h.end is not None for h in holdings)
        shares = [h.shares for h in holdings]
        sources = [h.source for h in holdings]
        return HoldingTable(
            ids=entities.ids,
            holder=np.fromiter((index[h.holder] for h in holdings), dtype=np.int64, count=n),
            subject=np.fromiter((index[h.subject] for h in holdings), dtype=np.int64, count=n),
            stake_low=stake_low,
            stake_high=stake_high,
            where=[h.where for h in holdings],
            votes_low=votes_low,
            votes_high=votes_high,
            control=(
                np.fromiter((h.control for h in holdings), dtype=np.bool_, count=n)
                if any(h.control for h in holdings)
                else None
            ),
            start=_days([h.start for h in holdings]) if dated else None,
            end=_days([h.end for h in holdings]) if dated else None,
            shares=(
                np.array([np.nan if s is None else s for s in shares], dtype=np.float64)
                if any(s is not None for s in shares)
                else None
            ),
            sources=sources if any(s is not None for s in sources) else None,
            indirect=(
                np.fromiter((h.indirect for h in holdings), dtype=np.bool_, count=n)
                if any(h.indirect for h in holdings)
                else None
            ),
            objects=tuple(holdings),
        )

    def __len__(self) -> int:
        return int(self.holder.size)

    def item(self, k: int) -> Holding:
        if self.objects is not None:
            return self.objects[k]
        return Holding(
            holder=self.ids[int(self.holder[k])],
            subject=self.ids[int(self.subject[k])],
            stake=_stake(self.stake_low, self.stake_high, k),
            votes=None
            if self.votes_low is None or self.votes_high is None
            else _stake(self.votes_low, self.votes_high, k),
            control=False if self.control is None else bool(self.control[k]),
            start=None if self.start is None else _day(self.start[k]),
            end=None if self.end is None else _day(self.end[k]),
            shares=None if self.shares is None or np.isnan(self.shares[k]) else float(self.shares[k]),
            source=None if self.sources is None else self.sources[k],
            where=self.where[k],
            indirect=False if self.indirect is None else bool(self.indirect[k]),
        )

    def __iter__(self) -> Iterator[Holding]:
        if self.objects is not None:
            return iter(self.objects)
        return (self[k] for k in range(len(self)))

    def stake(self, k: int) -> Stake | None:
        """Row ``k``'s equity stake (fractions), None for a control- or votes-only row."""
        return _stake(self.stake_low, self.stake_high, k)


def _stake(low: FloatArray, high: FloatArray, k: int) -> Stake | None:
    lo = float(low[k])
    return None if np.isnan(lo) else Stake(lo, float(high[k]))


def _days(values: list[date | None]) -> DayArray:
    return np.array(
        [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in values], dtype="datetime64[D]"
    )


def _day(value: np.datetime64) -> date | None:
    if np.isnat(value):
        return None
    found: date = value.astype("datetime64[D]").item()
    return found


__all__ = [
    "COUNTRY_KINDS",
    "ENTITY_TYPES",
    "NO_COUNTRY",
    "PERSON_CODE",
    "ULTIMATE_TYPE_CODES",
    "EntityTable",
    "HoldingTable",
    "OtherCountries",
    "Places",
]
