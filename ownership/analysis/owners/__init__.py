"""Who ultimately owns one entity, and how much (``exposure owners``).

Every owner at the top of the entity's chains (and, when asked, every entity in between) with its
look-through share of the entity as bounds, whether it is a home party, whether it controls the entity in
the cascade, and whether it reaches the rule's threshold on its own; plus the share no named holder holds.
The shares come from one linear solve over the entity's upstream part (``shares``); the cascade figure of
each owner is the cascade with that owner as the only watched party, under the rule's pass-through test.

Only the entity's upstream part is read into the graph: everything the figures of an entity depend on lies
upstream of it, so one entity of a registry of millions costs what its own owners cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from ownership.errors import DataWarning, PolicyError
from ownership.model import Comparison, ControlMode, Entity, OwnershipData, Policy, SourceInfo
from ownership.result import FailOn, Interval, Status

if TYPE_CHECKING:
    from ownership.engine.cascade import CascadeOutcome
    from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
    from ownership.model.tables import EntityTable, HoldingTable
    from ownership.prepare.graph import EquityGraph
    from ownership.result import CheckResult


class Role(StrEnum):
    """Where an owner sits in the entity's chains."""

    ULTIMATE = "ultimate"  # no holders of its own: a person, a state body, or an entity marked ultimate
    OWNERS_UNKNOWN = "owners_unknown"  # no recorded holders and not an ultimate owner: its share is unallocated
    INTERMEDIATE = "intermediate"  # holds the entity (or an owner of it) and is itself held


@dataclass(frozen=True)
class Owner:
    """One owner of the entity asked about. Figures are fractions 0..1 of the entity's equity.

    Attributes:
        entity: the owner as read.
        role: ultimate owner, owner of unrecorded owners, or intermediate.
        countries: the owner's countries (ISO alpha-2), sorted.
        home: the owner is a home party under the rule; None when the rule watches nothing.
        lookthrough: the share of the entity held through the owner (stakes multiplied along every chain, a
            cross-holding's circulating equity included): low from known stakes, high when every unnamed
            share could be the owner's.
        cascade: the cascade figure of the entity were the owner the only watched party (controlled
            intermediaries counted in full), as bounds.
        controls: the owner alone taints the entity in the cascade (the rule's pass-through test), low bound.
        over_threshold: the owner alone reaches the rule's threshold by its deciding figure (low bound).
        possibly_over_threshold: only the high bound reaches it: the data cannot rule it out.
    """

    entity: Entity
    role: Role
    countries: tuple[str, ...]
    home: bool | None
    lookthrough: Interval
    cascade: Interval
    controls: bool
    over_threshold: bool
    possibly_over_threshold: bool


@dataclass(frozen=True)
class Owners:
    """The owners of one entity under one rule.

    Attributes:
        entity: the entity asked about.
        owners: ultimate owners (and owners of unrecorded owners; with ``intermediates``, every entity in
            between), largest look-through share first.
        unallocated: the share of the entity whose chain ends in shares no named holder holds (unallocated
            remainders, and the equity of entities whose owners nobody recorded), fraction.
        closed_loop: the share whose chain ends in a group of entities held only by each other (no ultimate
            owner), fraction.
        verdict_status: the entity's status under the rule, as ``check`` finds it; None when nothing is watched.
        cascade, lookthrough: the entity's own figures under the rule (None when nothing is watched).
        intermediates: whether the intermediaries are listed.
        policy: the rule applied.
        source: what was read.
        warnings: what reading and preparing the entity's upstream part noticed.
        fail_on: what makes ``exit_code()`` 1.
    """

    entity: Entity
    owners: tuple[Owner, ...]
    unallocated: float
    closed_loop: float
    verdict_status: Status | None
    cascade: Interval | None
    lookthrough: Interval | None
    intermediates: bool
    policy: Policy
    source: SourceInfo
    warnings: tuple[DataWarning, ...] = ()
    fail_on: FailOn = FailOn.FLAGGED

    @property
    def ultimate(self) -> tuple[Owner, ...]:
        """The owners at the top of the chains (their low shares add up to at most 1)."""
        return tuple(o for o in self.owners if o.role is Role.ULTIMATE)

    def exit_code(self, fail_on: FailOn | None = None) -> int:
        """As ``check --entity`` would exit for the entity: 1 when it is home or flagged (or possible under
        ``fail_on = possible``) under a rule in force, else 0; 0 when nothing is watched."""
        fail_on = self.fail_on if fail_on is None else fail_on
        status = self.verdict_status
        if status is None or fail_on is FailOn.NEVER or not self.policy.in_force:
            return 0
        if status in (Status.HOME, Status.FLAGGED):
            return 1
        return int(status is Status.POSSIBLE and fail_on is FailOn.POSSIBLE)


