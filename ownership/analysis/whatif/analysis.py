"""What would change one entity's verdict: the holdings pivotal to it, and for each holding upstream the
stake that would make it ``clear``.

Only what lies upstream of the entity decides its figures (a holding reaches an entity only along chains
into it), so the questions are asked of that part of the data alone, through the check itself
(``ownership.pipeline.check``): every verdict here is the engine's, under the same rule. Stakes and
figures are fractions 0..1; the reports turn them into percentages.

A cure changes one holding with everything else fixed, in one of two ways (docs/rules.md has the rules
they are checked under):

* a sale: the holder keeps at most the stake found and the part it gives up is held by a party outside the
  watched set (the buyer a divestment brings; were the part left unnamed, it would be an unknown remainder,
  which never clears anything);
* new shares, for a holder that is not home: its stake rises to at least the stake found, and every other
  stake in the subject, and the unallocated part, shrink in proportion (dilution).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ownership.analysis.whatif import union
from ownership.analysis.whatif.scenario import (
    OUTSIDE_ID,
    OUTSIDE_NAME,
    Change,
    ChangeKind,
    Scenario,
    apply,
    held,
    most_held,
    outside_country,
)
from ownership.analysis.whatif.screen import Screen, screen
from ownership.analysis.whatif.search import Point, edge, snapped
from ownership.engine.edges import distinct
from ownership.errors import DataWarning, PolicyError
from ownership.model import TOLERANCE, Comparison, Entity, Holding, OwnershipData, Policy, Stake
from ownership.result import STATUSES, CheckResult, FailOn, Interval, Status

if TYPE_CHECKING:
    from ownership.model.tables import HoldingTable

#: The empty scenario.
NO_CHANGE = Scenario()
#: Status codes of ``Figures.status`` (``ownership.result.STATUSES``).
_CLEAR = STATUSES.index(Status.CLEAR)


@dataclass(frozen=True, slots=True)
class Standing:
    """The entity in one check: its status and both figures (bounds, fractions 0..1)."""

    status: Status
    cascade: Interval
    lookthrough: Interval


@dataclass(frozen=True, slots=True)
class Pivotal:
    """A holding whose removal alone changes the entity's status.

    Attributes:
        holder, subject: the holding (entity ids).
        stake: what the holder holds in the subject (fractions); None for a control row without equity.
        status_without: the entity's status with the holding removed (the stake then has no named holder).
    """

    holder: str
    subject: str
    stake: Stake | None
    status_without: Status


@dataclass(frozen=True, slots=True)
class Cure:
    """What one holding would have to become for the entity to be clear, everything else fixed.

    Attributes:
        holder, subject: the holding (entity ids).
        stake: what the holder holds now (fractions).
        max: the most the holder may keep, selling the rest to a party outside the watched set; None when
            no sale clears the entity.
        min: for a holder that is not home, the least stake new shares must raise it to; None when no issue
            clears the entity (or the holder is home).
        change: the smaller of the two moves, in fractions (0.1 = 10 percentage points): from the most the
            holder may hold now down to ``max``, or from the least it holds now up to ``min``; None when
            neither exists.
        kind: which move ``change`` is ("sell" or "issue"); "" when none.
        examined: False when the work limit left the holding unexamined (``max``, ``min`` and ``change``
            are then None for want of an answer, not because nothing clears).
    """

    holder: str
    subject: str
    stake: Stake
    max: float | None
    min: float | None
    change: float | None
    kind: str = ""
    examined: bool = True


@dataclass(frozen=True)
class WhatIf:
    """The answer of ``whatif`` for one entity under one rule.

    Attributes:
        entity, name: the entity asked about.
        policy: the rule (thresholds as fractions).
        source: what was read.
        scenario: the changes applied before the check (empty: none).
        baseline: the entity in the check of the (changed) data.
        before: with a scenario, the entity in the check of the data as read; None without.
        pivotal: the holdings whose removal alone changes the status.
        cure: per holding upstream with an equity stake, what would make the entity clear.
        best: the cure with the smallest change; None when no single holding clears the entity (``why``).
        why: why there is no ``best`` ("" when there is one).
        holdings_upstream: how many holdings (holder and subject pairs) lie upstream of the entity.
        warnings: what the reader and the check of the upstream part noticed.
        diff: with a scenario, the whole check of the changed data compared with the data as read
            (``ownership.analysis.diff.Diff``); None without.
        fail_on: what makes ``exit_code()`` 1.
        notes: anything the answer leaves out, in words.
        checks, copies: how many checks of the upstream part were run, and how many changed copies of it
            they held together (the work done).
    """

    entity: str
    name: str
    policy: Policy
    source_path: str
    source_sha256: str
    source_format: str
    scenario: Scenario
    baseline: Standing
    before: Standing | None
    pivotal: tuple[Pivotal, ...]
    cure: tuple[Cure, ...]
    best: Cure | None
    why: str
    holdings_upstream: int
    warnings: tuple[DataWarning, ...] = ()
    diff: object | None = None
    fail_on: FailOn = FailOn.FLAGGED
    notes: tuple[str, ...] = field(default=())
    checks: int = 0
    copies: int = 0

    def exit_code(self, fail_on: FailOn | None = None) -> int:
        """As ``check`` with the entity the only one deciding: 1 when it is home or flagged (or possible
        under ``fail_on`` possible) after the scenario; 0 otherwise, and when the rule is not in force."""
        fail_on = self.fail_on if fail_on is None else fail_on
        if fail_on is FailOn.NEVER or not self.policy.in_force:
            return 0
        failing = {Status.HOME, Status.FLAGGED} | ({Status.POSSIBLE} if fail_on is FailOn.POSSIBLE else set())
        return int(self.baseline.status in failing)


# ----------------------------------------------------------------------------------------------- the part upstream


@dataclass(frozen=True)
class Upstream:
    """The entities from which a chain of holdings leads to the entity (itself included) and every holding
    into them, as objects; ``position`` is the entity's index among ``entities``."""

    entities: list[Entity]
    holdings: list[Holding]
    position: int

    @cached_property
    def index(self) -> dict[str, int]:
        """Entity id -> index among ``entities``."""
        return {e.id: k for k, e in enumerate(self.entities)}


