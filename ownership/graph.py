"""From the holdings as read to the equity graph a policy is evaluated on.

This is where the policy meets the data: holdings outside the as-of date are set aside, self-holdings and
duplicates are resolved, the weights (equity or votes) are chosen, over-allocated subjects are refused
(or rescaled when the user allows it), the unallocated remainder is measured, and the home entities are
marked. Every such decision is reported as a warning with the rows it concerns. The result is columnar
(index arrays and stake arrays) so the engine never touches a Python object per holding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ownership.engine.cascade import BoolArray, Edges, FloatArray, IntArray
from ownership.errors import DataWarning, InputError, Location, short
from ownership.model import (
    TOLERANCE,
    Entity,
    EntityType,
    Holding,
    HomeBasis,
    OwnershipData,
    Policy,
    Stake,
    Weights,
)

if TYPE_CHECKING:
    import networkx as nx


def _rows(holdings: list[Holding]) -> str:
    places = [h.where for h in holdings if h.where is not None]
    if not places:
        return ""
    rows = ", ".join(str(p.row) for p in places[:8] if p.row is not None)
    more = f" and {len(places) - 8} more" if len(places) > 8 else ""
    return f"rows {rows}{more}" if len(places) > 1 else f"row {rows}"


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


@dataclass(frozen=True)
class EquityGraph:
    """The graph one policy is evaluated on, as arrays over entity indices 0..n-1.

    Attributes:
        entities: in input order; index i in every array is ``entities[i]``.
        holdings: the holdings in force, one per (holder, subject) after merging duplicates.
        equity: edges with the low stake as weight (fractions).
        high: the high stake per edge, parallel to ``equity.weight``.
        control: control-without-equity edges (weight 1).
        remainder: per entity, 1 - sum of low stakes held in it (0 for entities with no holders).
        home: per entity, definitely in the watched set (by country or on a watch list).
        unknown_home: per entity, country unknown under the policy's basis (so possibly home).
        seed_labels: per entity, the labels that make it home: matching countries and watch-list labels.
        party: per entity, the index of the party it belongs to when assessed alone (its ``group``, or itself),
            -1 for entities that are not home.
        warnings: what the preparation decided, with the rows concerned.
    """

    entities: tuple[Entity, ...]
    holdings: tuple[Holding, ...]
    equity: Edges
    high: FloatArray
    control: Edges
    control_holdings: tuple[Holding, ...]
    remainder: FloatArray
    home: BoolArray
    unknown_home: BoolArray
    seed_labels: tuple[frozenset[str], ...]
    party: IntArray
    index: dict[str, int] = field(repr=False)
    warnings: tuple[DataWarning, ...] = ()

    @property
    def n(self) -> int:
        return len(self.entities)

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


def _weight(holding: Holding, weights: Weights) -> Stake | None:
    if weights is Weights.VOTES and holding.votes is not None:
        return holding.votes
    return holding.stake


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
    entities = data.entities
    index = {e.id: i for i, e in enumerate(entities)}
    warnings: list[DataWarning] = []

    in_force: list[Holding] = []
    for h in data.holdings:
        if not h.valid_on(policy.as_of):
            when = f"ended {h.end}" if h.end is not None and h.end < policy.as_of else f"starts {h.start}"
            warnings.append(
                DataWarning(
                    "out_of_date",
                    f"holding {short(h.holder)} -> {short(h.subject)} {when}, outside the as-of date "
                    f"{policy.as_of}: ignored",
                    h.where,
                )
            )
            continue
        if h.holder == h.subject:
            warnings.append(
                DataWarning(
                    "self_holding",
                    f"{short(h.holder)} holds its own shares (treasury shares): excluded; the other stakes in it are "
                    "taken as given, so the self-held part counts as unallocated",
                    h.where,
                )
            )
            continue
        in_force.append(h)

    grouped: dict[tuple[str, str], list[Holding]] = defaultdict(list)
    control_rows: dict[tuple[str, str], list[Holding]] = defaultdict(list)
    for h in in_force:
        if _weight(h, policy.weights) is not None:
            grouped[(h.holder, h.subject)].append(h)
        elif not h.control:
            # Only votes: under equity weights the row carries nothing; say so rather than drop it silently.
            warnings.append(
                DataWarning(
                    "votes_only",
                    f"holding {short(h.holder)} -> {short(h.subject)} gives votes ({h.votes}) but no equity stake: "
                    "not counted when weighing by equity (use --weights votes)",
                    h.where,
                )
            )
        if h.control:
            control_rows[(h.holder, h.subject)].append(h)

    merged: list[Holding] = []
    merged_rows: list[list[Holding]] = []
    for (holder_id, subject_id), rows in grouped.items():
        weights = [_weight(row, policy.weights) for row in rows]
        stake = Stake.merged([w for w in weights if w is not None])
        if len(rows) > 1:
            warnings.append(
                DataWarning(
                    "duplicate_holding",
                    f"{short(holder_id)} -> {short(subject_id)} appears {len(rows)} times ({_rows(rows)}): "
                    f"stakes summed to {stake}",
                    rows[0].where,
                )
            )
        merged.append(
            Holding(
                holder_id,
                subject_id,
                stake,
                control=any(r.control for r in rows),
                source=rows[0].source,
                where=rows[0].where,
            )
        )
        merged_rows.append(rows)

    n = len(entities)
    holder = np.fromiter((index[h.holder] for h in merged), dtype=np.int64, count=len(merged))
    subject = np.fromiter((index[h.subject] for h in merged), dtype=np.int64, count=len(merged))
    low = np.fromiter((h.stake.low for h in merged if h.stake), dtype=np.float64, count=len(merged))
    high = np.fromiter((h.stake.high for h in merged if h.stake), dtype=np.float64, count=len(merged))

    total = np.bincount(subject, weights=low, minlength=n)
    over = np.flatnonzero(total > 1.0 + TOLERANCE)
    if over.size:
        by_subject: dict[int, list[Holding]] = defaultdict(list)
        for rows, s in zip(merged_rows, subject.tolist(), strict=True):
            by_subject[s].extend(rows)
        if not policy.allow_overallocation:
            first = int(over[0])
            rows = by_subject[first]
            raise InputError(
                f"the stakes held in {_label(entities[first])} sum to "
                f"{total[first] * 100:.4g}%, above 100% ({_rows(rows)}); correct the data, or pass "
                "--allow-overallocation to rescale them to 100%",
                rows[0].where,
                more=int(over.size) - 1,
            )
        factor = np.ones(n)
        factor[over] = 1.0 / total[over]
        low = low * factor[subject]
        high = high * factor[subject]
        rescaled = np.flatnonzero(factor[subject] != 1.0).tolist()
        for k in rescaled:
            stake = Stake(float(low[k]), float(max(low[k], min(high[k], 1.0))))
            merged[k] = replace(merged[k], stake=stake)
        for s in over.tolist():
            warnings.append(
                DataWarning(
                    "overallocated",
                    f"the stakes held in {short(entities[s].id)} sum to {total[s] * 100:.4g}% "
                    f"({_rows(by_subject[s])}): rescaled to 100% as allowed by --allow-overallocation",
                    by_subject[s][0].where,
                )
            )
        total = np.bincount(subject, weights=low, minlength=n)

    # A ranged or summed stake never reaches above 100%, nor below its own low end.
    high = np.maximum(np.minimum(high, 1.0), low)
    has_holders = np.bincount(subject, minlength=n) > 0
    remainder = np.where(has_holders, np.clip(1.0 - total, 0.0, 1.0), 0.0)

    home = np.zeros(n, dtype=np.bool_)
    unknown = np.zeros(n, dtype=np.bool_)
    labels: list[frozenset[str]] = []
    watched = watched or {}
    for i, e in enumerate(entities):
        countries = home_country(e, policy.home)
        found = frozenset(c for c in countries if c in policy.jurisdictions) | watched.get(e.id, frozenset())
        labels.append(found)
        if found:
            home[i] = True
        elif not countries:
            unknown[i] = True
            if e.declared:
                warnings.append(
                    DataWarning(
                        "unknown_country",
                        f"{short(e.id)} has no {_basis_words(policy.home)}: it may be a home entity, which only "
                        "the high bound assumes",
                        e.where,
                    )
                )
    party = np.full(n, -1, dtype=np.int64)
    party_of: dict[str, int] = {}
    for i in np.flatnonzero(home).tolist():
        key = f"group:{entities[i].group}" if entities[i].group else f"id:{entities[i].id}"
        party[i] = party_of.setdefault(key, len(party_of))

    control_list = [rows[0] for rows in control_rows.values()]
    c_holder = np.fromiter((index[h.holder] for h in control_list), dtype=np.int64, count=len(control_list))
    c_subject = np.fromiter((index[h.subject] for h in control_list), dtype=np.int64, count=len(control_list))

    return EquityGraph(
        entities=entities,
        holdings=tuple(merged),
        equity=Edges.build(n, holder, subject, low),
        high=high,
        control=Edges.build(n, c_holder, c_subject, np.ones(len(control_list))),
        control_holdings=tuple(control_list),
        remainder=remainder,
        home=home,
        unknown_home=unknown & ~home,
        seed_labels=tuple(labels),
        party=party,
        index=index,
        warnings=tuple(warnings),
    )


def _label(entity: Entity) -> str:
    return short(entity.id) if entity.name == entity.id else f"{short(entity.id)} ({short(entity.name)})"


def _basis_words(basis: HomeBasis) -> str:
    if basis is HomeBasis.INCORPORATION:
        return "country of incorporation"
    if basis is HomeBasis.HEADQUARTERS:
        return "headquarters or incorporation country"
    return "country"


__all__ = ["EquityGraph", "IntArray", "Location", "build_graph", "home_country"]
