"""Per holding upstream of an entity, the sale and the issue of new shares that make it ``clear``, found by a
bracketed search on the engine's own verdicts (``search``), asked only where the bounds (``screen``) cannot
rule the move out. Fractions 0..1."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ownership.analysis.whatif.answer import Cure
from ownership.analysis.whatif.asker import Asker
from ownership.analysis.whatif.scenario import Change, ChangeKind, held, most_held
from ownership.analysis.whatif.screen import Screen
from ownership.analysis.whatif.search import Point, edge, snapped
from ownership.model import TOLERANCE, Comparison, Policy, Stake
from ownership.result import STATUSES, Status


def _edge_value(threshold: float, comparison: Comparison) -> float:
    """The figure at which the threshold test turns, with the tolerance (``ownership.model.passes``)."""
    return threshold + TOLERANCE if comparison is Comparison.GT else threshold - TOLERANCE


def cures(asker: Asker, policy: Policy, pairs: list[tuple[str, str]], bounds: Screen | None) -> list[Cure]:
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


__all__ = ["cures"]