def upstream(data: OwnershipData, entity: str, scenario: Scenario = NO_CHANGE) -> Upstream:
    """The part of ``data`` upstream of ``entity``, with the scenario's changes made.

    Holdings a scenario adds count as chains (so a new holder's own owners come along); holdings it removes
    are searched through all the same, which only adds entities that do not reach the entity.

    Raises:
        PolicyError: a scenario change that drops, sells or issues a holding the data does not have.
    """
    from ownership.model.tables import EntityTable, HoldingTable

    table = EntityTable.of(data.entities)
    rows = HoldingTable.of(data.holdings, table)
    index = table.position
    for change in scenario.changes:
        if change.kind in (ChangeKind.DROP, ChangeKind.SELL, ChangeKind.ISSUE):
            h, s = index[change.holder], index[change.subject]
            if not bool(((rows.holder == h) & (rows.subject == s)).any()):
                raise PolicyError(
                    f"--{change.kind.value} '{change.text or change.holder + ':' + change.subject}': "
                    f"{change.holder} holds nothing in {change.subject} in the input"
                )
    added = [(index[c.holder], index[c.subject]) for c in scenario.changes if c.kind is ChangeKind.SET]
    holder = np.concatenate([rows.holder, np.array([h for h, _ in added], dtype=np.int64)])
    subject = np.concatenate([rows.subject, np.array([s for _, s in added], dtype=np.int64)])
    inside = _reaching(len(table), holder, subject, index[entity])
    nodes = np.flatnonzero(inside)
    entities = [table[int(i)] for i in nodes.tolist()]
    holdings = [rows[int(k)] for k in np.flatnonzero(inside[rows.subject]).tolist()]
    entities, holdings = apply(entities, holdings, scenario, part=True)
    return Upstream(entities, holdings, int(np.searchsorted(nodes, index[entity])))


#: Levels searched by masks over every holding before the search turns to one sorted pass (a chain of
#: thousands of levels).
_MASKED_LEVELS = 40


