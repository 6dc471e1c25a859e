"""Each entity's verdict in words: why it is home, flagged, possible or clear, and what would settle it.

Reads the evaluation already made; it never recomputes a figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ownership.chains import Sources, find_chains
from ownership.derivation import Deriver, Test
from ownership.engine.cascade import Edges, FloatArray, IntArray
from ownership.engine.lookthrough import lookthrough
from ownership.errors import DataWarning
from ownership.evaluate import Evaluation, reach
from ownership.graph import EquityGraph, home_country
from ownership.model import TOLERANCE, ControlMode, Holding, Method, Policy, Stake, passes, pct_text
from ownership.result import STATUSES, ChainBreakdown, Contribution, Derivation, EntityVerdict, Interval, Status
from ownership.table import PERSON_CODE

_CONTROL_WORDS = {
    ControlMode.REPORT: "reported only, not counted by this policy",
    ControlMode.POSSIBLE: "makes it at least possible under this policy",
    ControlMode.TAINTS: "counted as control by this policy",
}


class Explainer:
    """Builds each entity's verdict with its reasons in words, from the evaluations already made."""

    def __init__(
        self,
        graph: EquityGraph,
        policy: Policy,
        evaluation: Evaluation,
        warnings: Sequence[DataWarning] = (),
        holdings: Sequence[Holding] = (),
    ) -> None:
        self.graph, self.policy, self.ev = graph, policy, evaluation
        self.low, self.high = evaluation.low, evaluation.high
        self.incoming = graph.equity.reversed()
        self.control_incoming = graph.control.reversed()
        self.held = np.diff(self.incoming.holder_start) > 0
        self.words = f"{policy.comparison.words} {pct_text(policy.threshold)}"
        watched = sorted(policy.jurisdictions) + sorted({w.label for w in policy.watchlist})
        self.watched = ", ".join(watched) or "the watched parties"
        counted_control = graph.control if policy.control is ControlMode.TAINTS else None
        self.deriver = Deriver(
            graph=graph,
            incoming=self.incoming,
            control_incoming=counted_control.reversed() if counted_control is not None else None,
            high_stakes=graph.high,
            pass_test=Test(policy.pass_threshold, policy.pass_comparison),
            final_test=Test(policy.threshold, policy.comparison),
        )
        self.ids = graph.entities.ids
        self.names = graph.entities.names
        self.warnings, self.holdings_read = warnings, holdings

    @cached_property
    def notes_at(self) -> dict[int, tuple[DataWarning, ...]]:
        """The warnings that touch each entity (built once, when a verdict first needs them)."""
        return _notes_by_entity(self.graph, self.warnings, self.holdings_read)

    def holders(self, i: int) -> list[int]:
        """The equity edges (holding indices) into entity ``i``, in edge order."""
        into = self.incoming
        found: list[int] = into.by_holder[into.holder_start[i] : into.holder_start[i + 1]].tolist()
        return found

    def controllers(self, i: int) -> list[int]:
        """The control edges into entity ``i``, in edge order."""
        into = self.control_incoming
        found: list[int] = into.by_holder[into.holder_start[i] : into.holder_start[i + 1]].tolist()
        return found

    def verdict(self, i: int, status: Status, decides: bool, detailed: bool = True) -> EntityVerdict:
        """Entity ``i``'s verdict; ``detailed`` adds its derivation and chains (the costly part)."""
        g = self.graph
        entity = g.entities[i]
        cascade_iv = Interval(float(self.low.cascade[i]), float(self.high.cascade[i]))
        look_iv = Interval(float(self.low.lookthrough[i]), float(self.high.lookthrough[i]))
        countries: tuple[str, ...] = ()
        if status is Status.HOME:
            countries = tuple(c for c in home_country(entity, self.policy.home) if c in self.policy.jurisdictions)
        labels = self.labels(i) if status in (Status.HOME, Status.FLAGGED) else ()
        ranked = [label for label in self.policy.label_order if label in labels]
        tainted_by = self._tainted_by(i)
        red_flags = self._red_flags(i)
        uncertainty = self._uncertainty(i) if status is not Status.HOME else ()
        reason = self._reason(i, status, cascade_iv, look_iv, tainted_by, uncertainty)
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
            derivation=self.derivation(i) if detailed else None,
            chains=self.chains(i, high=False) if detailed else None,
            chains_high=self.chains(i, high=True) if detailed else None,
            notes=self.notes_at.get(i, ()),
        )

    def labels(self, i: int) -> tuple[str, ...]:
        """The labels (countries, lists) entity ``i``'s exposure comes from, sorted."""
        return tuple(sorted(self.ev.labels[i]))

    def derivation(self, i: int) -> Derivation:
        """The low-bound cascade derivation of entity ``i``."""
        g, ev = self.graph, self.ev
        if self.policy.aggregate:
            return self.deriver.derive(i, ev.low.tainted, g.home)
        party = int(ev.low.party[i])
        if party < 0:
            return self.deriver.derive(i, ev.low.tainted, g.home)
        seeds = np.zeros(g.n, dtype=np.bool_)
        seeds[ev.parties_low[party]] = True
        return self.deriver.derive(i, ev.party_tainted.get(party, ev.low.tainted), seeds)

    def chains(self, i: int, high: bool) -> ChainBreakdown | None:
        """The chains behind entity ``i``'s look-through figure at one bound (None when there is nothing to
        split: a home entity, a zero figure, or a high bound no higher than the low one)."""
        g, ev = self.graph, self.ev
        bound = ev.high if high else ev.low
        figure = float(bound.lookthrough[i])
        if g.home[i] or figure <= TOLERANCE:
            return None
        if high and figure <= float(ev.low.lookthrough[i]) + TOLERANCE:
            return None
        unknown = g.unknown_home & ~g.home if high else np.zeros(g.n, dtype=np.bool_)
        offset = g.remainder if high else np.zeros(g.n)
        if self.policy.aggregate:
            sources = Sources(g.home | unknown, unknown, offset)
            return find_chains(self.incoming, sources, bound.lookthrough, i, figure, self.ids)
        party = int(bound.look_party[i])
        parties = ev.parties_high if high else ev.parties_low
        seeds = np.zeros(g.n, dtype=np.bool_)
        if party >= 0:
            seeds[parties[party]] = True
        return self._local_chains(i, figure, Sources(seeds, seeds & unknown, offset))

    def _local_chains(self, i: int, figure: float, sources: Sources) -> ChainBreakdown:
        """Chains for one party's figure: solved again on the entity's owners only, which is all the figure
        depends on."""
        owners = np.flatnonzero(reach(self.incoming, np.array([i], dtype=np.int64), ~sources.home)).astype(np.int64)
        position = np.full(self.graph.n, -1, dtype=np.int64)
        position[owners] = np.arange(owners.size, dtype=np.int64)
        into = self.incoming.out_of(owners)
        holder, subject = self.incoming.subject[into], self.incoming.holder[into]
        inside = position[holder] >= 0
        edges = Edges.build(
            owners.size, position[holder[inside]], position[subject[inside]], self.incoming.weight[into][inside]
        )
        local = Sources(sources.home[owners], sources.unknown[owners], sources.unallocated[owners])
        figures = lookthrough(edges, local.home, local.unallocated).figure
        ids = tuple(self.ids[k] for k in owners.tolist())
        return find_chains(edges.reversed(), local, figures, int(position[i]), figure, ids)

    def _tainted_by(self, i: int) -> tuple[Contribution, ...]:
        g = self.graph
        if g.home[i]:
            return ()
        tainted = self.low.tainted
        party = int(self.low.party[i])
        if party >= 0:
            tainted = self.ev.party_tainted.get(party, tainted)
        found = []
        for k in self.holders(i):
            h = int(g.equity.holder[k])
            if tainted[h]:
                stake = Stake(float(g.equity.weight[k]), float(g.high[k]))
                found.append(Contribution(self.ids[h], self.names[h], stake, bool(g.home[h])))
        found.sort(key=lambda c: -c.stake.low)
        return tuple(found)

    def _red_flags(self, i: int) -> tuple[str, ...]:
        g = self.graph
        flags = []
        for k in self.controllers(i):
            h = int(g.control.holder[k])
            holding = g.control_holdings[k]
            if self.low.tainted[h] or self.high.tainted[h]:
                state = "home" if g.home[h] else ("tainted" if self.low.tainted[h] else "possibly tainted")
                counted = _CONTROL_WORDS[self.policy.control]
                note = f" ({holding.source})" if holding.source else ""
                flags.append(f"controlled without equity by {self.ids[h]} ({state}){note}: {counted}")
        return tuple(flags)

    def _uncertainty(self, i: int) -> tuple[str, ...]:
        g = self.graph
        notes = []
        if g.unknown_home[i]:
            notes.append("its own country is unknown")
        if g.remainder[i] > 1e-9:
            notes.append(f"{pct_text(float(g.remainder[i]))} of its shares have no named holder")
        low, high = g.equity.weight, g.high
        for k in self.holders(i):
            h = int(g.equity.holder[k])
            holder_id = self.ids[h]
            stake = Stake(float(low[k]), float(high[k]))
            if not stake.is_exact:
                notes.append(f"{holder_id} holds a range, {stake}")
            if g.unknown_home[h]:
                notes.append(f"holder {holder_id} has no known country")
            elif not self.low.tainted[h] and self.high.tainted[h] and not g.unknown_home[h]:
                notes.append(f"holder {holder_id} may itself be tainted")
        return tuple(notes)

    def reasons(self, status: npt.NDArray[np.int8]) -> list[str]:
        """Every entity's reason (as ``verdict`` words it), for bulk reports: the common sentences (home
        entities of one country, clear entities) are built once per distinct text, the rest one by one."""
        g = self.graph
        n = g.n
        found: list[str] = [""] * n
        codes = {s: k for k, s in enumerate(STATUSES)}
        table = g.entities
        key = (
            (table.types == PERSON_CODE).astype(np.int64) * 2**32
            + (table.jurisdiction.astype(np.int64) + 1) * 2**16
            + (table.headquarters.astype(np.int64) + 1)
        )
        # Home entities: the sentence depends on type and countries alone, unless a watch list names them.
        home = np.flatnonzero(status == codes[Status.HOME])
        listed = np.zeros(n, dtype=np.bool_)
        listed[np.fromiter(g.seed_labels.watched, dtype=np.int64, count=len(g.seed_labels.watched))] = True
        _fill_by_key(found, home[~listed[home]], key, lambda i: self._home_reason(i))
        for i in home[listed[home]].tolist():
            found[i] = self._home_reason(i)
        clear = np.flatnonzero(status == codes[Status.CLEAR])
        held = self.held[clear]
        _fill_by_key(found, clear[~held], key, lambda i: self._owner_reason(i))
        most = self._most(self.high.cascade, self.high.lookthrough)
        texts: dict[float, str] = {}
        for i, m in zip(clear[held].tolist(), most[clear[held]].tolist(), strict=True):
            text = texts.get(m)
            if text is None:
                text = texts[m] = self._clear_reason(m)
            found[i] = text
        for i in np.flatnonzero((status != codes[Status.HOME]) & (status != codes[Status.CLEAR])).tolist():
            cascade_iv = Interval(float(self.low.cascade[i]), float(self.high.cascade[i]))
            look_iv = Interval(float(self.low.lookthrough[i]), float(self.high.lookthrough[i]))
            found[i] = self._reason(i, STATUSES[int(status[i])], cascade_iv, look_iv)
        return found

    def _most(self, cascade: FloatArray, lookthrough: FloatArray) -> FloatArray:
        """The figure a clear entity's high bound is judged on, under the policy's method."""
        if self.policy.method is Method.EITHER:
            return np.maximum(cascade, lookthrough)
        return lookthrough if self.policy.method is Method.LOOKTHROUGH else cascade

    def _clear_reason(self, most: float) -> str:
        return f"at most {pct_text(most)}, not {self.words} even if every unknown belonged to {self.watched}"

    def _owner_reason(self, i: int) -> str:
        e = self.graph.entities[i]
        where = "/".join(dict.fromkeys(c for c in (e.jurisdiction, e.headquarters) if c)) or "unknown country"
        return f"ultimate owner ({where}): no recorded holders"

    def _home_reason(self, i: int) -> str:
        g = self.graph
        e = g.entities[i]
        countries = tuple(c for c in home_country(e, self.policy.home) if c in self.policy.jurisdictions)
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

    def _reason(
        self,
        i: int,
        status: Status,
        cascade_iv: Interval,
        look_iv: Interval,
        tainted_by: tuple[Contribution, ...] | None = None,
        uncertainty: tuple[str, ...] | None = None,
    ) -> str:
        """Entity ``i``'s reason; ``tainted_by`` and ``uncertainty`` are worked out when needed and not given."""
        policy = self.policy
        if status is Status.HOME:
            return self._home_reason(i)
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
            if tainted_by is None:
                tainted_by = self._tainted_by(i)
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
            if uncertainty is None:
                uncertainty = self._uncertainty(i)
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
        if not self.held[i]:
            return self._owner_reason(i)
        return self._clear_reason(most)


