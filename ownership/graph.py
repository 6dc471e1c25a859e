"""From the holdings as read to the equity graph a policy is evaluated on.

This is where the policy meets the data: holdings outside the as-of date are set aside, self-holdings and
duplicates are resolved, the weights (equity or votes) are chosen, over-allocated subjects are refused
(or rescaled when the user allows it), the unallocated remainder is measured, and the home entities are
marked. Every such decision is reported as a warning with the rows it concerns. All of it works on the
columns of ``ownership.table`` (index arrays and stake arrays): only the rows a warning names become
Python objects, so a registry of millions of holdings is prepared in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, overload

import numpy as np

from ownership.engine.cascade import BoolArray, Edges, FloatArray, IntArray, stable_order
from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import TOLERANCE, Entity, EntityType, Holding, HomeBasis, OwnershipData, Policy, Stake, Weights
from ownership.table import NO_COUNTRY, PERSON_CODE, BuiltOnAccess, CodeArray, EntityTable, HoldingTable, texts_at

if TYPE_CHECKING:
    import networkx as nx

T = TypeVar("T")


class Picked(Sequence[T], Generic[T]):
    """The items of ``base`` at ``rows``, in that order, without copying them."""

    def __init__(self, base: Sequence[T], rows: IntArray) -> None:
        self.base, self.rows = base, rows

    def __len__(self) -> int:
        return int(self.rows.size)

    @overload
    def __getitem__(self, k: int) -> T: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[T]: ...
    def __getitem__(self, k: int | slice) -> T | Sequence[T]:
        if isinstance(k, slice):
            return Picked(self.base, self.rows[k])
        return self.base[int(self.rows[k])]

    def __iter__(self) -> Iterator[T]:
        base = self.base
        return (base[k] for k in self.rows.tolist())


def _rows(places: Sequence[Location | None]) -> str:
    found = [p for p in places if p is not None]
    if not found:
        return ""
    rows = ", ".join(str(p.row) for p in found[:8] if p.row is not None)
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    return f"rows {rows}{more}" if len(found) > 1 else f"row {rows}"


def home_country(entity: Entity, basis: HomeBasis) -> tuple[str, ...]:
    """The countries that decide whether ``entity`` is a home entity under ``basis`` (empty = unknown).

    A missing headquarters is taken to be the place of incorporation, because registers record
    incorporation far more often than head offices and treating every missing headquarters as "maybe
    China" would make nearly everything ``possible``. For natural persons both columns hold nationality or
    residence and both count under every basis.
    """
    jur, hq = entity.jurisdiction, entity.headquarters
    if entity.type is EntityType.PERSON or basis is HomeBasis.EITHER:
        found = tuple(c for c in (jur, hq) if c is not None)
    elif basis is HomeBasis.INCORPORATION:
        found = (jur,) if jur is not None else ()
    else:
        chosen = hq if hq is not None else jur
        found = (chosen,) if chosen is not None else ()
    return tuple(dict.fromkeys(found))


def _home_codes(table: EntityTable, basis: HomeBasis) -> tuple[CodeArray, CodeArray]:
    """``home_country`` for every entity at once, as two country-code columns (``NO_COUNTRY`` where none)."""
    jur, hq = table.jurisdiction, table.headquarters
    if basis is HomeBasis.EITHER:
        return jur, hq
    person = table.types == PERSON_CODE
    first = jur if basis is HomeBasis.INCORPORATION else np.where(hq != NO_COUNTRY, hq, jur).astype(np.int16)
    first = np.where(person, jur, first).astype(np.int16)
    second = np.where(person, hq, NO_COUNTRY).astype(np.int16)
    return first, second


class SeedLabels(BuiltOnAccess[frozenset[str]]):
    """Per entity, the labels that make it home (its watched countries and watch-list labels), built on
    access; ``members`` gives each label's entities at once."""

    def __init__(
        self,
        table: EntityTable,
        codes: tuple[CodeArray, CodeArray],
        watched: Mapping[int, frozenset[str]],
        j: frozenset[str],
    ) -> None:
        self.table, self.codes, self.watched, self.jurisdictions = table, codes, watched, j

    def __len__(self) -> int:
        return len(self.table)

    def item(self, i: int) -> frozenset[str]:
        found = {self.table.country(int(c[i])) for c in self.codes}
        return frozenset(c for c in found if c in self.jurisdictions) | self.watched.get(i, frozenset())

    def key(self, i: int) -> object:
        """What entity ``i``'s labels depend on, comparable across entities (None when a watch list names
        it)."""
        if i in self.watched:
            return None
        return ("home", int(self.codes[0][i]), int(self.codes[1][i]))

    def keys(self, at: IntArray) -> IntArray:
        """``key`` of each entity of ``at`` as a negative integer (-1 where a watch list names it)."""
        first, second = (c[at].astype(np.int64) + 1 for c in self.codes)
        found: IntArray = -2 - (first * 2**16 + second)
        if self.watched:
            listed = np.fromiter(self.watched, dtype=np.int64, count=len(self.watched))
            found[np.isin(at, listed)] = -1
        return found

    def members(self) -> dict[str, IntArray]:
        """Label -> the indices of the entities it makes home, ascending."""
        found: dict[str, IntArray] = {}
        first, second = self.codes
        for k, country in enumerate(self.table.countries):
            if country in self.jurisdictions:
                hit = np.flatnonzero((first == k) | (second == k)).astype(np.int64)
                if hit.size:
                    found[country] = hit
        listed: dict[str, list[int]] = {}
        for i, labels in self.watched.items():
            for label in labels:
                listed.setdefault(label, []).append(i)
        for label, members in listed.items():
            extra = np.array(sorted(members), dtype=np.int64)
            found[label] = np.union1d(found[label], extra) if label in found else extra
        return found


