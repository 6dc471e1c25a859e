"""The bounds that spare ``whatif`` most of its checks (``ownership.analysis.whatif.screen``).

* Hand-computed: the weight of the walks from each entity to X through a cross-holding, and the cascade's
  bounds along a chain of tainted companies.
* Property (hypothesis): on random graphs (cycles, ranges, unknown countries, ties at the threshold, every
  method and comparison), the answer with the bounds is the answer without them: the same pivotal holdings
  and the same cures to 1e-9. A bound that ruled out a change that moves the verdict would fail this.
* A large upstream part: every holding examined, far fewer checks than holdings, no work-limit note.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownership.analysis.whatif import analysis
from ownership.analysis.whatif.analysis import analyse, upstream
from ownership.analysis.whatif.screen import screen
from ownership.model import (
    Comparison,
    Entity,
    EntityType,
    Holding,
    Method,
    OwnershipData,
    Policy,
    SourceInfo,
    Stake,
)
from ownership.pipeline import check

SOURCE = SourceInfo("screen", "0" * 64, "test")


def _policy(**changes: Any) -> Policy:
    return Policy(**{"jurisdictions": frozenset({"CN"}), "as_of": date(2026, 1, 1), **changes})


def _company(i: str, country: str | None = "US") -> Entity:
    return Entity(i, i, EntityType.COMPANY, country)


def test_walks_through_a_cross_holding_count_every_return() -> None:
    # A holds 40% of X (U, in the US, the other 60%), X holds 50% of A, B (CN) holds the other 50% of A.
    # The walks from A to X weigh 0.4 * (1 + 0.2 + 0.2^2 + ...) = 0.4 / 0.8 = 0.5, and from X to itself
    # 1 / 0.8 = 1.25; B is home, so nothing upstream of it moves it (its figure is 1 whatever happens).
    data = OwnershipData(
        (_company("X"), _company("A"), _company("B", "CN"), Entity("U", "U", EntityType.PERSON, "US")),
        (
            Holding("A", "X", Stake.exact(0.4)),
            Holding("U", "X", Stake.exact(0.6)),
            Holding("X", "A", Stake.exact(0.5)),
            Holding("B", "A", Stake.exact(0.5)),
        ),
        SOURCE,
    )
    policy = _policy(threshold=0.2, method=Method.LOOKTHROUGH)
    bounds = screen(check(data, policy, ("X",)), policy, "X")
    assert bounds is not None
    at = bounds.index
    assert bounds.low.walks[at["X"]] == pytest.approx(1.25, abs=1e-12)
    assert bounds.low.walks[at["A"]] == pytest.approx(0.5, abs=1e-12)
    # X's look-through: x_A = 0.5 + 0.5 x_X, x_X = 0.4 x_A, so x_X = 0.25 and x_A = 0.625.
    assert bounds.low.figures["lookthrough"] == pytest.approx(0.25, abs=1e-12)
    # Selling B's stake moves A by at most 0.5 (all B carried), so X by at most 0.5 * 0.5 = 0.25: X's whole
    # figure, so it may clear (it does: X is then held by nobody watched).
    assert bounds.may_clear_by_sale("B", "A", 0.5)
    # Selling U's stake cannot: U carries nothing watched into X.
    assert not bounds.may_clear_by_sale("U", "X", 0.6)
    w = analyse(data, policy, "X")
    best = {(c.holder, c.subject): c for c in w.cure}
    assert best["B", "A"].max is not None


def test_the_cascade_bound_follows_only_chains_of_tainted_companies() -> None:
    # P (CN) holds 60% of A, A 60% of B, B 30% of X; Q (CN) holds 30% of X directly; C (US) holds 60% of D,
    # D 40% of X. Under "more than 50%", A and B are tainted, C and D are not. X's cascade is 0.3 + 0.3 =
    # 0.6. A change at A can untaint A and B and so take B's 30% from X; a change at C or D cannot move the
    # cascade at all (nothing tainted lies on their chains).
    data = OwnershipData(
        (
            _company("X"),
            _company("A"),
            _company("B"),
            _company("C"),
            _company("D"),
            Entity("P", "P", EntityType.PERSON, "CN"),
            Entity("Q", "Q", EntityType.PERSON, "CN"),
        ),
        (
            Holding("P", "A", Stake.exact(0.6)),
            Holding("A", "B", Stake.exact(0.6)),
            Holding("B", "X", Stake.exact(0.3)),
            Holding("Q", "X", Stake.exact(0.3)),
            Holding("C", "D", Stake.exact(0.6)),
            Holding("D", "X", Stake.exact(0.4)),
        ),
        SOURCE,
    )
    policy = _policy(threshold=0.5, method=Method.CASCADE)
    bounds = screen(check(data, policy, ("X",)), policy, "X")
    assert bounds is not None
    at = bounds.index
    fall = bounds.low.cascade_fall
    assert fall[at["A"]] == pytest.approx(0.3)
    assert fall[at["B"]] == pytest.approx(0.3)
    assert fall[at["D"]] == 0.0 and fall[at["C"]] == 0.0
    # X is flagged at 60%: removing P's stake in A takes at most 30 points, leaving 30% (fails "more than
    # 50%"): it may change the status, and it does; removing C's stake in D cannot.
    assert bounds.may_change_by_drop("P", "A", analysis.Status.FLAGGED)
    assert not bounds.may_change_by_drop("C", "D", analysis.Status.FLAGGED)
    w = analyse(data, policy, "X")
    assert {(p.holder, p.subject) for p in w.pivotal} == {("P", "A"), ("A", "B"), ("B", "X"), ("Q", "X")}


def test_a_taint_that_leans_on_itself_through_a_loop_may_fall_away() -> None:
    # X (US) is held 30% by C (CN) and 30% by M (US); M is held 20% by C and 10% by X. Under "more than
    # 25%" X is tainted (60%), and so is M (20% + X's 10% = 30%). Remove C's stake in X: counted with the
    # old taints X keeps M's 30% and still passes, but M's taint leaned on X's, and the least fixpoint
    # has neither (M: 20%, X: 0%). The low bound falls to 0 and the unallocated 30% makes X possible.
    # A bound that trusted the old taints missed this (hypothesis found it).
    data = OwnershipData(
        (_company("X"), _company("M"), _company("C", "CN")),
        (
            Holding("C", "X", Stake.exact(0.3)),
            Holding("M", "X", Stake.exact(0.3)),
            Holding("C", "M", Stake.exact(0.2)),
            Holding("X", "M", Stake.exact(0.1)),
        ),
        SOURCE,
    )
    policy = _policy(threshold=0.25, method=Method.CASCADE)
    w = analyse(data, policy, "X")
    assert w.baseline.status is analysis.Status.FLAGGED
    assert [(p.holder, p.subject, p.status_without) for p in w.pivotal] == [("C", "X", analysis.Status.POSSIBLE)]


# ----------------------------------------------------------------------------------------------- property


@st.composite
def cases(draw: Any) -> tuple[OwnershipData, str]:
    n = draw(st.integers(3, 7))
    ids = [f"E{i}" for i in range(n)]
    countries = st.sampled_from(["CN", "US", "US", "GB", None])
    entities = [
        Entity(
            i, i, draw(st.sampled_from([EntityType.COMPANY, EntityType.COMPANY, EntityType.PERSON])), draw(countries)
        )
        for i in ids
    ]
    entities[0] = Entity("E0", "E0", EntityType.COMPANY, "US")  # the entity asked about
    holdings: list[Holding] = []
    for s in range(n):
        if entities[s].type is EntityType.PERSON:
            continue
        holders = draw(st.lists(st.sampled_from([i for i in range(n) if i != s]), unique=True, min_size=1, max_size=3))
        room = 100
        for h in holders:
            if room <= 0:
                break
            low = draw(st.sampled_from([10, 20, 25, 30, 40, 50, 60, 75, 100]))
            low = min(low, room)
            high = min(100, low + (draw(st.sampled_from([5, 25])) if draw(st.booleans()) else 0))
            room -= low
            holdings.append(Holding(ids[h], ids[s], Stake(low / 100, high / 100)))
    return OwnershipData(tuple(entities), tuple(holdings), SOURCE), "E0"


rules = st.fixed_dictionaries(
    {
        "threshold": st.sampled_from([0.25, 0.5]),
        "comparison": st.sampled_from(list(Comparison)),
        "method": st.sampled_from(list(Method)),
    }
)


def _answer(w: analysis.WhatIf) -> tuple[object, ...]:
    def rounded(v: float | None) -> float | None:
        return None if v is None else round(v, 9)

    cures = sorted((c.holder, c.subject, rounded(c.max), rounded(c.min), rounded(c.change)) for c in w.cure)
    pivotal = sorted((p.holder, p.subject, p.status_without) for p in w.pivotal)
    return w.baseline.status, tuple(pivotal), tuple(cures), w.best is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), rules)
def test_the_bounds_never_change_the_answer(case: tuple[OwnershipData, str], rule: dict[str, Any]) -> None:
    data, x = case
    policy = _policy(**rule)
    screened = analyse(data, policy, x)
    with mock.patch.object(analysis, "screen", lambda *args: None):
        plain = analyse(data, policy, x)
    assert _answer(screened) == _answer(plain)
    assert screened.copies <= plain.copies


# ----------------------------------------------------------------------------------------------- a large part


def test_a_large_upstream_part_is_examined_whole() -> None:
    # X is held 70% by a CN company P and 30% by a US company U whose 3,000 holders (each through its own
    # chain of two companies) hold 1/3000 of it each. Under "more than 50%" with the look-through, only
    # P's stake can clear X alone (selling 20 points or more of it); no holding upstream of U carries
    # more than 0.01 points of X. Without the bounds the work limit left most holdings unexamined.
    people = 3000
    entities = [_company("X"), _company("P", "CN"), _company("U")]
    holdings = [Holding("P", "X", Stake.exact(0.7)), Holding("U", "X", Stake.exact(0.3))]
    for k in range(people):
        entities += [_company(f"M{k}"), Entity(f"H{k}", f"H{k}", EntityType.PERSON, "CN")]
        holdings += [Holding(f"M{k}", "U", Stake.exact(1 / people)), Holding(f"H{k}", f"M{k}", Stake.exact(1.0))]
    data = OwnershipData(tuple(entities), tuple(holdings), SOURCE)
    policy = _policy(threshold=0.5, method=Method.LOOKTHROUGH)
    assert len(upstream(data, "X").holdings) * 400 > analysis.WORK_LIMIT  # past the limit without bounds
    w = analyse(data, policy, "X")
    assert not w.notes
    assert all(c.examined for c in w.cure)
    assert w.best is not None and (w.best.holder, w.best.subject) == ("P", "X")
    assert w.best.max == pytest.approx(0.2, abs=1e-8)
    assert w.copies < 100