def upstream_data(data: OwnershipData, entity: str) -> tuple[OwnershipData, str]:
    """The part of ``data`` a verdict on ``entity`` depends on: the entity, every entity a chain of holdings
    (equity or control, in force or not) leads from to it, and the holdings into them; and the entity's id.

    Raises:
        PolicyError: ``entity`` is no entity id or unique name.
    """
    from ownership.engine.edges import Edges
    from ownership.engine.reach import downstream
    from ownership.model.tables import EntityTable, HoldingTable

    table = EntityTable.of(data.entities)
    x = _exact_id(table, entity)
    if x is None:
        from ownership.pipeline import resolve_targets

        (found,) = resolve_targets(data, [entity])
        x = table.position[found]
    found = table.ids[x]
    rows = HoldingTable.of(data.holdings, table)
    n = len(table)
    incoming = Edges.build(n, rows.subject, rows.holder, np.ones(len(rows)))
    upstream = downstream(incoming, np.array([x], dtype=np.int64))
    at = np.flatnonzero(upstream)
    kept = np.flatnonzero(upstream[rows.subject])
    if at.size == n and kept.size == len(rows):
        return data, found
    position = np.full(n, -1, dtype=np.int64)
    position[at] = np.arange(at.size, dtype=np.int64)
    part = _take_entities(table, at)
    held = _take_holdings(rows, kept, part.ids, position)
    return OwnershipData(part, held, data.source, data.warnings), found


def _take_entities(table: EntityTable, at: IntArray) -> EntityTable:
    """The rows ``at`` (ascending) of an entity table, as a table of their own, without building objects."""
    from ownership.model.tables import EntityTable, OtherCountries, texts_at
    from ownership.prepare.graph import Picked

    others = table.other_countries
    kept_others = None
    if others is not None:
        keep = np.isin(others.entity, at)
        if keep.any():
            kept_others = OtherCountries(
                np.searchsorted(at, others.entity[keep]).astype(np.int64), others.code[keep], others.kind[keep]
            )
    return EntityTable(
        ids=texts_at(table.ids, at),
        names=texts_at(table.names, at),
        types=table.types[at],
        countries=table.countries,
        jurisdiction=table.jurisdiction[at],
        headquarters=table.headquarters[at],
        declared=table.declared[at],
        where=Picked(table.where, at),
        shares_outstanding=None if table.shares_outstanding is None else table.shares_outstanding[at],
        groups=None if table.groups is None else Picked(table.groups, at),
        sources=None if table.sources is None else Picked(table.sources, at),
        ultimate=None if table.ultimate is None else table.ultimate[at],
        other_countries=kept_others,
        objects=None if table.objects is None else Picked(table.objects, at),
    )


