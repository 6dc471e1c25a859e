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

from ownership.analysis.whatif.answer import Cure, Pivotal, Standing, WhatIf
from ownership.analysis.whatif.asker import WORK_LIMIT, Asker
from ownership.analysis.whatif.cures import cures as find_cures
from ownership.analysis.whatif.part import NO_CHANGE, Upstream, depths, upstream
from ownership.analysis.whatif.scenario import Change, ChangeKind, Scenario, apply
from ownership.analysis.whatif.screen import screen
from ownership.errors import DataWarning
from ownership.model import Holding, OwnershipData, Policy, Stake
from ownership.result import STATUSES, CheckResult, FailOn, Interval, Status


def _standing(result: CheckResult, i: int) -> Standing:
    f = result.figures
    return Standing(
        STATUSES[int(f.status[i])],
        Interval(float(f.cascade_low[i]), float(f.cascade_high[i])),
        Interval(float(f.lookthrough_low[i]), float(f.lookthrough_high[i])),
    )


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
    asker = Asker(part, policy, data, watched)
    base = asker.check(part.entities, part.holdings)
    asker.base_status = base.figures.status
    i = part.position
    baseline = _standing(base, i)
    before: Standing | None = None
    diff: object | None = None
    if scenario:
        plain = upstream(data, entity)
        first = Asker(plain, policy, data, watched).check(plain.entities, plain.holdings)
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
    depth = depths(part, entity)
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
        cures = find_cures(asker, policy, with_stake, bounds)
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


def _whole_diff(data: OwnershipData, policy: Policy, scenario: Scenario, entity: str) -> object:
    """The whole check of the changed data compared with the data as read."""
    from ownership import pipeline
    from ownership.analysis.diff import compare

    entities, holdings = apply(list(data.entities), list(data.holdings), scenario, policy.jurisdictions)
    changed = OwnershipData(entities, holdings, data.source, data.warnings)
    old = pipeline.check(data, policy, (entity,))
    new = pipeline.check(changed, policy, (entity,))
    return compare(old, new, old_data=data, new_data=changed)


__all__ = ["NO_CHANGE", "WORK_LIMIT", "Cure", "Pivotal", "Standing", "Upstream", "WhatIf", "analyse", "upstream"]