def _fill_by_key(found: list[str], at: IntArray, key: npt.NDArray[np.int64], text: Callable[[int], str]) -> None:
    """``found[i] = text(i)`` for each ``i`` in ``at``, calling ``text`` once per distinct ``key[i]``."""
    if not at.size:
        return
    _, first, inverse = np.unique(key[at], return_index=True, return_inverse=True)
    texts = [text(int(at[k])) for k in first.tolist()]
    for i, t in zip(at.tolist(), inverse.tolist(), strict=True):
        found[i] = texts[t]


def _notes_by_entity(
    graph: EquityGraph, warnings: Sequence[DataWarning], holdings: Sequence[Holding]
) -> dict[int, tuple[DataWarning, ...]]:
    """The warnings that touch each entity: those about its own row or a row of a holding in it."""
    rows: dict[tuple[str, str | None, int], set[int]] = defaultdict(set)
    for i, e in enumerate(graph.entities):
        if e.where is not None and e.where.row is not None:
            rows[(e.where.file, e.where.sheet, e.where.row)].add(i)
    for h in holdings:
        subject = graph.index.get(h.subject)
        if subject is not None and h.where is not None and h.where.row is not None:
            rows[(h.where.file, h.where.sheet, h.where.row)].add(subject)
    found: dict[int, list[DataWarning]] = defaultdict(list)
    for w in warnings:
        if w.where is None or w.where.row is None:
            continue
        for i in sorted(rows.get((w.where.file, w.where.sheet, w.where.row), ())):
            found[i].append(w)
    return {i: tuple(ws) for i, ws in found.items()}