def _take_holdings(rows: HoldingTable, kept: IntArray, ids: Sequence[str], position: IntArray) -> HoldingTable:
    """The rows ``kept`` of a holding table over the entities ``position`` maps to their new indices."""
    from ownership.model.tables import HoldingTable
    from ownership.prepare.graph import Picked

    def take(column: np.ndarray | None) -> np.ndarray | None:
        return None if column is None else column[kept]

    return HoldingTable(
        ids=ids,
        holder=position[rows.holder[kept]],
        subject=position[rows.subject[kept]],
        stake_low=rows.stake_low[kept],
        stake_high=rows.stake_high[kept],
        where=Picked(rows.where, kept),
        votes_low=take(rows.votes_low),
        votes_high=take(rows.votes_high),
        control=take(rows.control),
        start=take(rows.start),
        end=take(rows.end),
        shares=take(rows.shares),
        sources=None if rows.sources is None else Picked(rows.sources, kept),
        indirect=take(rows.indirect),
        objects=None if rows.objects is None else Picked(rows.objects, kept),
    )


def _exact_id(table: EntityTable, entity: str) -> int | None:
    """The index of the entity whose id is exactly ``entity``, found without building the id index (which a
    registry of millions takes seconds to build); None when no id is (names are resolved as ``--entity``)."""
    if table.arrow_ids is not None:
        import pyarrow.compute as pc

        at = pc.index(table.arrow_ids, entity.strip()).as_py()
        return None if at < 0 else int(at)
    return table.position.get(entity.strip())


def owners_of(
    data: OwnershipData,
    entity: str,
    policy: Policy,
    *,
    intermediates: bool = False,
    fail_on: FailOn = FailOn.FLAGGED,
    warnings: tuple[DataWarning, ...] = (),
) -> Owners:
    """The owners of ``entity`` in ``data`` under one resolved ``policy`` (thresholds as fractions 0..1).

    Args:
        data: entities and holdings as read.
        entity: an entity id or unique name.
        policy: the rule: its as-of date, weights and home basis prepare the graph, its pass-through test
            decides control, its threshold, comparison and method decide ``over_threshold``.
        intermediates: list every entity between the entity and its ultimate owners too (``--all``).
        fail_on: what makes ``exit_code()`` 1.
        warnings: warnings to report with the data's own (the watch lists').

    Raises:
        PolicyError: no entity has that id or name.
        InputError: the entity's upstream part cannot be evaluated (over-allocated stakes not allowed).
    """
    from ownership.analysis.owners.shares import shares
    from ownership.model import passes
    from ownership.pipeline import check
    from ownership.prepare.graph import build_graph

    part, found = upstream_data(data, entity)
    if warnings:
        part = replace(part, warnings=part.warnings + warnings)
    watching = bool(policy.jurisdictions or policy.watchlist)
    status: Status | None = None
    cascade_x: Interval | None = None
    look_x: Interval | None = None
    watched: dict[str, frozenset[str]] = {}
    found_warnings = list(part.warnings)
    if watching:
        result = check(part, policy, [found], explain_limit=0)
        # The figures only: the verdict's words (its notes above all) cost more than the owners on a registry.
        f, at_x = result.figures, result.verdicts.entities.position[found]
        status = f.statuses(at_x)
        cascade_x = Interval(float(f.cascade_low[at_x]), float(f.cascade_high[at_x]))
        look_x = Interval(float(f.lookthrough_low[at_x]), float(f.lookthrough_high[at_x]))
        found_warnings = list(result.warnings)
        if policy.watchlist:
            from ownership.readers.watchlist import match_watchlist

            watched, _ = match_watchlist(policy.watchlist, part.entities)
    graph = build_graph(part, policy, watched)
    if not watching:
        found_warnings += graph.warnings
    x = graph.index[found]
    found_shares = shares(graph.equity, graph.remainder, x)
    low, high = found_shares.low.copy(), found_shares.high.copy()
    floors = graph.floors
    floor_low, floor_high = np.zeros(graph.n), np.zeros(graph.n)
    if floors is not None:
        # A declared indirect interest in the entity is a floor under the declaring holder's share, and
        # under its cascade figure (the holder is the one watched party, so tainted): docs/rules.md 3.3.
        into = floors.subject == x
        np.maximum.at(floor_low, floors.holder[into], floors.low[into])
        np.maximum.at(floor_high, floors.holder[into], floors.high[into])
        np.maximum(low, floor_low, out=low)
        np.maximum(high, floor_high, out=high)
    up = found_shares.upstream.copy()
    up[x] = bool(found_shares.low[x] > 0)  # listed only when it is its own ultimate owner
    top = found_shares.top & up
    listed = up if intermediates else top
    at = np.flatnonzero(listed & ((low > 0) | (high > 0) | top))
    cascades = _cascades(graph, policy, x, at)
    owners = []
    for k, i in enumerate(at.tolist()):
        e = graph.entities[i]
        unrecorded = graph.unknown_owners is not None and bool(graph.unknown_owners[i])
        role = Role.INTERMEDIATE if not top[i] else (Role.OWNERS_UNKNOWN if unrecorded else Role.ULTIMATE)
        run = _Cascade(1.0, 1.0, True, (False, False)) if i == x else cascades[k]
        c_low, c_high, controls = run.low, run.high, run.controls
        if floor_low[i] > c_low or floor_high[i] > c_high:
            c_low, c_high = max(c_low, float(floor_low[i])), max(c_high, float(floor_high[i]))
            controls = controls or passes(c_low, policy.pass_threshold, policy.pass_comparison)
        look = Interval(float(low[i]), float(max(high[i], low[i])))
        casc = Interval(c_low, max(c_high, c_low))
        over, maybe = _over(policy, casc, look, run.by_control)
        owners.append(
            Owner(
                entity=e,
                role=role,
                countries=tuple(sorted({c for c, _ in e.countries})),
                home=bool(graph.home[i]) if watching else None,
                lookthrough=look,
                cascade=casc,
                controls=controls,
                over_threshold=over,
                possibly_over_threshold=maybe and not over,
            )
        )
    owners.sort(key=lambda o: (-o.lookthrough.low, -o.lookthrough.high, -o.cascade.low, o.entity.id))
    return Owners(
        entity=graph.entities[x],
        owners=tuple(owners),
        unallocated=found_shares.unallocated,
        closed_loop=found_shares.closed,
        verdict_status=status,
        cascade=cascade_x,
        lookthrough=look_x,
        intermediates=intermediates,
        policy=policy,
        source=data.source,
        warnings=tuple(found_warnings),
        fail_on=fail_on,
    )


