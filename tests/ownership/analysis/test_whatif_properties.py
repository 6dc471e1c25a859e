"""Properties of ``ownership.whatif``'s cures, checked by the whole check (``ownership.check``) of the data
with the cure applied, not by the search's own copies:

* applying a reported cure makes the entity clear;
* a change just short of it (1e-6 percentage points less of a sale, or less of an issue) does not;
* a holding reported pivotal changes the status when removed, and the status it reports is the one the
  check gives.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ownership
from ownership.analysis.whatif import Change, ChangeKind, Scenario, apply, whatif
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.result import Status

#: "Just short" of a cure, as a fraction: 1e-6 percentage points, past the search's 1e-9 bracket and the
#: 5e-9 it may move a reported stake into the clear side.
SHORT = 1e-8


@st.composite
def structures(draw: st.DrawFn) -> tuple[OwnershipData, str, dict[str, object]]:
    """A target X held by two or three parties (some CN), sometimes through an intermediary M."""
    parties = ["P", "Q", "R"][: draw(st.integers(2, 3))]
    countries = {p: draw(st.sampled_from(["CN", "US"])) for p in parties}
    through = draw(st.booleans())
    entities = [Entity(p, p, EntityType.PERSON, jurisdiction=countries[p]) for p in parties]
    entities.append(Entity("X", "X", EntityType.COMPANY, jurisdiction="US"))
    holdings = []
    subject_of = {p: "X" for p in parties}
    if through:
        entities.append(Entity("M", "M", EntityType.COMPANY, jurisdiction="US"))
        subject_of[parties[0]] = "M"
        holdings.append(Holding("M", "X", Stake.exact(draw(st.integers(30, 90)) / 100)))
    left = {"X": 100 - (holdings[0].stake.low * 100 if holdings and holdings[0].stake else 0), "M": 100.0}
    for p in parties:
        s = subject_of[p]
        cap = int(left[s])
        if cap <= 0:
            continue
        pct = draw(st.integers(1, cap))
        left[s] -= pct
        holdings.append(Holding(p, s, Stake.exact(pct / 100)))
    settings_ = {
        "jurisdictions": ["CN"],
        "threshold": draw(st.sampled_from([25, 50])),
        "comparison": draw(st.sampled_from(["gt", "ge"])),
        "method": draw(st.sampled_from(["cascade", "lookthrough", "either"])),
    }
    return OwnershipData(entities, holdings, SourceInfo("prop", "0" * 64, "test")), "X", settings_


def _status(data: OwnershipData, change: Change, settings_: dict[str, object]) -> Status:
    entities, holdings = apply(list(data.entities), list(data.holdings), Scenario((change,)), frozenset({"CN"}))
    result = ownership.check(OwnershipData(entities, holdings, data.source), **settings_)  # type: ignore[arg-type]
    return result.verdict("X").status


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures())
def test_a_cure_clears_and_just_short_of_it_does_not(case: tuple[OwnershipData, str, dict[str, object]]) -> None:
    data, x, settings_ = case
    w = whatif(data, x, **settings_)  # type: ignore[arg-type]
    for c in w.cure:
        if c.max is not None:
            assert _status(data, Change(ChangeKind.SELL, c.holder, c.subject, Stake.exact(c.max)), settings_) is (
                Status.CLEAR
            )
            short = c.max + SHORT
            if c.change is not None and c.change > SHORT and short <= c.stake.high:
                sold = Change(ChangeKind.SELL, c.holder, c.subject, Stake.exact(short))
                assert _status(data, sold, settings_) is not Status.CLEAR
        if c.min is not None:
            issued = Change(ChangeKind.ISSUE, c.holder, c.subject, Stake.exact(c.min))
            assert _status(data, issued, settings_) is Status.CLEAR
            short = c.min - SHORT
            if short >= c.stake.low and c.min - c.stake.low > SHORT:
                less = Change(ChangeKind.ISSUE, c.holder, c.subject, Stake.exact(short))
                assert _status(data, less, settings_) is not Status.CLEAR
    if w.best is not None:
        # The smallest change (ties within float rounding are broken by holder and subject).
        assert w.best.change is not None
        assert w.best.change <= min(c.change for c in w.cure if c.change is not None) + 1e-12


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures())
def test_pivotal_holdings_change_the_status_when_removed(case: tuple[OwnershipData, str, dict[str, object]]) -> None:
    data, x, settings_ = case
    w = whatif(data, x, **settings_)  # type: ignore[arg-type]
    # The upstream part alone gives the whole check's verdict.
    whole = ownership.check(data, **settings_).verdict("X")  # type: ignore[arg-type]
    assert w.baseline.status is whole.status and w.baseline.cascade == whole.cascade
    pivotal = {(p.holder, p.subject): p.status_without for p in w.pivotal}
    for h in data.holdings:
        found = _status(data, Change(ChangeKind.DROP, h.holder, h.subject), settings_)
        if (h.holder, h.subject) in pivotal:
            assert found is pivotal[h.holder, h.subject] and found is not w.baseline.status
        else:
            assert found is w.baseline.status
