"""Each entity's status in one sentence, and the facts behind it, for many entities at once.

A registry check needs a reason for each of a million entities (the CSV report has a reason column), so the
sentences are built in bulk: the common ones (home entities of one kind, clear entities) once per distinct
text, and the facts of the others (tainted holders, what keeps the bound open) from the holding arrays
with one gather for all of them. A single verdict asks for one entity the same way, so there is one
implementation of every sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ownership.engine.edges import BoolArray, Edges, FloatArray, IntArray
from ownership.engine.evaluate import Evaluation
from ownership.model import TOLERANCE, CountryKind, Method, Policy, Stake, pct_text
from ownership.model.tables import PERSON_CODE, texts_at
from ownership.prepare.graph import EquityGraph
from ownership.prepare.home import home_country
from ownership.result import STATUSES, CodedTexts, Contribution, Status

_HOME, _FLAGGED, _POSSIBLE, _CLEAR = (STATUSES.index(s) for s in Status)


class ReasonWriter:
    """The reason sentences and their facts, from the evaluation already made (never recomputed)."""

    def __init__(self, graph: EquityGraph, policy: Policy, evaluation: Evaluation, incoming: Edges) -> None:
        self.graph, self.policy, self.ev = graph, policy, evaluation
        self.low, self.high = evaluation.low, evaluation.high
        self.incoming = incoming
        self.held = np.diff(incoming.holder_start) > 0
        self.words = f"{policy.comparison.words} {pct_text(policy.threshold)}"
        watched = sorted(policy.jurisdictions) + sorted({w.label for w in policy.watchlist})
        self.watched = ", ".join(watched) or "the watched parties"
        self.ids = graph.entities.ids

    # -- facts ------------------------------------------------------------------------------------------

    def _into(self, at: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """The holdings into the entities ``at``: (position in ``at``, edge index, holder), entity after
        entity, each entity's holdings in edge order."""
        into = self.incoming
        counts = into.holder_start[at + 1] - into.holder_start[at]
        edges = into.out_of(at)
        position = np.repeat(np.arange(at.size, dtype=np.int64), counts)
        return position, edges, into.subject[edges]

    def tainted_by(self, at: IntArray) -> list[tuple[Contribution, ...]]:
        """For each entity of ``at``, the direct holders passing taint to it in the cascade (low bound),
        largest stake first."""
        g = self.graph
        found: list[list[Contribution]] = [[] for _ in range(at.size)]
        position, edges, holder = self._into(at)
        tainted = self.low.tainted[holder]
        party = self.low.party[at][position]
        # Assessed party by party: what the deciding party alone taints.
        chosen = np.flatnonzero(party >= 0)
        tainted[chosen] = self.ev.party_tainted.at(party[chosen], holder[chosen])
        keep = tainted & ~g.home[at][position]
        position, edges, holder = position[keep], edges[keep], holder[keep]
        low, high = g.equity.weight[edges], g.high[edges]
        # Equal stakes are listed by holder id, not by row, so that reordering the input changes no sentence.
        order = np.lexsort((_id_rank(texts_at(self.ids, holder)), -high, -low, position))
        ids, names = texts_at(self.ids, holder[order]), texts_at(g.entities.names, holder[order])
        is_home = g.home[holder[order]].tolist()
        for n, k in enumerate(order.tolist()):
            stake = Stake(float(low[k]), float(high[k]))
            found[int(position[k])].append(Contribution(ids[n], names[n], stake, is_home[n]))
        declared = self.low.declared
        if declared is not None:
            # A declared indirect interest that raised the figure counts for what it adds above the chains.
            raised = np.flatnonzero(declared.cascade[at] > 0)
            by = declared.cascade_by[at[raised]]
            for k, h, holder_id, name in zip(
                raised.tolist(), by.tolist(), texts_at(self.ids, by), texts_at(g.entities.names, by), strict=True
            ):
                added = Stake.exact(float(declared.cascade[at[k]]))
                found[k].append(Contribution(holder_id, name, added, bool(g.home[h]), declared=True))
        return [tuple(f) for f in found]

    def uncertainty(self, at: IntArray) -> list[tuple[str, ...]]:
        """For each entity of ``at``, what keeps its high bound above its low bound, in words."""
        g = self.graph
        found: list[list[str]] = [[] for _ in range(at.size)]
        for k in np.flatnonzero(g.unknown_home[at]).tolist():
            found[k].append("its own country is unknown")
        remainder = g.remainder[at]
        unrecorded = g.unknown_owners[at] if g.unknown_owners is not None else np.zeros(at.size, dtype=np.bool_)
        for k in np.flatnonzero(unrecorded).tolist():
            found[k].append("no holder is recorded and it is not marked ultimate owner: its owners are unknown")
        for k in np.flatnonzero((remainder > 1e-9) & ~unrecorded).tolist():
            found[k].append(f"{_figure(float(remainder[k]))} of its shares have no named holder")
        position, edges, holder = self._into(at)
        low, high = g.equity.weight[edges], g.high[edges]
        ranged = (high - low) > TOLERANCE
        unknown = g.unknown_home[holder]
        maybe = ~self.low.tainted[holder] & self.high.tainted[holder] & ~unknown
        noted = np.flatnonzero(ranged | unknown | maybe)
        noted = noted[np.lexsort((_id_rank(texts_at(self.ids, holder[noted])), position[noted]))]  # by holder id
        for k, holder_id in zip(noted.tolist(), texts_at(self.ids, holder[noted]), strict=True):
            notes = found[int(position[k])]
            if ranged[k]:
                notes.append(f"{holder_id} holds a range, {Stake(float(low[k]), float(high[k]))}")
            if unknown[k]:
                notes.append(f"holder {holder_id} has no known country")
            elif maybe[k]:
                notes.append(f"holder {holder_id} may itself be tainted")
        return [tuple(f) for f in found]

    # -- sentences --------------------------------------------------------------------------------------

    def reasons(self, status: npt.NDArray[np.int8], at: IntArray | None = None) -> CodedTexts:
        """The reasons of the entities ``at`` in that order (every entity in input order when None), each
        distinct sentence once (``status`` holds every entity's code into ``STATUSES``)."""
        g = self.graph
        at = np.arange(g.n, dtype=np.int64) if at is None else at
        texts = _Texts(at.size)
        of = status[at]
        # Home entities: the sentence depends on type and countries alone, unless a watch list names them.
        pos = np.flatnonzero(of == _HOME)
        listed = self._listed[at[pos]]
        texts.by_key(pos[~listed], at[pos[~listed]], self._kind, self.home_reason)
        texts.each(pos[listed], [self.home_reason(i) for i in at[pos[listed]].tolist()])
        pos = np.flatnonzero(of == _CLEAR)
        held = self.held[at[pos]]
        texts.by_key(pos[~held], at[pos[~held]], self._kind, self.owner_reason)
        # Clear entities with holders: one sentence per distinct figure.
        pos = pos[held]
        most = self._deciding_high(self.high.cascade[at[pos]], self.high.lookthrough[at[pos]])
        values, inverse = np.unique(most, return_inverse=True)
        texts.shared(pos, [self.clear_reason(m) for m in values.tolist()], inverse)
        pos = np.flatnonzero(of == _FLAGGED)
        texts.each(pos, self._flagged_reasons(at[pos]))
        pos = np.flatnonzero(of == _POSSIBLE)
        texts.each(pos, self._possible_reasons(at[pos]))
        return CodedTexts(texts.codes, texts.values)

    @cached_property
    def _kind(self) -> npt.NDArray[np.int64]:
        """Per entity, what a home or an ownerless entity's sentence depends on: person or not, countries."""
        table = self.graph.entities
        kind: npt.NDArray[np.int64] = (
            (table.types == PERSON_CODE).astype(np.int64) * 2**32
            + (table.jurisdiction.astype(np.int64) + 1) * 2**16
            + (table.headquarters.astype(np.int64) + 1)
        )
        return kind

    @cached_property
    def _listed(self) -> BoolArray:
        """Per entity, whether a watch list names it."""
        watched = self.graph.seed_labels.watched
        listed = np.zeros(self.graph.n, dtype=np.bool_)
        listed[np.fromiter(watched, dtype=np.int64, count=len(watched))] = True
        return listed

    def reason(
        self,
        i: int,
        status: Status,
        tainted_by: tuple[Contribution, ...] | None = None,
        uncertainty: tuple[str, ...] | None = None,
    ) -> str:
        """Entity ``i``'s reason (the facts are worked out when not given)."""
        at = np.array([i], dtype=np.int64)
        if status is Status.HOME:
            return self.home_reason(i)
        if status is Status.FLAGGED:
            return self._flagged_reasons(at, None if tainted_by is None else [tainted_by])[0]
        if status is Status.POSSIBLE:
            return self._possible_reasons(at, None if uncertainty is None else [uncertainty])[0]
        if not self.held[i]:
            return self.owner_reason(i)
        return self.clear_reason(float(self._deciding_high(self.high.cascade[at], self.high.lookthrough[at])[0]))

    def _deciding_high(self, cascade: FloatArray, lookthrough: FloatArray) -> FloatArray:
        """The high bound a status is judged on, under the policy's method."""
        return self.policy.method.deciding(cascade, lookthrough)

    def _passes(self, values: FloatArray) -> BoolArray:
        from ownership.engine.cascade import passes_array

        return passes_array(values, self.policy.threshold, self.policy.comparison)

    def _flagged_reasons(self, at: IntArray, tainted_by: Sequence[tuple[Contribution, ...]] | None = None) -> list[str]:
        policy = self.policy
        symbol, threshold = policy.comparison.symbol, pct_text(policy.threshold)
        cascade_passes = self._passes(self.low.cascade[at])
        method = policy.method
        by_lookthrough = np.full(at.size, method is Method.LOOKTHROUGH)
        if method is Method.EITHER:
            by_lookthrough = ~cascade_passes
        by_control = ~by_lookthrough & self.low.via_control[at] & ~cascade_passes
        by_cascade = ~by_lookthrough & ~by_control
        if tainted_by is None:
            holders: list[tuple[Contribution, ...]] = [()] * at.size
            chosen = np.flatnonzero(by_cascade)
            for k, contributions in zip(chosen.tolist(), self.tainted_by(at[chosen]), strict=True):
                holders[k] = contributions
        else:
            holders = list(tainted_by)
        texts: list[str] = []
        for k, i in enumerate(at.tolist()):
            if by_lookthrough[k]:
                texts.append(
                    f"look-through {_figure(float(self.low.lookthrough[i]))} {symbol} {threshold}: "
                    f"that much of its equity ultimately belongs to {self.watched}"
                )
            elif by_control[k]:
                texts.append("controlled by contract by a tainted party (counted by this policy)")
            else:
                held = ", ".join(_contribution_words(c) for c in holders[k])
                if not policy.aggregate and holders[k]:
                    held += " (the largest single party alone)"
                figure = _figure(float(self.low.cascade[i]))
                texts.append(f"cascade {figure} {symbol} {threshold}: held by tainted holders {held}")
        return texts

    def _possible_reasons(self, at: IntArray, uncertainty: Sequence[tuple[str, ...]] | None = None) -> list[str]:
        by_control = self.high.via_control[at] & ~self._passes(self.high.cascade[at])
        notes = self.uncertainty(at) if uncertainty is None else uncertainty
        deciding = self._deciding_high(self.high.cascade[at], self.high.lookthrough[at])
        texts: list[str] = []
        for k in range(at.size):
            if by_control[k]:
                texts.append(
                    "controlled without equity by a tainted party: this policy treats control as a judgment "
                    "test, so it is possible rather than flagged"
                )
                continue
            settle = "; ".join(notes[k]) if notes[k] else "upstream data is incomplete"
            texts.append(f"up to {_figure(float(deciding[k]))} if the unknowns belong to {self.watched}: {settle}")
        return texts

    def clear_reason(self, most: float) -> str:
        """A clear entity with holders: the most its deciding figure could be (fraction)."""
        if most <= TOLERANCE:
            return f"no part of it is held by {self.watched}, even if every unknown belonged to them"
        return f"at most {_figure(most)} even if every unknown belonged to {self.watched}, so not {self.words}"

    def owner_reason(self, i: int) -> str:
        """A clear entity without holders."""
        e = self.graph.entities[i]
        where = "/".join(dict.fromkeys(c for c in (e.jurisdiction, e.headquarters) if c)) or "unknown country"
        return f"ultimate owner ({where}): no recorded holders"

    def home_reason(self, i: int) -> str:
        """A home entity: what makes it one."""
        e = self.graph.entities[i]
        countries = tuple(c for c in home_country(e, self.policy.home) if c in self.policy.jurisdictions)
        listed = sorted(self.ev.labels[i] - set(countries))
        if listed and not countries:
            return f"home entity: on the watch list ({', '.join(listed)})"
        if e.type.value == "person":
            kinds = {kind for c, kind in e.countries if c in countries}
            if kinds and kinds <= {CountryKind.TAX_RESIDENCE}:
                return f"home entity: tax resident in {'/'.join(countries)}"
            return f"home entity: a {'/'.join(countries)} national or resident"
        parts = []
        if e.jurisdiction in countries:
            parts.append(f"incorporated in {e.jurisdiction}")
        if e.headquarters in countries and e.headquarters != e.jurisdiction:
            parts.append(f"headquartered in {e.headquarters}")
        return "home entity: " + " and ".join(parts or [f"in {'/'.join(countries)}"])