def _over(policy: Policy, cascade: Interval, lookthrough: Interval, by_control: tuple[bool, bool]) -> tuple[bool, bool]:
    """Whether an owner's figures reach the threshold by the rule's method, at the low and the high bound.

    As a check decides (``ownership.pipeline``): a control row that taints the entity makes the cascade
    pass when the rule says control rows taint (low bound), or makes them matter at all (high bound)."""
    import numpy as np

    from ownership.engine.cascade import passes_array

    t, c = policy.threshold, policy.comparison
    cascades = passes_array(np.array([cascade.low, cascade.high]), t, c)
    cascades |= np.array(
        [
            by_control[0] and policy.control is ControlMode.TAINTS,
            by_control[1] and policy.control is not ControlMode.REPORT,
        ]
    )
    looks = passes_array(np.array([lookthrough.low, lookthrough.high]), t, c)
    low, high = policy.method.deciding(cascades, looks).tolist()
    return bool(low), bool(high) or bool(low)


@dataclass(frozen=True)
class _Cascade:
    """One owner's cascade: the entity's figure at the low and high bound with the owner alone watched,
    whether the low bound taints the entity, and whether a control row alone taints it at each bound."""

    low: float
    high: float
    controls: bool
    by_control: tuple[bool, bool]


def _cascades(graph: EquityGraph, policy: Policy, x: int, at: IntArray) -> list[_Cascade]:
    """Per owner of ``at``: the entity's cascade figure with that owner the only watched party, at the low
    bound (known stakes) and the high bound (unallocated remainders may be tainted), and whether the low
    bound taints the entity.

    The cascade with nobody watched is computed once per bound; each owner then continues it from there
    (``_continue``), which reaches the same least fixpoint as a run from scratch and costs only what the
    owner itself taints: registry entities have thousands of owners.
    """
    from ownership.engine.cascade import cascade

    n = graph.n
    t, comp = policy.pass_threshold, policy.pass_comparison
    control_low = graph.control if policy.control is ControlMode.TAINTS else None
    control_high = graph.control if policy.control is not ControlMode.REPORT else None
    nobody = np.zeros(n, dtype=np.bool_)
    bounds = [
        (cascade(graph.equity, nobody, np.zeros(n), t, comp, control_low), control_low),
        (cascade(graph.equity, nobody, graph.remainder, t, comp, control_high), control_high),
    ]
    from ownership.engine.cascade import passes_array

    eq = graph.equity
    out = eq.out_of(at)
    owner = eq.holder[out]
    direct = np.bincount(owner[eq.subject[out] == x], weights=eq.weight[out][eq.subject[out] == x], minlength=n)
    figures: list[tuple[FloatArray, BoolArray, BoolArray]] = []
    lists = _Lists.of(eq)
    control_lists = {id(c): _Lists.of(c) for _, c in bounds if c is not None}
    for base, control in bounds:
        # Most owners taint nothing that is not tainted already: their figure is the rest plus their own stake.
        # (An owner that taints the entity itself runs too: the entity may hold part of its own holders.)
        subject = eq.subject[out]
        reaches = ~base.tainted[subject] & passes_array(base.figure[subject] + eq.weight[out], t, comp)
        runs = np.zeros(n, dtype=np.bool_)
        runs[owner[reaches]] = True
        if control is not None:
            runs[control.holder[control.out_of(at)]] = True
        runs &= ~base.tainted
        figure = np.where(base.tainted[at], base.figure[x], base.figure[x] + direct[at])
        tainted = np.where(base.tainted[at], base.tainted[x], base.tainted[x] | passes_array(figure, t, comp))
        via = np.full(at.size, bool(base.via_control[x]))
        for k in np.flatnonzero(runs[at]).tolist():
            figure[k], tainted[k], via[k] = _continue(
                lists, base, int(at[k]), x, t, comp, control_lists.get(id(control))
            )
        figures.append((np.minimum(figure, 1.0), tainted.astype(np.bool_), via))
    (low, controls, via_low), (high, _, via_high) = figures
    return [
        _Cascade(a, b, c, (d, e))
        for a, b, c, d, e in zip(
            low.tolist(), high.tolist(), controls.tolist(), via_low.tolist(), via_high.tolist(), strict=True
        )
    ]


