"""The causes of one entity's change: which differences upstream of it produce it, and how much each explains.

The figures of an entity depend only on what lies upstream of it: its holders, their holders, and so on,
with their countries and the stakes among them. So the causes of a change are looked for there, in the
union of the old and the new upstream, and measured by re-checking that part of the structure alone:

* the candidates are every holding added, removed or changed there (rows of one holder in one subject
  taken together, as the check takes them) and every entity whose countries (or type, or ultimate-owner
  mark) changed;
* a candidate's share of the change is the average of two one-at-a-time trials: the old structure with
  this one difference applied, against the old; and the new structure, against the new with this one
  difference undone. For a change with one cause both trials give the whole change, so that cause
  explains all of it; where causes simply add up (two stakes passed to a look-through figure), each gets
  its own part; where they act only together (two stakes that pass a threshold only jointly), each gets
  what it adds at the margin, half credited from each side;
* the share is measured on the bound of the deciding figure that moved most (the low bound first on a
  tie), and the causes are listed by it, largest first. Candidates that move nothing in either trial are
  not causes and are left out (unless nothing moves anything, then every candidate is listed).

Fractions 0..1 throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from ownership.analysis.diff.model import Cause, CauseKind, Change
from ownership.engine.edges import distinct
from ownership.errors import ExposureError
from ownership.model import Entity, Holding, OwnershipData, Policy, Stake
from ownership.model.tables import EntityTable, HoldingTable, texts_at

IntArray = npt.NDArray[np.int64]

#: At most this many differences (upstream of all the changed entities together) are measured by trials,
#: two re-checks each; beyond it they are listed by how far their stake moved, unmeasured, and each change
#: says so.
MAX_CANDIDATES = 100
#: Bounds in the order ``figures`` returns them.
BOUNDS = ("cascade low", "cascade high", "lookthrough low", "lookthrough high")
_DECIDING = {"cascade": (0, 1), "lookthrough": (2, 3), "either": (0, 1, 2, 3)}
_EPS = 1e-12

HoldingKey = tuple[str, str, bool]


@dataclass
class _Side:
    """One side's data, ready for upstream searches: holders of each subject as index arrays."""

    table: EntityTable
    holdings: HoldingTable
    used: npt.NDArray[np.bool_]
    indptr: IntArray
    holder_of: IntArray
    rows_of: IntArray

    @staticmethod
    def of(data: OwnershipData, policy: Policy) -> _Side:
        from ownership.prepare.in_force import holdings_in_force

        table = EntityTable.of(data.entities)
        holdings = HoldingTable.of(data.holdings, table)
        used = holdings_in_force(holdings, policy.as_of)
        rows = np.flatnonzero(used)
        subject = holdings.subject[rows]
        order = np.argsort(subject, kind="stable")
        rows = rows[order]
        counts = np.bincount(subject, minlength=len(table))
        indptr = np.zeros(len(table) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return _Side(table, holdings, used, indptr, holdings.holder[rows].astype(np.int64), rows.astype(np.int64))

    def upstream(self, ids: Iterable[str]) -> set[str]:
        """The entities upstream of ``ids`` (their holders, their holders' holders...), ``ids`` included."""
        position = self.table.position
        seeds = np.array(sorted({position[i] for i in ids if i in position}), dtype=np.int64)
        seen = np.zeros(len(self.table), dtype=np.bool_)
        seen[seeds] = True
        frontier = seeds
        while frontier.size:
            starts, ends = self.indptr[frontier], self.indptr[frontier + 1]
            counts = ends - starts
            total = int(counts.sum())
            if not total:
                break
            offsets = np.cumsum(counts) - counts
            at = np.arange(total) - np.repeat(offsets, counts) + np.repeat(starts, counts)
            found = self.holder_of[at]
            found = distinct(found[~seen[found]])
            seen[found] = True
            frontier = found
        return set(texts_at(self.table.ids, np.flatnonzero(seen)))

    def entity(self, entity_id: str) -> Entity | None:
        k = self.table.position.get(entity_id)
        return None if k is None else self.table[k]

    def holdings_into(self, subjects: set[str]) -> dict[HoldingKey, tuple[Holding, ...]]:
        """The holdings in force into ``subjects``, grouped by holder, subject and declared-indirect (what a
        check reads of them: stakes, votes, control; dates are settled already, places are not needed)."""
        position = self.table.position
        at = np.array(sorted(position[s] for s in subjects if s in position), dtype=np.int64)
        if not at.size:
            return {}
        starts, counts = self.indptr[at], self.indptr[at + 1] - self.indptr[at]
        offsets = np.cumsum(counts) - counts
        total = int(counts.sum())
        rows = self.rows_of[np.arange(total) - np.repeat(offsets, counts) + np.repeat(starts, counts)]
        t = self.holdings
        holders = texts_at(self.table.ids, t.holder[rows])
        held = texts_at(self.table.ids, t.subject[rows])

        def stakes(low: npt.NDArray[np.float64] | None, high: npt.NDArray[np.float64] | None) -> list[Stake | None]:
            if low is None or high is None:
                return [None] * total
            return [
                None if lo != lo else Stake(lo, hi)
                for lo, hi in zip(low[rows].tolist(), high[rows].tolist(), strict=True)
            ]

        equity = stakes(t.stake_low, t.stake_high)
        votes = stakes(t.votes_low, t.votes_high)
        control = [False] * total if t.control is None else t.control[rows].tolist()
        indirect = [False] * total if t.indirect is None else t.indirect[rows].tolist()
        found: dict[HoldingKey, list[Holding]] = {}
        for k in range(total):
            h = Holding(holders[k], held[k], equity[k], votes[k], bool(control[k]), indirect=bool(indirect[k]))
            found.setdefault((h.holder, h.subject, h.indirect), []).append(h)
        return {key: tuple(rows_) for key, rows_ in found.items()}


@dataclass(frozen=True)
class _Candidate:
    cause: Cause
    holding: HoldingKey | None = None
    entity: str | None = None
    moved: float = 0.0


def _merged(rows: Sequence[Holding]) -> tuple[Stake | None, Stake | None, bool]:
    stakes = [h.stake for h in rows if h.stake is not None]
    votes = [h.votes for h in rows if h.votes is not None]
    return (
        Stake.merged(stakes) if stakes else None,
        Stake.merged(votes) if votes else None,
        any(h.control for h in rows),
    )


def _same_stake(a: Stake | None, b: Stake | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a.low - b.low) <= _EPS and abs(a.high - b.high) <= _EPS


def _countries(e: Entity | None) -> tuple[str, ...]:
    if e is None:
        return ()
    return tuple(sorted(f"{c} ({kind.value})" for c, kind in e.countries))


def _candidates(
    old_rows: Mapping[HoldingKey, tuple[Holding, ...]],
    new_rows: Mapping[HoldingKey, tuple[Holding, ...]],
    old_entities: Mapping[str, Entity | None],
    new_entities: Mapping[str, Entity | None],
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for key in sorted(old_rows.keys() | new_rows.keys()):
        holder, subject, indirect = key
        before = _merged(old_rows[key]) if key in old_rows else None
        after = _merged(new_rows[key]) if key in new_rows else None
        if before is not None and after is not None:
            if _same_stake(before[0], after[0]) and _same_stake(before[1], after[1]) and before[2] == after[2]:
                continue
            kind = CauseKind.CHANGED
        else:
            kind = CauseKind.ADDED if before is None else CauseKind.REMOVED
        old_stake = before[0] if before is not None else None
        new_stake = after[0] if after is not None else None
        moved = abs(_mid(new_stake) - _mid(old_stake))
        cause = Cause(kind, holder, subject, old=old_stake, new=new_stake, indirect=indirect)
        found.append(_Candidate(cause, holding=key, moved=moved))
    for entity_id in sorted(old_entities.keys() & new_entities.keys()):
        a, b = old_entities[entity_id], new_entities[entity_id]
        if a is None or b is None:
            continue
        if a.countries != b.countries:
            kind = CauseKind.COUNTRY
        elif (a.type, a.ultimate_owner, a.group) != (b.type, b.ultimate_owner, b.group):
            kind = CauseKind.ENTITY
        else:
            continue
        cause = Cause(kind, entity_id, None, old_countries=_countries(a), new_countries=_countries(b))
        found.append(_Candidate(cause, entity=entity_id, moved=1.0))
    return found


def _mid(stake: Stake | None) -> float:
    return 0.0 if stake is None else (stake.low + stake.high) / 2.0


class _Structure:
    """The upstream of one entity on one side, which trials change one difference at a time."""

    def __init__(
        self, entities: dict[str, Entity], rows: dict[HoldingKey, tuple[Holding, ...]], data: OwnershipData
    ) -> None:
        self.entities, self.rows, self.source = entities, rows, data.source

    def with_change(self, candidate: _Candidate, other: _Structure) -> OwnershipData:
        """The data with ``candidate`` taken as ``other`` has it."""
        entities, rows = self.entities, self.rows
        if candidate.holding is not None:
            rows = dict(rows)
            if candidate.holding in other.rows:
                rows[candidate.holding] = other.rows[candidate.holding]
            else:
                rows.pop(candidate.holding, None)
        if candidate.entity is not None:
            entities = {**entities, candidate.entity: other.entities[candidate.entity]}
        return self._data(entities, rows)

    def data(self) -> OwnershipData:
        return self._data(self.entities, self.rows)

    def _data(self, entities: dict[str, Entity], rows: dict[HoldingKey, tuple[Holding, ...]]) -> OwnershipData:
        holdings = tuple(h for key in sorted(rows) for h in rows[key])
        return OwnershipData(tuple(entities.values()), holdings, self.source)


class CauseFinder:
    """Works out the causes of changes between two datasets checked under one rule.

    The trials are shared: every changed entity's figures are read from the same re-checks of the union of
    their upstream structures, each trial applying (or undoing) one difference, so the number of re-checks
    grows with the differences, not with the entities they change. A difference outside an entity's own
    upstream cannot move it and is not offered as its cause.
    """

    def __init__(self, old: OwnershipData, new: OwnershipData, policy: Policy) -> None:
        self.old_data, self.new_data, self.policy = old, new, policy
        self.old, self.new = _Side.of(old, policy), _Side.of(new, policy)
        self.trials = 0

    def _closure(self, ids: set[str]) -> set[str]:
        """``ids`` and everything upstream of them on either side (repeated until nothing is added: a party
        upstream only in the new data may have holders only in the old)."""
        while True:
            grown = self.old.upstream(ids) | self.new.upstream(ids)
            if grown == ids:
                return ids
            ids = grown

    def figures(self, data: OwnershipData, entities: Sequence[str]) -> dict[str, npt.NDArray[np.float64]] | None:
        """Each entity's four figure bounds (``BOUNDS``) when ``data`` is checked; None if it cannot be."""
        import ownership.pipeline as pipeline

        self.trials += 1
        try:
            result = pipeline.check(data, self.policy, explain_limit=0)
        except ExposureError:
            return None
        f = result.figures
        position = result.verdicts.entities.position
        at = np.array([position[e] for e in entities], dtype=np.int64)
        table = np.stack([f.cascade_low[at], f.cascade_high[at], f.lookthrough_low[at], f.lookthrough_high[at]], axis=1)
        return {e: table[k] for k, e in enumerate(entities)}

    def explain_all(self, changes: Sequence[Change], method: str) -> list[Change]:
        """``changes`` with their causes (and a note where they are partial or could not be measured)."""
        wanted = [c for c in changes if c.old is not None and c.new is not None]
        if not wanted:
            return list(changes)
        ids = self._closure({c.id for c in wanted})
        old_entities = {i: self.old.entity(i) for i in ids}
        new_entities = {i: self.new.entity(i) for i in ids}
        old_rows = self.old.holdings_into(ids)
        new_rows = self.new.holdings_into(ids)
        candidates = _candidates(old_rows, new_rows, old_entities, new_entities)
        before = _Structure(_parties(ids, old_entities, new_entities), old_rows, self.old_data)
        after = _Structure(_parties(ids, new_entities, old_entities), new_rows, self.new_data)
        names = [c.id for c in wanted]
        measured: dict[int, tuple[dict[str, npt.NDArray[np.float64]] | None, ...]] = {}
        base: tuple[dict[str, npt.NDArray[np.float64]] | None, ...] = (None, None)
        unmeasured = ""
        if len(candidates) > MAX_CANDIDATES:
            unmeasured = (
                f"{len(candidates)} differences upstream, more than the {MAX_CANDIDATES} measured one at a time"
            )
        else:
            base = (self.figures(before.data(), names), self.figures(after.data(), names))
            if base[0] is None or base[1] is None:
                unmeasured = "the upstream structure alone could not be checked"
            else:
                for k, c in enumerate(candidates):
                    measured[k] = (
                        self.figures(before.with_change(c, after), names),
                        self.figures(after.with_change(c, before), names),
                    )
        out: dict[str, Change] = {}
        for change in wanted:
            own = self._closure({change.id})
            mine = [k for k, c in enumerate(candidates) if _location(c) in own]
            if not mine:
                out[change.id] = replace(change, note="no holding or country upstream of it changed")
                continue
            if unmeasured:
                listed = sorted(mine, key=lambda k: -candidates[k].moved)
                out[change.id] = replace(
                    change,
                    causes=tuple(candidates[k].cause for k in listed),
                    note=f"causes listed by stake moved, unmeasured: {unmeasured}",
                )
                continue
            out[change.id] = _credited(change, method, base, {k: measured[k] for k in mine}, candidates)
        return [out.get(c.id, c) for c in changes]


def _location(c: _Candidate) -> str:
    """Where a difference sits: the subject of a holding, or the party that changed."""
    if c.holding is not None:
        return c.holding[1]
    return c.entity or ""


def _parties(
    ids: set[str], first: Mapping[str, Entity | None], second: Mapping[str, Entity | None]
) -> dict[str, Entity]:
    """Every party of ``ids`` as ``first`` has it, else as ``second`` does (a party on one side only)."""
    out: dict[str, Entity] = {}
    for i in sorted(ids):
        e = first[i] or second[i]
        if e is not None:
            out[i] = e
    return out


Trial = dict[str, npt.NDArray[np.float64]] | None


def _credited(
    change: Change,
    method: str,
    base: tuple[Trial, ...],
    trials: Mapping[int, tuple[Trial, ...]],
    candidates: Sequence[_Candidate],
) -> Change:
    """The change with each candidate credited the average of its two one-at-a-time effects (see the module
    docstring), on the deciding bound that moved most."""
    old_base, new_base = base
    assert old_base is not None and new_base is not None
    start, end = old_base[change.id], new_base[change.id]
    total = end - start
    deciding = _DECIDING.get(method, (0, 1, 2, 3))
    pool = deciding if np.abs(total[list(deciding)]).max() > _EPS else (0, 1, 2, 3)
    main = max(pool, key=lambda b: (abs(float(total[b])), -b))
    scored: list[tuple[float, float, _Candidate]] = []
    for k, (forward, backward) in trials.items():
        parts = []
        if forward is not None:
            parts.append(forward[change.id] - start)
        if backward is not None:
            parts.append(end - backward[change.id])
        effect = np.mean(parts, axis=0) if parts else np.zeros(4)
        effect[np.abs(effect) < _EPS] = 0.0
        scored.append((float(effect[main]), float(np.abs(effect).max()), candidates[k]))
    moving = [m for m in scored if m[1] > _EPS]
    chosen = moving or scored
    chosen.sort(key=lambda m: (-abs(m[0]), -m[1], -m[2].moved))
    causes = tuple(replace(c.cause, explains=value, bound=BOUNDS[main]) for value, _, c in chosen)
    note = "" if moving else "no single difference upstream moves its figures alone"
    return replace(change, causes=causes, note=note)


@dataclass(frozen=True)
class Neighbourhood:
    """The nearest part of an entity's upstream, for drawing it.

    Attributes:
        ids: the entity, then its holders level by level (nearest first), at most the limit asked for.
        cut: more entities lie upstream than ``ids`` holds.
        holdings: the holdings in force among ``ids`` (stakes, votes, control; no dates or places).
    """

    ids: tuple[str, ...]
    cut: bool
    holdings: tuple[Holding, ...]


def neighbourhoods(
    data: OwnershipData, policy: Policy, entities: Sequence[str], limit: int
) -> dict[str, Neighbourhood]:
    """For each of ``entities``, its nearest ``limit`` entities upstream and the holdings among them, found
    with one index of ``data``'s holdings in force on the policy's as-of date."""
    side = _Side.of(data, policy)
    found: dict[str, Neighbourhood] = {}
    for entity in entities:
        if entity not in side.table.position:
            continue
        chosen = [entity]
        seen = {entity}
        frontier = [entity]
        cut = False
        while frontier and not cut:
            rows = side.holdings_into(set(frontier))
            following: list[str] = []
            for holder, _, _ in sorted(rows):
                if holder in seen:
                    continue
                if len(chosen) >= limit:
                    cut = True
                    break
                seen.add(holder)
                chosen.append(holder)
                following.append(holder)
            frontier = following
        members = set(chosen)
        among = side.holdings_into(members)
        holdings = tuple(h for key in sorted(among) if key[0] in members for h in among[key])
        found[entity] = Neighbourhood(tuple(chosen), cut, holdings)
    return found