def _reaching(n: int, holder: npt.NDArray[np.int64], subject: npt.NDArray[np.int64], x: int) -> npt.NDArray[np.bool_]:
    """Per entity, whether a chain of holdings leads from it to ``x`` (``x`` included).

    Level by level, each level one pass of masks over the holdings: an entity's upstream in a registry is
    a few levels deep, and this costs no sort of the millions of holdings. A deeper part is finished by the
    engine's reachability search on the reversed holdings.
    """
    inside = np.zeros(n, dtype=np.bool_)
    inside[x] = True
    frontier = np.zeros(n, dtype=np.bool_)
    frontier[x] = True
    for _ in range(_MASKED_LEVELS):
        found = distinct(holder[frontier[subject]])
        found = found[~inside[found]]
        if not found.size:
            return inside
        inside[found] = True
        frontier[:] = False
        frontier[found] = True
    from ownership.engine.edges import Edges
    from ownership.engine.reach import downstream

    reverse = Edges.build(n, subject, holder, np.ones(subject.size))
    more: npt.NDArray[np.bool_] = downstream(reverse, np.flatnonzero(inside).astype(np.int64))
    return more


# ----------------------------------------------------------------------------------------------- the questions


#: Holdings in one batched check: the copies of the upstream part checked side by side in one graph.
_BATCH_ROWS = 200_000
#: Copies of the upstream part in one batched check at most.
_BATCH_COPIES = 400
#: Holdings checked in all (copies times the part's holdings) before questions are left unasked; about
#: a check of a million holdings, a few seconds. The answer then says which holdings were not examined.
WORK_LIMIT = 1_000_000


