"""Run a check: prepare the graph for the policy, evaluate both bounds, decide statuses, explain them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ownership.engine.decide import decide, status_codes
from ownership.engine.edges import BoolArray
from ownership.engine.evaluate import evaluate
from ownership.errors import DataWarning, PolicyError, short
from ownership.explanation.explainer import Explainer
from ownership.model import OwnershipData, Policy
from ownership.model.tables import EntityTable
from ownership.prepare.graph import build_graph
from ownership.result import CheckResult, CodedTexts, EntityVerdict, Figures, Verdicts, id_ranks

_MAX_NAMED = 10


def _name_list(ids: Sequence[str]) -> str:
    shown = ", ".join(short(i) for i in ids[:_MAX_NAMED])
    return shown + (f" and {len(ids) - _MAX_NAMED} more" if len(ids) > _MAX_NAMED else "")


def resolve_targets(data: OwnershipData, targets: Sequence[str]) -> tuple[str, ...]:
    """Entity ids for the user's ``--entity`` values (ids, or unique names, case-insensitive).

    Raises:
        PolicyError: a value matches no entity, or a name matches several.
    """
    if not targets:
        return ()
    table = EntityTable.of(data.entities)
    by_folded_id: dict[str, str] | None = None
    by_name: dict[str, list[str]] | None = None
    found: list[str] = []
    for raw in targets:
        text = raw.strip()
        key = " ".join(text.split()).casefold()
        match = text if text in table.position else None
        if match is None:
            if by_folded_id is None:
                by_folded_id = {i.casefold(): i for i in reversed(table.ids)}
            match = by_folded_id.get(key)
        if match is None:
            if by_name is None:
                by_name = defaultdict(list)
                for entity_id, name in zip(table.ids, table.names, strict=True):
                    by_name[" ".join(name.split()).casefold()].append(entity_id)
            names = by_name.get(key, [])
            if len(names) > 1:
                raise PolicyError(f"--entity '{text}' names {len(names)} entities ({_name_list(names)}); use an id")
            match = names[0] if names else None
        if match is None:
            raise PolicyError(f"--entity '{text}' is not an entity id or name in {data.source.path}")
        if match not in found:
            found.append(match)
    return tuple(found)


#: Entities given a derivation and chains by default; the rest of a very large input gets figures and
#: reasons in words only (deciding, flagged and possible entities are explained first).
EXPLAIN_LIMIT = 5_000


def check(
    data: OwnershipData, policy: Policy, targets: Sequence[str] = (), explain_limit: int = EXPLAIN_LIMIT
) -> CheckResult:
    """Evaluate ``data`` under ``policy``.

    Args:
        data: entities and holdings as read.
        policy: the rule to apply (fractions 0..1), with its watch list if any.
        targets: entity ids or names that decide the exit code; all entities when empty.
        explain_limit: at most this many entities get their cascade derivation and look-through chains
            (the deciding ones first, then by severity); 0 for none.

    Returns:
        The result object every report renders.

    Raises:
        InputError: the data cannot be evaluated (e.g. over-allocated subjects not allowed by the policy).
        PolicyError: the policy or the targets are invalid.
    """
    if not policy.jurisdictions and not policy.watchlist:
        raise PolicyError("nothing to watch: name a country with -j (for example -j CN) or a --watchlist")
    chosen = resolve_targets(data, targets)
    warnings = list(data.warnings)
    watched: dict[str, frozenset[str]] = {}
    if policy.watchlist:
        from ownership.readers.watchlist import match_watchlist

        watched, watch_warnings = match_watchlist(policy.watchlist, data.entities)
        warnings += watch_warnings
    graph = build_graph(data, policy, watched)
    warnings += graph.warnings
    ev = evaluate(graph, policy)
    if not policy.in_force:
        warnings.append(
            DataWarning(
                "rule_not_in_force",
                f"{policy.name}: {policy.note or 'the rule does not apply on ' + policy.as_of.isoformat()}; "
                "the figures are shown for information and do not decide the exit code",
            )
        )
    for members in ev.low.closed_loops:
        ids = [graph.entities[i].id for i in members.tolist()]
        warnings.append(
            DataWarning(
                "closed_loop",
                f"{_name_list(ids)} hold each other entirely and have no outside owner: their look-through "
                "figure is unknown and reported as 0",
                graph.entities[int(members[0])].where,
            )
        )
    if ev.self_supporting.any():
        ids = [graph.entities[i].id for i in np.flatnonzero(ev.self_supporting).tolist()]
        warnings.append(
            DataWarning(
                "self_supporting_loop",
                f"{_name_list(ids)} would be tainted in the cascade only by assuming a loop controls itself; "
                "the rule's least fixpoint does not count them, but a regulator might look at them",
            )
        )

    passes_low, passes_high = decide(
        policy,
        (ev.low.cascade, ev.high.cascade),
        (ev.low.lookthrough, ev.high.lookthrough),
        (ev.low.via_control, ev.high.via_control),
    )
    status = np.asarray(status_codes(graph.home, passes_low, passes_high, np.where), dtype=np.int8)
    if chosen:
        deciding = np.zeros(graph.n, dtype=np.bool_)
        deciding[[graph.index[t] for t in chosen]] = True
    else:
        deciding = np.ones(graph.n, dtype=np.bool_)
    figures = Figures(
        status,
        ev.low.cascade,
        ev.high.cascade,
        ev.low.lookthrough,
        ev.high.lookthrough,
        deciding,
        id_ranks(graph.entities.ids),
    )
    detailed = np.zeros(graph.n, dtype=np.bool_)
    detailed[figures.order()[:explain_limit]] = True
    explainer = Explainer(graph, policy, ev, warnings)
    return CheckResult(
        policy=policy,
        source=data.source,
        verdicts=ExplainedVerdicts(explainer, figures, detailed),
        warnings=tuple(warnings),
        targets=chosen,
        holdings_used=len(graph.holdings),
        holdings=data.holdings,
    )


class ExplainedVerdicts(Verdicts):
    """The verdicts of one check: figures as columns, each verdict's words built (once) when asked for."""

    def __init__(self, explainer: Explainer, figures: Figures, detailed: BoolArray) -> None:
        super().__init__(explainer.graph.entities, figures)
        self.explainer, self.detailed = explainer, detailed
        self.built: dict[int, EntityVerdict] = {}

    def verdict(self, i: int) -> EntityVerdict:
        found = self.built.get(i)
        if found is None:
            f = self.figures
            found = self.explainer.verdict(i, f.statuses(i), bool(f.decides[i]), bool(self.detailed[i]))
            self.built[i] = found
        return found

    @cached_property
    def _reasons(self) -> CodedTexts:
        return self.explainer.reasons(self.figures.status)

    def reasons(self) -> Sequence[str]:
        return self._reasons

    def reasons_of(self, at: npt.NDArray[np.int64]) -> CodedTexts:
        if "_reasons" in self.__dict__:
            return CodedTexts(self._reasons.codes[at], self._reasons.values)
        return self.explainer.reasons(self.figures.status, at)

    def label_columns(self) -> tuple[CodedTexts, CodedTexts]:
        return self._label_columns

    @cached_property
    def _label_columns(self) -> tuple[CodedTexts, CodedTexts]:
        # Only home and flagged entities carry labels; those with the same key (the same countries, or the
        # same sources reaching them) share them, so each distinct set is worded once.
        joined = np.zeros(len(self), dtype=np.int32)
        ranked = np.zeros(len(self), dtype=np.int32)
        texts: tuple[dict[str, int], dict[str, int]] = ({"": 0}, {"": 0})
        order = self.explainer.policy.label_order

        def code(i: int) -> tuple[int, int]:
            own = self.explainer.labels(i)
            first = next((label for label in order if label in own), "")
            return (
                texts[0].setdefault("; ".join(own), len(texts[0])),
                texts[1].setdefault(first, len(texts[1])),
            )

        at = np.flatnonzero(self.figures.status <= 1)
        keys = self.explainer.label_keys(at)
        alone = keys == -1
        for i in at[alone].tolist():
            joined[i], ranked[i] = code(i)
        shared = at[~alone]
        _, first, inverse = np.unique(keys[~alone], return_index=True, return_inverse=True)
        codes = np.array([code(int(shared[k])) for k in first.tolist()], dtype=np.int32).reshape(-1, 2)
        joined[shared], ranked[shared] = codes[inverse, 0], codes[inverse, 1]
        return CodedTexts(joined, list(texts[0])), CodedTexts(ranked, list(texts[1]))


__all__ = ["EXPLAIN_LIMIT", "check", "resolve_targets"]