@dataclass(frozen=True)
class EquityGraph:
    """The graph one policy is evaluated on, as arrays over entity indices 0..n-1.

    Attributes:
        entities: in input order; index i in every array is ``entities[i]``.
        holdings: the holdings in force, one per (holder, subject) after merging duplicates; holding k is
            edge k of ``equity``.
        equity: edges with the low stake as weight (fractions).
        high: the high stake per edge, parallel to ``equity.weight``.
        control: control-without-equity edges (weight 1).
        control_holdings: the holding row behind each control edge.
        read: every holding as read (also those set aside), as a table over ``entities``.
        remainder: per entity, 1 - sum of low stakes held in it (0 for entities with no holders).
        home: per entity, definitely in the watched set (by country or on a watch list).
        unknown_home: per entity, country unknown under the policy's basis (so possibly home).
        seed_labels: per entity, the labels that make it home: matching countries and watch-list labels.
        party: per entity, the index of the party it belongs to when assessed alone (its ``group``, or itself),
            -1 for entities that are not home.
        warnings: what the preparation decided, with the rows concerned.
    """

    entities: EntityTable
    holdings: HoldingTable
    equity: Edges
    high: FloatArray
    control: Edges
    control_holdings: Sequence[Holding]
    remainder: FloatArray
    home: BoolArray
    unknown_home: BoolArray
    seed_labels: SeedLabels
    party: IntArray
    read: HoldingTable
    warnings: tuple[DataWarning, ...] = ()

    @property
    def n(self) -> int:
        return len(self.entities)

    @property
    def index(self) -> dict[str, int]:
        """Entity id -> index."""
        return self.entities.position

    @property
    def has_holders(self) -> BoolArray:
        counts = np.bincount(self.equity.subject, minlength=self.n)
        result: BoolArray = counts > 0
        return result

    def to_networkx(self) -> nx.DiGraph:
        """The graph for structure questions (components, cycles, paths): nodes are entity ids,
        edges holder -> subject with ``low`` and ``high`` stakes and a ``control`` flag."""
        import networkx as nx

        graph = nx.DiGraph()
        for e in self.entities:
            graph.add_node(e.id, name=e.name)
        for h in self.holdings:
            stake = h.stake or Stake(0.0, 0.0)
            graph.add_edge(h.holder, h.subject, low=stake.low, high=stake.high, control=h.control)
        for h in self.control_holdings:
            if not graph.has_edge(h.holder, h.subject):
                graph.add_edge(h.holder, h.subject, low=0.0, high=0.0, control=True)
        return graph


