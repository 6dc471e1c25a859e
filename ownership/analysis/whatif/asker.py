"""Checks of an entity's upstream part with one change made, many at once: each change gets its own copy of
the part, and the copies, which share no holding, are checked as one graph by the check itself
(``ownership.pipeline.check``), so every verdict is the engine's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ownership.analysis.whatif import union
from ownership.analysis.whatif.part import Upstream
from ownership.analysis.whatif.scenario import OUTSIDE_ID, OUTSIDE_NAME, Change, Scenario, apply, outside_country
from ownership.model import Entity, Holding, OwnershipData, Policy
from ownership.result import STATUSES, CheckResult, Status

if TYPE_CHECKING:
    from ownership.model.tables import HoldingTable


#: Holdings in one batched check: the copies of the upstream part checked side by side in one graph.
_BATCH_ROWS = 200_000
#: Copies of the upstream part in one batched check at most.
_BATCH_COPIES = 400
#: Holdings checked in all (copies times the part's holdings) before questions are left unasked; about
#: a check of a million holdings, a few seconds. The answer then says which holdings were not examined.
WORK_LIMIT = 1_000_000


class Asker:
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

    def changed(self, changes: Sequence[Change]) -> list[Answer]:
        """The entity's status and figures with each change made alone, in order."""
        answers: list[Answer] = []
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

    def _batch(self, changes: Sequence[Change]) -> list[Answer]:
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
            found.append(Answer(STATUSES[int(f.status[i])], float(deciding[i]), float(f.cascade_high[s])))
        return found


@dataclass(frozen=True, slots=True)
class Answer:
    """The entity in one changed check: its status, its deciding figure's high bound, and the changed
    holding's subject's cascade high bound (fractions)."""

    status: Status
    deciding_high: float
    subject_cascade_high: float


__all__ = ["WORK_LIMIT", "Answer", "Asker"]
