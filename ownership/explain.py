"""Each entity's verdict in words: why it is home, flagged, possible or clear, and what would settle it.

Reads the evaluation already made; it never recomputes a figure.
"""

from __future__ import annotations

from collections import defaultdict

from ownership.evaluate import Evaluation
from ownership.graph import EquityGraph, home_country
from ownership.model import ControlMode, Method, Policy, passes, pct_text
from ownership.result import Contribution, EntityVerdict, Interval, Status

_CONTROL_WORDS = {
    ControlMode.REPORT: "reported only, not counted by this policy",
    ControlMode.POSSIBLE: "makes it at least possible under this policy",
    ControlMode.TAINTS: "counted as control by this policy",
}


class Explainer:
    """Builds each entity's verdict with its reasons in words, from the evaluations already made."""

    def __init__(self, graph: EquityGraph, policy: Policy, evaluation: Evaluation) -> None:
        self.graph, self.policy, self.ev = graph, policy, evaluation
        self.low, self.high = evaluation.low, evaluation.high
        self.holders: dict[int, list[int]] = defaultdict(list)
        for k, s in enumerate(graph.equity.subject.tolist()):
            self.holders[s].append(k)
        self.controllers: dict[int, list[int]] = defaultdict(list)
        for k, s in enumerate(graph.control.subject.tolist()):
            self.controllers[s].append(k)
        self.words = f"{policy.comparison.words} {pct_text(policy.threshold)}"
        watched = sorted(policy.jurisdictions) + sorted({w.label for w in policy.watchlist})
        self.watched = ", ".join(watched) or "the watched parties"

    def verdict(self, i: int, status: Status, decides: bool) -> EntityVerdict:
        g = self.graph
        entity = g.entities[i]
        cascade_iv = Interval(float(self.low.cascade[i]), float(self.high.cascade[i]))
        look_iv = Interval(float(self.low.lookthrough[i]), float(self.high.lookthrough[i]))
        countries: tuple[str, ...] = ()
        if status is Status.HOME:
            countries = tuple(c for c in home_country(entity, self.policy.home) if c in self.policy.jurisdictions)
        labels = tuple(sorted(self.ev.labels[i])) if status in (Status.HOME, Status.FLAGGED) else ()
        ranked = [label for label in self.policy.label_order if label in labels]
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
            labels=labels,
            most_restrictive=ranked[0] if ranked else None,
        )

    def _tainted_by(self, i: int) -> tuple[Contribution, ...]:
        g = self.graph
        if g.home[i]:
            return ()
        tainted = self.low.tainted
        party = int(self.low.party[i])
        if party >= 0:
            tainted = self.ev.party_tainted.get(party, tainted)
        found = []
        for k in self.holders.get(i, []):
            h = int(g.equity.holder[k])
            if tainted[h]:
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
            if self.low.tainted[h] or self.high.tainted[h]:
                state = "home" if g.home[h] else ("tainted" if self.low.tainted[h] else "possibly tainted")
                counted = _CONTROL_WORDS[self.policy.control]
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
            elif not self.low.tainted[h] and self.high.tainted[h] and not g.unknown_home[h]:
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
            listed = sorted(self.ev.labels[i] - set(countries))
            if listed and not countries:
                return f"home entity: on the watch list ({', '.join(listed)})"
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
            if self.low.via_control[i] and not passes(cascade_iv.low, policy.threshold, policy.comparison):
                return "controlled by contract by a tainted party (counted by this policy)"
            held = ", ".join(f"{c.holder} {c.stake}{' (home)' if c.holder_is_home else ''}" for c in tainted_by)
            if not policy.aggregate and tainted_by:
                held += " (the largest single party alone)"
            return (
                f"cascade {pct_text(cascade_iv.low)} {policy.comparison.symbol} {pct_text(policy.threshold)}: "
                f"held by tainted holders {held}"
            )
        if (
            status is Status.POSSIBLE
            and self.high.via_control[i]
            and not passes(cascade_iv.high, policy.threshold, policy.comparison)
        ):
            return (
                "controlled without equity by a tainted party: this policy treats control as a judgment test, "
                "so it is possible rather than flagged"
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