@dataclass(frozen=True)
class _Groups:
    """Rows grouped by (holder, subject), groups in the order of their first row."""

    first: IntArray  # per group, its first row
    members: IntArray  # rows, group after group, each group's rows in input order
    start: IntArray  # group g's rows are members[start[g]:start[g + 1]]

    @property
    def size(self) -> IntArray:
        result: IntArray = np.diff(self.start)
        return result

    def rows(self, g: int) -> IntArray:
        return self.members[self.start[g] : self.start[g + 1]]


def _group(rows: IntArray, holder: IntArray, subject: IntArray, n: int) -> _Groups:
    width = np.int64(max(n, 1))
    key = holder[rows] * width + subject[rows]
    ascending = np.sort(key)
    if rows.size < 2 or not bool((ascending[1:] == ascending[:-1]).any()):
        # No pair twice (the usual case, found with one fast sort): every row is its own group.
        return _Groups(rows, rows, np.arange(rows.size + 1, dtype=np.int64))
    del ascending
    order = stable_order(key, int(width) * int(width))
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    bounds = np.r_[starts, rows.size].astype(np.int64)
    first_sorted = rows[order[starts]]
    # Groups in the order of their first row, as a dict over the rows in input order would give them.
    by_first = stable_order(first_sorted, int(rows.max()) + 1)
    sizes = np.diff(bounds)[by_first]
    start = np.zeros(by_first.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=start[1:])
    # Rows of each group, groups reordered: gather the sorted positions group by group without a Python loop.
    pos = np.repeat(bounds[:-1][by_first] - start[:-1], sizes) + np.arange(rows.size, dtype=np.int64)
    members = rows[order[pos]]
    return _Groups(first_sorted[by_first].astype(np.int64), members.astype(np.int64), start)