@dataclass(frozen=True)
class _Lists:
    """Holdings as plain lists by holder, for runs that each touch a handful of them: numpy's cost per call
    would outweigh the work."""

    start: list[int]
    subject: list[int]
    weight: list[float]

    @staticmethod
    def of(edges: Edges) -> _Lists:
        order = edges.by_holder
        return _Lists(edges.holder_start.tolist(), edges.subject[order].tolist(), edges.weight[order].tolist())

    def out(self, holder: int) -> zip[tuple[int, float]]:
        lo, hi = self.start[holder], self.start[holder + 1]
        return zip(self.subject[lo:hi], self.weight[lo:hi], strict=True)


def _continue(
    equity: _Lists,
    base: CascadeOutcome,
    owner: int,
    x: int,
    threshold: float,
    comparison: Comparison,
    control: _Lists | None,
) -> tuple[float, bool, bool]:
    """The cascade figure of ``x``, whether it is tainted, and whether only through a control row, when
    ``owner`` is tainted too.

    ``base`` is the least fixpoint with nobody watched. Adding a seed only adds taint, so going on from that
    fixpoint, round by round from the owner as the engine's cascade goes from its seeds, ends at the least
    fixpoint with the owner watched (docs/rules.md section 1.1).
    """
    from ownership.model import passes

    was = base.tainted
    if was[owner]:
        return float(base.figure[x]), bool(was[x]), bool(base.via_control[x])
    agg = base.figure
    added: dict[int, float] = {}
    tainted = {owner}
    by_control: set[int] = set()
    frontier = [owner]
    while frontier:
        touched: set[int] = set()
        controlled: set[int] = set()
        for h in frontier:
            for s, w in equity.out(h):
                added[s] = added.get(s, 0.0) + w
                touched.add(s)
            if control is not None:
                controlled.update(s for s, _ in control.out(h) if s not in tainted and not was[s])
        newly = {
            s
            for s in touched
            if s not in tainted and not was[s] and passes(float(agg[s]) + added[s], threshold, comparison)
        }
        by_control |= controlled - newly
        newly |= controlled
        tainted |= newly
        frontier = sorted(newly)
    return float(agg[x]) + added.get(x, 0.0), bool(was[x]) or x in tainted, bool(base.via_control[x]) or x in by_control


