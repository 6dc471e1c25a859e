"""Each entity's verdict in words: why it is home, flagged, possible or clear, and what would settle it.

Reads the evaluation already made; it never recomputes a figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
from ownership.engine.evaluate import Evaluation
from ownership.engine.lookthrough import lookthrough
from ownership.engine.reach import downstream
from ownership.errors import DataWarning, Location
from ownership.explanation.chains import Sources, find_chains
from ownership.explanation.derivation import Deriver, Test
from ownership.explanation.reasons import ReasonWriter
from ownership.model import TOLERANCE, ControlMode, Policy
from ownership.model.tables import Places
from ownership.prepare.graph import EquityGraph
from ownership.prepare.home import home_country
from ownership.result import ChainBreakdown, CodedTexts, Derivation, EntityVerdict, Interval, Status

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
    ) -> None:
        self.graph, self.policy, self.ev = graph, policy, evaluation
        self.low, self.high = evaluation.low, evaluation.high
        self.incoming = graph.equity.reversed()
        self.control_incoming = graph.control.reversed()
        self.writer = ReasonWriter(graph, policy, evaluation, self.incoming)
        counted_control = graph.control if policy.control is ControlMode.TAINTS else None
        self.deriver = Deriver(
            graph=graph,
            incoming=self.incoming,
            control_incoming=counted_control.reversed() if counted_control is not None else None,
            high_stakes=graph.high,
            pass_test=Test(policy.pass_threshold, policy.pass_comparison),
            final_test=Test(policy.threshold, policy.comparison),
            declared=evaluation.low.declared,
        )
        self.ids = graph.entities.ids
        self.names = graph.entities.names
        self.warnings = warnings

    @cached_property
    def notes_at(self) -> dict[int, tuple[DataWarning, ...]]:
        """The warnings that touch each entity (built once, when a verdict first needs them)."""
        return _notes_by_entity(self.graph, self.warnings)

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
        at = np.array([i], dtype=np.int64)
        tainted_by = self.writer.tainted_by(at)[0]
        red_flags = self._red_flags(i)
        uncertainty = self.writer.uncertainty(at)[0] if status is not Status.HOME else ()
        reason = self.writer.reason(i, status, tainted_by, uncertainty)
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

    def reasons(self, status: npt.NDArray[np.int8], at: IntArray | None = None) -> CodedTexts:
        """The reasons of entities ``at`` in that order (every entity in input order when None), for bulk
        reports (``status``: every entity's code into ``STATUSES``)."""
        return self.writer.reasons(status, at)

    def label_key(self, i: int) -> object:
        """What entity ``i``'s labels depend on, when that is shared with other entities (None otherwise):
        its countries for a home entity, the sources that reached it for the rest."""
        return self.ev.labels.key(i)

    def label_keys(self, at: IntArray) -> IntArray:
        """``label_key`` of each entity of ``at`` as an integer: equal ones mean equal labels, -1 unshared."""
        return self.ev.labels.keys(at)

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

    @cached_property
    def _nobody(self) -> BoolArray:
        """No entity (the low bound's unknown-country seeds), made once for every entity explained."""
        return np.zeros(self.graph.n, dtype=np.bool_)

    @cached_property
    def _unknown_only(self) -> BoolArray:
        """Entities that are seeds of the high bound only because their country is unknown."""
        found: BoolArray = self.graph.unknown_home & ~self.graph.home
        return found

    @cached_property
    def _seeds_high(self) -> BoolArray:
        """The high bound's seeds: home entities and those of unknown country."""
        found: BoolArray = self.graph.home | self._unknown_only
        return found

    @cached_property
    def _nothing(self) -> FloatArray:
        """Nothing unallocated (the low bound's offset), made once for every entity explained."""
        return np.zeros(self.graph.n)

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
        unknown = self._unknown_only if high else self._nobody
        offset = g.remainder if high else self._nothing
        declared = bound.declared
        raised = (None, None) if declared is None else (declared.lookthrough, declared.lookthrough_by)
        if self.policy.aggregate:
            sources = Sources(self._seeds_high if high else g.home, unknown, offset, *raised)
            return find_chains(self.incoming, sources, bound.lookthrough, i, figure, self.ids)
        party = int(bound.look_party[i])
        parties = ev.parties_high if high else ev.parties_low
        seeds = np.zeros(g.n, dtype=np.bool_)
        if party >= 0:
            seeds[parties[party]] = True
        return self._local_chains(i, figure, Sources(seeds, seeds & unknown, offset, *raised))

    def _local_chains(self, i: int, figure: float, sources: Sources) -> ChainBreakdown:
        """Chains for one party's figure: solved again on the entity's owners only, which is all the figure
        depends on."""
        upstream = downstream(self.incoming, np.array([i], dtype=np.int64), ~sources.home)
        owners = np.flatnonzero(upstream).astype(np.int64)
        position = np.full(self.graph.n, -1, dtype=np.int64)
        position[owners] = np.arange(owners.size, dtype=np.int64)
        into = self.incoming.out_of(owners)
        holder, subject = self.incoming.subject[into], self.incoming.holder[into]
        inside = position[holder] >= 0
        edges = Edges.build(
            owners.size, position[holder[inside]], position[subject[inside]], self.incoming.weight[into][inside]
        )
        declared = declared_by = None
        offset = sources.unallocated[owners]
        if sources.declared is not None and sources.declared_by is not None:
            by = sources.declared_by[owners]
            by = np.where(by >= 0, position[np.maximum(by, 0)], -1)
            declared = np.where(by >= 0, sources.declared[owners], 0.0)
            declared_by = by
            offset = offset + declared
        local = Sources(
            sources.home[owners], sources.unknown[owners], sources.unallocated[owners], declared, declared_by
        )
        figures = lookthrough(edges, local.home, offset).figure
        ids = tuple(self.ids[k] for k in owners.tolist())
        return find_chains(edges.reversed(), local, figures, int(position[i]), figure, ids)

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
                # A control row with a stake (a consolidation with its percentage) is not control without equity.
                how = (
                    "controlled without equity"
                    if holding.stake is None
                    else f"controlled, with a stake of {holding.stake},"
                )
                flags.append(f"{how} by {self.ids[h]} ({state}){note}: {counted}")
        return tuple(flags)


def _notes_by_entity(graph: EquityGraph, warnings: Sequence[DataWarning]) -> dict[int, tuple[DataWarning, ...]]:
    """The warnings that touch each entity: those about its own row or a row of a holding in it.

    Only the rows some warning names are looked up, so a registry with a handful of warnings costs a few
    array lookups, not an object per row.
    """
    warned: dict[tuple[str, str | None, int], list[tuple[int, DataWarning]]] = defaultdict(list)
    for k, w in enumerate(warnings):
        if w.where is not None and w.where.row is not None:
            warned[(w.where.file, w.where.sheet, w.where.row)].append((k, w))
    if not warned:
        return {}
    rows: dict[tuple[str, str | None, int], set[int]] = defaultdict(set)
    for k, place in _warned_rows(graph.entities.where, warned):
        rows[place].add(k)
    table = graph.read
    for k, place in _warned_rows(table.where, warned):
        rows[place].add(int(table.subject[k]))
    found: dict[int, list[tuple[int, DataWarning]]] = defaultdict(list)
    for place, ws in warned.items():
        for i in rows.get(place, ()):
            found[i].extend(ws)
    # In the order the warnings were raised, as the reports list them.
    return {i: tuple(w for _, w in sorted(ws, key=lambda item: item[0])) for i, ws in sorted(found.items())}


def _warned_rows(
    places: Sequence[Location | None], warned: Mapping[tuple[str, str | None, int], object]
) -> Iterator[tuple[int, tuple[str, str | None, int]]]:
    """(index, place) for the items of ``places`` whose row a warning names."""
    if isinstance(places, Places):
        wanted = [row for file, sheet, row in warned if file == places.file and sheet == places.sheet]
        for k in np.flatnonzero(np.isin(places.rows, wanted)).tolist():
            yield k, (places.file, places.sheet, int(places.rows[k]))
        return
    for k, where in enumerate(places):
        if where is not None and where.row is not None:
            place = (where.file, where.sheet, where.row)
            if place in warned:
                yield k, place