def build_graph(
    data: OwnershipData, policy: Policy, watched: Mapping[str, frozenset[str]] | None = None
) -> EquityGraph:
    """Prepare ``data`` for evaluation under ``policy``.

    Args:
        data: entities and holdings as read.
        policy: the rule (as-of date, weights, home basis, over-allocation).
        watched: entity ids on a watch list, with the labels of the lists naming them; they are home entities.

    Raises:
        InputError: a subject's stakes sum above 100% and the policy does not allow over-allocation.
    """
    table = EntityTable.of(data.entities)
    rows_in = HoldingTable.of(data.holdings, table)
    n = len(table)
    warnings: list[DataWarning] = []
    holder_all, subject_all = rows_in.holder, rows_in.subject

    in_force = np.ones(len(rows_in), dtype=np.bool_)
    if rows_in.start is not None and rows_in.end is not None:
        day = np.datetime64(policy.as_of, "D")
        in_force = (np.isnat(rows_in.start) | (rows_in.start <= day)) & (np.isnat(rows_in.end) | (day <= rows_in.end))
        for k in np.flatnonzero(~in_force).tolist():
            h = rows_in[k]
            when = f"ended {h.end}" if h.end is not None and h.end < policy.as_of else f"starts {h.start}"
            warnings.append(
                DataWarning(
                    "out_of_date",
                    f"holding {short(h.holder)} -> {short(h.subject)} {when}, outside the as-of date "
                    f"{policy.as_of}: ignored",
                    h.where,
                )
            )
    own = in_force & (holder_all == subject_all)
    for k in np.flatnonzero(own).tolist():
        warnings.append(
            DataWarning(
                "self_holding",
                f"{short(table.ids[int(holder_all[k])])} holds its own shares (treasury shares): excluded; the other "
                "stakes in it are taken as given, so the self-held part counts as unallocated",
                rows_in.where[k],
            )
        )
    in_force &= ~own

    low_all, high_all = rows_in.stake_low, rows_in.stake_high
    if policy.weights is Weights.VOTES and rows_in.votes_low is not None and rows_in.votes_high is not None:
        voted = ~np.isnan(rows_in.votes_low)
        low_all = np.where(voted, rows_in.votes_low, low_all)
        high_all = np.where(voted, rows_in.votes_high, high_all)
    weighted = ~np.isnan(low_all)
    control_all = rows_in.control if rows_in.control is not None else np.zeros(len(rows_in), dtype=np.bool_)
    for k in np.flatnonzero(in_force & ~weighted & ~control_all).tolist():
        h = rows_in[k]
        # Only votes: under equity weights the row carries nothing; say so rather than drop it silently.
        warnings.append(
            DataWarning(
                "votes_only",
                f"holding {short(h.holder)} -> {short(h.subject)} gives votes ({h.votes}) but no equity stake: "
                "not counted when weighing by equity (use --weights votes)",
                h.where,
            )
        )

    groups = _group(np.flatnonzero(in_force & weighted).astype(np.int64, copy=False), holder_all, subject_all, n)
    sizes = groups.size
    first = groups.first
    every = first.size == len(rows_in)  # every row kept, each its own group: the columns serve as they are
    holder, subject = (holder_all, subject_all) if every else (holder_all[first], subject_all[first])
    if groups.members.size and bool((sizes > 1).any()):
        low = np.add.reduceat(low_all[groups.members], groups.start[:-1]) if first.size else np.empty(0)
        summed_high = np.add.reduceat(high_all[groups.members], groups.start[:-1]) if first.size else np.empty(0)
        control = np.logical_or.reduceat(control_all[groups.members], groups.start[:-1])
    elif every:
        low, summed_high, control = low_all, high_all, control_all
    else:
        low, summed_high, control = low_all[first], high_all[first], control_all[first]
    # Stake.merged: a sum of ranges never reaches above 100%, nor below its own low end. (Rescaling an
    # over-allocated subject below multiplies both ends by the same factor, which keeps this.)
    high = np.minimum(summed_high, 1.0)
    np.maximum(high, low, out=high)
    for g in np.flatnonzero(sizes > 1).tolist():
        rows = groups.rows(g)
        places = [rows_in.where[k] for k in rows.tolist()]
        stake = Stake(float(low[g]), float(high[g]))
        warnings.append(
            DataWarning(
                "duplicate_holding",
                f"{short(table.ids[int(holder[g])])} -> {short(table.ids[int(subject[g])])} appears {rows.size} times "
                f"({_rows(places)}): stakes summed to {stake}",
                places[0],
            )
        )

    total = np.bincount(subject, weights=low, minlength=n)
    over = np.flatnonzero(total > 1.0 + TOLERANCE)
    if over.size:
        places_in = _places_by_subject(groups, subject, over, rows_in)
        if not policy.allow_overallocation:
            s = int(over[0])
            places = places_in[s]
            raise InputError(
                f"the stakes held in {_label(table, s)} sum to {total[s] * 100:.4g}%, above 100% ({_rows(places)}); "
                "correct the data, or pass --allow-overallocation to rescale them to 100%",
                places[0],
                more=int(over.size) - 1,
            )
        factor = np.ones(n)
        factor[over] = 1.0 / total[over]
        low = low * factor[subject]
        high = high * factor[subject]
        for s in over.tolist():
            warnings.append(
                DataWarning(
                    "overallocated",
                    f"the stakes held in {short(table.ids[s])} sum to {total[s] * 100:.4g}% "
                    f"({_rows(places_in[s])}): rescaled to 100% as allowed by --allow-overallocation",
                    places_in[s][0],
                )
            )
        total = np.bincount(subject, weights=low, minlength=n)

    has_holders = np.bincount(subject, minlength=n) > 0
    remainder = np.where(has_holders, np.clip(1.0 - total, 0.0, 1.0), 0.0)

    codes = _home_codes(table, policy.home)
    watched_at = {table.position[i]: labels for i, labels in (watched or {}).items() if i in table.position}
    j = table.country_codes(policy.jurisdictions)
    home = np.isin(codes[0], j) | np.isin(codes[1], j)
    if watched_at:
        home[np.fromiter(watched_at, dtype=np.int64, count=len(watched_at))] = True
    unknown = ~home & (codes[0] == NO_COUNTRY) & (codes[1] == NO_COUNTRY)
    unnamed = np.flatnonzero(unknown & table.declared)
    for i, entity_id in zip(unnamed.tolist(), texts_at(table.ids, unnamed), strict=True):
        warnings.append(
            DataWarning(
                "unknown_country",
                f"{short(entity_id)} has no {_basis_words(policy.home)}: it may be a home entity, which only "
                "the high bound assumes",
                table.where[i],
            )
        )
    party = np.full(n, -1, dtype=np.int64)
    home_at = np.flatnonzero(home)
    if table.groups is None:
        party[home_at] = np.arange(home_at.size, dtype=np.int64)
    else:
        party_of: dict[str, int] = {}
        for i in home_at.tolist():
            group = table.groups[i]
            key = f"group:{group}" if group else f"id:{table.ids[i]}"
            party[i] = party_of.setdefault(key, len(party_of))

    control_groups = _group(np.flatnonzero(in_force & control_all).astype(np.int64), holder_all, subject_all, n)
    c_first = control_groups.first

    merged = HoldingTable(
        ids=table.ids,
        holder=holder,
        subject=subject,
        stake_low=low,
        stake_high=high,
        where=Picked(rows_in.where, first),
        control=control if bool(control.any()) else None,
        sources=Picked(rows_in.sources, first) if rows_in.sources is not None else None,
    )
    return EquityGraph(
        entities=table,
        holdings=merged,
        equity=Edges.build(n, holder, subject, low),
        high=high,
        control=Edges.build(n, holder_all[c_first], subject_all[c_first], np.ones(c_first.size)),
        control_holdings=Picked(rows_in, c_first),
        remainder=remainder,
        home=home,
        unknown_home=unknown,
        seed_labels=SeedLabels(table, codes, watched_at, policy.jurisdictions),
        party=party,
        read=rows_in,
        warnings=tuple(warnings),
    )


def _places_by_subject(
    groups: _Groups, subject: IntArray, over: IntArray, rows_in: HoldingTable
) -> dict[int, list[Location | None]]:
    """For each over-allocated subject, the places of the rows merged into its holdings, in group order."""
    found: dict[int, list[Location | None]] = {int(s): [] for s in over.tolist()}
    for g in np.flatnonzero(np.isin(subject, over)).tolist():
        found[int(subject[g])].extend(rows_in.where[k] for k in groups.rows(g).tolist())
    return found


def _label(table: EntityTable, i: int) -> str:
    entity_id, name = table.ids[i], table.names[i]
    return short(entity_id) if name == entity_id else f"{short(entity_id)} ({short(name)})"


def _basis_words(basis: HomeBasis) -> str:
    if basis is HomeBasis.INCORPORATION:
        return "country of incorporation"
    if basis is HomeBasis.HEADQUARTERS:
        return "headquarters or incorporation country"
    return "country"


__all__ = ["EquityGraph", "IntArray", "Location", "Picked", "SeedLabels", "build_graph", "home_country"]
