"""Properties of ``ownership.owners`` on generated structures (cross-holdings allowed): the ultimate owners'
shares add up to at most 100%, and to exactly 100% with the unallocated and closed-loop parts; and each
ultimate owner's figures are what ``check`` computes with that owner alone watched."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ownership
from ownership.analysis.owners import Role, ultimate_total
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake
from ownership.result import Status

Structure = tuple[int, list[tuple[int, int, float, float]], list[tuple[int, int]]]


@st.composite
def structures(draw: st.DrawFn) -> Structure:
    """Up to seven companies; E0 is the entity asked about. Holdings between them (loops allowed), each
    subject's low ends adding up to at most 100%; some stakes are ranges; up to two control rows (control
    without equity). Companies without holders are ultimate owners."""
    n = draw(st.integers(2, 7))
    holdings: list[tuple[int, int, float, float]] = []
    for subject in range(n):
        room = 1.0
        for holder in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            if holder == subject or room <= 0.01:
                continue
            low = draw(st.integers(1, int(room * 100))) / 100
            high = low if draw(st.booleans()) else min(room, low + draw(st.integers(0, 30)) / 100)
            holdings.append((holder, subject, low, high))
            room -= low
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    return n, holdings, draw(st.lists(pairs, max_size=2, unique=True))


def build(structure: Structure, home: int | None = None) -> OwnershipData:
    n, rows, controls = structure
    ids = [f"E{k}" for k in range(n)]
    entities = tuple(
        Entity(i, i, EntityType.COMPANY, jurisdiction="CN" if k == home else "US", ultimate=True)
        for k, i in enumerate(ids)
    )
    holdings = tuple(Holding(ids[h], ids[s], Stake(lo, hi)) for h, s, lo, hi in rows)
    holdings += tuple(Holding(ids[h], ids[s], None, control=True) for h, s in controls)
    return OwnershipData(entities, holdings, SourceInfo("gen", "0" * 64, "test"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures())
def test_the_ultimate_owners_add_up_to_at_most_100_percent(structure: Structure) -> None:
    found = ownership.owners(build(structure), "E0", intermediates=True)
    total = ultimate_total(found)
    assert total <= 1.0 + 1e-9
    assert abs(total + found.unallocated + found.closed_loop - 1.0) <= 1e-9
    for o in found.owners:
        assert 0.0 <= o.lookthrough.low <= o.lookthrough.high <= 1.0
        assert 0.0 <= o.cascade.low <= o.cascade.high <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures(), st.sampled_from(["default", "ofac", "amlr", "uk", "eu"]))
def test_each_owner_has_the_figures_check_gives_with_it_alone_watched(structure: Structure, profile: str) -> None:
    # One solve for all owners must agree with one check per owner, intermediaries included: the engine's
    # look-through and cascade figures of E0 with only that owner in CN, at both bounds, and its status.
    found = ownership.owners(build(structure), "E0", intermediates=True, profile=profile, as_of="2027-08-01")
    for o in found.owners:
        k = int(o.entity.id[1:])
        if k == 0:
            continue  # E0 as its own ultimate owner: home when watched, nothing to compare
        verdict = ownership.check(
            build(structure, home=k), jurisdictions=["CN"], profile=profile, as_of="2027-08-01"
        ).verdict("E0")
        assert abs(o.lookthrough.low - verdict.lookthrough.low) <= 1e-9
        assert abs(o.cascade.low - verdict.cascade.low) <= 1e-9
        assert abs(o.cascade.high - verdict.cascade.high) <= 1e-9
        # Over the threshold alone is what check says of E0 with the owner the one watched party.
        assert o.over_threshold == (verdict.status is Status.FLAGGED)
        if o.role is Role.ULTIMATE:
            # Exact for an owner with no holders; an intermediary's high bound may only be higher.
            assert abs(o.lookthrough.high - verdict.lookthrough.high) <= 1e-9
            assert o.possibly_over_threshold == (verdict.status is Status.POSSIBLE)
        else:
            assert o.lookthrough.high >= verdict.lookthrough.high - 1e-9
