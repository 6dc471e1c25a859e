"""From the holdings as read to the equity graph a policy is evaluated on.

This is where the policy meets the data: holdings outside the as-of date are set aside, self-holdings and
duplicates are resolved, the weights (equity or votes) are chosen, over-allocated subjects are refused
(or rescaled when the user allows it), the unallocated remainder is measured, and the home entities are
marked. Every such decision is reported as a warning with the rows it concerns. All of it works on the
columns of ``ownership.model.tables`` (index arrays and stake arrays): only the rows a warning names become
Python objects, so a registry of millions of holdings is prepared in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, overload

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray, stable_order
from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import (
    TOLERANCE,
    Holding,
    HomeBasis,
    OwnershipData,
    Policy,
    Stake,
    UnrecordedHolders,
    Weights,
)
from ownership.model.tables import (
    ULTIMATE_TYPE_CODES,
    EntityTable,
    HoldingTable,
    texts_at,
)
from ownership.prepare.declared import DeclaredFloors, declared_floors, declared_indirect
from ownership.prepare.home import SeedLabels, home_and_unknown, home_codes
from ownership.prepare.in_force import holdings_in_force, out_of_date

if TYPE_CHECKING:
    import networkx as nx

#: Holdings outside the as-of date named one by one; the rest are counted in one more warning.
_OUT_OF_DATE_NAMED = 20


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
        unknown_owners: per entity, no recorded holders and not an ultimate owner: its whole equity is an
            unknown remainder (``remainder`` is 1 there).
        floors: declared indirect interests whose chain the data holds: floors under the chain's figures.
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
    unknown_owners: BoolArray | None = None
    floors: DeclaredFloors | None = None
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

    in_force = holdings_in_force(rows_in, policy.as_of)
    if rows_in.start is not None or rows_in.end is not None:
        outside = np.flatnonzero(~in_force)
        for k in outside[:_OUT_OF_DATE_NAMED].tolist():
            h = rows_in[k]
            when = out_of_date(h, policy.as_of)
            warnings.append(
                DataWarning(
                    "out_of_date",
                    f"holding {short(h.holder)} -> {short(h.subject)} {when}, outside the as-of date "
                    f"{policy.as_of}: ignored",
                    h.where,
                )
            )
        if outside.size > _OUT_OF_DATE_NAMED:
            # A register's history holds thousands of ended holdings: the first are named, the rest counted.
            rest = outside[_OUT_OF_DATE_NAMED:]
            first_rows = _rows([rows_in.where[int(k)] for k in rest[:8].tolist()])
            warnings.append(
                DataWarning(
                    "out_of_date",
                    f"{rest.size} more holdings are outside the as-of date {policy.as_of} (ended before it or "
                    f"starting after it{'; ' + first_rows + ', ...' if first_rows else ''}): ignored",
                    rows_in.where[int(rest[0])],
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

    counted = in_force & weighted
    floors_at = np.empty(0, dtype=np.int64)
    stand_ins = np.zeros(len(rows_in), dtype=np.bool_)
    if rows_in.indirect is not None:
        floors_at, stand_ins = declared_indirect(rows_in, in_force, counted, control_all, warnings)
        counted[floors_at] = False
    groups = _group(np.flatnonzero(counted).astype(np.int64, copy=False), holder_all, subject_all, n)
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
        if stand_ins[rows].any():
            continue  # a declared indirect interest added to the direct stake: said where it was decided
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
        slack, decimals = _written_precision(groups, subject, over, low_all, high_all)
        within = np.array([total[s] <= 1.0 + slack.get(s, 0.0) + TOLERANCE for s in over.tolist()], dtype=np.bool_)
        rounded, refused = set(over[within].tolist()), over[~within]
        if refused.size and not policy.allow_overallocation:
            s = int(refused[0])
            places = places_in[s]
            raise InputError(
                f"the stakes held in {_label(table, s)} sum to {_sum_text(total[s], decimals[s])}, above 100% "
                f"({_rows(places)}), by more than the rounding of the figures as written explains; correct the "
                "data, or pass --allow-overallocation to rescale them to 100%",
                places[0],
                more=int(refused.size) - 1,
            )
        factor = np.ones(n)
        factor[over] = 1.0 / total[over]
        low = low * factor[subject]
        high = high * factor[subject]
        for s in over.tolist():
            why = (
                "within the rounding of the figures as written: rescaled to 100%"
                if s in rounded
                else "rescaled to 100% as allowed by --allow-overallocation"
            )
            warnings.append(
                DataWarning(
                    "overallocated",
                    f"the stakes held in {short(table.ids[s])} sum to {_sum_text(total[s], decimals[s])} "
                    f"({_rows(places_in[s])}): {why}",
                    places_in[s][0],
                )
            )
        total = np.bincount(subject, weights=low, minlength=n)

    has_holders = np.bincount(subject, minlength=n) > 0
    remainder = np.where(has_holders, np.clip(1.0 - total, 0.0, 1.0), 0.0)

    codes = home_codes(table, policy.home)
    watched_at = {table.position[i]: labels for i, labels in (watched or {}).items() if i in table.position}
    j = table.country_codes(policy.jurisdictions)
    home, unknown, by_other = home_and_unknown(table, policy.home, codes, j)
    for i, labels in by_other.items():
        watched_at[i] = watched_at.get(i, frozenset()) | labels
    if watched_at:
        home[np.fromiter(watched_at, dtype=np.int64, count=len(watched_at))] = True
    unknown &= ~home
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
    unknown_owners = np.zeros(n, dtype=np.bool_)
    if policy.unrecorded_holders is UnrecordedHolders.UNKNOWN:
        # Knowing less about an owner never gives a cleaner answer: an entity with no recorded holders that
        # is not an ultimate owner (by nature or by the data's statement) has owners nobody named, so its
        # whole equity is an unknown remainder.
        ultimate = np.isin(table.types, ULTIMATE_TYPE_CODES)
        if table.ultimate is not None:
            ultimate |= table.ultimate
        unknown_owners = ~has_holders & ~ultimate
        if policy.aggregate:
            # Aggregated, a home entity is a seed and what owns it changes nothing. Assessed party by party, a
            # home entity is an ordinary holder in every other party's assessment, and its unnamed owners may
            # be that party (docs/rules.md section 3.2), so its remainder stays.
            unknown_owners &= ~home
        remainder[unknown_owners] = 1.0
        first_unknown = np.flatnonzero(unknown_owners & table.declared)
        if first_unknown.size:
            named = ", ".join(short(t) for t in texts_at(table.ids, first_unknown[:5]))
            more = f" and {first_unknown.size - 5} more" if first_unknown.size > 5 else ""
            warnings.append(
                DataWarning(
                    "unknown_owners",
                    f"{first_unknown.size} entit{'ies have' if first_unknown.size > 1 else 'y has'} no recorded "
                    f"holders and {'are' if first_unknown.size > 1 else 'is'} not marked as ultimate owner "
                    f"({named}{more}): their owners are unknown, so what they hold can be possible, never clear on "
                    "their account; mark ultimate owners (an `ultimate` column, or a person, state or public type), "
                    "or pass --unrecorded-holders ultimate if the data lists only ultimate owners at the top",
                    table.where[int(first_unknown[0])],
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
        unknown_owners=unknown_owners,
        floors=declared_floors(rows_in, floors_at, holder, subject, low, high, low_all, high_all)
        if floors_at.size
        else None,
        warnings=tuple(warnings),
    )


def _written_precision(
    groups: _Groups, subject: IntArray, over: IntArray, low_all: FloatArray, high_all: FloatArray
) -> tuple[dict[int, float], dict[int, int]]:
    """For each over-allocated subject: how far above 100% the rounding of its exact stakes as written can
    reach (a fraction: half a unit of the last written decimal per row, so n rows at two decimals explain
    n x 0.005 points), and the most decimals any of its rows shows (for quoting the sum exactly)."""
    slack: dict[int, float] = {}
    decimals: dict[int, int] = {}
    for g in np.flatnonzero(np.isin(subject, over)).tolist():
        s = int(subject[g])
        for k in groups.rows(g).tolist():
            lo, hi = float(low_all[k]), float(high_all[k])
            places = _decimals(lo * 100)
            decimals[s] = max(decimals.get(s, 0), places)
            if abs(hi - lo) <= TOLERANCE:
                slack[s] = slack.get(s, 0.0) + 0.5 * 10.0 ** (-places) / 100
    return slack, decimals


def _decimals(points: float) -> int:
    """The decimals a percentage shows as written (at most 6): 33.34 -> 2, 50 -> 0."""
    for places in range(7):
        if abs(round(points, places) - points) <= 1e-9 * max(1.0, abs(points)):
            return places
    return 6


def _sum_text(total: float, decimals: int) -> str:
    """A sum of stakes as a percentage with the decimals its parts show: 100.70% for 50.35% + 50.35%."""
    return f"{total * 100:.{decimals}f}%"


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


__all__ = ["EquityGraph", "IntArray", "Location", "Picked", "build_graph"]