class _Asker:
    """Checks of the upstream part, each with one change made, read for the entity (and a subject) only.

    Several changes are checked at once: each gets its own copy of the part (ids prefixed with the copy's
    number), and the copies, which share no holding, are checked as one graph, so a hundred small
    questions cost about one check. Watch-list matches are made once, on the whole data, and handed to
    each copy by id, so every copy has the same home parties the whole check has.
    """

    def __init__(self, part: Upstream, policy: Policy, data: OwnershipData, watched: dict[str, frozenset[str]]) -> None:
        from ownership.model import EntityType
        from ownership.model.tables import EntityTable, HoldingTable

        self.part, self.policy, self.data, self.watched = part, policy, data, watched
        self.entity = part.entities[part.position].id
        self.checks = 0
        self.copies = 0
        self.base_status: npt.NDArray[np.int8] = np.zeros(0, dtype=np.int8)
        self.work, self.work_limit = 0, WORK_LIMIT
        # Every copy has the outside party a sale goes to, last, so the entities keep their places.
        outside = Entity(
            OUTSIDE_ID, OUTSIDE_NAME, EntityType.PERSON, jurisdiction=outside_country(policy.jurisdictions)
        )
        self.entities = [*part.entities, outside]
        self.table = EntityTable.of(self.entities)
        self.rows = HoldingTable.of(part.holdings, self.table)
        self.into: dict[str, list[Holding]] = {}
        for h in part.holdings:
            self.into.setdefault(h.subject, []).append(h)

    def _policy(self, marks: Sequence[str]) -> Policy:
        if not self.watched:
            return self.policy.with_changes(watchlist=())
        from ownership.model import WatchEntry

        entries = tuple(
            WatchEntry(mark + entity, None, label)
            for mark in marks
            for entity, labels in self.watched.items()
            for label in sorted(labels)
        )
        return self.policy.with_changes(watchlist=entries)

    def check(self, entities: Sequence[Entity], holdings: Sequence[Holding]) -> CheckResult:
        """One check of the given entities and holdings (ids as they are)."""
        from ownership import pipeline

        self.checks += 1
        self.copies += 1
        data = OwnershipData(entities, holdings, self.data.source)
        return pipeline.check(data, self._policy([""]), (self.entity,), explain_limit=0)

    def room(self) -> int:
        """How many more copies the work limit allows."""
        size = len(self.part.holdings) + 2
        return max(0, (self.work_limit - self.work) // size)

    def changed(self, changes: Sequence[Change]) -> list[_Answer]:
        """The entity's status and figures with each change made alone, in order."""
        answers: list[_Answer] = []
        size = max(len(self.part.holdings) + 2, 1)
        per_batch = max(1, min(_BATCH_COPIES, _BATCH_ROWS // size))
        for start in range(0, len(changes), per_batch):
            answers += self._batch(changes[start : start + per_batch])
        return answers

    def _copy(self, change: Change) -> HoldingTable:
        """The part's holdings with one change made: it touches only the holdings into its subject."""
        from ownership.model.tables import HoldingTable

        subject = self.part.index[change.subject]
        _, made = apply(
            self.entities, self.into.get(change.subject, []), Scenario((change,)), self.policy.jurisdictions
        )
        others = union.rows(self.rows, self.rows.subject != subject)
        return union.joined([others, HoldingTable.of(made, self.table)], 0, self.table.ids)

    def _batch(self, changes: Sequence[Change]) -> list[_Answer]:
        from ownership import pipeline

        marks = union.prefixes(len(changes))
        size = len(self.entities)
        entities = union.tiled(self.table, len(changes))
        holdings = union.joined([self._copy(c) for c in changes], size, entities.ids)
        self.checks += 1
        self.copies += len(changes)
        self.work += len(changes) * (len(self.part.holdings) + 2)
        data = OwnershipData(entities, holdings, self.data.source)
        result = pipeline.check(data, self._policy(marks), (entities.ids[self.part.position],), explain_limit=0)
        f = result.figures
        deciding = result.deciding_figure(high=True)
        index = self.part.index
        found = []
        for k, change in enumerate(changes):
            i = k * size + self.part.position
            s = k * size + index.get(change.subject, self.part.position)
            found.append(_Answer(STATUSES[int(f.status[i])], float(deciding[i]), float(f.cascade_high[s])))
        return found


@dataclass(frozen=True, slots=True)
class _Answer:
    """The entity in one changed check: its status, its deciding figure's high bound, and the changed
    holding's subject's cascade high bound (fractions)."""

    status: Status
    deciding_high: float
    subject_cascade_high: float


def _standing(result: CheckResult, i: int) -> Standing:
    f = result.figures
    return Standing(
        STATUSES[int(f.status[i])],
        Interval(float(f.cascade_low[i]), float(f.cascade_high[i])),
        Interval(float(f.lookthrough_low[i]), float(f.lookthrough_high[i])),
    )


def _edge_value(threshold: float, comparison: Comparison) -> float:
    """The figure at which the threshold test turns, with the tolerance (``ownership.model.passes``)."""
    return threshold + TOLERANCE if comparison is Comparison.GT else threshold - TOLERANCE


def analyse(
    data: OwnershipData,
    policy: Policy,
    entity: str,
    scenario: Scenario = NO_CHANGE,
    *,
    fail_on: FailOn = FailOn.FLAGGED,
    compare_whole: bool = True,
) -> WhatIf:
    """Pivotal holdings and cures for ``entity`` (an id of ``data``) under ``policy``.

    Args:
        data: the data as read.
        policy: the rule (fractions).
        entity: the entity's id.
        scenario: changes made to the data before anything is asked.
        fail_on: what makes the answer's ``exit_code()`` 1.
        compare_whole: with a scenario, also check the whole data before and after it and compare them
            (``ownership.analysis.diff.compare``).

    Raises:
        PolicyError: a scenario change the data does not allow, or nothing to watch.
        InputError: the (changed) data cannot be evaluated (over-allocated stakes not allowed).
    """
    watched: dict[str, frozenset[str]] = {}
    warnings: list[DataWarning] = []
    if policy.watchlist:
        from ownership.readers.watchlist import match_watchlist

        watched, found_warnings = match_watchlist(policy.watchlist, data.entities)
        warnings += found_warnings
    part = upstream(data, entity, scenario)
    asker = _Asker(part, policy, data, watched)
    base = asker.check(part.entities, part.holdings)
    asker.base_status = base.figures.status
    i = part.position
    baseline = _standing(base, i)
    before: Standing | None = None
    diff: object | None = None
    if scenario:
        plain = upstream(data, entity)
        first = _Asker(plain, policy, data, watched).check(plain.entities, plain.holdings)
        before = _standing(first, plain.position)
        if compare_whole:
            diff = _whole_diff(data, policy, scenario, entity)

    from ownership.prepare.in_force import holdings_in_force

    live = holdings_in_force(part.holdings, policy.as_of)
    pairs: dict[tuple[str, str], list[Holding]] = {}
    for h, ok in zip(part.holdings, live.tolist(), strict=True):
        if ok:
            pairs.setdefault((h.holder, h.subject), []).append(h)
    bounds = screen(base, policy, entity)
    notes: list[str] = []
    depth = _depths(part, entity)
    pairs = dict(sorted(pairs.items(), key=lambda item: (depth.get(item[0][1], 0), item[0])))

    if bounds is not None:
        asked = [pair for pair in pairs if bounds.may_change_by_drop(*pair, baseline.status)]
    else:
        asked = [] if baseline.status is Status.HOME else list(pairs)
    room = asker.room()
    if len(asked) > room:
        notes.append(
            f"work limit: {len(asked) - room} of the {len(pairs)} holdings upstream (the farthest from {entity}) "
            "were not checked for being pivotal; the list of pivotal holdings may be incomplete"
        )
        asked = asked[:room]
    answers = asker.changed([Change(ChangeKind.DROP, holder, subject) for holder, subject in asked])
    pivotal: list[Pivotal] = []
    for (holder, subject), answer in zip(asked, answers, strict=True):
        if answer.status is not baseline.status:
            stakes = [h.stake for h in pairs[holder, subject] if h.stake is not None]
            pivotal.append(Pivotal(holder, subject, Stake.merged(stakes) if stakes else None, answer.status))
    pivotal.sort(key=lambda p: (p.holder, p.subject))

    cures: list[Cure] = []
    why = ""
    if baseline.status is Status.HOME:
        why = f"{entity} is itself a home entity: no holding changes that, only its own country or the watch list"
    elif baseline.status is Status.CLEAR:
        why = f"{entity} is already clear"
    elif not pairs:
        why = (
            f"{entity} has no holders in force in the data: its owners are unknown, which no holding can "
            "change; record its holders"
        )
    else:
        with_stake = [pair for pair, rows in pairs.items() if any(h.stake is not None and not h.indirect for h in rows)]
        cures = _cures(asker, policy, with_stake, bounds)
        unexamined = sum(not c.examined for c in cures)
        if unexamined:
            notes.append(
                f"work limit: {unexamined} holdings upstream (the farthest from {entity}) were not examined for a "
                "cure; a smaller change than the best one found may exist among them"
            )
        cures.sort(key=lambda c: (c.change is None, round(c.change or 0.0, 12), c.holder, c.subject))
        if not cures or cures[0].change is None:
            why = (
                f"no single holding clears {entity}: for each of the {len(cures)} holdings with a stake upstream, "
                "even selling all of it to a party outside the watched set"
                + (" (or, for holders that are not home, new shares up to 100%)" if cures else "")
                + f" leaves {entity} {baseline.status.value}, since the rest still carry its deciding figure "
                "past the threshold (or leave it unknown)"
            )
    best = cures[0] if cures and cures[0].change is not None else None
    return WhatIf(
        entity=entity,
        name=part.entities[i].name,
        policy=policy,
        source_path=data.source.path,
        source_sha256=data.source.sha256,
        source_format=data.source.format,
        scenario=scenario,
        baseline=baseline,
        before=before,
        pivotal=tuple(pivotal),
        cure=tuple(cures),
        best=best,
        why=why,
        holdings_upstream=len(pairs),
        warnings=tuple(warnings) + base.warnings,
        diff=diff,
        fail_on=fail_on,
        notes=tuple(notes),
        checks=asker.checks,
        copies=asker.copies,
    )


def _cures(asker: _Asker, policy: Policy, pairs: list[tuple[str, str]], bounds: Screen | None) -> list[Cure]:
    """Per holding, the sale and the issue of new shares that clear the entity (fractions). Only the moves
    the bounds cannot rule out are checked (all of them without bounds); the others clear nothing."""
    part = asker.part
    targets = (
        _edge_value(policy.threshold, policy.comparison),
        _edge_value(policy.pass_threshold, policy.pass_comparison),
    )
    codes = asker.base_status
    statuses = {e.id: STATUSES[int(codes[k])] for k, e in enumerate(part.entities)}

    def facts_of(holder: str, subject: str) -> tuple[Stake, float]:
        # Only the holdings into the subject decide what the holder holds there and the most it may hold.
        into = asker.into.get(subject, [])
        mine = [h.holder == holder for h in into]
        return held(into, mine), most_held(into, mine, subject)

    facts = {pair: facts_of(*pair) for pair in pairs}
    may_sell = {pair for pair in pairs if bounds is None or bounds.may_clear_by_sale(pair[0], pair[1], facts[pair][1])}
    may_issue = {
        pair
        for pair in pairs
        if statuses[pair[0]] is not Status.HOME and (bounds is None or bounds.may_clear_by_issue(*pair))
    }
    wanted = [pair for pair in pairs if pair in may_sell or pair in may_issue]
    room = asker.room() // 2
    skipped = set(wanted[room:])
    pairs = [pair for pair in pairs if pair not in skipped]

    def probe(kind: ChangeKind, holder: str, subject: str) -> Callable[[Sequence[float]], list[Point]]:
        def at(ps: Sequence[float]) -> list[Point]:
            answers = asker.changed([Change(kind, holder, subject, Stake.exact(p)) for p in ps])
            return [
                Point(p, a.status is Status.CLEAR, (a.deciding_high, a.subject_cascade_high))
                for p, a in zip(ps, answers, strict=True)
            ]

        return at

    def points(kind: ChangeKind, asked: list[tuple[tuple[str, str], float]]) -> list[Point]:
        answers = asker.changed([Change(kind, h, s, Stake.exact(p)) for (h, s), p in asked])
        return [
            Point(p, a.status is Status.CLEAR, (a.deciding_high, a.subject_cascade_high))
            for (_, p), a in zip(asked, answers, strict=True)
        ]

    # The ends first, every holding in one batch: a sale of everything, new shares up to 100%.
    sellers = [pair for pair in pairs if pair in may_sell]
    issuers = [pair for pair in pairs if pair in may_issue]
    sold_all = dict(zip(sellers, points(ChangeKind.SELL, [(pair, 0.0) for pair in sellers]), strict=True))
    issued_all = dict(zip(issuers, points(ChangeKind.ISSUE, [(pair, 1.0) for pair in issuers]), strict=True))
    sell_from = [pair for pair in sellers if sold_all[pair].clear]
    issue_from = [pair for pair in issuers if issued_all[pair].clear]
    sold_none = dict(
        zip(sell_from, points(ChangeKind.SELL, [(pair, facts[pair][1]) for pair in sell_from]), strict=True)
    )
    issued_none = dict(
        zip(issue_from, points(ChangeKind.ISSUE, [(pair, facts[pair][0].low) for pair in issue_from]), strict=True)
    )

    cures = []
    for pair in pairs:
        holder, subject = pair
        stake, most = facts[pair]
        low_max: float | None = None
        if pair in sold_none:
            top = sold_none[pair]
            if top.clear:
                low_max = most
            else:
                sell = probe(ChangeKind.SELL, holder, subject)
                a, b = edge(sell, sold_all[pair], top, targets)
                low_max = snapped(sell, a, b, 0.0, most).p
        high_min: float | None = None
        if pair in issued_none:
            start = issued_none[pair]
            if start.clear:
                high_min = stake.low
            else:
                issue = probe(ChangeKind.ISSUE, holder, subject)
                a, b = edge(issue, issued_all[pair], start, targets)
                high_min = snapped(issue, a, b, stake.low, 1.0).p
        moves = []
        if low_max is not None:
            moves.append((max(most - low_max, 0.0), "sell"))
        if high_min is not None:
            moves.append((max(high_min - stake.low, 0.0), "issue"))
        change, kind = min(moves) if moves else (None, "")
        cures.append(Cure(holder, subject, stake, low_max, high_min, change, kind))
    for holder, subject in sorted(skipped):
        cures.append(Cure(holder, subject, facts_of(holder, subject)[0], None, None, None, "", examined=False))
    return cures


def _depths(part: Upstream, entity: str) -> dict[str, int]:
    """Per entity of the part, how many holdings its shortest chain to ``entity`` has."""
    holders: dict[str, list[str]] = {}
    for h in part.holdings:
        holders.setdefault(h.subject, []).append(h.holder)
    depth = {entity: 0}
    level = [entity]
    while level:
        following = []
        for subject in level:
            for holder in holders.get(subject, []):
                if holder not in depth:
                    depth[holder] = depth[subject] + 1
                    following.append(holder)
        level = following
    return depth


def _whole_diff(data: OwnershipData, policy: Policy, scenario: Scenario, entity: str) -> object:
    """The whole check of the changed data compared with the data as read."""
    from ownership import pipeline
    from ownership.analysis.diff import compare

    entities, holdings = apply(list(data.entities), list(data.holdings), scenario, policy.jurisdictions)
    changed = OwnershipData(entities, holdings, data.source, data.warnings)
    old = pipeline.check(data, policy, (entity,))
    new = pipeline.check(changed, policy, (entity,))
    return compare(old, new, old_data=data, new_data=changed)


__all__ = ["Cure", "Pivotal", "Standing", "Upstream", "WhatIf", "analyse", "upstream"]