class _Texts:
    """A coded text column being filled: a code per position into the distinct texts."""

    def __init__(self, size: int) -> None:
        self.codes = np.zeros(size, dtype=np.int32)
        self.values: list[str] = []

    def shared(self, pos: IntArray, texts: list[str], which: IntArray) -> None:
        """Position ``pos[k]`` gets ``texts[which[k]]``."""
        self.codes[pos] = len(self.values) + which
        self.values.extend(texts)

    def each(self, pos: IntArray, texts: list[str]) -> None:
        """Position ``pos[k]`` gets ``texts[k]``."""
        self.shared(pos, texts, np.arange(pos.size, dtype=np.int64))

    def by_key(self, pos: IntArray, entities: IntArray, key: npt.NDArray[np.int64], text: Callable[[int], str]) -> None:
        """Position ``pos[k]`` gets ``text(entities[k])``, called once per distinct ``key`` of the entities."""
        if not pos.size:
            return
        _, first, inverse = np.unique(key[entities], return_index=True, return_inverse=True)
        self.shared(pos, [text(int(entities[k])) for k in first.tolist()], inverse)


__all__ = ["ReasonWriter"]


def _figure(fraction: float) -> str:
    """A computed figure (fraction) as a sentence shows it: rounding noise within ``TOLERANCE`` of 0 or 1 is
    the round figure, so 'at most 1.11e-14%' is never written where the figure is 0."""
    if abs(fraction) <= TOLERANCE:
        fraction = 0.0
    elif abs(fraction - 1.0) <= TOLERANCE:
        fraction = 1.0
    return pct_text(fraction)


def _id_rank(ids: Sequence[str]) -> IntArray:
    """Each id's rank in code-point order, to break ties by id rather than by input row."""
    ranks: IntArray = np.unique(np.array(ids, dtype=object), return_inverse=True)[1].astype(np.int64).reshape(-1)
    return ranks


def _contribution_words(c: Contribution) -> str:
    """``LANTING-KY 60% (home)``; a declared indirect interest says so: ``P 60% (home, declared indirect)``."""
    notes = [w for w, on in (("home", c.holder_is_home), ("declared indirect", c.declared)) if on]
    return f"{c.holder} {c.stake}" + (f" ({', '.join(notes)})" if notes else "")
