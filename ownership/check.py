"""Run a check: evaluate both figures at both bounds, decide statuses, explain them.

Bounds come from two evaluations of the same monotone computations (domain notes section 4):

* low: stakes at their low ends, only entities known to be in the watched set are home, and nothing
  unnamed counts;
* high: entities with an unknown country may be home, and each subject's unallocated remainder
  (1 - sum of low stakes) may belong to the watched set. Holders outside the watched set keep their low
  stakes there, because any part of a ranged stake above its low end is indistinguishable from the
  remainder; this is what caps the bound when a known outside holder owns the rest (P 25-50% plus a US
  holder at exactly 50% gives at most 50%, not 75%).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ownership.engine.cascade import CascadeOutcome, cascade, passes_array, self_supporting
from ownership.engine.lookthrough import LookthroughOutcome, lookthrough
from ownership.errors import DataWarning, PolicyError
from ownership.graph import EquityGraph, build_graph, home_country
from ownership.model import Comparison, Method, OwnershipData, Policy, passes, pct_text
from ownership.result import CheckResult, Contribution, EntityVerdict, Interval, Status

_MAX_NAMED = 10


def _name_list(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_MAX_NAMED])
    return shown + (f" and {len(ids) - _MAX_NAMED} more" if len(ids) > _MAX_NAMED else "")


def resolve_targets(data: OwnershipData, targets: Sequence[str]) -> tuple[str, ...]:
    """Entity ids for the user's ``--entity`` values (ids, or unique names, case-insensitive).

    Raises:
        PolicyError: a value matches no entity, or a name matches several.
    """
    by_id = {e.id: e.id for e in data.entities}
    by_folded_id = {e.id.casefold(): e.id for e in data.entities}
    by_name: dict[str, list[str]] = defaultdict(list)
    for e in data.entities:
        by_name[" ".join(e.name.split()).casefold()].append(e.id)
    found: list[str] = []
    for raw in targets:
        text = raw.strip()
        key = " ".join(text.split()).casefold()
        match = by_id.get(text) or by_folded_id.get(key)
        if match is None:
            names = by_name.get(key, [])
            if len(names) > 1:
                raise PolicyError(f"--entity '{text}' names {len(names)} entities ({_name_list(names)}); use an id")
            match = names[0] if names else None
        if match is None:
            raise PolicyError(f"--entity '{text}' is not an entity id or name in {data.source.path}")
        if match not in found:
            found.append(match)
    return tuple(found)


def check(data: OwnershipData, policy: Policy, targets: Sequence[str] = ()) -> CheckResult:
    """Evaluate ``data`` under ``policy``.

    Args:
        data: entities and holdings as read.
        policy: the rule to apply (fractions 0..1).
        targets: entity ids or names that decide the exit code; all entities when empty.

    Returns:
        The result object every report renders.

    Raises:
        InputError: the data cannot be evaluated (e.g. over-allocated subjects not allowed by the policy).
        PolicyError: the policy or the targets are invalid.
    """
    if not policy.jurisdictions:
        raise PolicyError("no watched jurisdiction: name at least one with -j (for example -j CN)")
    chosen = resolve_targets(data, targets)
    graph = build_graph(data, policy)
    n = graph.n
    warnings = list(data.warnings) + list(graph.warnings)

    zeros = np.zeros(n)
    seeds_high = graph.home | graph.unknown_home
    control = graph.control if policy.control_taints else None
    pt, pc = policy.pass_threshold, policy.pass_comparison
    c_low = cascade(graph.equity, graph.home, zeros, pt, pc, control)
    c_high = cascade(graph.equity, seeds_high, graph.remainder, pt, pc, control)
    l_low = lookthrough(graph.equity, graph.home, zeros)
    l_high = lookthrough(graph.equity, seeds_high, graph.remainder)

    for members in l_low.closed_loops:
        ids = [graph.entities[i].id for i in members.tolist()]
        warnings.append(
            DataWarning(
                "closed_loop",
                f"{_name_list(ids)} hold each other entirely and have no outside owner: their look-through "
                "figure is unknown and reported as 0",
                graph.entities[int(members[0])].where,
            )
        )
    loop_only = self_supporting(graph.equity, graph.home, zeros, pt, pc, c_low.tainted)
    if loop_only.any():
        ids = [graph.entities[i].id for i in np.flatnonzero(loop_only).tolist()]
        warnings.append(
            DataWarning(
                "self_supporting_loop",
                f"{_name_list(ids)} would be tainted in the cascade only by assuming a loop controls itself; "
                "the rule's least fixpoint does not count them, but a regulator might look at them",
            )
        )

    passes_low, passes_high = _decide(policy, c_low, c_high, l_low, l_high)
    status = np.where(
        graph.home,
        0,
        np.where(passes_low, 1, np.where(passes_high, 2, 3)),
    )
    statuses = (Status.HOME, Status.FLAGGED, Status.POSSIBLE, Status.CLEAR)
    decides = set(chosen) if chosen else None

    explainer = _Explainer(graph, policy, c_low, c_high, l_low, l_high)
    verdicts = []
    for i, entity in enumerate(graph.entities):
        st = statuses[int(status[i])]
        verdicts.append(explainer.verdict(i, st, decides is None or entity.id in decides))
    return CheckResult(
        policy=policy,
        source=data.source,
        verdicts=tuple(verdicts),
        warnings=tuple(warnings),
        targets=chosen,
        holdings_used=len(graph.holdings),
    )


def _decide(
    policy: Policy,
    c_low: CascadeOutcome,
    c_high: CascadeOutcome,
    l_low: LookthroughOutcome,
    l_high: LookthroughOutcome,
) -> tuple[np.ndarray, np.ndarray]:
    t, c = policy.threshold, policy.comparison
    cascade_low = passes_array(c_low.figure, t, c)
    cascade_high = passes_array(c_high.figure, t, c)
    if policy.control_taints:
        cascade_low |= c_low.via_control
        cascade_high |= c_high.via_control
    look_low = passes_array(l_low.figure, t, c)
    look_high = passes_array(l_high.figure, t, c)
    if policy.method is Method.CASCADE:
        return cascade_low, cascade_high | cascade_low
    if policy.method is Method.LOOKTHROUGH:
        return look_low, look_high | look_low
    return cascade_low | look_low, cascade_high | look_high | cascade_low | look_low


class _Explainer:
    """Builds each entity's verdict with its reasons in words, from the evaluations already made."""

    def __init__(
        self,
        graph: EquityGraph,
        policy: Policy,
        c_low: CascadeOutcome,
        c_high: CascadeOutcome,
        l_low: LookthroughOutcome,
        l_high: LookthroughOutcome,
    ) -> None:
        self.graph, self.policy = graph, policy
        self.c_low, self.c_high, self.l_low, self.l_high = c_low, c_high, l_low, l_high
        self.holders: dict[int, list[int]] = defaultdict(list)
        for k, s in enumerate(graph.equity.subject.tolist()):
            self.holders[s].append(k)
        self.controllers: dict[int, list[int]] = defaultdict(list)
        for k, s in enumerate(graph.control.subject.tolist()):
            self.controllers[s].append(k)
        self.words = f"{policy.comparison.words} {pct_text(policy.threshold)}"
        self.watched = ", ".join(sorted(policy.jurisdictions))

    def verdict(self, i: int, status: Status, decides: bool) -> EntityVerdict:
        g = self.graph
        entity = g.entities[i]
        cascade_iv = Interval(float(min(self.c_low.figure[i], 1.0)), float(min(self.c_high.figure[i], 1.0)))
        look_iv = Interval(float(self.l_low.figure[i]), float(self.l_high.figure[i]))
        countries: tuple[str, ...] = ()
        if status is Status.HOME:
            countries = tuple(c for c in home_country(entity, self.policy.home) if c in self.policy.jurisdictions)
        tainted_by = self._tainted_by(i)
        red_flags = self._red_flags(i)
        uncertainty = self._uncertainty(i) if status is not Status.HOME else ()
        reason = self._reason(i, status, countries, tainted_by, cascade_iv, look_iv, uncertainty)
        return EntityVerdict(
            entity=entity,
            status=status,
            cascade=cascade_iv,
            lookthrough=look_iv,
            home_countries=countries,
            tainted_by=tainted_by,
            red_flags=red_flags,
            uncertainty=uncertainty,
            reason=reason,
            decides=decides,
        )

    def _tainted_by(self, i: int) -> tuple[Contribution, ...]:
        g = self.graph
        if g.home[i]:
            return ()
        found = []
        for k in self.holders.get(i, []):
            h = int(g.equity.holder[k])
            if self.c_low.tainted[h]:
                holding = g.holdings[k]
                assert holding.stake is not None
                found.append(Contribution(g.entities[h].id, g.entities[h].name, holding.stake, bool(g.home[h])))
        found.sort(key=lambda c: -c.stake.low)
        return tuple(found)

    def _red_flags(self, i: int) -> tuple[str, ...]:
        g = self.graph
        flags = []
        for k in self.controllers.get(i, []):
            h = int(g.control.holder[k])
            holding = g.control_holdings[k]
            if self.c_low.tainted[h] or self.c_high.tainted[h]:
                state = "home" if g.home[h] else ("tainted" if self.c_low.tainted[h] else "possibly tainted")
                counted = "counted" if self.policy.control_taints else "reported only, not counted by this policy"
                note = f" ({holding.source})" if holding.source else ""
                flags.append(f"controlled without equity by {g.entities[h].id} ({state}){note}: {counted}")
        return tuple(flags)

    def _uncertainty(self, i: int) -> tuple[str, ...]:
        g = self.graph
        notes = []
        if g.unknown_home[i]:
            notes.append("its own country is unknown")
        if g.remainder[i] > 1e-9:
            notes.append(f"{pct_text(float(g.remainder[i]))} of its shares have no named holder")
        for k in self.holders.get(i, []):
            h = int(g.equity.holder[k])
            holding = g.holdings[k]
            assert holding.stake is not None
            holder_id = g.entities[h].id
            if not holding.stake.is_exact:
                notes.append(f"{holder_id} holds a range, {holding.stake}")
            if g.unknown_home[h]:
                notes.append(f"holder {holder_id} has no known country")
            elif not self.c_low.tainted[h] and self.c_high.tainted[h] and not g.unknown_home[h]:
                notes.append(f"holder {holder_id} may itself be tainted")
        return tuple(notes)

    def _reason(
        self,
        i: int,
        status: Status,
        countries: tuple[str, ...],
        tainted_by: tuple[Contribution, ...],
        cascade_iv: Interval,
        look_iv: Interval,
        uncertainty: tuple[str, ...],
    ) -> str:
        g, policy = self.graph, self.policy
        if status is Status.HOME:
            e = g.entities[i]
            if e.type.value == "person":
                return f"home entity: a {'/'.join(countries)} national or resident"
            parts = []
            if e.jurisdiction in countries:
                parts.append(f"incorporated in {e.jurisdiction}")
            if e.headquarters in countries and e.headquarters != e.jurisdiction:
                parts.append(f"headquartered in {e.headquarters}")
            return "home entity: " + " and ".join(parts or [f"in {'/'.join(countries)}"])
        if status is Status.FLAGGED:
            if policy.method is Method.LOOKTHROUGH or (
                policy.method is Method.EITHER and not passes(cascade_iv.low, policy.threshold, policy.comparison)
            ):
                return (
                    f"look-through {pct_text(look_iv.low)} {policy.comparison.symbol} {pct_text(policy.threshold)}: "
                    f"that much of its equity ultimately belongs to {self.watched}"
                )
            if self.c_low.via_control[i] and not passes(cascade_iv.low, policy.threshold, policy.comparison):
                return "controlled by contract by a tainted party (counted by this policy)"
            held = ", ".join(f"{c.holder} {c.stake}{' (home)' if c.holder_is_home else ''}" for c in tainted_by)
            return (
                f"cascade {pct_text(cascade_iv.low)} {policy.comparison.symbol} {pct_text(policy.threshold)}: "
                f"held by tainted holders {held}"
            )
        if status is Status.POSSIBLE:
            settle = "; ".join(uncertainty) if uncertainty else "upstream data is incomplete"
            deciding = look_iv if policy.method is Method.LOOKTHROUGH else cascade_iv
            if policy.method is Method.EITHER:
                deciding = Interval(0.0, max(look_iv.high, cascade_iv.high))
            return f"up to {pct_text(deciding.high)} if the unknowns belong to {self.watched}: {settle}"
        most = (
            max(cascade_iv.high, look_iv.high)
            if policy.method is Method.EITHER
            else (look_iv.high if policy.method is Method.LOOKTHROUGH else cascade_iv.high)
        )
        if i not in self.holders:
            e = g.entities[i]
            where = "/".join(dict.fromkeys(c for c in (e.jurisdiction, e.headquarters) if c)) or "unknown country"
            return f"ultimate owner ({where}): no recorded holders"
        return f"at most {pct_text(most)}, not {self.words} even if every unknown belonged to {self.watched}"


__all__ = ["Comparison", "check", "resolve_targets"]