def owners(
    data: OwnershipData | str | os.PathLike[str],
    entity: str,
    *,
    intermediates: bool = False,
    profile: str | None = None,
    policy_file: str | os.PathLike[str] | None = None,
    **settings: object,
) -> Owners:
    """Who ultimately owns ``entity``, and how much: every ultimate owner (with ``intermediates``, every
    entity in between too) with its look-through share of the entity as bounds, whether it is home, whether
    it controls the entity in the cascade, and whether it reaches the threshold alone; and the unallocated
    share.

    Args:
        data: what ``read`` or ``from_frames`` returned, or a path to read with ``read``'s defaults.
        entity: the entity's id or unique name.
        intermediates: list the intermediaries as well (``exposure owners --all``).
        profile, policy_file, **settings: the rule, as ``ownership.check`` takes it (``threshold=25`` is 25%;
            ``jurisdictions`` may be left out, and then no owner is judged home and the entity has no status).

    Returns:
        The owners; their figures are fractions 0..1 (the reports show percentages).

    Raises:
        PolicyError: an unknown setting, profile or value, or no entity with that id or name.
        InputError: ``data`` is a path that cannot be read, or the entity's upstream part is over-allocated.
    """
    from ownership.api import read, resolve_rules

    if not isinstance(data, OwnershipData):
        data = read(data)
    rules = resolve_rules(
        [profile] if profile is not None else [],
        policy_file=policy_file,
        settings=settings,
        setting_origin=lambda key: f"owners({key}=)",
    )
    if len(rules.policies) != 1:
        raise PolicyError("owners takes one rule")
    return owners_of(
        data,
        entity,
        rules.policies[0],
        intermediates=intermediates,
        fail_on=rules.fail_on,
        warnings=rules.warnings,
    )


def owners_of_targets(result: CheckResult) -> tuple[Owners, ...]:
    """The owners of each entity a check names as deciding (``--entity``), under the check's own rule, for
    the audit reports' Owners section; empty when the check names none."""
    if not result.targets or not result.holdings:
        return ()  # nothing named, or a result that does not carry its holdings (nothing to trace)
    data = OwnershipData(result.verdicts.entities, result.holdings, result.source)
    return tuple(owners_of(data, target, result.policy, fail_on=result.fail_on) for target in result.targets)


def ultimate_total(found: Owners) -> float:
    """The sum of the ultimate owners' low shares (fraction; at most 1 less the unallocated share)."""
    return float(sum(o.lookthrough.low for o in found.ultimate))


__all__: Sequence[str] = [
    "Owner",
    "Owners",
    "Role",
    "owners",
    "owners_of",
    "owners_of_targets",
    "ultimate_total",
    "upstream_data",
]
