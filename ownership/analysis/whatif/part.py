"""The part of the data upstream of one entity: every entity from which a chain of holdings leads to it, and
every holding into them. Only that part decides the entity's figures, so ``whatif`` asks its questions of it
alone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ownership.analysis.whatif.scenario import ChangeKind, Scenario, apply
from ownership.engine.edges import distinct
from ownership.errors import PolicyError
from ownership.model import Entity, Holding, OwnershipData

#: The empty scenario.
NO_CHANGE = Scenario()


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


def depths(part: Upstream, entity: str) -> dict[str, int]:
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


__all__ = ["NO_CHANGE", "Upstream", "depths", "upstream"]
